/**
 * Run App's inputs: read from the node (Map Each Input, Using JSON) and checked against the app's
 * parameters before anything is sent, with errors that name the input and the fix.
 */
import type { IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { autoMapInputs, resolveParameter, validateRunInputs } from '../../shared/inputValidation';
import type { MediaKind } from '../../shared/mediaFiles';
import type { FileInputsOption, LaminaApp } from '../../shared/types';

export type { FileInputsOption } from '../../shared/types';
import { checkBinaryProperty } from '../../transport/upload';

export interface FileInput {
	/** The app's parameter name. */
	input: string;
	/** The input as the user named it (a name, key or id), to find it again in a newer definition. */
	requested: string;
	binaryPropertyName: string;
	mediaType?: MediaKind;
}

/** Refusals of something the app definition doesn't list: a newer definition may list it. */
const refusedByDefinition = new WeakSet<Error>();

export function markedUnknownToDefinition<E extends Error>(error: E): E {
	refusedByDefinition.add(error);
	return error;
}

/** Whether `error` refused an input (or option, output) that a newer app definition may know. */
export function unknownToDefinition(error: unknown): boolean {
	return error instanceof Error && refusedByDefinition.has(error);
}

/** What the node was given: input values, or "Map Automatically" (take them from the incoming item). */
export type GivenInputs = { values: Record<string, unknown> } | { fromItem: true };

export function readInputs(this: IExecuteFunctions, itemIndex: number): GivenInputs {
	const mode = this.getNodeParameter('inputMode', itemIndex, 'fields') as string;
	// From version 1.1 "Map Automatically" is a choice of Inputs; version 1 kept it in the resource mapper.
	if (mode === 'auto') return { fromItem: true };
	if (mode === 'json') {
		const raw = this.getNodeParameter('inputsJson', itemIndex, '{}') as unknown;
		const parsed =
			typeof raw === 'string'
				? jsonParse<unknown>(raw || '{}', {
						errorMessage: 'Inputs (JSON) is not valid JSON. Write an object like {"Prompt": "a red bicycle"}.',
					})
				: raw;
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new NodeOperationError(this.getNode(), 'Inputs (JSON) must be an object of input name → value', {
				description: 'For example {"Prompt": "a red bicycle", "Location": "Studio"}.',
				itemIndex,
			});
		}
		return { values: parsed as Record<string, unknown> };
	}
	const mapped = this.getNodeParameter('inputs', itemIndex, { value: null }) as ResourceMapperValue;
	if (mapped?.mappingMode === 'autoMapInputData') return { fromItem: true };
	return { values: { ...(mapped?.value ?? {}) } };
}

/** The input values for `app`: as given, or the incoming item's fields that name one of its inputs. */
export function inputValues(
	this: IExecuteFunctions,
	given: GivenInputs,
	app: LaminaApp,
	itemIndex: number,
): Record<string, unknown> {
	if ('values' in given) return given.values;
	return autoMapInputs(app.parameters ?? [], this.getInputData()[itemIndex]?.json ?? {});
}

/** "Files as Inputs": each names a URL input of the app and a file the item really has. */
export function checkFileInputs(
	this: IExecuteFunctions,
	app: LaminaApp,
	given: Record<string, unknown>,
	fileInputs: FileInputsOption | undefined,
	itemIndex: number,
): FileInput[] {
	const parameters = app.parameters ?? [];
	const urlInputs = parameters.filter((p) => p.type === 'url').map((p) => `"${p.name}"`);
	return (fileInputs?.files ?? []).map((entry) => {
		const parameter = resolveParameter(parameters, String(entry.input ?? ''));
		if (!parameter || parameter.type !== 'url') {
			throw markedUnknownToDefinition(
				new NodeOperationError(this.getNode(), `Files as Inputs: "${String(entry.input ?? '')}" is not a URL input of "${app.name}"`, {
					description: urlInputs.length
						? `Files can go to: ${urlInputs.join(', ')}.`
						: `"${app.name}" takes no files (it has no URL inputs).`,
					itemIndex,
				}),
			);
		}
		const alsoGiven = Object.keys(given).some(
			(key) => resolveParameter(parameters, key) === parameter && given[key] !== '' && given[key] != null,
		);
		if (alsoGiven) {
			throw new NodeOperationError(this.getNode(), `Input "${parameter.name}" is given twice: as a value and as a file`, {
				description: 'Clear its value in the inputs, or remove it from Files as Inputs.',
				itemIndex,
			});
		}
		const accepted = parameter.accept?.find((kind): kind is MediaKind => ['image', 'video', 'audio'].includes(kind));
		const checked = checkBinaryProperty.call(this, itemIndex, String(entry.binaryPropertyName ?? 'data'), undefined, {
			field: 'Files as Inputs → Input Binary Field',
		});
		if (parameter.accept?.length && !parameter.accept.includes(checked.mediaType)) {
			throw new NodeOperationError(
				this.getNode(),
				`Input "${parameter.name}" takes ${parameter.accept.join(' or ')}, but "${checked.propertyName}" is ${checked.mediaType} (${checked.binary.mimeType})`,
				{ description: `Pass a file of the right kind${accepted ? ` (${accepted})` : ''}.`, itemIndex },
			);
		}
		return {
			input: parameter.name,
			requested: String(entry.input),
			binaryPropertyName: checked.propertyName,
			mediaType: checked.mediaType,
		};
	});
}

/** The app's inputs from what the user gave, or an error naming each problem and its fix. */
export function checkedInputs(
	this: IExecuteFunctions,
	app: LaminaApp,
	given: Record<string, unknown>,
	itemIndex: number,
): Record<string, unknown> {
	const { inputs, problems } = validateRunInputs(app.parameters ?? [], given);
	if (problems.length) {
		const [first, ...rest] = problems;
		const error = new NodeOperationError(
			this.getNode(),
			rest.length ? `${first.message} (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : first.message,
			{
				description: `Inputs of "${app.name}" that need fixing:\n- ${problems.map((p) => p.message).join('\n- ')}`,
				itemIndex,
			},
		);
		throw problems.some((problem) => problem.byDefinition) ? markedUnknownToDefinition(error) : error;
	}
	return inputs;
}
