import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { modelInputGuide } from '../../shared/modelParams';
import { describeModel } from '../../transport/modelDefinitions';
import { getModelId, modelLocator } from './modelLocator';

export const description: INodeProperties[] = [
	modelLocator({ show: { resource: ['model'], operation: ['get'] } }, 'The model whose parameters to show'),
];

/** The model with its paramSchema, and a guide: what is required, each field's choices and limits. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const modelId = getModelId.call(this, itemIndex);
	const model = await describeModel.call(this, modelId, itemIndex);
	const guide = modelInputGuide(model.paramSchema ?? {});
	const takesPrompt = 'prompt' in (model.paramSchema ?? {});
	return {
		id: model.id,
		displayName: model.displayName ?? model.id,
		modality: model.modality ?? null,
		paramSchema: (model.paramSchema ?? {}) as IDataObject,
		inputGuide: {
			takesPrompt,
			required: guide.filter((field) => field.required).map((field) => field.name),
			fields: Object.fromEntries(guide.map((field) => [field.name, field.guide])),
		},
	};
}
