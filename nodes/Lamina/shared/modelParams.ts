/**
 * A Lamina model's `paramSchema` (GET /v1/models/{id}) as this package reads it: the resource
 * mapper's fields, the values a user gave turned into what Lamina takes, every schema rule checked
 * before a run starts, and a short guide for people and AI agents. Pure functions only.
 */
import type { FieldType, INodePropertyOptions, ResourceMapperField } from 'n8n-workflow';

import { closest, isHttpUrl } from './inputValidation';

export interface ModelParamField {
	type: string;
	required?: boolean;
	default?: unknown;
	values?: readonly unknown[];
	min?: number;
	max?: number;
	step?: number;
	minItems?: number;
	maxItems?: number;
	maxLength?: number;
	accept?: readonly string[];
	description?: string;
	itemSchema?: Record<string, ModelParamField>;
}

export type ParamSchema = Record<string, ModelParamField>;

export interface LaminaModel {
	id: string;
	displayName?: string;
	modality?: 'image' | 'video' | string;
	paramSchema?: ParamSchema;
}

export interface ParamProblem {
	field: string;
	message: string;
}

const FIELD_TYPES: Record<string, FieldType> = {
	enum: 'options',
	integer: 'number',
	number: 'number',
	boolean: 'boolean',
	url: 'url',
};

/** The field's limits in words: "1–4", "at most 2000 characters", "up to 3 URLs". */
function limits(field: ModelParamField): string | undefined {
	if (field.min !== undefined && field.max !== undefined) return `${field.min}–${field.max}`;
	if (field.min !== undefined) return `at least ${field.min}`;
	if (field.max !== undefined) return `at most ${field.max}`;
	if (field.maxLength !== undefined) return `at most ${field.maxLength} characters`;
	const items = field.type === 'array<url>' ? 'URLs' : 'items';
	if (field.minItems !== undefined && field.maxItems !== undefined) return `${field.minItems}–${field.maxItems} ${items}`;
	if (field.maxItems !== undefined) return `up to ${field.maxItems} ${items}`;
	if (field.minItems !== undefined) return `at least ${field.minItems} ${items}`;
	return undefined;
}


/**
 * One resource mapper field per schema field, in the schema's order; its id is the name Lamina
 * receives. `enum` → a dropdown of its values, integer/number → number, boolean, url; a list of
 * URLs and a JSON array are text (the mapper has no list type), read by `paramValues`.
 */
export function modelMapperFields(schema: ParamSchema): ResourceMapperField[] {
	return Object.entries(schema).map(([name, field]) => {
		const options: INodePropertyOptions[] | undefined =
			field.type === 'enum' ? (field.values ?? []).map((value) => ({ name: String(value), value: value as string | number })) : undefined;
		const hasDefault = field.default !== undefined && field.default !== null && typeof field.default !== 'object';
		return {
			id: name,
			// The name alone, as Run App's inputs: labels are saved into workflows; ranges and choices are in Model → Get's guide.
			displayName: name,
			required: field.required === true,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: FIELD_TYPES[field.type] ?? 'string',
			...(options ? { options } : {}),
			...(hasDefault ? { defaultValue: field.default as string | number | boolean } : {}),
		};
	});
}

const isEmpty = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** A list of URLs as given: an array, or text with one URL per comma or line. */
function urlList(value: unknown): unknown {
	if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.trim() : v));
	if (typeof value !== 'string') return value;
	return value
		.split(/[\n,]/)
		.map((url) => url.trim())
		.filter(Boolean);
}

function parsedJson(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return value;
	}
}

/** A number as given: a number, or text that is one (expressions and spreadsheets give text). */
function numberOf(value: unknown): unknown {
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return value;
}

function booleanOf(value: unknown): unknown {
	if (value === 'true') return true;
	if (value === 'false') return false;
	return value;
}

/**
 * The values as Lamina takes them: empty ones left out (the schema's default applies), text read
 * as the field's type (numbers, true/false, URL lists, JSON); unknown names kept for the checker.
 */
export function paramValues(schema: ParamSchema, given: Record<string, unknown>): Record<string, unknown> {
	const values: Record<string, unknown> = {};
	for (const [name, raw] of Object.entries(given)) {
		if (isEmpty(raw)) continue;
		const field = schema[name];
		const value = typeof raw === 'string' ? raw.trim() : raw;
		switch (field?.type) {
			case 'integer':
			case 'number':
				values[name] = numberOf(value);
				break;
			case 'boolean':
				values[name] = booleanOf(value);
				break;
			case 'array<url>':
				values[name] = urlList(value);
				break;
			case 'array<object>':
				values[name] = parsedJson(value);
				break;
			case 'enum': {
				// A dropdown gives text: the schema's value it names (e.g. the number 5 for "5").
				const match = field.values?.find((v) => String(v) === String(value));
				values[name] = match ?? value;
				break;
			}
			default:
				values[name] = value;
		}
	}
	return values;
}

