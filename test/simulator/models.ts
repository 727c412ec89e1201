/** Lamina's model registry (GET /v1/models/...): fixtures with every paramSchema field type, and their validation. */
import { HttpError, sendJson, type RequestContext } from './http';
import type { SimState } from './state';

export type Modality = 'image' | 'video';

/** One field of a model's `paramSchema`, as the SDK's LaminaModelParamSchemaField. */
export interface SimParamField {
	type: 'string' | 'enum' | 'integer' | 'number' | 'boolean' | 'url' | 'array<url>' | 'array<object>';
	required?: boolean;
	default?: unknown;
	values?: unknown[];
	min?: number;
	max?: number;
	step?: number;
	minItems?: number;
	maxItems?: number;
	maxLength?: number;
	accept?: string[];
	description?: string;
	itemSchema?: Record<string, SimParamField>;
}

export interface SimModel {
	id: string;
	displayName: string;
	modality: Modality;
	paramSchema: Record<string, SimParamField>;
}

export const MODELS = {
	/** Every field type. */
	everyField: 'nano-banana-pro',
	/** No prompt; requires a source image. */
	noPrompt: 'bria-bg-remove',
	imagen: 'imagen-4',
	video: 'kling-video',
} as const;

export const FIXTURE_MODELS: SimModel[] = [
	{
		id: MODELS.everyField,
		displayName: 'Nano Banana Pro',
		modality: 'image',
		paramSchema: {
			prompt: { type: 'string', required: true, maxLength: 2000, description: 'What to make' },
			negativePrompt: { type: 'string', maxLength: 500, description: 'What to avoid' },
			aspectRatio: { type: 'enum', values: ['1:1', '16:9', '9:16', '4:3'], default: '1:1', description: 'Shape of the image' },
			numImages: { type: 'integer', min: 1, max: 4, default: 1, description: 'How many images' },
			guidanceScale: { type: 'number', min: 0, max: 20, step: 0.5, default: 7.5, description: 'How closely to follow the prompt' },
			enhancePrompt: { type: 'boolean', default: false, description: 'Let the model rewrite the prompt' },
			styleImageUrl: { type: 'url', accept: ['image'], description: 'An image whose style to copy' },
			imageUrls: { type: 'array<url>', minItems: 1, maxItems: 3, accept: ['image'], description: 'Images to edit' },
			loras: {
				type: 'array<object>',
				maxItems: 2,
				description: 'LoRA weights to apply',
				itemSchema: { path: { type: 'url', required: true }, scale: { type: 'number', min: 0, max: 2 } },
			},
		},
	},
	{
		id: MODELS.noPrompt,
		displayName: 'Bria Background Remove',
		modality: 'image',
		paramSchema: { imageUrl: { type: 'url', required: true, accept: ['image'], description: 'The image to cut out' } },
	},
	{
		id: MODELS.imagen,
		displayName: 'Imagen 4',
		modality: 'image',
		paramSchema: {
			prompt: { type: 'string', required: true, maxLength: 1000 },
			aspectRatio: { type: 'enum', values: ['1:1', '16:9'], default: '1:1' },
		},
	},
	{
		id: MODELS.video,
		displayName: 'Kling Video',
		modality: 'video',
		paramSchema: {
			prompt: { type: 'string', required: true, maxLength: 1500 },
			imageUrl: { type: 'url', accept: ['image'], description: 'First frame (image-to-video)' },
			duration: { type: 'enum', values: ['5', '10'], default: '5', description: 'Seconds' },
		},
	},
];

export function findModel(sim: SimState, id: string, modality?: string): SimModel {
	const model = sim.models.get(id);
	if (!model || (modality !== undefined && model.modality !== modality)) {
		throw new HttpError(404, 'NOT_FOUND', `Model "${id}" not found`);
	}
	return model;
}

const summary = ({ id, displayName, modality }: SimModel) => ({ id, displayName, modality });

