import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as refine from './refine.operation';
import * as wait from './wait.operation';

export { cancel, create, get, getAll, refine, wait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Stop a queued or running run',
				action: 'Cancel a run',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get a run's status and outputs now, without waiting",
				action: 'Get a run',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List recent runs, newest first',
				action: 'Get many runs',
			},
			{
				name: 'Refine',
				value: 'refine',
				description:
					'Refine a finished run with feedback in plain words; Lamina re-runs the steps concerned (billed like a run) and the refined outputs come out as Run App’s do',
				action: 'Refine a run',
			},
			{
				name: 'Run App',
				value: 'create',
				description:
					"Run a Lamina app with inputs and return its outputs (image/video URLs, text) once it finishes",
				action: 'Run an app',
			},
			{
				name: 'Wait for Run',
				value: 'wait',
				description: 'Wait until a run started earlier finishes and return its outputs',
				action: 'Wait for a run',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...wait.description,
	...refine.description,
	...cancel.description,
];
