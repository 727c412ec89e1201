import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['app'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get an app's inputs (parameters) and outputs",
				action: 'Get an app',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the apps this workspace can run',
				action: 'Get many apps',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
];
