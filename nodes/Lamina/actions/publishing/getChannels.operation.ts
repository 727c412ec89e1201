import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData, type LaminaContext } from '../../transport';
import { channelOptionName, type PublishingChannel } from './publishOutcome';

export const description: INodeProperties[] = [];

/** The workspace's connected channels, one item each (none when nothing is connected yet). */
export async function fetchChannels(this: LaminaContext, itemIndex?: number): Promise<PublishingChannel[]> {
	const data = await laminaData.call(this, { method: 'GET', path: '/v1/publishing/channels', subject: 'publishing channels', itemIndex });
	return (Array.isArray(data) ? data : []) as PublishingChannel[];
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const channels = await fetchChannels.call(this, itemIndex);
	return channels.map((channel) => ({ ...(channel as unknown as IDataObject), label: channelOptionName(channel) }));
}
