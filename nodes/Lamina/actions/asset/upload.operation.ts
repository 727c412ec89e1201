import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkBinaryProperty, uploadBinaryAsAsset } from '../../transport/upload';
import type { MediaKind } from '../../shared/mediaFiles';

const show = { resource: ['asset'], operation: ['upload'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field containing the file to upload',
		description: 'An image, video or audio file, e.g. from HTTP Request (Response Format: File) or a form upload',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
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
				description:
					"What kind of file this is. Only needed when the file's MIME type does not say (e.g. application/octet-stream).",
			},
		],
	},
];

interface UploadOptions {
	mediaType?: MediaKind;
}

function readParameters(this: IExecuteFunctions, itemIndex: number) {
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as UploadOptions;
	return { binaryPropertyName, mediaType: options.mediaType || undefined };
}

/** The request-free check: the file is there and is an image, video or audio file. */
export function check(this: IExecuteFunctions, itemIndex: number): void {
	const { binaryPropertyName, mediaType } = readParameters.call(this, itemIndex);
	checkBinaryProperty.call(this, itemIndex, binaryPropertyName, mediaType);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { binaryPropertyName, mediaType } = readParameters.call(this, itemIndex);
	const asset = await uploadBinaryAsAsset.call(this, itemIndex, binaryPropertyName, mediaType);
	return { ...asset };
}
