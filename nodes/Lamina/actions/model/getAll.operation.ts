import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listModels, type ModelModality } from '../../transport/modelDefinitions';

const show = { resource: ['model'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Modality',
		name: 'modality',
		type: 'options',
		options: [
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		default: 'image',
		description: 'Which models to list: image models (Generate Image) or video models (Generate Video)',
		displayOptions: { show },
	},
];

/** One item per model: id, displayName, modality. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const modality = this.getNodeParameter('modality', itemIndex, 'image') as ModelModality;
	const models = await listModels.call(this, modality, itemIndex);
	return models.map((model) => ({ id: model.id, displayName: model.displayName ?? model.id, modality: model.modality ?? modality }));
}
