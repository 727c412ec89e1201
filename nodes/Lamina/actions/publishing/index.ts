import type { INodeProperties } from 'n8n-workflow';

import * as getChannels from './getChannels.operation';
import * as getHistory from './getHistory.operation';
import * as publish from './publish.operation';
import * as transferAsset from './transferAsset.operation';

export { getChannels, getHistory, publish, transferAsset };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['publishing'] } },
		options: [
			{
				name: 'Get Channels',
				value: 'getChannels',
				description:
					'List the social media channels connected to the Lamina workspace (ID, platform, account name, username); empty when none is connected',
				action: 'Get connected channels',
			},
			{
				name: 'Get History',
				value: 'getHistory',
				description:
					'List past posts published through Lamina, newest first (platform, post URL, status, error, time); filter by status and platform',
				action: 'Get publishing history',
			},
			{
				name: 'Publish',
				value: 'publish',
				description:
					'Post an image, a video or a caption to connected channels, once each. Public and final: it is never sent twice.',
				action: 'Publish a post',
			},
			{
				name: 'Transfer Asset',
				value: 'transferAsset',
				description: "Copy a file at a URL to Lamina's CDN and get a stable public URL to publish",
				action: 'Transfer an asset',
			},
		],
		default: 'publish',
	},
	...getChannels.description,
	...getHistory.description,
	...publish.description,
	...transferAsset.description,
];
