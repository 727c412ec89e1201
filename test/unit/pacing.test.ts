import { createLimiter } from '../../nodes/Lamina/shared/limiter';
import { RateLimitPacer } from '../../nodes/Lamina/transport/rateLimitPacer';

test('the pacer lets requests through while the window has room, then waits for its reset', () => {
	let now = 1_000_000;
	const pacer = new RateLimitPacer(() => now);
	expect(pacer.reserve()).toBe(0);
	pacer.afterResponse(200, { 'ratelimit-remaining': '2', 'ratelimit-reset': '30' });
	expect(pacer.reserve()).toBe(0);
	expect(pacer.reserve()).toBe(0);
	expect(pacer.reserve()).toBe(30_050);
	now += 31_000;
	expect(pacer.reserve()).toBe(0);
});

test('a 429 pauses every request for Retry-After', () => {
	let now = 0;
	const pacer = new RateLimitPacer(() => now);
	pacer.pauseFor(2_000);
	expect(pacer.reserve()).toBe(2_000);
	now = 2_000;
	expect(pacer.reserve()).toBe(0);
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
