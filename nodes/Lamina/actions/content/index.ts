import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['content'] } },
		options: [
			{
				name: 'Create From Brief',
				value: 'create',
				description:
					'Describe what you want; Lamina picks the app, drafts its inputs and runs it, or says what it still needs',
				action: 'Create content from a brief',
			},
		],
		default: 'create',
	},
	...create.description,
];
