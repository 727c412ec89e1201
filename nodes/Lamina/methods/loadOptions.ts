import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchChannels } from '../actions/publishing/getChannels.operation';
import { channelOptionName } from '../actions/publishing/publishOutcome';
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
