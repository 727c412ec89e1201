/**
 * A catalogue against Lamina's rate limit, with Lamina's minute compressed so that the tests take
 * seconds: the node paces itself to the window (no burst of 429s at each reset), a 429 is waited
 * out instead of failing the item, and every item's run is started exactly once.
 */
import { useSimulator } from '../support/context';
import { callEditorMethod, laminaNode } from '../harness/engine';
import { locator, runAppJsonNode, runAppNode } from '../support/runNodes';

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

test('a 429 is waited out, more times than the attempts other failures get: the run starts once', async () => {
	ctx.sim.setRateLimit(0);
	ctx.sim.injectFault({ method: 'POST', route: '/v1/apps/:appId/runs', status: 429, headers: { 'Retry-After': '0.1' }, times: 8 });
	const node = runAppJsonNode('app_portrait', '{"Prompt": "patient"}', { waitMode: 'none' });

	const { items, error } = await ctx.engine.run([node]);

	expect(error).toBeUndefined();
	expect(items[0].json.runId).toEqual(expect.any(String));
	expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(9);
	expect(ctx.sim.counters.runsStarted).toBe(1);
}, 30_000);

test('an item fails on the rate limit only once Lamina has refused it for longer than Max Wait Time', async () => {
	ctx.sim.setRateLimit(0);
	ctx.sim.injectFault({ method: 'POST', route: '/v1/apps/:appId/runs', status: 429, headers: { 'Retry-After': '0.2' }, times: Infinity });
	const node = runAppJsonNode('app_portrait', '{"Prompt": "refused"}', { maxWaitSeconds: 1 });

	const { error } = await ctx.engine.run([node]);

	expect(error?.message).toMatch(/^Lamina kept refusing this request for its rate limit \(for 1 s\)/);
	expect(error?.description).toMatch(/raise Max Wait Time/);
	expect(ctx.sim.counters.requests["POST /v1/apps/:appId/runs"]).toBeGreaterThan(2);
	expect(ctx.sim.counters.runsStarted).toBe(0);
}, 30_000);

test('starts still queued for a slot when another item fails the node are never sent; every run sent is listed', async () => {
	ctx.sim.setRateLimit(3, 1_000);
	const input = Array.from({ length: 12 }, (_, i) => ({ app: i === 0 ? 'app_fails' : 'app_portrait', topic: `queued ${i}` }));
	const node = runAppJsonNode('app_portrait', '={{ JSON.stringify({ Prompt: $json.topic }) }}', { appId: { ...locator('x'), value: '={{ $json.app }}' } });
	ctx.sim.resetCounters();

	const { error } = await ctx.engine.run([node], { input });

	expect(error?.message).toMatch(/failed: Model crashed/);
	const listed = (error?.context?.runs as Array<{ runId: string }>) ?? [];
	const sent = () => ctx.sim.counters.requests['POST /v1/apps/:appId/runs'] ?? 0;
	const sentWhenThrown = sent();
	expect(listed).toHaveLength(ctx.sim.counters.runsStarted);
	expect(ctx.sim.counters.runsStarted).toBeLessThan(12);
	// Once the failed run's wait answered, the starts still queued in the pacer were dropped.
	const failedRun = [...ctx.sim.runs.values()].find((run) => (run.inputs as Record<string, string>).Prompt === 'queued 0')!;
	const learnt = ctx.sim.requestLog.find((r) => r.path === `/v1/runs/${failedRun.runId}/wait` && r.closedAt !== undefined)!;
	const startsAfter = ctx.sim.requestLog.filter((r) => r.route === 'POST /v1/apps/:appId/runs' && r.receivedAt > learnt.closedAt! + 50);
	expect(startsAfter).toHaveLength(0);
	// Nothing queued goes out later either.
	await new Promise((resolve) => setTimeout(resolve, 2_500));
	expect(sent()).toBe(sentWhenThrown);
}, 30_000);
