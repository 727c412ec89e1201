import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';

const show = { resource: ['publishing'], operation: ['transferAsset'] };
const MEDIA_TYPES = ['image', 'video', 'audio'];

export const description: INodeProperties[] = [
	{
		displayName: 'Source URL',
		name: 'sourceUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/photo.jpg',
		description: 'A public http(s) link to the file: Lamina copies it to its CDN',
		displayOptions: { show },
	},
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		default: 'image',
		displayOptions: { show },
	},
	{
		displayName: 'File Name',
		name: 'filename',
		type: 'string',
		default: '',
		placeholder: 'e.g. launch-post.jpg',
		description: 'The name of the copy; by default the source URL’s',
		displayOptions: { show },
	},
];

/** Copies a file at a URL to Lamina's CDN: a stable public URL to publish (e.g. instead of a link that expires). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const sourceUrl = String(this.getNodeParameter('sourceUrl', itemIndex, '') ?? '').trim();
	if (!/^https?:\/\/\S+$/i.test(sourceUrl)) {
		throw new NodeOperationError(this.getNode(), sourceUrl ? `"Source URL" is not an http(s) link: "${sourceUrl}"` : '"Source URL" is empty', {
			description: 'Give a public http(s) link to the file. For a file of this workflow, use Asset → Upload File instead.',
			itemIndex,
		});
	}
	const mediaType = this.getNodeParameter('mediaType', itemIndex, 'image') as string;
	if (!MEDIA_TYPES.includes(mediaType)) {
		throw new NodeOperationError(this.getNode(), `"Media Type" must be image, video or audio, not "${mediaType}"`, { itemIndex });
	}
	const filename = String(this.getNodeParameter('filename', itemIndex, '') ?? '').trim();
	const data = await laminaData.call(this, {
		method: 'POST',
		path: '/v1/publishing/transfer-asset',
		body: { sourceUrl, mediaType, ...(filename ? { filename } : {}) },
		subject: `transfer of ${sourceUrl}`,
		itemIndex,
	});
	return { ...((data ?? {}) as IDataObject), sourceUrl, mediaType };
}
