/**
 * A catalogue against Lamina's rate limit, with Lamina's minute compressed so that the tests take
 * seconds: the node paces itself to the window (no burst of 429s at each reset), a 429 is waited
 * out instead of failing the item, and every item's run is started exactly once.
 */
import { useSimulator } from '../support/context';
import { callEditorMethod, laminaNode } from '../harness/engine';
import { runAppNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 200, rateLimitPerMinute: 5, rateLimitWindowMs: 1_000 });

const totalRequests = () => Object.values(ctx.sim.counters.requests).reduce((a, b) => a + b, 0);

function expectEachItemStartedOnce(prefix: string, count: number) {
	expect(ctx.sim.counters.runsStarted).toBe(count);
	const prompts = [...ctx.sim.runs.values()]
		.map((run) => (run.inputs as Record<string, string>).Prompt)
		.filter((prompt) => prompt.startsWith(prefix));
	expect(prompts).toHaveLength(count);
	expect(new Set(prompts).size).toBe(count);
}

test("50 items, Don't Wait, 5 requests per 1-s window: every item comes out with its run, each started once, next to no 429s", async () => {
	ctx.sim.setRateLimit(5, 1_000);
	const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}' }, { waitMode: 'none' });
	ctx.sim.resetCounters();
	const input = Array.from({ length: 50 }, (_, i) => ({ topic: `dont-wait ${i}` }));

	const { items, error } = await ctx.engine.run([node], { input });

	expect(error).toBeUndefined();
	expect(items).toHaveLength(50);
	items.forEach((item, i) => {
		expect(typeof item.json.runId).toBe('string');
		expect(item.pairedItem).toEqual({ item: i });
	});
	expectEachItemStartedOnce('dont-wait ', 50);
	// The old pacer let every waiter go at each reset: 176 POSTs, and the node failed.
	expect(ctx.sim.counters.rateLimited).toBeLessThanOrEqual(2);
	expect(totalRequests()).toBeLessThanOrEqual(50 + 1 + 2);
}, 60_000);

test('250 items, Wait for Completion, Concurrent Starts 50, 100 requests per window: the waits are paced too', async () => {
	ctx.sim.setRateLimit(100, 2_000);
	const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}' }, { options: { concurrency: 50 } });
	ctx.sim.resetCounters();
	const input = Array.from({ length: 250 }, (_, i) => ({ topic: `wait ${i}` }));

	const { items, error } = await ctx.engine.run([node], { input });

	expect(error).toBeUndefined();
	expect(items).toHaveLength(250);
	items.forEach((item) => expect(item.json.status).toBe('completed'));
	expectEachItemStartedOnce('wait ', 250);
	// 250 starts and 250 long-polls (the app definition is cached); before: 176 extra 429s.
	expect(ctx.sim.counters.rateLimited).toBeLessThanOrEqual(5);
}, 120_000);

test('an editor lookup during a batch goes ahead of the batch’s queued requests', async () => {
	ctx.sim.setRateLimit(5, 1_000);
	const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}' }, { waitMode: 'none' });
	ctx.sim.resetCounters();
	const input = Array.from({ length: 30 }, (_, i) => ({ topic: `lookup ${i}` }));
	const batch = ctx.engine.run([node], { input });
	// Once the batch has a queue (its first window is spent), someone opens the app picker.
	while ((ctx.sim.counters.requests['POST /v1/apps/:appId/runs'] ?? 0) < 6) await new Promise((resolve) => setTimeout(resolve, 20));
	const startsBefore = ctx.sim.counters.requests['POST /v1/apps/:appId/runs'];
	const picker = laminaNode({ resource: 'run', operation: 'create' });
	const found = await callEditorMethod<{ results: unknown[] }>(ctx.engine, picker, 'listSearch', 'searchApps', 'portrait');
	const startsMeanwhile = ctx.sim.counters.requests['POST /v1/apps/:appId/runs'] - startsBefore;
	expect(found.results.length).toBeGreaterThan(0);
	// 24 starts were still queued; the lookup waited for the next slot, not for them.
	expect(startsMeanwhile).toBeLessThanOrEqual(2);
	const { items, error } = await batch;
	expect(error).toBeUndefined();
	expect(items).toHaveLength(30);
}, 60_000);
