import { useSimulator } from '../support/context';
import { runAppJsonNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 1500 });

test('where the server has no /wait, Run App falls back to polling Get Run at the documented cadence', async () => {
	ctx.sim.injectFault({ route: 'GET /v1/runs/:runId/wait', status: 404, times: Infinity });
	const started = Date.now();
	const { items, error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
	expect(error).toBeUndefined();
	expect(items[0].json.status).toBe('completed');
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1); // tried once, then remembered
	const polls = ctx.sim.counters.requests['GET /v1/runs/:runId'];
	// One check that tells "no /wait" from "no run", then a poll every 4 s: a 1.5-s run needs two.
	expect(polls).toBeGreaterThanOrEqual(2);
	expect(polls).toBeLessThanOrEqual(3);
	expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
}, 30_000);
