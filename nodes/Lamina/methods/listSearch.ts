import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { getBaseUrl, laminaData } from '../transport';
import { listModels, type ModelModality } from '../transport/modelDefinitions';
import { MAX_APPS_PER_REQUEST, type LaminaAppSummary } from '../shared/types';

/**
 * The app picker's list. Lamina lists at most 100 apps and can't page, so typing in the picker
 * searches on Lamina's side (name and description): every app is findable however many there are.
 */
export async function searchApps(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const qs = filter ? { search: filter, limit: MAX_APPS_PER_REQUEST } : { limit: MAX_APPS_PER_REQUEST };
	const apps = (await laminaData.call(this, { method: 'GET', path: '/v1/apps', qs })) as LaminaAppSummary[];
	const baseUrl = await getBaseUrl.call(this);
	return {
		results: (Array.isArray(apps) ? apps : []).map((app) => ({
			name: app.name || app.appId,
			value: app.appId,
			description: app.description,
			url: `${baseUrl}/apps/${app.appId}`,
		})),
	};
}

/**
 * The model picker's list: the operation's modality (both for Model → Get), filtered here by the
 * text typed (id or name), as Lamina's model list has no search and no paging.
 */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const operation = this.getCurrentNodeParameter('operation') as string | undefined;
	const modalities: ModelModality[] = operation === 'generateVideo' ? ['video'] : operation === 'generateImage' ? ['image'] : ['image', 'video'];
	const lists = await Promise.all(modalities.map((modality) => listModels.call(this, modality)));
	const wanted = (filter ?? '').trim().toLowerCase();
	return {
		results: lists
			.flat()
			.filter((model) => !wanted || model.id.toLowerCase().includes(wanted) || (model.displayName ?? '').toLowerCase().includes(wanted))
			.map((model) => ({ name: model.displayName ? `${model.displayName} (${model.id})` : model.id, value: model.id })),
	};
}
