import { sleep } from 'n8n-workflow';

/**
 * Lamina allows a number of requests per window (100 a minute) per IP. Every request of this n8n
 * process to one Lamina host takes a slot from one pacer, first come, first served, so that a
 * catalogue of items never sends more than the window allows:
 *
 * - It learns the limit from the answers' `RateLimit-Limit` / `-Remaining` / `-Reset`. The budget
 *   left is what the server last said remains, less what this process sent after that request
 *   (`ceiling − sent`): requests of other processes behind the same IP (queue-mode workers) show
 *   in the server's count, so each process backs off from what the server says.
 * - Within a window it sends at most half of the limit at once and spreads the rest evenly
 *   up to the reset (a reserve that shrinks as the window runs out), so a window's requests never
 *   leave in one burst at the reset, where two processes would collide.
 * - A 429 (`Retry-After`) pauses every request until the server accepts again.
 * - Until the first answer, one request goes alone (it teaches the limit); a server without
 *   RateLimit-* headers is not paced.
 */
export interface PacerSlot {
	/** This request's number among all this pacer sent (1-based). */
	seq: number;
	/** The window it was sent in, as this pacer counts them. */
	epoch: number;
	/** A request whose answer comes late (long-poll, event stream): not waited for as a probe. */
	heldOpen: boolean;
}

export interface AcquireOptions {
	/** The execution's stop signal: a waiting request leaves the queue at once. */
	signal?: AbortSignal;
	/** The error to throw when `signal` fires. */
	cancelled?: () => Error;
	heldOpen?: boolean;
	/** Goes ahead of the queue: a request the server refused (429) keeps its place; an editor lookup or a webhook's check. */
	front?: boolean;
	/** Waits at most this long for a slot, then throws `waitedTooLong()`. */
	maxWaitMs?: number;
	waitedTooLong?: (waitedMs: number) => Error;
}

interface Waiter {
	wake: () => void;
}

/** What Lamina documents, assumed until an answer says otherwise. */
const ASSUMED_LIMIT = 100;
const ASSUMED_WINDOW_MS = 60_000;
/** The share of a window's limit held back at its start and released evenly until its reset. */
const SPREAD_SHARE = 0.5;
/** How long other requests wait for the very first answer (it tells the limit) before going. */
const FIRST_ANSWER_WAIT_MS = 250;
/** Sent a little after the reset, as the server's clock and ours differ by a few milliseconds. */
const RESET_MARGIN_MS = 20;
/** With no reset known, a waiting request looks again at least this often. */
const UNKNOWN_RESET_RECHECK_MS = 1_000;

export class RateLimitPacer {
	private limit = ASSUMED_LIMIT;

	private windowMs = ASSUMED_WINDOW_MS;

	/** The longest window seen in the server's headers, once it sent any. */
	private learnedWindowMs = 0;

	private answers = 0;

	/** The server sends RateLimit-* headers. */
	private headersSeen = false;

	/** The highest RateLimit-Remaining seen: the limit, when the server sends no RateLimit-Limit. */
	private maxRemainingSeen = 0;

	private epoch = 0;

	/** When the server's current window resets; undefined until the first answer tells. */
	private resetAt: number | undefined;

	/** An answer of the current window has told the budget (after a reset it is assumed full). */
	private confirmed = false;

	/** `ceiling − sent` is the budget left in the current window. */
	private ceiling = ASSUMED_LIMIT;

	private sent = 0;

	private firstSentAt = 0;

	private shortInFlight = 0;

	private pausedUntil = 0;

	private readonly queue: Waiter[] = [];

	/** One abort listener per execution signal, however many of its requests wait (a batch: hundreds). */
	private readonly watchers = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

	constructor(private readonly now: () => number = Date.now) {}

	/** Requests waiting for a slot. */
	get waiting(): number {
		return this.queue.length;
	}

