import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { readIdList } from '../publishing/publishOutcome';

const show = { resource: ['content'], operation: ['score'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Content Item IDs',
				name: 'contentItemIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. post_1a2b, post_3c4d',
				description: 'Only these published items (IDs separated by commas, or an array by expression); by default the recent ones',
			},
			{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return' },
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
			{ displayName: 'Platform', name: 'platform', type: 'string', default: '', placeholder: 'e.g. instagram', description: 'Only content published to this platform' },
		],
	},
];

/** Asks Lamina to score published content against how it performed; its answer, as one item. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	const ids = readIdList(options.contentItemIds);
	if (ids.length) body.contentItemIds = ids;
	for (const key of ['platform', 'modality', 'limit']) {
		const value = options[key];
		if (value !== undefined && value !== '') body[key] = typeof value === 'string' ? value.trim() : value;
	}
	const data = await laminaData.call(this, { method: 'POST', path: '/v1/content/score', body, subject: 'content scoring', itemIndex });
	// The SDK leaves this answer untyped: an object is shown as it is, a list as `items`, nothing as an empty result.
	if (Array.isArray(data)) return { items: data as IDataObject[], scored: data.length };
	return (data && typeof data === 'object' ? data : { items: [], scored: 0 }) as IDataObject;
}
