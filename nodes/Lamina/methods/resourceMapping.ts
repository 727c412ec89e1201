import type {
	FieldType,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { appFetcher } from '../transport/appDefinitions';
import { describeModel } from '../transport/modelDefinitions';
import { modelMapperFields } from '../shared/modelParams';
import { hasDefault, mustSupply, optionLabels } from '../shared/appParameters';
import { resolveParameter } from '../shared/inputValidation';
import type { FileInputsOption, LaminaParameter } from '../shared/types';

const FIELD_TYPES: Record<string, FieldType> = { text: 'string', options: 'options', url: 'url' };

/**
 * One field per app parameter; its id is the exact parameter name Lamina receives. Its label is
 * the input's name alone (n8n saves labels into workflows): the required mark, the pre-filled
 * default and the field type say the rest. An input that Options → Files as Inputs fills
 * (`fromFile`: the binary field) is neither required nor pre-filled: its value comes from the file.
 */
export function parameterToField(parameter: LaminaParameter, fromFile?: string): ResourceMapperField {
	const type = FIELD_TYPES[parameter.type] ?? 'string';
	const options: INodePropertyOptions[] | undefined =
		parameter.type === 'options'
			? optionLabels(parameter).map((label) => ({ name: label.trim() || label, value: label }))
			: undefined;
	return {
		id: parameter.name,
		displayName: parameter.name.trim() || parameter.name,
		required: fromFile === undefined && mustSupply(parameter),
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type,
		...(options ? { options } : {}),
		...(fromFile === undefined && hasDefault(parameter) && typeof parameter.default !== 'object'
			? { defaultValue: parameter.default as string | number | boolean }
			: {}),
	};
}

/** Which inputs Options → Files as Inputs fills, and from which binary field. */
function filesForInputs(context: ILoadOptionsFunctions, parameters: LaminaParameter[]): Map<string, string> {
	const options = (context.getCurrentNodeParameter('options') ?? {}) as { fileInputs?: FileInputsOption };
	const filled = new Map<string, string>();
	for (const entry of options.fileInputs?.files ?? []) {
		const parameter = resolveParameter(parameters, String(entry.input ?? ''));
		if (parameter?.type === 'url') filled.set(parameter.name, String(entry.binaryPropertyName || 'data'));
	}
	return filled;
}

export async function getAppInputs(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const locator = this.getNodeParameter('appId', undefined, { extractValue: true }) as string | undefined;
	const appId = typeof locator === 'string' ? locator.trim() : '';
	if (!appId) return { fields: [], emptyFieldsNotice: 'Choose an app first: its inputs appear here.' };
	const app = await appFetcher(this, { fresh: true })(appId);
	const parameters = app.parameters ?? [];
	const fromFile = filesForInputs(this, parameters);
	const fields = parameters.map((parameter) => parameterToField(parameter, fromFile.get(parameter.name)));
	return {
		fields,
		emptyFieldsNotice: fields.length ? undefined : `"${app.name}" has no inputs: just run it.`,
	};
}

/** Generate Image / Video: one field per parameter of the chosen model's paramSchema (the prompt among them). */
export async function getModelParams(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const locator = this.getNodeParameter('modelId', undefined, { extractValue: true }) as string | undefined;
	const modelId = typeof locator === 'string' ? locator.trim() : '';
	if (!modelId) return { fields: [], emptyFieldsNotice: 'Choose a model first: its parameters appear here.' };
	const model = await describeModel.call(this, modelId);
	const fields = modelMapperFields(model.paramSchema ?? {});
	return { fields, emptyFieldsNotice: fields.length ? undefined : `"${model.displayName ?? modelId}" takes no parameters.` };
}
