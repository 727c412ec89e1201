import { useSimulator } from '../support/context';
import { runAppJsonNode, runOp } from '../support/runNodes';

// An older Lamina: `executionId` instead of `runId`, bare `{ error }` bodies, timeout inside data.
const ctx = useSimulator({ legacy: true, runDurationMs: 200 });

test('executionId is normalised to runId in Run App, Get Run and List Runs', async () => {
	const { items, error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
	expect(error).toBeUndefined();
	const run = items[0].json;
	expect(run.runId).toMatch(/^run_/);
	expect(run).not.toHaveProperty('executionId');
	expect(run.status).toBe('completed');

	const got = await ctx.engine.run([runOp('get', { runId: run.runId })]);
	expect(got.items[0].json).toMatchObject({ runId: run.runId, status: 'completed' });
	expect(got.items[0].json).not.toHaveProperty('executionId');

	const listed = await ctx.engine.run([runOp('getAll', { limit: 5 })]);
	expect(listed.items[0].json.runId).toBe(run.runId);
});

test("an older server's bare error body still gives a clear message", async () => {
	ctx.engine.setCredentials('laminaApi', { apiKey: 'lma_wrong', baseUrl: ctx.sim.url });
	const result = await ctx.engine.run([runOp('get', { runId: 'run_x' })]);
	expect(result.error?.message).toBe('Lamina rejected the API key');
	expect(result.error?.description).toMatch(/Code: AUTH_INVALID_KEY/);
});
