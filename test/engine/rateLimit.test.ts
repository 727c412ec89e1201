import { useSimulator } from '../support/context';
import { runAppNode } from '../support/runNodes';

// Lamina's limit (100 requests a minute) with the minute scaled down to 6 s, so the test is quick.
const WINDOW_MS = 6_000;
const ctx = useSimulator({ runDurationMs: 300, rateLimitPerMinute: 100, rateLimitWindowMs: WINDOW_MS });

test('150 items at 100 requests per window: every item succeeds, no run starts twice, few 429s', async () => {
	const input = Array.from({ length: 150 }, (_, i) => ({ topic: `poster ${i}` }));
	const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}' });
	ctx.sim.resetCounters();

	const { items, error } = await ctx.engine.run([node], { input });

	expect(error).toBeUndefined();
	expect(items).toHaveLength(150);
	items.forEach((item, i) => {
		expect(item.json.status).toBe('completed');
		expect(item.pairedItem).toEqual({ item: i });
	});
	expect(ctx.sim.counters.runsStarted).toBe(150);
	const prompts = [...ctx.sim.runs.values()].map((run) => (run.inputs as Record<string, string>).Prompt);
	expect(new Set(prompts).size).toBe(150); // each item's run started exactly once
	// 150 starts + 150 long-polls; the node paces itself, so only a handful of requests meet a 429.
	const sent = Object.values(ctx.sim.counters.requests).reduce((a, b) => a + b, 0);
	expect(sent).toBeGreaterThanOrEqual(300);
	expect(sent - 300).toBeLessThanOrEqual(10);
}, 120_000);
