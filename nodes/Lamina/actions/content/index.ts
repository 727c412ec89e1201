import type { INodeProperties } from 'n8n-workflow';

import * as brainstorm from './brainstorm.operation';
import * as create from './create.operation';
import * as plan from './plan.operation';
import * as runPlan from './runPlan.operation';
import * as score from './score.operation';

export { brainstorm, create, plan, runPlan, score };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['content'] } },
		options: [
			{
				name: 'Brainstorm Concepts',
				value: 'brainstorm',
				description:
					'Turn a goal into content concepts in the brand’s voice (title, concept, prompt, platform, format, predicted performance), one item each; nothing is made or billed as a run',
				action: 'Brainstorm content concepts',
			},
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
			{
				name: 'Score Content',
				value: 'score',
				description: 'Score content already published through Lamina by how it performed (read-only)',
				action: 'Score published content',
			},
		],
		default: 'create',
	},
	...brainstorm.description,
	...create.description,
	...score.description,
	...plan.description,
	...runPlan.description,
];