	/** How long the first request in the queue must still wait (0: it may go now). */
	delayMs(now = this.now()): number {
		if (this.pausedUntil > now) return this.pausedUntil - now;
		if (this.resetAt !== undefined && now >= this.resetAt + RESET_MARGIN_MS) this.startNewWindow(now);
		if (this.answers === 0) {
			if (this.sent === 0) return 0;
			const waited = now - this.firstSentAt;
			if (this.shortInFlight > 0 && waited < FIRST_ANSWER_WAIT_MS) return FIRST_ANSWER_WAIT_MS - waited;
		} else if (!this.headersSeen) {
			return 0;
		}
		const budget = this.ceiling - this.sent;
		if (budget < 1) {
			return this.resetAt === undefined ? UNKNOWN_RESET_RECHECK_MS : Math.max(1, this.resetAt - now + RESET_MARGIN_MS);
		}
		const timeLeft = this.resetAt === undefined ? this.windowMs : Math.max(0, this.resetAt - now);
		const perMs = (this.limit * SPREAD_SHARE) / this.windowMs;
		const reserve = perMs * Math.min(this.windowMs, timeLeft);
		if (budget - reserve >= 1) return 0;
		// The reserve shrinks as the reset nears: the next slot frees when it falls to budget − 1.
		return Math.max(1, Math.ceil(timeLeft - (budget - 1) / perMs));
	}

	/** Takes a slot now (the caller has waited for `delayMs()` to say 0). */
	take(heldOpen = false): PacerSlot {
		const now = this.now();
		if (this.resetAt !== undefined && now >= this.resetAt + RESET_MARGIN_MS) this.startNewWindow(now);
		this.sent += 1;
		if (this.sent === 1) this.firstSentAt = now;
		if (!heldOpen) this.shortInFlight += 1;
		return { seq: this.sent, epoch: this.epoch, heldOpen };
	}

	/** Waits in the queue until a request may go, then takes its slot. */
	async acquire(options: AcquireOptions = {}): Promise<PacerSlot> {
		const waiter: Waiter = { wake: () => undefined };
		if (options.front) this.queue.unshift(waiter);
		else this.queue.push(waiter);
		const since = this.now();
		const deadline = options.maxWaitMs === undefined ? Infinity : since + options.maxWaitMs;
		const unwatch = options.signal ? this.watch(options.signal, waiter) : undefined;
		try {
			for (;;) {
				if (options.signal?.aborted) throw options.cancelled?.() ?? new Error('The execution was cancelled');
				const left = deadline - this.now();
				if (left <= 0) throw options.waitedTooLong?.(this.now() - since) ?? new Error('No slot within the time allowed');
				if (this.queue[0] !== waiter) {
					await this.sleepUntilWoken(waiter, Number.isFinite(left) ? left : undefined);
					continue;
				}
				const ms = this.delayMs();
				if (ms <= 0) return this.take(options.heldOpen);
				await this.sleepUntilWoken(waiter, Math.min(ms, left));
			}
		} finally {
			unwatch?.();
			const at = this.queue.indexOf(waiter);
			if (at >= 0) this.queue.splice(at, 1);
			this.queue[0]?.wake();
		}
	}

	/** An answer arrived for `slot`: learn from its RateLimit-* headers (and a 429's Retry-After). */
	answered(slot: PacerSlot, statusCode: number, headers: Record<string, unknown> | undefined, retryAfterMs?: number): void {
		const now = this.now();
		this.answers += 1;
		if (!slot.heldOpen) this.shortInFlight -= 1;
		if (statusCode === 429) this.pauseFor(retryAfterMs ?? 1_000);
		const remaining = Number(header(headers, 'ratelimit-remaining'));
		const resetMs = resetDelayMs(header(headers, 'ratelimit-reset'), now);
		if (Number.isFinite(remaining) && resetMs !== undefined) {
			this.learn(slot, statusCode === 429 ? 0 : remaining, resetMs, Number(header(headers, 'ratelimit-limit')), now);
		}
		this.queue[0]?.wake();
	}

	/** The request got no answer (a network failure): its slot is spent, nothing is learnt. */
	unanswered(slot: PacerSlot): void {
		if (!slot.heldOpen) this.shortInFlight -= 1;
		this.queue[0]?.wake();
	}

