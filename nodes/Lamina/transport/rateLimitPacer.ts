import { sleep } from 'n8n-workflow';

/**
 * Lamina limits requests per minute per IP. Every request of this n8n process to one base URL
 * shares one pacer, so many concurrent items wait for the window to reset instead of
 * collecting 429s. It reads RateLimit-Remaining / RateLimit-Reset and honours Retry-After.
 */
export class RateLimitPacer {
	private remaining: number | undefined;

	private resetAt = 0;

	private pausedUntil = 0;

	constructor(private readonly now: () => number = Date.now) {}

	/** How long the next request should wait, and reserve its slot in the window. */
	reserve(): number {
		const now = this.now();
		if (this.pausedUntil > now) return this.pausedUntil - now;
		if (this.remaining !== undefined) {
			if (this.resetAt <= now) {
				this.remaining = undefined;
			} else if (this.remaining <= 0) {
				return this.resetAt - now + 50;
			} else {
				this.remaining -= 1;
			}
		}
		return 0;
	}

	/** Waits (with `wait`, which may throw when the execution is stopped) until a request may go. */
	async beforeRequest(wait: (ms: number) => Promise<void> = sleep): Promise<void> {
		for (let ms = this.reserve(); ms > 0; ms = this.reserve()) {
			await wait(ms);
		}
	}

	afterResponse(statusCode: number, headers: Record<string, unknown> | undefined): void {
		const remaining = Number(header(headers, 'ratelimit-remaining'));
		const reset = Number(header(headers, 'ratelimit-reset'));
		if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
		const resetAt = this.now() + reset * 1000;
		// Answers arrive out of order under concurrency: keep the most pessimistic view of this window.
		if (this.remaining === undefined || resetAt > this.resetAt + 1000 || remaining < this.remaining) {
			this.remaining = statusCode === 429 ? 0 : remaining;
		}
		this.resetAt = Math.max(this.resetAt, resetAt);
	}

	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
	}
}

function header(headers: Record<string, unknown> | undefined, name: string): unknown {
	const value = headers?.[name];
	return Array.isArray(value) ? value[0] : value;
}

const pacers = new Map<string, RateLimitPacer>();

export function rateLimitPacer(baseUrl: string): RateLimitPacer {
	let pacer = pacers.get(baseUrl);
	if (!pacer) {
		pacer = new RateLimitPacer();
		pacers.set(baseUrl, pacer);
	}
	return pacer;
}
