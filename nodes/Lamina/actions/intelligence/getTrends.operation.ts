import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { readScope, scopeOptions } from './fields';

export const description: INodeProperties[] = [scopeOptions('getTrends', ['category', 'platform', 'windowDays', 'limit'])];

/** One item: the top, emerging and declining patterns of the window (empty lists when there is no data yet). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const data = ((await laminaData.call(this, {
		method: 'GET',
		path: '/v1/intelligence/trends',
		qs: readScope(this, itemIndex),
		subject: 'trends',
		itemIndex,
	})) ?? {}) as IDataObject;
	const list = (value: unknown) => (Array.isArray(value) ? value : []);
	return {
		...data,
		topPatterns: list(data.topPatterns),
		emergingPatterns: list(data.emergingPatterns),
		decliningPatterns: list(data.decliningPatterns),
	};
}
