import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { getBaseUrl, laminaData } from '../transport';
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
