import type { IDataObject } from 'n8n-workflow';

import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { useSimulator } from '../support/context';
import { post, until } from '../support/trigger';
import { runAppJsonNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 150, timeScale: 0.01, rateLimitPerMinute: 10_000 });
let endpoint: TriggerEndpoint | undefined;
afterEach(async () => endpoint?.close());

test('"Wait for Webhook" starts the run with a signed resume URL and puts the execution to wait', async () => {
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook', maxWaitSeconds: 3600 });
	const result = await ctx.engine.run([node]);
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('waiting');
	expect(result.run.waitTill?.getTime()).toBeGreaterThan(Date.now() + 3500_000);
	const run = ctx.sim.runs.get(result.items[0].json.runId as string)!;
	const resumeUrl = new URL(run.webhookUrl!);
	expect(resumeUrl.pathname).toMatch(new RegExp(`/webhook-waiting/${result.executionId}/node-0$`));
	expect(resumeUrl.searchParams.get('laminaAppId')).toBe('app_portrait');
	expect(resumeUrl.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
	// Kept where it survives the wait limit (n8n then goes on with the node's input item).
	expect(result.run.data.resultData.metadata).toEqual({ laminaRunId: run.runId, laminaAppId: 'app_portrait' });
});

test('the resume call is verified like the trigger: forged is refused, genuine gives the finished run', async () => {
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook' });
	endpoint = await startTriggerEndpoint(ctx.engine, node);
	ctx.engine.webhookWaitingBaseUrl = endpoint.url.replace(/\/webhook\/lamina$/, '/webhook-waiting');
	try {
		const result = await ctx.engine.run([node]);
		const runId = result.items[0].json.runId as string;
		await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 200), 'the resume call');
		expect(endpoint.executions).toHaveLength(1);
		expect(endpoint.executions[0][0].json).toMatchObject({ runId, appId: 'app_portrait', status: 'completed' });
		expect((endpoint.executions[0][0].json.outputsByLabel as IDataObject).Caption).toEqual(expect.any(String));

		const forgedBody = JSON.stringify({ data: { runId, status: 'completed', outputs: [] } });
		const forged = await post(endpoint.url, forgedBody, { ...ctx.sim.signWebhook(forgedBody), 'X-Lamina-Webhook-Signature': '00'.repeat(64) });
		expect(forged.status).toBe(401);
		expect(endpoint.executions).toHaveLength(1);
	} finally {
		ctx.engine.webhookWaitingBaseUrl = 'http://127.0.0.1:5678/webhook-waiting';
	}
});

test('"Wait for Webhook" with several items is refused before any run starts', async () => {
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook' });
	const result = await ctx.engine.run([node], { input: [{}, {}] });
	expect(result.error?.message).toBe('Wait Mode "Wait for Webhook" takes one item; this node received 2');
	expect(ctx.sim.counters.runsStarted).toBe(0);
});
