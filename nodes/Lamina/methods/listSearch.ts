import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { laminaData } from '../transport';
import type { LaminaAppSummary } from '../shared/types';

/** The app picker's list: Lamina searches by name and description. */
export async function searchApps(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const qs = filter ? { search: filter, limit: 100 } : { limit: 100 };
	const apps = (await laminaData.call(this, { method: 'GET', path: '/v1/apps', qs })) as LaminaAppSummary[];
	const baseUrl = (await this.getCredentials('laminaApi')).baseUrl as string | undefined;
	return {
		results: (Array.isArray(apps) ? apps : []).map((app) => ({
			name: app.name || app.appId,
			value: app.appId,
			description: app.description,
			url: baseUrl ? `${baseUrl.replace(/\/+$/, '')}/apps/${app.appId}` : undefined,
		})),
	};
}
