import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaRequest } from '../../transport';
import { dateInTimeZone } from '../../shared/zonedTime';
import { runItem } from './common';
import { returnAllAndLimit } from '../listFields';
import { appIdOf, appLocator } from '../appLocator';
import { FROM_V1_1, ONLY_V1 } from '../versions';

const show = { resource: ['run'], operation: ['getAll'] };
const PAGE_SIZE = 100;

export const description: INodeProperties[] = [
	...returnAllAndLimit('run', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		displayOptions: { show },
		default: {},
		options: [
			{
				displayName: 'App ID',
				name: 'appId',
				type: 'string',
				default: '',
				description: 'Only runs of this app',
				displayOptions: { show: ONLY_V1 },
			},
			{ ...appLocator({ show: FROM_V1_1 }, 'Only runs of this app'), required: false },
			{
				displayName: 'Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				description: "Only runs created at or after this time. A time without an offset is in the workflow's time zone.",
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Cancelled', value: 'cancelled' },
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Queued', value: 'queued' },
					{ name: 'Running', value: 'running' },
				],
				default: 'completed',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.status) qs.status = filters.status;
	if (appIdOf(filters.appId)) qs.appId = appIdOf(filters.appId);
	if (filters.since) {
		// The date picker stores no offset: its time is the workflow's (Settings → Timezone), not the server's.
		const since = dateInTimeZone(String(filters.since), this.getTimezone());
		if (Number.isNaN(since.getTime())) {
			throw new NodeOperationError(this.getNode(), `Since is not a date: "${String(filters.since)}"`, {
				description: `Use an ISO date such as 2026-11-01T00:00:00Z, or pick one in the field (a time without an offset is in the workflow's time zone, ${this.getTimezone()}).`,
				itemIndex,
			});
		}
		qs.since = since.toISOString();
	}

	const runs: IDataObject[] = [];
	for (let offset = 0; runs.length < limit; ) {
		const pageSize = Math.min(PAGE_SIZE, limit - runs.length);
		const { body } = await laminaRequest.call(this, {
			method: 'GET',
			path: '/v1/runs',
			qs: { ...qs, limit: pageSize, offset },
			itemIndex,
		});
		const page = body as { data?: unknown[]; pagination?: { total?: number } };
		const data = Array.isArray(page.data) ? page.data : [];
		runs.push(...data.map((run) => runItem(run, { simplify: false })));
		offset += data.length;
		const total = page.pagination?.total;
		if (data.length < pageSize || (typeof total === 'number' && offset >= total)) break;
	}
	return runs;
}
