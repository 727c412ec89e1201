/**
 * Generate's Options → Files as Inputs: a file of the incoming item, uploaded to Lamina as Run App
 * does, becomes the value of a `url` parameter (or the one URL of an `array<url>` one).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { MediaKind } from '../../shared/mediaFiles';
import type { LaminaModel } from '../../shared/modelParams';
import { checkBinaryProperty, uploadBinaryAsAsset } from '../../transport/upload';

export interface ModelFilesOption {
	files?: Array<{ param?: string; binaryPropertyName?: string }>;
}

export interface ModelFileInput {
	param: string;
	list: boolean;
	binaryPropertyName: string;
	mediaType?: MediaKind;
}

/** Where a URL parameter's value goes before the upload: checked like any URL, replaced after it. */
export const PENDING_UPLOAD_URL = 'https://upload.pending/asset';

/** Each entry names a URL parameter of the model that is not also given, and a file the item has. */
export function checkModelFiles(
	this: IExecuteFunctions,
	model: LaminaModel,
	given: Record<string, unknown>,
	option: ModelFilesOption | undefined,
	itemIndex: number,
): ModelFileInput[] {
	const schema = model.paramSchema ?? {};
	const urlParams = Object.entries(schema).filter(([, field]) => field.type === 'url' || field.type === 'array<url>');
	return (option?.files ?? []).map((entry) => {
		const param = String(entry.param ?? '').trim();
		const field = schema[param];
		if (!field || (field.type !== 'url' && field.type !== 'array<url>')) {
			throw new NodeOperationError(this.getNode(), `Files as Inputs: "${param}" is not a URL parameter of model "${model.id}"`, {
				description: urlParams.length ? `Files can go to: ${urlParams.map(([name]) => `"${name}"`).join(', ')}.` : `"${model.id}" takes no files.`,
				itemIndex,
			});
		}
		const value = given[param];
		if (value !== undefined && value !== null && value !== '') {
			throw new NodeOperationError(this.getNode(), `Parameter "${param}" is given twice: as a value and as a file`, {
				description: 'Clear its value, or remove it from Files as Inputs.',
				itemIndex,
			});
		}
		const checked = checkBinaryProperty.call(this, itemIndex, String(entry.binaryPropertyName || 'data'), undefined, {
			field: 'Files as Inputs → Input Binary Field',
		});
		if (field.accept?.length && !field.accept.includes(checked.mediaType)) {
			throw new NodeOperationError(this.getNode(), `Parameter "${param}" takes ${field.accept.join(' or ')}, but "${checked.propertyName}" is ${checked.mediaType}`, {
				description: 'Pass a file of the right kind.',
				itemIndex,
			});
		}
		return { param, list: field.type === 'array<url>', binaryPropertyName: checked.propertyName, mediaType: checked.mediaType };
	});
}

/** The values with a stand-in URL where a file goes, so every other rule is checked before the upload. */
export function withPendingFiles(values: Record<string, unknown>, files: ModelFileInput[]): Record<string, unknown> {
	const out = { ...values };
	for (const file of files) out[file.param] = file.list ? [PENDING_UPLOAD_URL] : PENDING_UPLOAD_URL;
	return out;
}

/** Uploads each file and puts its asset URL where it goes (just before the run starts). */
export async function uploadModelFiles(this: IExecuteFunctions, itemIndex: number, params: Record<string, unknown>, files: ModelFileInput[]) {
	const out = { ...params };
	for (const file of files) {
		const asset = await uploadBinaryAsAsset.call(this, itemIndex, file.binaryPropertyName, file.mediaType, { field: 'Files as Inputs → Input Binary Field' });
		out[file.param] = file.list ? [asset.assetUrl] : asset.assetUrl;
	}
	return out;
}