const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/** Problems of one value against its field. */
function valueProblems(name: string, field: ModelParamField, value: unknown): ParamProblem[] {
	const problem = (message: string) => [{ field: name, message }];
	switch (field.type) {
		case 'enum': {
			const values = field.values ?? [];
			return values.some((v) => v === value) ? [] : problem(`must be one of ${list(values)}; got ${JSON.stringify(value)}`);
		}
		case 'integer':
		case 'number': {
			if (typeof value !== 'number' || !Number.isFinite(value)) return problem(`must be a number; got ${JSON.stringify(value)}`);
			if (field.type === 'integer' && !Number.isInteger(value)) return problem(`must be a whole number; got ${value}`);
			if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) {
				return problem(`must be ${limits(field)}; got ${value}`);
			}
			return [];
		}
		case 'boolean':
			return typeof value === 'boolean' ? [] : problem(`must be true or false; got ${JSON.stringify(value)}`);
		case 'url':
			return typeof value === 'string' && isHttpUrl(value) ? [] : problem(`must be an http(s) URL; got ${JSON.stringify(value)}`);
		case 'array<url>':
		case 'array<object>': {
			if (!Array.isArray(value)) {
				return problem(field.type === 'array<url>' ? 'must be a list of http(s) URLs' : `must be a JSON array of objects; got ${JSON.stringify(value)}`);
			}
			if ((field.minItems !== undefined && value.length < field.minItems) || (field.maxItems !== undefined && value.length > field.maxItems)) {
				return problem(`must have ${limits(field)}; got ${value.length}`);
			}
			if (field.type === 'array<url>') {
				const bad = value.find((url) => typeof url !== 'string' || !isHttpUrl(url));
				return bad === undefined ? [] : problem(`every item must be an http(s) URL; got ${JSON.stringify(bad)}`);
			}
			return value.flatMap((item, i) =>
				item && typeof item === 'object' && !Array.isArray(item)
					? checkModelParams(field.itemSchema ?? {}, item as Record<string, unknown>).map((p) => ({ field: `${name}[${i}].${p.field}`, message: p.message }))
					: [{ field: `${name}[${i}]`, message: 'must be an object' }],
			);
		}
		default:
			if (typeof value !== 'string') return problem(`must be text; got ${JSON.stringify(value)}`);
			if (field.maxLength !== undefined && value.length > field.maxLength) return problem(`must be at most ${field.maxLength} characters; got ${value.length}`);
			return [];
	}
}

/**
 * Every rule of the schema, checked as Lamina would (an empty itemSchema checks nothing inside):
 * no unknown names (with the closest known one), required fields present, each value valid.
 */
export function checkModelParams(schema: ParamSchema, values: Record<string, unknown>): ParamProblem[] {
	const names = Object.keys(schema);
	const problems: ParamProblem[] = [];
	for (const name of Object.keys(values)) {
		if (name in schema) continue;
		const near = closest(name, names);
		problems.push({
			field: name,
			message: `is not a parameter of this model${near ? ` (did you mean "${near}"?)` : ''}; it takes ${names.map((n) => `"${n}"`).join(', ') || 'none'}`,
		});
	}
	for (const [name, field] of Object.entries(schema)) {
		const value = values[name];
		if (value === undefined || value === null) {
			if (field.required) problems.push({ field: name, message: 'is required' });
			continue;
		}
		problems.push(...valueProblems(name, field, value));
	}
	return problems;
}

/** One line per field for a person or an AI agent: type, required or default, choices, limits, description. */
export function modelInputGuide(schema: ParamSchema): Array<{ name: string; guide: string; required: boolean }> {
	return Object.entries(schema).map(([name, field]) => {
		const parts = [field.type, field.required ? 'required' : field.default !== undefined ? `default ${JSON.stringify(field.default)}` : 'optional'];
		if (field.type === 'enum' && field.values?.length) parts.push(`one of ${list(field.values)}`);
		const range = limits(field);
		if (range) parts.push(range);
		if (field.accept?.length) parts.push(`accepts ${field.accept.join(', ')}`);
		if (field.itemSchema) parts.push(`each item: ${Object.entries(field.itemSchema).map(([k, f]) => `${k} (${f.type}${f.required ? ', required' : ''})`).join(', ')}`);
		return { name, required: field.required === true, guide: `${parts.join('; ')}${field.description ? ` — ${field.description}` : ''}` };
	});
}
