import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { appFetcher } from '../transport/appDefinitions';

/** The chosen app's URL inputs, for "Files as Inputs". */
export async function getUrlInputs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const appId = this.getCurrentNodeParameter('appId', { extractValue: true }) as string | undefined;
	if (!appId) return [];
	const app = await appFetcher(this, { fresh: true })(appId);
	return (app.parameters ?? [])
		.filter((parameter) => parameter.type === 'url')
		.map((parameter) => ({
			name: parameter.name.trim(),
			value: parameter.name,
			description: parameter.accept?.length ? `Takes ${parameter.accept.join(' or ')}` : parameter.description,
		}));
}
