/** Content → Plan from Brief: Lamina's router plans (an app with drafted inputs, or a model recipe) and never dispatches. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { appLocator } from '../appLocator';

const show = { resource: ['content'], operation: ['plan'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Brief',
		name: 'brief',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A bright launch post for our new trail running shoe, outdoors at sunrise',
		description: 'What you want, in plain words. Lamina plans how to make it and starts nothing: show the plan to a person, then Run Plan.',
		displayOptions: { show },
	},
	{ ...appLocator({ show }, 'Optional: the app to plan with. Leave empty to let Lamina choose (or plan a model recipe).'), required: false },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Brand Profile ID', name: 'brandProfileId', type: 'string', default: '', description: 'The brand profile to apply' },
			{ displayName: 'Campaign ID', name: 'campaignId', type: 'string', default: '', description: 'The Lamina campaign this content belongs to' },
			{
				displayName: 'Inputs',
				name: 'inputs',
				type: 'json',
				default: '{}',
				description: 'Values already known (e.g. answers to an earlier askUser), by name: Lamina uses them and does not ask again',
			},
			{
				displayName: 'Modality',
				name: 'modality',
				type: 'options',
				options: [
					{ name: 'Image', value: 'image' },
					{ name: 'Video', value: 'video' },
				],
				default: 'image',
				description: 'The kind of content, when the brief does not make it clear',
			},
			{
				displayName: 'Number of Variants',
				name: 'numVariants',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 8 },
				default: 1,
				description: 'How many variants a model recipe makes, when no app fits (1–8)',
			},
			{ displayName: 'Platform', name: 'platform', type: 'string', default: '', placeholder: 'e.g. instagram', description: 'Where the content will be posted' },
		],
	},
];

interface PlanFields {
	brandProfileId?: string;
	campaignId?: string;
	inputs?: string | IDataObject;
	modality?: string;
	numVariants?: number;
	platform?: string;
}

export function prepare(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const brief = String(this.getNodeParameter('brief', itemIndex, '') ?? '').trim();
	if (!brief) {
		throw new NodeOperationError(this.getNode(), 'The brief is empty', {
			description: 'Write in "Brief" what you want Lamina to make, e.g. "A bright launch post for our new trail running shoe".',
			itemIndex,
		});
	}
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as PlanFields;
	const body: IDataObject = { brief };
	const appId = this.getNodeParameter('appId', itemIndex, '', { extractValue: true }) as unknown;
	if (typeof appId === 'string' && appId.trim()) body.appId = appId.trim();
	for (const key of ['platform', 'modality', 'brandProfileId', 'campaignId'] as const) {
		const value = fields[key];
		if (typeof value === 'string' && value.trim()) body[key] = value.trim();
	}
	if (fields.numVariants !== undefined) body.numVariants = fields.numVariants;
	const inputs =
		typeof fields.inputs === 'string'
			? jsonParse<unknown>(fields.inputs.trim() || '{}', { errorMessage: 'Inputs is not valid JSON. Write an object like {"Location": "Urban"}.' })
			: fields.inputs;
	if (inputs !== undefined && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))) {
		throw new NodeOperationError(this.getNode(), 'Inputs must be an object of name → value', { description: 'For example {"Location": "Urban"}, or {} for none.', itemIndex });
	}
	if (inputs && Object.keys(inputs).length) body.inputs = inputs as IDataObject;
	return body;
}

/** What to do with each answer, in a line a person or an agent can follow. */
function nextStep(plan: IDataObject): string {
	if (plan.status === 'needs_clarification') return 'Answer the clarifications in the brief and plan again (the only case where planning again is right).';
	if (plan.status === 'unmatched') return 'Rephrase the brief (say whether you want an image or a video), or choose an app.';
	const asks = Array.isArray(plan.askUser) ? plan.askUser.length : 0;
	return (
		(asks ? 'Ask a person the askUser questions, put the answers in Run Plan\'s "Input Overrides" by name, then ' : 'Review it, then ') +
		'pass this item to Content → Run Plan. Do not plan again: the router could choose differently.'
	);
}

/** The plan as Lamina gives it (read-only: nothing is dispatched), with the next step. */
export async function execute(this: IExecuteFunctions, itemIndex: number, body: IDataObject): Promise<IDataObject> {
	const plan = (await laminaData.call(this, { method: 'POST', path: '/v1/content/plan', body, itemIndex })) as IDataObject;
	return { ...plan, brief: body.brief, nextStep: nextStep(plan ?? {}) };
}
