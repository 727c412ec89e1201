import type { INodeProperties } from 'n8n-workflow';

import * as getBrandContext from './getBrandContext.operation';
import * as getRecommendations from './getRecommendations.operation';
import * as getTrends from './getTrends.operation';
import * as predict from './predict.operation';

export { getBrandContext, getRecommendations, getTrends, predict };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['intelligence'] } },
		options: [
			{
				name: 'Get Brand Context',
				value: 'getBrandContext',
				description:
					"Read the brand's voice, visual identity, content pillars, guardrails, prompt guidance and best-performing patterns (read-only; empty for a new workspace)",
				action: 'Get brand context',
			},
			{
				name: 'Get Recommendations',
				value: 'getRecommendations',
				description: "List Lamina's recommendations for the brand's content, with priority and summary (read-only; none for a new workspace)",
				action: 'Get recommendations',
			},
			{
				name: 'Get Trends',
				value: 'getTrends',
				description: 'Read the trending, emerging and declining content patterns for a platform and category over recent days (read-only)',
				action: 'Get trends',
			},
			{
				name: 'Predict Performance',
				value: 'predict',
				description:
					'Score a content concept for a platform and modality before making it: predicted performance, brand fit, trend alignment, fatigue risk and confidence, each 0 to 1, with reasons (read-only)',
				action: 'Predict performance',
			},
		],
		default: 'getBrandContext',
	},
	...getBrandContext.description,
	...getRecommendations.description,
	...getTrends.description,
	...predict.description,
];
