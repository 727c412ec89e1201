/** Lamina's model registry: the list by modality and one model's paramSchema, each fetched once per execution. */
import type { LaminaModel } from '../shared/modelParams';
import { laminaData, type LaminaContext } from './index';

export type ModelModality = 'image' | 'video';

export async function listModels(this: LaminaContext, modality: ModelModality, itemIndex?: number): Promise<LaminaModel[]> {
	const data = await laminaData.call(this, { method: 'GET', path: `/v1/models/${modality}`, itemIndex });
	return Array.isArray(data) ? (data as LaminaModel[]) : [];
}

export async function describeModel(this: LaminaContext, modelId: string, itemIndex?: number): Promise<LaminaModel> {
	const data = (await laminaData.call(this, {
		method: 'GET',
		path: `/v1/models/${encodeURIComponent(modelId)}`,
		subject: `model "${modelId}"`,
		itemIndex,
	})) as LaminaModel;
	return { ...data, paramSchema: data?.paramSchema ?? {} };
}

/** One lookup per model for all items of an execution. */
export function modelFetcher(context: LaminaContext): (modelId: string, itemIndex: number) => Promise<LaminaModel> {
	const cache = new Map<string, Promise<LaminaModel>>();
	return (modelId, itemIndex) => {
		let model = cache.get(modelId);
		if (!model) {
			model = describeModel.call(context, modelId, itemIndex);
			cache.set(modelId, model);
			model.catch(() => cache.delete(modelId));
		}
		return model;
	};
}
