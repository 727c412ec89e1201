import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { readScope, scopeOptions } from './fields';

const show = { resource: ['intelligence'], operation: ['predict'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Concept',
		name: 'concept',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. Close-up of a pour-over at sunrise, warm light',
		description: 'The content idea to score, in a sentence or two',
		displayOptions: { show },
	},
	{
		displayName: 'Platform',
		name: 'platform',
		type: 'string',
		default: 'instagram',
		required: true,
		description: 'Where it would be posted, e.g. instagram, tiktok, linkedin',
		displayOptions: { show },
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
		displayOptions: { show },
	},
	scopeOptions('predict', ['brandProfileId', 'campaignId']),
];

/** Scores a concept before it is made: performance, brand fit, trend alignment, fatigue risk, confidence (0 to 1). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body: IDataObject = {};
	for (const field of ['concept', 'platform', 'modality'] as const) {
		const value = String(this.getNodeParameter(field, itemIndex, '') ?? '').trim();
		if (!value) {
			throw new NodeOperationError(this.getNode(), `"${field[0].toUpperCase()}${field.slice(1)}" is empty`, {
				description: field === 'concept' ? 'Describe the content idea to score.' : `Give the ${field} it would be posted as.`,
				itemIndex,
			});
		}
		body[field] = field === 'platform' ? value.toLowerCase() : value;
	}
	Object.assign(body, readScope(this, itemIndex));
	const data = await laminaData.call(this, { method: 'POST', path: '/v1/intelligence/predict', body, subject: 'prediction', itemIndex });
	return { ...((data ?? {}) as IDataObject), concept: body.concept, platform: body.platform, modality: body.modality };
}
