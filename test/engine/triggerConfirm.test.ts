/**
 * "Confirm Runs with Lamina" (on by default): a signed delivery proves Lamina sent it, not that
 * the run is this workspace's. Each delivery is looked up with the trigger's credential first.
 */
import type { IDataObject } from 'n8n-workflow';

import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { useSimulator } from '../support/context';
import { post, runWithWebhook, triggerNode, until } from '../support/trigger';
import { runAppJsonNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 100, timeScale: 0.01, rateLimitPerMinute: 10_000 });
let endpoint: TriggerEndpoint;
afterEach(async () => endpoint?.close());

/** A delivery Lamina really signed, for a run of another Lamina account (this credential can't see it). */
function strangersDelivery(runId = 'run_of_another_account') {
	const body = JSON.stringify({
		data: { runId, workflowId: 'wf_theirs', status: 'completed', outputs: [{ label: 'Hero Image', type: 'image', value: 'https://cdn.example.com/theirs.png', status: 'completed' }] },
	});
	return { body, headers: ctx.sim.signWebhook(body) };
}

test('a signed delivery for a run this credential can’t see gets 403 and starts nothing', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	const { body, headers } = strangersDelivery();
	const answer = await post(endpoint.url, body, headers);
	expect(answer.status).toBe(403);
	expect(answer.body.error).toMatch(/not one this trigger's Lamina credential can see/);
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(0);
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId']).toBe(1);
});

test('Lamina answering 403 for the run is refused the same way', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	ctx.sim.injectFault({ route: 'GET /v1/runs/:runId', status: 403, times: Infinity });
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none', options: { webhookUrl: endpoint.url } });
	const { items } = await ctx.engine.run([node]);
	const runId = items[0].json.runId as string;
	await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 403), 'the refused delivery');
	ctx.sim.clearFaults();
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(0);
});

test('the execution gets the run as Lamina reports it, not as the delivery’s body says', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	// A run whose own delivery has not reached the trigger (it has no webhook).
	const { items } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none' })]);
	const runId = items[0].json.runId as string;
	await until(() => (ctx.sim.getRun(runId) as IDataObject).status === 'completed', 'the run to complete');

	// A body with another status and outputs (genuinely signed: Lamina's body, but not its current word).
	const real = ctx.sim.getRun(runId) as IDataObject;
	const altered = JSON.stringify({ data: { ...real, status: 'failed', outputs: [] } });
	const answer = await post(`${endpoint.url}?laminaAppId=app_portrait`, altered, ctx.sim.signWebhook(altered));
	expect(answer).toEqual({ status: 200, body: { received: true } });
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(1);
	const started = endpoint.executions[0][0].json;
	expect(started).toMatchObject({ runId, status: 'completed', appId: 'app_portrait' });
	expect(started.outputs).toEqual(real.outputs);
});

test('deliveries are de-duplicated by the status Lamina confirms, not the one the body says', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	const runId = await runWithWebhook(ctx, endpoint);
	expect(endpoint.executions).toHaveLength(1);

	// The same run again, in a signed body that says it failed: still the delivery accepted above.
	const real = ctx.sim.getRun(runId) as IDataObject;
	const altered = JSON.stringify({ data: { ...real, status: 'failed', outputs: [] } });
	const answer = await post(endpoint.url, altered, ctx.sim.signWebhook(altered));
	expect(answer).toEqual({ status: 200, body: { received: true, duplicate: true } });
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(1);
	const seen = (endpoint.staticData['node:Lamina Trigger'] as IDataObject).seenDeliveries as string[];
	expect(seen.at(-1)).toBe(`${runId}:completed`);
	expect(seen).not.toContain(`${runId}:failed`);
});

test('Only These Apps decides by what Lamina says, not by the unsigned laminaAppId in the URL', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode({ appIds: 'app_video' }));
	// A run of Portrait Studio whose URL claims to be Product Video's.
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none', options: { webhookUrl: `${endpoint.url}?laminaAppId=app_video` } });
	const { items } = await ctx.engine.run([node]);
	const portraitRun = items[0].json.runId as string;
	// Run App tags the URL itself (laminaAppId=app_portrait) after the user's own query: force the claim.
	const delivery = await (async () => {
		await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === portraitRun && d.status !== undefined), 'the delivery');
		return ctx.sim.webhookDeliveries.find((d) => d.runId === portraitRun)!;
	})();
	const claimed = await post(`${endpoint.url}?laminaAppId=app_video`, delivery.body, ctx.sim.signWebhook(delivery.body));
	expect(claimed).toEqual({ status: 200, body: { received: true, ignored: 'app is filtered out' } });
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(0);

	// A real Product Video run passes, found among the app's runs.
	await runWithWebhook(ctx, endpoint, 'app_video', '{"Product Image": "https://cdn.example.com/p.png"}');
	expect(endpoint.executions).toHaveLength(1);
	expect(endpoint.executions[0][0].json).toMatchObject({ appId: 'app_video', status: 'completed' });
});

test('when Lamina can’t be asked, the delivery gets 503 (Lamina sends it again) and starts once later', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	ctx.sim.injectFault({ route: 'GET /v1/runs/:runId', status: 503, times: 2 }); // both tries of the first delivery
	const runId = await runWithWebhook(ctx, endpoint);
	// (Here Lamina's 15-s answer limit is scaled to 150 ms, so an attempt may also time out first.)
	const statuses = ctx.sim.webhookDeliveries.filter((d) => d.runId === runId).map((d) => d.status);
	expect(statuses).toContain(503);
	expect(statuses.at(-1)).toBe(200);
	expect(statuses.filter((status) => status === 200)).toHaveLength(1);
	expect(endpoint.executions).toHaveLength(1);
});

test('with confirmation off, nothing is looked up (the previous behaviour)', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode({ confirmRuns: false }));
	const { body, headers } = strangersDelivery('run_unconfirmed');
	expect((await post(endpoint.url, body, headers)).status).toBe(200);
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(1);
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId'] ?? 0).toBe(0);
});
