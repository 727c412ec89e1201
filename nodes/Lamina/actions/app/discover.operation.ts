import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';

const show = { resource: ['app'], operation: ['discover'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Intent',
		name: 'intent',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default: '',
		placeholder: 'e.g. Turn a product photo into a short looping video',
		description: 'What you want to make, in plain words. Lamina ranks the apps that fit it.',
		displayOptions: { show },
	},
	{
		displayName: 'Max Results',
		name: 'maxResults',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: 5,
		description: 'How many apps to return at most, best first',
		displayOptions: { show },
	},
	{
		displayName: 'Constraints',
		name: 'constraints',
		type: 'collection',
		placeholder: 'Add Constraint',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Max Credits',
				name: 'maxCredits',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description: 'Only apps whose estimated cost per run is at most this many credits',
			},
			{
				displayName: 'Output Format',
				name: 'outputFormat',
				type: 'options',
				options: [
					{ name: 'Audio', value: 'audio' },
					{ name: 'Image', value: 'image' },
					{ name: 'Text', value: 'text' },
					{ name: 'Video', value: 'video' },
				],
				default: 'image',
				description: 'Only apps that produce this kind of output',
			},
		],
	},
];

/**
 * One item per app Lamina ranks for the intent, best first (each with the intent as Lamina read it);
 * an intent nothing fits is one item that says so, so an agent gets an answer, not silence.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const intent = String(this.getNodeParameter('intent', itemIndex, '') ?? '').trim();
	if (!intent) {
		throw new NodeOperationError(this.getNode(), 'Intent is empty', {
			description: 'Write in "Intent" what you want to make, e.g. "a short looping video of a product photo".',
			itemIndex,
		});
	}
	const limit = this.getNodeParameter('maxResults', itemIndex, 5) as number;
	const given = this.getNodeParameter('constraints', itemIndex, {}) as { maxCredits?: number; outputFormat?: string };
	const constraints: IDataObject = {};
	if (typeof given.maxCredits === 'number') constraints.maxCredits = given.maxCredits;
	if (given.outputFormat) constraints.outputFormat = given.outputFormat;
	const data = (await laminaData.call(this, {
		method: 'POST',
		path: '/v1/apps/discover',
		body: { intent, ...(Object.keys(constraints).length ? { constraints } : {}), limit },
		itemIndex,
	})) as { matches?: IDataObject[]; intent?: IDataObject } | undefined;
	const interpretedIntent = data?.intent ?? null;
	const matches = Array.isArray(data?.matches) ? data.matches : [];
	if (!matches.length) {
		return [
			{
				appId: null,
				matched: false,
				intent: interpretedIntent,
				message: `No app matches "${intent}"${Object.keys(constraints).length ? ' within the constraints' : ''}. Reword the intent, loosen the constraints, or list the apps with App → Get Many.`,
			},
		];
	}
	return matches.slice(0, limit).map((match, rank) => ({ ...match, rank: rank + 1, matched: true, intent: interpretedIntent }));
}
