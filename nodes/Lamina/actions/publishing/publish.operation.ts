import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { checkBinaryProperty, uploadBinaryAsAsset } from '../../transport/upload';
import { checkEveryItem, checked } from '../checkEveryItem';
import { asNodeError, errorItem } from '../perItem';
import { sendOnce } from '../run/startedRuns';
import {
	describeChannelFailures,
	describeUncertainPublish,
	failedResults,
	publishedEarlierNote,
	readIdList,
	readPublishAnswer,
	type PublishedItem,
} from './publishOutcome';

const show = { resource: ['publishing'], operation: ['publish'] };

type MediaSource = 'imageUrl' | 'videoUrl' | 'binary' | 'none';

export const description: INodeProperties[] = [
	{
		displayName: 'Channel Names or IDs',
		name: 'channelIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getPublishingChannels' },
		default: [],
		required: true,
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Each channel gets the post once. By expression: an array of IDs, or IDs separated by commas (Publishing → Get Channels lists them).',
		displayOptions: { show },
	},
	{
		displayName: 'Media',
		name: 'media',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Image URL', value: 'imageUrl', description: 'A public link to the image to post' },
			{ name: 'Video URL', value: 'videoUrl', description: 'A public link to the video to post' },
			{
				name: 'File From Input Item',
				value: 'binary',
				description: 'An image or video file of the incoming item: uploaded to Lamina first, then posted',
			},
			{ name: 'None (Caption Only)', value: 'none', description: 'Text only, for platforms that allow it' },
		],
		default: 'imageUrl',
		displayOptions: { show },
	},
	{
		displayName: 'Media URL',
		name: 'mediaUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://cdn.example.com/post.png',
		description: 'A public http(s) link the platforms can fetch, e.g. a Lamina run output URL',
		displayOptions: { show: { ...show, media: ['imageUrl', 'videoUrl'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field containing the image or video to post',
		displayOptions: { show: { ...show, media: ['binary'] } },
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'The text of the post',
		displayOptions: { show },
	},
];

/** One item's publish, checked before any item sends a request. */
export interface PreparedPublish {
	accountIds: string[];
	media: MediaSource;
	mediaUrl?: string;
	binaryPropertyName?: string;
	caption?: string;
}

const MEDIA_SOURCES: MediaSource[] = ['imageUrl', 'videoUrl', 'binary', 'none'];

/** The request-free check of one item: channels given, media there and of a kind a post takes. */
export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedPublish {
	const fail = (message: string, description: string) => new NodeOperationError(this.getNode(), message, { description, itemIndex });
	const accountIds = readIdList(this.getNodeParameter('channelIds', itemIndex, []));
	if (!accountIds.length) {
		throw fail('No channel to publish to', 'Choose at least one channel in "Channel Names or IDs", or give channel IDs by expression (Publishing → Get Channels lists them).');
	}
	const media = this.getNodeParameter('media', itemIndex, 'imageUrl') as MediaSource;
	if (!MEDIA_SOURCES.includes(media)) throw fail(`"Media" must be Image URL, Video URL, File From Input Item or None, not "${String(media)}"`, 'Choose one in "Media".');
	const caption = String(this.getNodeParameter('caption', itemIndex, '') ?? '').trim() || undefined;
	const prepared: PreparedPublish = { accountIds, media, caption };
	if (media === 'imageUrl' || media === 'videoUrl') {
		const mediaUrl = String(this.getNodeParameter('mediaUrl', itemIndex, '') ?? '').trim();
		if (!/^https?:\/\/\S+$/i.test(mediaUrl)) {
			throw fail(
				mediaUrl ? `"Media URL" is not an http(s) link: "${mediaUrl}"` : '"Media URL" is empty',
				'Give a public http(s) link to the media, or choose "File From Input Item" under "Media" to post a file of this item.',
			);
		}
		prepared.mediaUrl = mediaUrl;
	}
	if (media === 'binary') {
		const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
		const file = checkBinaryProperty.call(this, itemIndex, binaryPropertyName);
		if (file.mediaType === 'audio') {
			throw fail(`The file in binary field "${file.propertyName}" is audio; a post takes an image or a video`, 'Give an image or a video file.');
		}
		prepared.binaryPropertyName = file.propertyName;
	}
	if (media === 'none' && !caption) throw fail('Nothing to publish: no media and no caption', 'Write a "Caption", or choose the media to post under "Media".');
	return prepared;
}

/** Publishes one item once: the file (if any) uploaded first, then one publish request, never repeated after a lost answer. */
async function publishItem(this: IExecuteFunctions, itemIndex: number, prepared: PreparedPublish): Promise<IDataObject> {
	const body: IDataObject = { accountIds: prepared.accountIds };
	let mediaUrl = prepared.mediaUrl;
	let mediaType: 'image' | 'video' | undefined = prepared.media === 'imageUrl' ? 'image' : prepared.media === 'videoUrl' ? 'video' : undefined;
	let asset: IDataObject | undefined;
	if (prepared.media === 'binary') {
		// The platforms fetch the media from a public URL: the file becomes a Lamina asset first (safe to retry, nothing is posted yet).
		const uploaded = await uploadBinaryAsAsset.call(this, itemIndex, prepared.binaryPropertyName!);
		mediaUrl = uploaded.assetUrl;
		mediaType = uploaded.mediaType === 'video' ? 'video' : 'image';
		asset = { ...uploaded };
	}
	if (mediaUrl) body[mediaType === 'video' ? 'videoUrl' : 'imageUrl'] = mediaUrl;
	if (prepared.caption) body.caption = prepared.caption;

	const data = await sendOnce(
		this,
		itemIndex,
		(failure) => describeUncertainPublish({ ...failure, platforms: [], accountIds: prepared.accountIds }),
		async () =>
			await laminaData.call(this, {
				method: 'POST',
				path: '/v1/publishing/publish',
				body,
				// Not idempotent: a post is public. Only a 429 or 503 (not accepted) is sent again.
				startsRun: true,
				subject: 'publish',
				itemIndex,
			}),
	);
	const { results, summary } = readPublishAnswer(data);
	return {
		summary,
		results: results as unknown as IDataObject[],
		...(mediaUrl ? { mediaUrl, mediaType } : {}),
		...(prepared.caption ? { caption: prepared.caption } : {}),
		...(asset ? { uploadedAsset: asset } : {}),
	};
}

/** The error for an item whose channels (some or all) failed, carrying every channel's result. */
function channelFailureError(this: IExecuteFunctions, itemIndex: number, output: IDataObject): NodeOperationError {
	const results = readPublishAnswer(output).results;
	const { message, description } = describeChannelFailures(results);
	const error = new NodeOperationError(this.getNode(), message, { description, itemIndex });
	error.context.results = output.results;
	error.context.summary = output.summary;
	return error;
}

/**
 * Publish for every item, one at a time. A channel that failed is an error of its item: under
 * Continue On Fail the item keeps every channel's result plus `error`; otherwise the node fails
 * naming the channel, and its error lists every post this execution made (nothing is lost).
 */
export async function executeAll(this: IExecuteFunctions, itemCount: number): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const preparedItems = await checkEveryItem(this, itemCount, (i) => prepare.call(this, i));
	const output: INodeExecutionData[] = [];
	const publishedSoFar: PublishedItem[] = [];
	const fail = (error: NodeApiError | NodeOperationError) => {
		const note = publishedEarlierNote(publishedSoFar);
		if (note) {
			error.description = [error.description, note].filter(Boolean).join('\n');
			error.context.publishedEarlier = publishedSoFar.map((item): IDataObject => ({ item: item.itemIndex, results: item.results as unknown as IDataObject[] }));
		}
		return error;
	};

	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let json: IDataObject;
		try {
			json = await publishItem.call(this, itemIndex, checked(preparedItems[itemIndex]));
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (!continueOnFail) throw fail(nodeError);
			const item = errorItem(nodeError, itemIndex);
			for (const key of ['mayHavePublished', 'accountIds']) {
				if (nodeError.context[key] !== undefined) item.json[key] = nodeError.context[key] as IDataObject[keyof IDataObject];
			}
			output.push(item);
			continue;
		}
		const results = readPublishAnswer(json).results;
		const prepared = checked(preparedItems[itemIndex]);
		const unanswered = prepared.accountIds.filter((id) => !results.some((result) => result.accountId === id));
		if (failedResults(results).length || unanswered.length) {
			const error = unanswered.length ? unansweredError.call(this, itemIndex, json, unanswered) : channelFailureError.call(this, itemIndex, json);
			if (!continueOnFail) throw fail(error);
			output.push({ json: { ...json, error: error.message, description: error.description ?? undefined }, pairedItem: { item: itemIndex } });
		} else {
			output.push({ json, pairedItem: { item: itemIndex } });
		}
		publishedSoFar.push({ itemIndex, results });
	}
	return output;
}

/** Lamina's answer has no result for some channels: whether the post went out there is unknown. */
function unansweredError(this: IExecuteFunctions, itemIndex: number, json: IDataObject, accountIds: string[]): NodeOperationError {
	const list = accountIds.map((id) => `"${id}"`).join(', ');
	const error = new NodeOperationError(this.getNode(), `Lamina's publish answer has no result for channel${accountIds.length > 1 ? 's' : ''} ${list}`, {
		description: `Whether the post went out there is unknown: check with Publishing → Get History before publishing this item to ${accountIds.length > 1 ? 'them' : 'it'} again. The other channels' results are in "results".`,
		itemIndex,
	});
	error.context.results = json.results;
	error.context.summary = json.summary;
	return error;
}
