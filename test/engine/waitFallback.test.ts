import { useSimulator } from '../support/context';
import { runAppJsonNode, runOp } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 1500 });

test('where the server has no /wait, Run App falls back to polling Get Run at the documented cadence', async () => {
	ctx.sim.injectFault({ route: 'GET /v1/runs/:runId/wait', status: 404, times: Infinity });
	const started = Date.now();
	const { items, error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
	expect(error).toBeUndefined();
	expect(items[0].json.status).toBe('completed');
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1); // tried once for this wait
	const polls = ctx.sim.counters.requests['GET /v1/runs/:runId'];
	// One check that tells "no /wait" from "no run", then a poll every 4 s: a 1.5-s run needs two.
	expect(polls).toBeGreaterThanOrEqual(2);
	expect(polls).toBeLessThanOrEqual(3);
	expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
}, 30_000);

test('one 405 from /wait does not switch the server to polling: the next run waits with /wait again', async () => {
	ctx.sim.injectFault({ route: 'GET /v1/runs/:runId/wait', status: 405, times: 1 });
	const first = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
	expect(first.items[0].json.status).toBe('completed');
	ctx.sim.resetCounters();
	const second = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "y"}')]);
	expect(second.items[0].json.status).toBe('completed');
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1);
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId'] ?? 0).toBe(0);
}, 30_000);

test('a 404 for an unknown run is "no such run", not "no /wait here"', async () => {
	const missing = await ctx.engine.run([runOp('wait', { runId: 'run_missing', maxWaitSeconds: 5 })]);
	expect(missing.error?.message).toBe('Lamina could not find run "run_missing"');
	ctx.sim.resetCounters();
	const next = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "z"}')]);
	expect(next.items[0].json.status).toBe('completed');
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1);
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId'] ?? 0).toBe(0);
}, 30_000);
