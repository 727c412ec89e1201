import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { appFetcher } from '../transport/appDefinitions';
import { describeModel } from '../transport/modelDefinitions';

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

/** The chosen model's URL parameters (url, array<url>), for Generate's "Files as Inputs". */
export async function getModelUrlParams(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const modelId = this.getCurrentNodeParameter('modelId', { extractValue: true }) as string | undefined;
	if (!modelId) return [];
	const model = await describeModel.call(this, modelId);
	return Object.entries(model.paramSchema ?? {})
		.filter(([, field]) => field.type === 'url' || field.type === 'array<url>')
		.map(([name, field]) => ({ name, value: name, description: field.description ?? (field.type === 'array<url>' ? 'A list of URLs' : 'A URL') }));
}
