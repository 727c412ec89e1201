import { decideRetry, parseRetryAfter } from '../../nodes/Lamina/transport/retryPolicy';

const base = { attempt: 1, maxAttempts: 5, startsRun: false };

describe('decideRetry', () => {
	test('429 waits for Retry-After, for any request including one that starts a run', () => {
		expect(decideRetry({ ...base, statusCode: 429, retryAfterSeconds: 3 })).toEqual({ retry: true, delayMs: 3000 });
		expect(decideRetry({ ...base, startsRun: true, statusCode: 429, retryAfterSeconds: 2 })).toEqual({
			retry: true,
			delayMs: 2000,
		});
	});

	test('Retry-After is bounded so a hostile header cannot park the workflow', () => {
		expect(decideRetry({ ...base, statusCode: 429, retryAfterSeconds: 3600 }).delayMs).toBe(65_000);
	});

	test('503 is repeated for a run-starting POST (Lamina did not accept it)', () => {
		expect(decideRetry({ ...base, startsRun: true, statusCode: 503 }).retry).toBe(true);
	});

	test('500, resets and timeouts are never repeated for a run-starting POST (could double-bill)', () => {
		expect(decideRetry({ ...base, startsRun: true, statusCode: 500, retryableFlag: true }).retry).toBe(false);
		expect(decideRetry({ ...base, startsRun: true, networkErrorCode: 'ECONNRESET' }).retry).toBe(false);
		expect(decideRetry({ ...base, startsRun: true, networkErrorCode: 'ETIMEDOUT' }).retry).toBe(false);
	});

	test('reads are repeated after 5xx and transient network errors with growing backoff', () => {
		const first = decideRetry({ ...base, statusCode: 500 });
		const third = decideRetry({ ...base, attempt: 3, statusCode: 502 });
		expect(first.retry && third.retry).toBe(true);
		expect(third.delayMs).toBeGreaterThan(first.delayMs);
		expect(decideRetry({ ...base, networkErrorCode: 'ECONNRESET' }).retry).toBe(true);
	});

	test('client errors and unknown failures are not repeated', () => {
		for (const statusCode of [400, 401, 403, 404]) expect(decideRetry({ ...base, statusCode }).retry).toBe(false);
		expect(decideRetry({ ...base, networkErrorCode: 'ENOTFOUND' }).retry).toBe(false);
	});

	test('attempts are bounded', () => {
		expect(decideRetry({ ...base, attempt: 5, statusCode: 429, retryAfterSeconds: 1 }).retry).toBe(false);
	});
});

describe('parseRetryAfter', () => {
	test('seconds, numbers, arrays and HTTP dates', () => {
		expect(parseRetryAfter('7')).toBe(7);
		expect(parseRetryAfter(2)).toBe(2);
		expect(parseRetryAfter(['4'])).toBe(4);
		expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
	});
});
