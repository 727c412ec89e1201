import type { IDataObject } from 'n8n-workflow';

import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { useSimulator } from '../support/context';
import { post, until } from '../support/trigger';
import { addCustomDataTestNode, customDataNode } from '../support/customDataNode';
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

test('the resume call is verified like the trigger: forged is refused, genuine gives the finished run, once', async () => {
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook' });
	endpoint = await startTriggerEndpoint(ctx.engine, node);
	ctx.engine.webhookWaitingBaseUrl = endpoint.url.replace(/\/webhook\/lamina$/, '/webhook-waiting');
	// Long enough to send a forged call while the execution still waits.
	ctx.sim.setAppBehaviour('app_portrait', { durationMs: 1_000 });
	try {
		const result = await ctx.engine.run([node]);
		const runId = result.items[0].json.runId as string;
		// What n8n loads from its database and hands to the resume call.
		endpoint.waitingExecution = result.run.data;

		const forgedBody = JSON.stringify({ data: { runId, status: 'completed', outputs: [] } });
		const forged = await post(endpoint.url, forgedBody, { ...ctx.sim.signWebhook(forgedBody), 'X-Lamina-Webhook-Signature': '00'.repeat(64) });
		expect(forged.status).toBe(401);
		expect(endpoint.executions).toHaveLength(0);

		await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 200), 'the resume call');
		expect(endpoint.executions).toHaveLength(1);
		expect(endpoint.executions[0][0].json).toMatchObject({ runId, appId: 'app_portrait', status: 'completed' });
		expect((endpoint.executions[0][0].json.outputsByLabel as IDataObject).Caption).toEqual(expect.any(String));

		// A repeat of Lamina's call finds the execution gone on (n8n answers 409), and resumes nothing.
		const delivery = ctx.sim.webhookDeliveries.find((d) => d.runId === runId && d.status === 200)!;
		expect((await post(endpoint.url, delivery.body, ctx.sim.signWebhook(delivery.body))).status).toBe(409);
		expect(endpoint.executions).toHaveLength(1);
	} finally {
		ctx.sim.setAppBehaviour('app_portrait', { durationMs: 150 });
		ctx.engine.webhookWaitingBaseUrl = 'http://127.0.0.1:5678/webhook-waiting';
	}
});

test('"Wait for Webhook" with several items is refused before any run starts', async () => {
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook' });
	const result = await ctx.engine.run([node], { input: [{}, {}] });
	expect(result.error?.message).toBe('Wait Mode "Wait for Webhook" takes one item; this node received 2');
	expect(ctx.sim.counters.runsStarted).toBe(0);
});

/** Runs Run App in Wait for Webhook mode with its resume URL pointing at a fresh endpoint. */
async function waitingRunApp(appId: string, inputs: string) {
	const node = runAppJsonNode(appId, inputs, { waitMode: 'webhook' });
	const resume = await startTriggerEndpoint(ctx.engine, node);
	endpoint = resume;
	ctx.engine.webhookWaitingBaseUrl = resume.url.replace(/\/webhook\/lamina$/, '/webhook-waiting');
	const result = await ctx.engine.run([node]);
	ctx.engine.webhookWaitingBaseUrl = 'http://127.0.0.1:5678/webhook-waiting';
	// What n8n loads from its database and hands to the resume call.
	resume.waitingExecution = result.run.data;
	return { resume, result, runId: result.items[0].json.runId as string };
}

test('a failed run resumes with the same error item as Continue On Fail, not as a success', async () => {
	const { resume, runId } = await waitingRunApp('app_fails', '{"Prompt": "x"}');
	await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 200), 'the resume call');
	expect(resume.executions).toHaveLength(1);
	const [item] = resume.executions[0];

	const underContinueOnFail = await ctx.engine.run([runAppJsonNode('app_fails', '{"Prompt": "x"}', {}, { continueOnFail: true })]);
	// The same item, but for the run ID each of the two runs got.
	const withoutRunId = (json: IDataObject) => JSON.parse(JSON.stringify(json).replaceAll(String(json.runId), 'RUN')) as IDataObject;
	expect(withoutRunId(item.json)).toEqual(withoutRunId(underContinueOnFail.items[0].json));
	expect(item.json.runId).toBe(runId);
	expect(item.json).toMatchObject({ status: 'failed', error: expect.stringMatching(/failed: Model crashed: out of memory/) });
	expect(item.json.outputErrors).toEqual([expect.stringContaining('Generation failed')]);
	expect(item.pairedItem).toEqual({ item: 0 });
});

