/** Fixed-window rate limit per client IP over the API paths, with RateLimit-* headers. */
export interface RateDecision {
	allowed: boolean;
	/** RateLimit-* (and Retry-After when refused); empty when limiting is off. */
	headers: Record<string, string>;
	retryAfterSeconds: number;
}

interface Window {
	startedAt: number;
	count: number;
}

export class RateLimiter {
	private windows = new Map<string, Window>();

	constructor(
		private limit: number,
		private windowMs: number,
	) {}

	/** Changes the limit and starts every client on a fresh window. */
	configure(limit: number, windowMs = this.windowMs): void {
		this.limit = limit;
		this.windowMs = windowMs;
		this.windows.clear();
	}

	get enabled(): boolean {
		return Number.isFinite(this.limit) && this.limit > 0;
	}

	/**
	 * RateLimit-Reset and Retry-After: whole seconds, rounded up, as Lamina sends them for its minute.
	 * A compressed window (tests make Lamina's minute a few seconds long) keeps the same precision
	 * relative to the window: seconds with three decimals, so a 1-s window is not reported as "1" throughout.
	 */
	private resetSeconds(ms: number): number {
		if (this.windowMs >= 60_000) return Math.max(1, Math.ceil(ms / 1000));
		return Math.max(0.001, Math.ceil(ms) / 1000);
	}

	take(clientIp: string, now = Date.now()): RateDecision {
		if (!this.enabled) return { allowed: true, headers: {}, retryAfterSeconds: 0 };
		let window = this.windows.get(clientIp);
		if (!window || now >= window.startedAt + this.windowMs) {
			window = { startedAt: now, count: 0 };
			this.windows.set(clientIp, window);
		}
		window.count += 1;
		const allowed = window.count <= this.limit;
		const resetSeconds = this.resetSeconds(window.startedAt + this.windowMs - now);
		const headers: Record<string, string> = {
			'RateLimit-Limit': String(this.limit),
			'RateLimit-Remaining': String(Math.max(0, this.limit - window.count)),
			'RateLimit-Reset': String(resetSeconds),
		};
		if (!allowed) headers['Retry-After'] = String(resetSeconds);
		return { allowed, headers, retryAfterSeconds: resetSeconds };
	}
}
