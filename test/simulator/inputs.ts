/** Input validation as the real server does it: key, then name, then id; labels for options. */
import type { SimApp, SimParameter } from './types';

export interface InputProblem {
	field: string;
	message: string;
}

export interface ValidatedInputs {
	/** Keyed by parameter name, defaults applied. */
	resolved: Record<string, unknown>;
	problems: InputProblem[];
}

/** Resolves an input key against `key`, then `name` (exact), then `id`, like the official CLI documents. */
export function resolveParameter(app: SimApp, inputKey: string): SimParameter | undefined {
	return (
		app.parameters.find((p) => p.key !== undefined && p.key === inputKey) ??
		app.parameters.find((p) => p.name === inputKey) ??
		app.parameters.find((p) => p.id === inputKey)
	);
}

export function optionLabels(parameter: SimParameter): string[] {
	return (parameter.options ?? []).map((o) => (typeof o === 'string' ? o : o.label));
}

export function isAbsent(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/** A value must be supplied exactly when `required` is true and there is no default. */
export function mustBeSupplied(parameter: SimParameter): boolean {
	return parameter.required && isAbsent(parameter.default);
}

function isHttpUrl(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

function checkValue(parameter: SimParameter, value: unknown): string | undefined {
	switch (parameter.type) {
		case 'options': {
			const labels = optionLabels(parameter);
			if (typeof value !== 'string' || !labels.includes(value)) {
				const shown = typeof value === 'string' ? value : JSON.stringify(value);
				return `invalid option "${shown}". Must be one of: ${labels.join(', ')}`;
			}
			return undefined;
		}
		case 'url': {
			const values = parameter.multiple && Array.isArray(value) ? value : [value];
			if (values.length === 0 || !values.every(isHttpUrl)) {
				return `must be a publicly reachable http(s) URL, got ${JSON.stringify(value)}`;
			}
			return undefined;
		}
		default:
			if (!['string', 'number', 'boolean'].includes(typeof value)) return 'must be text';
			return undefined;
	}
}

export function validateInputs(app: SimApp, inputs: Record<string, unknown>): ValidatedInputs {
	const problems: InputProblem[] = [];
	const given = new Map<SimParameter, unknown>();
	const validNames = app.parameters.map((p) => p.name).join(', ');

	for (const [inputKey, value] of Object.entries(inputs)) {
		const parameter = resolveParameter(app, inputKey);
		if (!parameter) {
			problems.push({ field: inputKey, message: `unknown input. Must be one of: ${validNames}` });
			continue;
		}
		if (given.has(parameter)) {
			problems.push({ field: parameter.name, message: 'given more than once (by key, name or id)' });
			continue;
		}
		given.set(parameter, value);
	}

	const resolved: Record<string, unknown> = {};
	for (const parameter of app.parameters) {
		const value = given.get(parameter);
		if (isAbsent(value)) {
			if (mustBeSupplied(parameter)) problems.push({ field: parameter.name, message: 'is required' });
			else if (!isAbsent(parameter.default)) resolved[parameter.name] = parameter.default;
			continue;
		}
		const problem = checkValue(parameter, value);
		if (problem) problems.push({ field: parameter.name, message: problem });
		else resolved[parameter.name] = value;
	}
	return { resolved, problems };
}

/** The `details` of a VALIDATION_ERROR, in the form this app's server generation uses. */
export function validationDetails(app: SimApp | undefined, problems: InputProblem[]): unknown {
	if (app?.detailsStyle === 'object') {
		return {
			code: 'INVALID_INPUTS',
			message: 'One or more inputs are invalid',
			details: { errors: problems.map((p) => ({ field: p.field, message: p.message })) },
		};
	}
	return problems.map((p) => `"${p.field}": ${p.message}`);
}