test('a signed call for another run is refused (403) and the execution keeps waiting for its own', async () => {
	ctx.sim.setAppBehaviour('app_caption', { durationMs: 1500 });
	try {
		const { resume, runId } = await waitingRunApp('app_caption', '{"Topic": "tea"}');
		// Someone else's run, genuinely signed by Lamina, sent to this execution's resume URL.
		const otherBody = JSON.stringify({ data: { runId: 'run_someone_else', status: 'completed', outputs: [] } });
		const other = await post(ctx.sim.runs.get(runId)!.webhookUrl!, otherBody, ctx.sim.signWebhook(otherBody));
		expect(other.status).toBe(403);
		expect(resume.executions).toHaveLength(0);

		await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 200), 'the resume call');
		expect(resume.executions).toHaveLength(1);
		expect(resume.executions[0][0].json).toMatchObject({ runId, status: 'completed' });
	} finally {
		ctx.sim.setAppBehaviour('app_caption', { durationMs: 150 });
	}
});

test('with no free custom data key, Wait for Webhook refuses before any run starts', async () => {
	addCustomDataTestNode(ctx.engine);
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook' });
	const result = await ctx.engine.run([customDataNode(10), node]);
	expect(result.error?.message).toBe('Wait Mode "Wait for Webhook" needs two of the execution’s custom data keys, and none are free');
	expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs'] ?? 0).toBe(0);

	const roomForTwo = await ctx.engine.run([customDataNode(8), node]);
	expect(roomForTwo.status).toBe('waiting');
});

test('a signed call for the waited run that has not ended is refused (400) and the execution keeps waiting', async () => {
	ctx.sim.setAppBehaviour('app_caption', { durationMs: 1500 });
	try {
		const { resume, runId } = await waitingRunApp('app_caption', '{"Topic": "tea"}');
		const runningBody = JSON.stringify({ data: { runId, status: 'running', outputs: [] } });
		const running = await post(ctx.sim.runs.get(runId)!.webhookUrl!, runningBody, ctx.sim.signWebhook(runningBody));
		expect(running).toEqual({ status: 400, body: { error: `Run ${runId} is running: this execution resumes when the run has ended` } });
		expect(resume.executions).toHaveLength(0);

		await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 200), 'the resume call');
		expect(resume.executions).toHaveLength(1);
		expect(resume.executions[0][0].json).toMatchObject({ runId, status: 'completed' });
	} finally {
		ctx.sim.setAppBehaviour('app_caption', { durationMs: 150 });
	}
});

test('without the waited run ID in the execution’s custom data, no signed call resumes it', async () => {
	ctx.sim.setAppBehaviour('app_caption', { durationMs: 1500 });
	try {
		const { resume, runId } = await waitingRunApp('app_caption', '{"Topic": "tea"}');
		// The execution as n8n would load it had its custom data been lost.
		const waiting = JSON.parse(JSON.stringify(resume.waitingExecution)) as NonNullable<typeof resume.waitingExecution>;
		delete waiting.resultData.metadata;
		resume.waitingExecution = waiting;

		const otherBody = JSON.stringify({ data: { runId: 'run_someone_else', status: 'completed', outputs: [] } });
		const other = await post(ctx.sim.runs.get(runId)!.webhookUrl!, otherBody, ctx.sim.signWebhook(otherBody));
		expect(other.status).toBe(403);
		expect(other.body.error).toMatch(/does not know which run it waits for/);
		expect(resume.executions).toHaveLength(0);
	} finally {
		ctx.sim.setAppBehaviour('app_caption', { durationMs: 150 });
	}
});
