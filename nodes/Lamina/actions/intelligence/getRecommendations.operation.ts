import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { readScope, scopeOptions } from './fields';

export const description: INodeProperties[] = [
	scopeOptions('getRecommendations', ['brandProfileId', 'campaignId', 'workflowId', 'platform', 'objective', 'modality', 'limit']),
];

/** Lamina's open recommendations, one item each (none for a new workspace). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const data = await laminaData.call(this, {
		method: 'GET',
		path: '/v1/intelligence/recommendations',
		qs: readScope(this, itemIndex),
		subject: 'recommendations',
		itemIndex,
	});
	return (Array.isArray(data) ? data : []) as IDataObject[];
}
