import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';

const show = { resource: ['publishing'], operation: ['getHistory'] };
const MAX_HISTORY = 100;

export const description: INodeProperties[] = [
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_HISTORY },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Platform',
				name: 'platform',
				type: 'string',
				default: '',
				placeholder: 'e.g. instagram',
				description: 'Only posts to this platform (as Get Channels names it: instagram, linkedin, tiktok, ...)',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'string',
				default: '',
				placeholder: 'e.g. published',
				description: 'Only posts with this status, e.g. published or failed',
			},
		],
	},
];

/** Past publishes, newest first, one item each (none for a workspace that has not published yet). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const limit = Math.min(MAX_HISTORY, Math.max(1, Number(this.getNodeParameter('limit', itemIndex, 50)) || 50));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { platform?: string; status?: string };
	const qs: IDataObject = { limit };
	if (filters.platform?.trim()) qs.platform = filters.platform.trim().toLowerCase();
	if (filters.status?.trim()) qs.status = filters.status.trim();
	const data = await laminaData.call(this, { method: 'GET', path: '/v1/publishing/history', qs, subject: 'publishing history', itemIndex });
	return (Array.isArray(data) ? data : []).slice(0, limit) as IDataObject[];
}
