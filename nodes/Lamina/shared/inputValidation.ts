import { mustSupply, optionLabels } from './appParameters';
import type { LaminaParameter } from './types';

export interface InputProblem {
	/** The input as the user named it. */
	field: string;
	message: string;
	/**
	 * The problem is that the app definition doesn't list something given (an input, an option
	 * label) or lists a requirement: a newer definition of the app may not have it.
	 */
	byDefinition?: boolean;
}

export interface ValidatedInputs {
	/** Keyed exactly by Lamina parameter names (inner and trailing spaces kept). */
	inputs: Record<string, unknown>;
	problems: InputProblem[];
}

/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
	const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = previous[0];
		previous[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = previous[j];
			previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return previous[b.length];
}

export function closest(name: string, candidates: string[]): string | undefined {
	const wanted = name.trim().toLowerCase();
	let best: string | undefined;
	let bestDistance = Infinity;
	for (const candidate of candidates) {
		const distance = editDistance(wanted, candidate.trim().toLowerCase());
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}
	return best !== undefined && bestDistance <= Math.max(2, Math.floor(wanted.length / 2)) ? best : undefined;
}

const quote = (text: string) => `"${text}"`;

function uniqueMatch(parameters: LaminaParameter[], test: (p: LaminaParameter) => boolean) {
	const found = parameters.filter(test);
	return found.length === 1 ? found[0] : undefined;
}

/**
 * Finds the parameter a user's key means: the exact name first (what we send), then `key`,
 * then `id` (Lamina's own resolution order), then a unique match ignoring case and outer spaces
 * (editors and spreadsheets trim).
 */
export function resolveParameter(parameters: LaminaParameter[], key: string): LaminaParameter | undefined {
	const folded = key.trim().toLowerCase();
	return (
		parameters.find((p) => p.name === key) ??
		parameters.find((p) => p.key !== undefined && p.key === key) ??
		parameters.find((p) => p.id === key) ??
		uniqueMatch(parameters, (p) => p.name.trim().toLowerCase() === folded) ??
		uniqueMatch(parameters, (p) => (p.key ?? '').toLowerCase() === folded)
	);
}

/**
 * "Map Automatically": the fields of an incoming item that name an app input, resolved exactly as
 * Lamina resolves input keys (the parameter's `key`, then its `name`, then its `id`); every other
 * field of the item is left out.
 */
export function autoMapInputs(parameters: LaminaParameter[], item: Record<string, unknown>): Record<string, unknown> {
	const mapped: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(item)) {
		const matches =
			parameters.some((p) => p.key !== undefined && p.key === field) ||
			parameters.some((p) => p.name === field) ||
			parameters.some((p) => p.id === field);
		if (matches) mapped[field] = value;
	}
	return mapped;
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value === '');
}

function matchOption(parameter: LaminaParameter, value: unknown): string | undefined {
	const labels = optionLabels(parameter);
	const text = typeof value === 'string' ? value : String(value);
	if (labels.includes(text)) return text;
	for (const option of parameter.options ?? []) {
		if (typeof option === 'object' && option !== null && option.value === value && option.label) return option.label;
	}
	const folded = text.trim().toLowerCase();
	const loose = labels.filter((label) => label.trim().toLowerCase() === folded);
	return loose.length === 1 ? loose[0] : undefined;
}

export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value.trim());
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

function checkValue(parameter: LaminaParameter, value: unknown): { value?: unknown; problem?: string; byDefinition?: boolean } {
	const name = quote(parameter.name);
	if (parameter.type === 'options') {
		const check = (entry: unknown) => matchOption(parameter, entry);
		const values = parameter.multiple && Array.isArray(value) ? value : [value];
		const labels = values.map(check);
		const bad = values.find((_, i) => labels[i] === undefined);
		if (bad !== undefined) {
			const choices = optionLabels(parameter).map(quote).join(', ');
			return {
				problem: `Input ${name}: ${quote(String(bad))} is not one of its choices. Choose one of: ${choices}`,
				byDefinition: true,
			};
		}
		return { value: parameter.multiple && Array.isArray(value) ? labels : labels[0] };
	}
	if (parameter.type === 'url') {
		const values = parameter.multiple && Array.isArray(value) ? value : [value];
		const bad = values.find((entry) => typeof entry !== 'string' || !isHttpUrl(entry));
		if (bad !== undefined) {
			const kind = parameter.accept?.length ? ` of an ${parameter.accept.join(' or ')}` : '';
			return {
				problem: `Input ${name} needs a public http(s) URL${kind}; got ${quote(typeof bad === 'string' ? bad : JSON.stringify(bad))}. Pass a link that starts with https://`,
			};
		}
		return { value: parameter.multiple && Array.isArray(value) ? values.map((v) => (v as string).trim()) : (value as string).trim() };
	}
	if (Array.isArray(value) && !parameter.multiple) {
		return { problem: `Input ${name} takes one value, not a list. Pass a single text.` };
	}
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value: JSON.stringify(value) };
	return { value: typeof value === 'string' || Array.isArray(value) ? value : String(value) };
}

/**
 * Checks a run's inputs against the app's parameter list before anything is sent, and keys them
 * by the parameter names Lamina resolves on every server generation.
 */
export function validateRunInputs(parameters: LaminaParameter[], given: Record<string, unknown>): ValidatedInputs {
	const inputs: Record<string, unknown> = {};
	const problems: InputProblem[] = [];
	const names = parameters.map((p) => p.name);
	/** Which of the user's keys gave each input, to tell when two keys mean the same input. */
	const givenAs = new Map<string, string>();

	for (const [key, value] of Object.entries(given)) {
		const parameter = resolveParameter(parameters, key);
		if (!parameter) {
			const suggestion = closest(key, [...names, ...parameters.flatMap((p) => (p.key ? [p.key] : []))]);
			const suggestedName = suggestion ? (resolveParameter(parameters, suggestion)?.name ?? suggestion) : undefined;
			problems.push({
				field: key,
				byDefinition: true,
				message:
					`This app has no input ${quote(key)}.` +
					(suggestedName ? ` Did you mean ${quote(suggestedName)}?` : '') +
					` Its inputs are: ${names.map(quote).join(', ')}`,
			});
			continue;
		}
		if (isBlank(value)) continue;
		const checked = checkValue(parameter, value);
		const earlier = givenAs.get(parameter.name);
		if (checked.problem) problems.push({ field: parameter.name, message: checked.problem, byDefinition: checked.byDefinition });
		else if (earlier !== undefined && JSON.stringify(inputs[parameter.name]) !== JSON.stringify(checked.value)) {
			problems.push({
				field: parameter.name,
				message: `Input ${quote(parameter.name)} is given twice, as ${quote(earlier)} and as ${quote(key)}, with different values. Keep one.`,
			});
		} else inputs[parameter.name] = checked.value;
		if (earlier === undefined) givenAs.set(parameter.name, key);
	}

	for (const parameter of parameters) {
		if (mustSupply(parameter) && !(parameter.name in inputs) && !problems.some((p) => p.field === parameter.name)) {
			problems.push({
				field: parameter.name,
				byDefinition: true,
				message: `Input ${quote(parameter.name)} is required by this app and has no default. Give it a value.`,
			});
		}
	}
	return { inputs, problems };
}
