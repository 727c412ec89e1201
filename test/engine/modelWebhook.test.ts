/** Generate Image's "Wait for Webhook": webhookUrl in the body, the resume call verified as Run App's, the model run shaped as every run. */
import type { IDataObject } from 'n8n-workflow';

import { laminaNode } from '../harness/engine';
import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { MODELS } from '../simulator';
import { useSimulator } from '../support/context';
import { post, until } from '../support/trigger';

const ctx = useSimulator({ runDurationMs: 150, timeScale: 0.01, rateLimitPerMinute: 10_000 });
let endpoint: TriggerEndpoint | undefined;
afterEach(async () => endpoint?.close());

const generateNode = (extra: IDataObject = {}) =>
	laminaNode({
		resource: 'model',
		operation: 'generateImage',
		modelId: { __rl: true, mode: 'id', value: MODELS.imagen },
		paramMode: 'json',
		paramsJson: '{"prompt": "a fox"}',
		waitMode: 'webhook',
		...extra,
	});

test('the run starts with the signed resume URL in its body; a forged call is refused, the genuine one resumes with the model run', async () => {
	const node = generateNode();
	endpoint = await startTriggerEndpoint(ctx.engine, node);
	ctx.engine.webhookWaitingBaseUrl = endpoint.url.replace(/\/webhook\/lamina$/, '/webhook-waiting');
	ctx.sim.setAppBehaviour(`model_${MODELS.imagen}`, { durationMs: 1_000 });
	try {
		const result = await ctx.engine.run([node]);
		expect(result.status).toBe('waiting');
		const runId = result.items[0].json.runId as string;
		const run = ctx.sim.runs.get(runId)!;
		expect(new URL(run.webhookUrl!).searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		expect(result.run.data.resultData.metadata).toMatchObject({ laminaRunId: runId });
		endpoint.waitingExecution = result.run.data;

		const forgedBody = JSON.stringify({ data: { runId, status: 'completed', output: { type: 'image', url: 'https://evil/x.png' } } });
		const forged = await post(endpoint.url, forgedBody, { ...ctx.sim.signWebhook(forgedBody), 'X-Lamina-Webhook-Signature': '00'.repeat(64) });
		expect(forged.status).toBe(401);
		expect(endpoint.executions).toHaveLength(0);

		await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 200), 'the resume call');
		expect(endpoint.executions).toHaveLength(1);
		expect(endpoint.executions[0][0].json).toMatchObject({
			runId,
			kind: 'model',
			status: 'completed',
			model: MODELS.imagen,
			outputs: [{ label: 'Output', type: 'image', value: expect.stringContaining(`/files/${runId}/0.png`) }],
		});
		// Waited for by Lamina's call alone: no polling.
		expect(ctx.sim.counters.requests['GET /v1/generate/runs/:runId'] ?? 0).toBe(0);
	} finally {
		ctx.sim.setAppBehaviour(`model_${MODELS.imagen}`, { durationMs: 150 });
		ctx.engine.webhookWaitingBaseUrl = 'http://127.0.0.1:5678/webhook-waiting';
	}
});

test('with several items it is refused before any run starts', async () => {
	const result = await ctx.engine.run([generateNode()], { input: [{}, {}] });
	expect(result.error?.message).toBe('Wait Mode "Wait for Webhook" takes one item; this node received 2');
	expect(ctx.sim.counters.runsStarted).toBe(0);
});
