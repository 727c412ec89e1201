import type { INodeProperties } from 'n8n-workflow';

import * as generate from './generate.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { generate, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['model'] } },
		options: [
			{
				name: 'Generate Image',
				value: 'generateImage',
				description: 'Make an image with a model picked by ID (text-to-image, edit, background removal...)',
				action: 'Generate an image with a model',
			},
			{
				name: 'Generate Video',
				value: 'generateVideo',
				description: 'Make a video with a model picked by ID (text-to-video, image-to-video...)',
				action: 'Generate a video with a model',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get a model's parameters (paramSchema) and what each one takes; read it before generating",
				action: 'Get a model',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the image or video models Lamina offers',
				action: 'Get many models',
			},
		],
		default: 'generateImage',
	},
	...generate.description,
	...get.description,
	...getAll.description,
];
