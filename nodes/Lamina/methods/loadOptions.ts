import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchChannels } from '../actions/publishing/getChannels.operation';
import { channelOptionName } from '../actions/publishing/publishOutcome';
import { laminaData } from '../transport';
import { appFetcher } from '../transport/appDefinitions';
import { describeModel } from '../transport/modelDefinitions';
import { MAX_APPS_PER_REQUEST, type LaminaAppSummary } from '../shared/types';

function chosenAppId(context: ILoadOptionsFunctions): string {
	const appId = context.getCurrentNodeParameter('appId', { extractValue: true });
	return typeof appId === 'string' ? appId.trim() : '';
}

/** The chosen app's URL inputs, for "Files as Inputs". */
export async function getUrlInputs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const appId = chosenAppId(this);
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

/** The workspace's connected channels for Publish, named by platform and account. */
export async function getPublishingChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const channels = await fetchChannels.call(this);
	return channels
		.map((channel) => ({
			name: channelOptionName(channel),
			value: channel.id,
			description: [channel.accountType, channel.username ? `@${channel.username.replace(/^@/, '')}` : undefined, `ID ${channel.id}`].filter(Boolean).join(' · '),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The chosen app's outputs, for "Only These Outputs" (Lamina takes their labels). */
export async function getAppOutputs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const appId = chosenAppId(this);
	if (!appId) return [];
	const app = await appFetcher(this, { fresh: true })(appId);
	return (app.outputs ?? []).map((output) => ({ name: output.label, value: output.label, description: output.type }));
}

/** The workspace's apps for a multi-select (the trigger's Only These Apps): Lamina lists at most 100. */
export async function getApps(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const apps = (await laminaData.call(this, { method: 'GET', path: '/v1/apps', qs: { limit: MAX_APPS_PER_REQUEST } })) as LaminaAppSummary[];
	return (Array.isArray(apps) ? apps : [])
		.map((app) => ({ name: app.name || app.appId, value: app.appId, description: app.appId }))
		.sort((a, b) => a.name.localeCompare(b.name));
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
