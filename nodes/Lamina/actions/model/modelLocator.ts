import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** The model picker: from a list (searched here, as Lamina has no search) or by its id. */
export function modelLocator(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'Model',
		name: 'modelId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a model...',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. nano-banana-pro',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^[A-Za-z0-9._:/-]+$', errorMessage: 'A model ID has letters, digits and . _ : / - only' },
					},
				],
			},
		],
	};
}

export function getModelId(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('modelId', itemIndex, '', { extractValue: true });
	const modelId = typeof value === 'string' ? value.trim() : '';
	if (!modelId) {
		throw new NodeOperationError(this.getNode(), 'No model chosen', {
			description: 'Pick a model in the "Model" field (from the list or by ID, e.g. nano-banana-pro). Model → Get Many lists them.',
			itemIndex,
		});
	}
	return modelId;
}
