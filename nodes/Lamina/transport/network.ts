/**
 * What every request to Lamina or its file hosts shares: the response shape n8n's request helper
 * returns with `returnFullResponse`, header lookup, and which network failures are worth another try.
 */
export interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** Network failures that say nothing about the request itself: another attempt may succeed. */
export const TRANSIENT_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * A network error's code (ECONNRESET...), looked for along the cause chain; never the error
 * itself, which can hold request headers. `undefined` when the error carries none.
 */
export function networkErrorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const code = (current as { code?: unknown }).code;
		// ERR_BAD_REQUEST is how axios labels an HTTP 4xx, not a network failure.
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code) && code !== 'ERR_BAD_REQUEST') return code;
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : '';
	if (/aborted|socket hang up|premature close/i.test(message)) return 'ECONNRESET';
	return undefined;
}

export function headerOf(headers: Record<string, unknown> | undefined, name: string): unknown {
	const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
	const value = key === undefined ? undefined : headers?.[key];
	return Array.isArray(value) ? value[0] : value;
}
