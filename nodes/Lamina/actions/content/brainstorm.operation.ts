import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';

const show = { resource: ['content'], operation: ['brainstorm'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Goal',
		name: 'goal',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. Launch our winter blend to remote workers',
		description: 'What the content should achieve; Lamina proposes concepts for it in the brand’s voice',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Brand Profile ID', name: 'brandProfileId', type: 'string', default: '', description: "The brand profile to use; by default the workspace's" },
			{ displayName: 'Count', name: 'count', type: 'number', typeOptions: { minValue: 1, maxValue: 10 }, default: 3, description: 'How many concepts to propose' },
			{
				displayName: 'Modality',
				name: 'modality',
				type: 'options',
				options: [
					{ name: 'Any', value: '' },
					{ name: 'Image', value: 'image' },
					{ name: 'Video', value: 'video' },
				],
				default: '',
			},
			{ displayName: 'Platform', name: 'platform', type: 'string', default: '', placeholder: 'e.g. instagram', description: 'The platform the concepts are for' },
		],
	},
];

/** A goal in, concepts out: one item per concept (title, concept, prompt, platform, modality, format, predicted performance, rationale). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const goal = String(this.getNodeParameter('goal', itemIndex, '') ?? '').trim();
	if (!goal) {
		throw new NodeOperationError(this.getNode(), '"Goal" is empty', { description: 'Say what the content should achieve, e.g. "Launch our winter blend".', itemIndex });
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = { goal };
	for (const key of ['platform', 'modality', 'brandProfileId', 'count']) {
		const value = options[key];
		if (value !== undefined && value !== '') body[key] = typeof value === 'string' ? value.trim() : value;
	}
	const data = (await laminaData.call(this, { method: 'POST', path: '/v1/content/brief', body, subject: 'content concepts', itemIndex })) as IDataObject | undefined;
	const concepts = Array.isArray(data?.concepts) ? (data.concepts as IDataObject[]) : [];
	return concepts.map((concept, index) => ({ ...concept, index, goal }));
}