	/** Holds every request back for `ms` (a 429 without usable headers, Retry-After). */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
	}

	private learn(slot: PacerSlot, remaining: number, resetMs: number, limit: number, now: number): void {
		this.headersSeen = true;
		this.maxRemainingSeen = Math.max(this.maxRemainingSeen, remaining + 1);
		this.limit = Number.isFinite(limit) && limit > 0 ? limit : this.maxRemainingSeen;
		this.learnedWindowMs = Math.max(this.learnedWindowMs, resetMs);
		this.windowMs = Math.max(1, this.learnedWindowMs);
		// An answer to a request sent before this pacer's last reset tells of a window that is over.
		if (slot.epoch !== this.epoch) return;
		const resetAt = now + resetMs;
		const ceiling = slot.seq + remaining;
		if (!this.confirmed) {
			this.resetAt = resetAt;
			this.ceiling = ceiling;
			this.confirmed = true;
		} else {
			// Answers arrive out of order: the lowest count and the earliest reset are the freshest.
			this.resetAt = Math.min(this.resetAt ?? resetAt, resetAt);
			this.ceiling = Math.min(this.ceiling, ceiling);
		}
	}

	/**
	 * The server's window has reset: assume its whole limit until an answer of the new window tells,
	 * less the requests still on their way (sent before the reset, they may be counted after it).
	 */
	private startNewWindow(now: number): void {
		this.epoch += 1;
		this.confirmed = false;
		this.ceiling = this.sent + this.limit - Math.max(0, this.shortInFlight);
		this.resetAt = now + this.windowMs;
	}

	/** Wakes `waiter` when `signal` fires; returns how to stop watching. */
	private watch(signal: AbortSignal, waiter: Waiter): () => void {
		let entry = this.watchers.get(signal);
		if (!entry) {
			const waiters = new Set<Waiter>();
			const onAbort = () => {
				for (const each of waiters) each.wake();
			};
			entry = { waiters, onAbort };
			this.watchers.set(signal, entry);
			signal.addEventListener('abort', onAbort, { once: true });
		}
		const watched = entry;
		watched.waiters.add(waiter);
		return () => {
			watched.waiters.delete(waiter);
			if (watched.waiters.size === 0 && this.watchers.get(signal) === watched) {
				this.watchers.delete(signal);
				signal.removeEventListener('abort', watched.onAbort);
			}
		};
	}

	/** Sleeps `ms` (or until woken when undefined), ending early when woken (a slot, an answer, a stop). */
	private async sleepUntilWoken(waiter: Waiter, ms: number | undefined): Promise<void> {
		const timer = new AbortController();
		await new Promise<void>((resolve) => {
			waiter.wake = resolve;
			if (ms !== undefined) sleep(ms, timer.signal).then(resolve, () => undefined);
		});
		waiter.wake = () => undefined;
		timer.abort();
	}
}

function header(headers: Record<string, unknown> | undefined, name: string): unknown {
	const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
	const value = key === undefined ? undefined : headers?.[key];
	return Array.isArray(value) ? value[0] : value;
}

/** RateLimit-Reset: seconds until the window resets (a fraction allowed); a Unix time is tolerated. */
export function resetDelayMs(value: unknown, now: number): number | undefined {
	const seconds = Number(value);
	if (value === undefined || value === null || value === '' || !Number.isFinite(seconds) || seconds < 0) return undefined;
	if (seconds > 1e9) return Math.max(0, seconds * 1000 - now);
	return seconds * 1000;
}

const pacers = new Map<string, RateLimitPacer>();

/** The pacer of a Lamina host: every credential and execution of this process that talks to it shares it. */
export function rateLimitPacer(baseUrl: string): RateLimitPacer {
	let host: string;
	try {
		host = new URL(baseUrl).host;
	} catch {
		host = baseUrl;
	}
	let pacer = pacers.get(host);
	if (!pacer) {
		pacer = new RateLimitPacer();
		pacers.set(host, pacer);
	}
	return pacer;
}
