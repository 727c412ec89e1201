import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getWorkflow from './getWorkflow.operation';

export { get, getAll, getWorkflow };

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
			{
				name: 'Get Workflow',
				value: 'getWorkflow',
				description:
					'Read-only: the steps behind an app. Returns its inputs, its processing steps in running order, its outputs and a one-line summary.',
				action: 'Get the workflow of an app',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
	...getWorkflow.description,
];
