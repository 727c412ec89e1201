import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as plan from './plan.operation';
import * as runPlan from './runPlan.operation';

export { create, plan, runPlan };

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
			{
				name: 'Plan From Brief',
				value: 'plan',
				description: 'Let Lamina plan a brief (an app with drafted inputs, or a model recipe) without starting anything, e.g. to show a person first',
				action: 'Plan content from a brief',
			},
			{
				name: 'Run Plan',
				value: 'runPlan',
				description: 'Run a plan from Plan from Brief as it stands, with the answers to its questions',
				action: 'Run a content plan',
			},
		],
		default: 'create',
	},
	...create.description,
	...plan.description,
	...runPlan.description,
];
