/**
 * When to repeat a Lamina request. Pure, so it is unit-tested without a server.
 *
 * A request that starts a run may be repeated only when Lamina did not accept it (429, 503):
 * anything ambiguous (a reset, a timeout, a 500 after the body was sent) could start it twice.
 */
import { TRANSIENT_NETWORK_CODES } from './network';

export interface RetryInput {
	attempt: number; // 1 for the first try
	maxAttempts: number;
	startsRun: boolean;
	statusCode?: number; // absent when no HTTP answer arrived
	retryAfterSeconds?: number; // from Retry-After or the body's retryAfter
	retryableFlag?: boolean; // the body's `retryable`
	networkErrorCode?: string; // ECONNRESET, ETIMEDOUT, ...
}

export interface RetryDecision {
	retry: boolean;
	delayMs: number;
}

const MAX_RETRY_AFTER_MS = 65_000;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

export function backoffMs(attempt: number): number {
	return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
}

export function decideRetry(input: RetryInput): RetryDecision {
	const no = { retry: false, delayMs: 0 };
	if (input.attempt >= input.maxAttempts) return no;

	const { statusCode } = input;
	if (statusCode === 429) {
		const waitMs =
			input.retryAfterSeconds !== undefined && input.retryAfterSeconds >= 0
				? input.retryAfterSeconds * 1000
				: backoffMs(input.attempt) * 2;
		return { retry: true, delayMs: Math.min(MAX_RETRY_AFTER_MS, Math.max(waitMs, 250)) };
	}
	if (statusCode === 503) {
		const waitMs =
			input.retryAfterSeconds !== undefined ? input.retryAfterSeconds * 1000 : backoffMs(input.attempt);
		return { retry: true, delayMs: Math.min(MAX_RETRY_AFTER_MS, waitMs) };
	}
	if (input.startsRun) return no;

	if (statusCode !== undefined) {
		const serverSide = statusCode >= 500 || input.retryableFlag === true;
		return serverSide ? { retry: true, delayMs: backoffMs(input.attempt) } : no;
	}
	if (input.networkErrorCode && TRANSIENT_NETWORK_CODES.has(input.networkErrorCode)) {
		return { retry: true, delayMs: backoffMs(input.attempt) };
	}
	return no;
}

/** Retry-After is whole seconds here; an HTTP date is tolerated too. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (Array.isArray(value)) value = value[0];
	if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
