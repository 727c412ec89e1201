import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import type { LaminaAppSummary } from '../../shared/types';
import { returnAllAndLimit } from '../listFields';

export const description: INodeProperties[] = [
	...returnAllAndLimit('app', 'getAll'),
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
	const qs: IDataObject = {};
	if (filters.search) qs.search = filters.search;
	if (!returnAll) qs.limit = this.getNodeParameter('limit', itemIndex, 50) as number;

	const apps = (await laminaData.call(this, {
		method: 'GET',
		path: '/v1/apps',
		qs,
		itemIndex,
	})) as LaminaAppSummary[];
	const list = Array.isArray(apps) ? apps : [];
	return (returnAll ? list : list.slice(0, qs.limit as number)) as unknown as IDataObject[];
}