function isModality(value: string): value is Modality {
	return value === 'image' || value === 'video';
}

/** `/v1/models/:idOrModality`: a modality lists its models, anything else is a model id. */
export function modelsByModalityOrId(ctx: RequestContext, sim: SimState): void {
	const key = ctx.params.key;
	if (isModality(key)) {
		sendJson(ctx, 200, { data: [...sim.models.values()].filter((m) => m.modality === key).map(summary) });
		return;
	}
	const modality = ctx.url.searchParams.get('modality') ?? undefined;
	sendJson(ctx, 200, { data: findModel(sim, key, modality) });
}

export function modelInModality(ctx: RequestContext, sim: SimState): void {
	if (!isModality(ctx.params.modality)) throw new HttpError(404, 'NOT_FOUND', `Unknown modality "${ctx.params.modality}"`);
	sendJson(ctx, 200, { data: findModel(sim, ctx.params.id, ctx.params.modality) });
}

function isUrl(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/** Problems of one value against its field, as `name: message`. */
function fieldProblems(name: string, field: SimParamField, value: unknown): string[] {
	const problem = (message: string) => [`${name}: ${message}`];
	switch (field.type) {
		case 'string':
			if (typeof value !== 'string') return problem('must be a string');
			if (field.maxLength !== undefined && value.length > field.maxLength) return problem(`must be at most ${field.maxLength} characters`);
			return [];
		case 'enum':
			return (field.values ?? []).includes(value) ? [] : problem(`must be one of ${(field.values ?? []).join(', ')}`);
		case 'integer':
		case 'number':
			if (typeof value !== 'number' || !Number.isFinite(value)) return problem('must be a number');
			if (field.type === 'integer' && !Number.isInteger(value)) return problem('must be an integer');
			if (field.min !== undefined && value < field.min) return problem(`must be at least ${field.min}`);
			if (field.max !== undefined && value > field.max) return problem(`must be at most ${field.max}`);
			return [];
		case 'boolean':
			return typeof value === 'boolean' ? [] : problem('must be true or false');
		case 'url':
			return isUrl(value) ? [] : problem('must be an http(s) URL');
		case 'array<url>':
		case 'array<object>': {
			if (!Array.isArray(value)) return problem('must be an array');
			if (field.minItems !== undefined && value.length < field.minItems) return problem(`must have at least ${field.minItems} items`);
			if (field.maxItems !== undefined && value.length > field.maxItems) return problem(`must have at most ${field.maxItems} items`);
			if (field.type === 'array<url>') return value.every(isUrl) ? [] : problem('every item must be an http(s) URL');
			return value.flatMap((item, i) =>
				item && typeof item === 'object' && !Array.isArray(item)
					? validateAgainst(field.itemSchema ?? {}, item as Record<string, unknown>, `${name}[${i}].`)
					: [`${name}[${i}]: must be an object`],
			);
		}
	}
}

/** Every problem of `values` against `schema`: unknown fields, missing required ones, bad values. */
export function validateAgainst(schema: Record<string, SimParamField>, values: Record<string, unknown>, prefix = ''): string[] {
	const problems: string[] = [];
	for (const key of Object.keys(values)) if (!(key in schema)) problems.push(`${prefix}${key}: not a parameter of this model`);
	for (const [name, field] of Object.entries(schema)) {
		const value = values[name];
		if (value === undefined || value === null) {
			if (field.required) problems.push(`${prefix}${name}: is required`);
			continue;
		}
		problems.push(...fieldProblems(`${prefix}${name}`, field, value));
	}
	return problems;
}

/** The params with the schema's defaults filled in. */
export function withDefaults(schema: Record<string, SimParamField>, values: Record<string, unknown>): Record<string, unknown> {
	const resolved: Record<string, unknown> = {};
	for (const [name, field] of Object.entries(schema)) if (field.default !== undefined) resolved[name] = field.default;
	return { ...resolved, ...values };
}
