import type { INodeProperties } from 'n8n-workflow';

import * as upload from './upload.operation';

export { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asset'] } },
		options: [
			{
				name: 'Upload File',
				value: 'upload',
				description:
					'Upload an image, video or audio file from this workflow to Lamina and get a URL to use as an app input',
				action: 'Upload a file',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
