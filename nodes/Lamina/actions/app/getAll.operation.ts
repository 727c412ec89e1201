import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { MAX_APPS_PER_REQUEST, type LaminaAppSummary } from '../../shared/types';
import { returnAllAndLimit } from '../listFields';

export const description: INodeProperties[] = [
	...returnAllAndLimit('app', 'getAll', {
		maxLimit: MAX_APPS_PER_REQUEST,
		hint: `Lamina lists at most ${MAX_APPS_PER_REQUEST} apps in one answer and has no paging: with more apps than that, use Filters → Search to narrow the list.`,
	}),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		displayOptions: { show: { resource: ['app'], operation: ['getAll'] } },
		default: {},
		options: [
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: 'Only apps whose name or description contains this text',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { search?: string };
	const limit = returnAll
		? MAX_APPS_PER_REQUEST
		: Math.min(MAX_APPS_PER_REQUEST, this.getNodeParameter('limit', itemIndex, 50) as number);
	const qs: IDataObject = { limit };
	if (filters.search) qs.search = filters.search;

	const apps = (await laminaData.call(this, {
		method: 'GET',
		path: '/v1/apps',
		qs,
		itemIndex,
	})) as LaminaAppSummary[];
	const list = (Array.isArray(apps) ? apps : []).slice(0, limit);
	if (returnAll && list.length >= MAX_APPS_PER_REQUEST) {
		this.addExecutionHints({
			message: `Lamina lists at most ${MAX_APPS_PER_REQUEST} apps at once; there may be more. Use Filters → Search to find the others.`,
			location: 'outputPane',
		});
	}
	return list as unknown as IDataObject[];
}
