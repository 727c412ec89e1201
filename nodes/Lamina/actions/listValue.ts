/** A multi-select's value as a list, also when an expression or an older node gave a comma-separated string. */
export function toList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return list.map((entry) => String(entry).trim()).filter(Boolean);
}
