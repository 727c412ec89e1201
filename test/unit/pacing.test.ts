import { createLimiter } from '../../nodes/Lamina/shared/limiter';
import { RateLimitPacer, resetDelayMs } from '../../nodes/Lamina/transport/rateLimitPacer';

/** Lamina's fixed window per IP, as the simulator implements it, on a clock the test moves. */
class FixedWindowServer {
	private startedAt = -Infinity;

	private count = 0;

	refused = 0;

	constructor(
		readonly limit: number,
		readonly windowMs: number,
		/** Reset as Lamina sends it for its minute (whole seconds, rounded up) or to the millisecond. */
		readonly wholeSeconds = false,
	) {}

	answer(now: number): { status: number; headers: Record<string, string> } {
		if (now >= this.startedAt + this.windowMs) {
			this.startedAt = now;
			this.count = 0;
		}
		this.count += 1;
		const ms = this.startedAt + this.windowMs - now;
		const reset = this.wholeSeconds ? Math.max(1, Math.ceil(ms / 1000)) : Math.ceil(ms) / 1000;
		const headers = {
			'ratelimit-limit': String(this.limit),
			'ratelimit-remaining': String(Math.max(0, this.limit - this.count)),
			'ratelimit-reset': String(reset),
		};
		if (this.count <= this.limit) return { status: 200, headers };
		this.refused += 1;
		return { status: 429, headers: { ...headers, 'retry-after': String(reset) } };
	}
}

interface Client {
	pacer: RateLimitPacer;
	left: number;
	sentAt: number[];
}

/**
 * Sends `requests` through each client's pacer, one at a time per client in turn, each answered
 * after `latencyMs`; a refused request is sent again. Returns when every client is done.
 */
function drive(server: FixedWindowServer, clients: Client[], clock: { now: number }, latencyMs = 5) {
	for (let guard = 0; clients.some((client) => client.left > 0); guard++) {
		if (guard > 1_000_000) throw new Error('no progress');
		const ready = clients
			.filter((client) => client.left > 0)
			.map((client) => ({ client, delay: client.pacer.delayMs(clock.now) }));
		const soonest = Math.min(...ready.map((entry) => entry.delay));
		clock.now += Math.max(0, soonest);
		for (const { client } of ready.filter((entry) => entry.delay === soonest)) {
			if (client.pacer.delayMs(clock.now) > 0) continue;
			const slot = client.pacer.take();
			const { status, headers } = server.answer(clock.now);
			client.sentAt.push(clock.now);
			const sentAt = clock.now;
			clock.now = Math.max(clock.now, sentAt + latencyMs);
			const retryAfter = status === 429 ? Number(headers['retry-after']) * 1000 : undefined;
			client.pacer.answered(slot, status, headers, retryAfter);
			if (status < 300) client.left -= 1;
		}
	}
}

function client(clock: { now: number }, requests: number): Client {
	return { pacer: new RateLimitPacer(() => clock.now), left: requests, sentAt: [] };
}

/** The most requests sent within any span of `windowMs`. */
function busiestWindow(sentAt: number[], windowMs: number): number {
	const sorted = [...sentAt].sort((a, b) => a - b);
	let most = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= windowMs) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
}

test('1,000 requests through a 100-per-minute window: none refused, and as fast as the limit allows', () => {
	const clock = { now: 1_000_000 };
	const server = new FixedWindowServer(100, 60_000);
	const one = client(clock, 1_000);
	const t0 = clock.now;
	drive(server, [one], clock);
	expect(server.refused).toBe(0);
	const floorMs = (1_000 / 100) * 60_000;
	expect(clock.now - t0).toBeLessThanOrEqual(floorMs * 1.05);
});

test('with Lamina’s whole-second RateLimit-Reset, too: none refused, within 5 % of the floor', () => {
	const clock = { now: 0 };
	const server = new FixedWindowServer(100, 60_000, true);
	const one = client(clock, 500);
	drive(server, [one], clock);
	expect(server.refused).toBe(0);
	expect(clock.now).toBeLessThanOrEqual(5 * 60_000 * 1.05);
});

