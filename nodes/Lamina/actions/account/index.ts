import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description:
					"Read-only: who the API key belongs to. Returns the user (ID, email), the workspace the key is scoped to (ID, name, slug, role) and every workspace the user is a member of.",
				action: 'Get the account',
			},
		],
		default: 'get',
	},
	...get.description,
];
