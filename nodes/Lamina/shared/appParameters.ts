import type { LaminaParameter } from './types';

/** Option labels are what Lamina expects; `{ label, value }` objects are tolerated. */
export function optionLabels(parameter: LaminaParameter): string[] {
	return (parameter.options ?? [])
		.map((option) => (typeof option === 'string' ? option : (option?.label ?? String(option?.value ?? ''))))
		.filter((label) => label !== '');
}

export function hasDefault(parameter: LaminaParameter): boolean {
	return parameter.default !== undefined && parameter.default !== null && parameter.default !== '';
}

/** `required` is unreliable across server generations: a value is owed only when required and undefaulted. */
export function mustSupply(parameter: LaminaParameter): boolean {
	return parameter.required === true && !hasDefault(parameter);
}
