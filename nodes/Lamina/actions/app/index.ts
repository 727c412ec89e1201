import type { INodeProperties } from 'n8n-workflow';

import * as discover from './discover.operation';
import * as estimate from './estimate.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getWorkflow from './getWorkflow.operation';

export { discover, estimate, get, getAll, getWorkflow };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['app'] } },
		options: [
			{
				name: 'Discover',
				value: 'discover',
				description:
					"Read-only: find the app for a goal. Send what you want to make in plain words (optionally a credit ceiling and an output format); returns the best-fitting apps, best first, one item each, with appId, name, description, relevanceScore (0 to 1), whyMatch, capabilities and estimatedCredits per run. Run the chosen appId with Run App.",
				action: 'Discover apps for an intent',
			},
			{
				name: 'Estimate Cost',
				value: 'estimate',
				description:
					"Read-only: what one run of an app costs, in credits: expected, min and max, the cost of each step, the workspace's current balance and whether it covers a run. Starts nothing.",
				action: 'Estimate the cost of an app run',
			},
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
	...estimate.description,
	...discover.description,
];
