import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { readScope, scopeOptions } from './fields';

export const description: INodeProperties[] = [
	scopeOptions('getBrandContext', ['brandProfileId', 'campaignId', 'workflowId', 'platform', 'objective', 'modality', 'topK']),
];

/** The brand's DNA, guidance and top patterns; a new workspace's nulls come back as they are, with `empty: true`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const data = ((await laminaData.call(this, {
		method: 'GET',
		path: '/v1/intelligence/brand-context',
		qs: readScope(this, itemIndex),
		subject: 'brand context',
		itemIndex,
	})) ?? {}) as IDataObject;
	const context: IDataObject = { brandDna: data.brandDna ?? null, guidance: data.guidance ?? null, topPatterns: data.topPatterns ?? null, ...data };
	return { ...context, empty: !context.brandDna && !context.guidance && !context.topPatterns };
}