test('a window is not sent in one burst: half of it at once, the rest spread until the reset', () => {
	const clock = { now: 0 };
	const server = new FixedWindowServer(100, 60_000);
	const one = client(clock, 300);
	drive(server, [one], clock);
	// Past the first answer, a window's first half goes at once, the other half evenly.
	const secondWindow = one.sentAt.filter((t) => t >= 60_000 && t < 120_000);
	expect(secondWindow.length).toBeGreaterThanOrEqual(99);
	const inFirstSecond = secondWindow.filter((t) => t < secondWindow[0] + 1_000).length;
	expect(inFirstSecond).toBeLessThanOrEqual(51);
	const lastQuarter = secondWindow.filter((t) => t >= 105_000).length;
	expect(lastQuarter).toBeGreaterThanOrEqual(10);
});

test('two processes behind one IP: together near the limit, with at most 3 % refused', () => {
	const clock = { now: 0 };
	const server = new FixedWindowServer(100, 60_000);
	const a = client(clock, 500);
	const b = client(clock, 500);
	drive(server, [a, b], clock);
	const sent = a.sentAt.length + b.sentAt.length;
	expect(server.refused / sent).toBeLessThanOrEqual(0.03);
	expect(clock.now).toBeLessThanOrEqual(10 * 60_000 * 1.2);
	expect(busiestWindow([...a.sentAt, ...b.sentAt], 60_000)).toBeLessThanOrEqual(100 + server.refused);
});

test('a 429 holds every request back for Retry-After, and the limit it names is kept to', () => {
	const clock = { now: 0 };
	const pacer = new RateLimitPacer(() => clock.now);
	const slot = pacer.take();
	pacer.answered(slot, 429, { 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '30' }, 30_000);
	expect(pacer.delayMs()).toBeGreaterThanOrEqual(30_000);
	clock.now = 30_100;
	expect(pacer.delayMs()).toBe(0);
	// A fresh window of 10: five at once, the rest spread.
	for (let i = 0; i < 5; i++) pacer.take();
	expect(pacer.delayMs()).toBeGreaterThan(0);
});

test('a server without RateLimit-* headers is not paced; until the first answer, one request goes alone', () => {
	const clock = { now: 0 };
	const pacer = new RateLimitPacer(() => clock.now);
	const first = pacer.take();
	expect(pacer.delayMs()).toBeGreaterThan(0);
	pacer.answered(first, 200, {});
	for (let i = 0; i < 500; i++) {
		expect(pacer.delayMs()).toBe(0);
		pacer.answered(pacer.take(), 200, {});
	}
});

test('a long-poll sent first does not hold the others back for its late answer', () => {
	const clock = { now: 0 };
	const pacer = new RateLimitPacer(() => clock.now);
	pacer.take(true);
	expect(pacer.delayMs()).toBe(0);
});

test('RateLimit-Reset: seconds, a fraction of one, or a Unix time', () => {
	expect(resetDelayMs('30', 0)).toBe(30_000);
	expect(resetDelayMs('0.25', 0)).toBe(250);
	expect(resetDelayMs(String(2_000_000_000), 1_999_999_990_000)).toBe(10_000);
	expect(resetDelayMs('soon', 0)).toBeUndefined();
	expect(resetDelayMs(undefined, 0)).toBeUndefined();
});

test('waiting requests get their slots first come, first served, and a stopped one leaves the queue', async () => {
	const pacer = new RateLimitPacer();
	pacer.answered(pacer.take(), 200, { 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': '0.05' });
	const order: string[] = [];
	const stop = new AbortController();
	const queued = ['a', 'b', 'c'].map((name) =>
		pacer
			.acquire({ signal: name === 'b' ? stop.signal : undefined, cancelled: () => new Error(`${name} stopped`) })
			.then((slot) => {
				order.push(name);
				pacer.answered(slot, 200, { 'ratelimit-limit': '2', 'ratelimit-remaining': '1', 'ratelimit-reset': '0.05' });
			}),
	);
	stop.abort();
	const settled = await Promise.allSettled(queued);
	expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
	expect(order).toEqual(['a', 'c']);
	expect(pacer.waiting).toBe(0);
});

test('the limiter never runs more than its limit and keeps order', async () => {
	const limit = createLimiter(2);
	let active = 0;
	let peak = 0;
	const order: number[] = [];
	await Promise.all(
		[0, 1, 2, 3, 4].map((n) =>
			limit(async () => {
				active++;
				peak = Math.max(peak, active);
				await new Promise((resolve) => setImmediate(resolve));
				order.push(n);
				active--;
			}),
		),
	);
	expect(peak).toBe(2);
	expect(order).toEqual([0, 1, 2, 3, 4]);
});
