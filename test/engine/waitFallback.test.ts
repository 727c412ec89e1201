import { useSimulator } from '../support/context';
import { runAppJsonNode, runOp } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 1500 });

test('where the server has no /wait, Run App waits over the stream: one request for the wait, no polling', async () => {
	ctx.sim.injectFault({ route: 'GET /v1/runs/:runId/wait', status: 404, times: Infinity });
	const { items, error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
	expect(error).toBeUndefined();
	expect(items[0].json.status).toBe('completed');
	expect(items[0].json.progress).toBeUndefined();
	// /wait tried once, one Get Run tells "no /wait" from "no run", then the stream until the end.
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1);
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId']).toBe(1);
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId/stream']).toBe(1);
}, 30_000);

test('where the server has neither /wait nor the stream, Run App polls Get Run at the documented cadence', async () => {
	ctx.sim.setMissingRoutes(['GET /v1/runs/:runId/wait', 'GET /v1/runs/:runId/stream']);
	try {
		const started = Date.now();
		const { items, error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1); // tried once for this wait
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId/stream']).toBe(1);
		const polls = ctx.sim.counters.requests['GET /v1/runs/:runId'];
		// One check that tells "no /wait" from "no run", then a poll every 4 s: a 1.5-s run needs two.
		expect(polls).toBeGreaterThanOrEqual(2);
		expect(polls).toBeLessThanOrEqual(3);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
	} finally {
		ctx.sim.setMissingRoutes([]);
	}
}, 30_000);

test('Include Progress where the server has no stream: the long-poll, with the states it saw', async () => {
	ctx.sim.setMissingRoutes(['GET /v1/runs/:runId/stream']);
	try {
		const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { includeProgress: true } });
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId/stream']).toBe(1);
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId']).toBe(1);
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1);
		const progress = items[0].json.progress as Array<{ status: string }>;
		// What Get Run saw when the stream was missing (queued, or running on a busy machine), then the end.
		expect(progress).toHaveLength(2);
		expect(['queued', 'running']).toContain(progress[0].status);
		expect(progress[1].status).toBe('completed');
	} finally {
		ctx.sim.setMissingRoutes([]);
	}
}, 30_000);

test('Include Progress with neither: every poll that saw a change is an entry', async () => {
	ctx.sim.setMissingRoutes(['GET /v1/runs/:runId/wait', 'GET /v1/runs/:runId/stream']);
	try {
		const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { includeProgress: true } });
		const { items } = await ctx.engine.run([node]);
		const progress = items[0].json.progress as Array<{ status: string }>;
		expect(progress.at(-1)?.status).toBe('completed');
		expect(progress.length).toBe(ctx.sim.counters.requests['GET /v1/runs/:runId']);
	} finally {
		ctx.sim.setMissingRoutes([]);
	}
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
