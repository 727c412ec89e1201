import type { IDataObject } from 'n8n-workflow';

import { LAMINA_TRIGGER } from '../harness/engine';
import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { useSimulator } from '../support/context';
import { makeEd25519Key, signDelivery } from '../support/ed25519';
import { runAppJsonNode } from '../support/runNodes';
import { post, runWithWebhook, startRelay, triggerNode, until } from '../support/trigger';

// Lamina's retry delays (5 s, 30 s, 2 min) and 15-s answer timeout, scaled down 100 times.
const ctx = useSimulator({ runDurationMs: 100, timeScale: 0.01, rateLimitPerMinute: 10_000 });

let endpoint: TriggerEndpoint;
afterEach(async () => endpoint?.close());

test('a genuine delivery starts exactly one execution with the run in Run App’s shape', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	const runId = await runWithWebhook(ctx, endpoint);
	expect(endpoint.executions).toHaveLength(1);
	const run = endpoint.executions[0][0].json;
	// Run App sends a user's Webhook URL exactly as given, and Lamina's delivery names no app: without
	// Only These Apps (which finds the app, triggerConfirm.test.ts) the app is unknown here.
	expect(run).toMatchObject({ runId, appId: null, status: 'completed', workflowId: expect.any(String) });
	// The node answers an accepted delivery itself (so that n8n saves what it recorded at once).
	expect(endpoint.responses.at(-1)).toEqual({ status: 200, body: { received: true } });
	expect((run.outputsByLabel as IDataObject)['Hero Image']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
});

describe('forged deliveries are refused and start nothing', () => {
	const body = JSON.stringify({ data: { runId: 'run_forged', status: 'completed', outputs: [] } });
	const now = () => Math.floor(Date.now() / 1000);
	const genuine = () => ctx.sim.signWebhook(body, now());
	const stranger = makeEd25519Key();
	const cases: Array<[string, () => [string, Record<string, string>], number]> = [
		['a bad signature', () => [body, { ...genuine(), 'X-Lamina-Webhook-Signature': 'ab'.repeat(64) }], 401],
		['a tampered body', () => [body.replace('completed', 'failed'), genuine()], 401],
		['a stale timestamp', () => [body, ctx.sim.signWebhook(body, now() - 301)], 401],
		['a future timestamp', () => [body, ctx.sim.signWebhook(body, now() + 301)], 401],
		['no signature header', () => { const h = genuine(); delete h['X-Lamina-Webhook-Signature']; return [body, h]; }, 401],
		['no timestamp header', () => { const h = genuine(); delete h['X-Lamina-Webhook-Timestamp']; return [body, h]; }, 401],
		['no request id header', () => { const h = genuine(); delete h['X-Lamina-Webhook-Request-Id']; return [body, h]; }, 401],
		['a key that is not Lamina’s', () => [body, { ...genuine(), 'X-Lamina-Webhook-Signature': signDelivery(stranger.privateKey, body, now()) }], 401],
		['a non-hex signature', () => [body, { ...genuine(), 'X-Lamina-Webhook-Signature': 'zz'.repeat(64) }], 401],
		['a truncated signature', () => { const h = genuine(); h['X-Lamina-Webhook-Signature'] = h['X-Lamina-Webhook-Signature'].slice(0, 64); return [body, h]; }, 401],
		['a request id for another run', () => [body, { ...genuine(), 'X-Lamina-Webhook-Request-Id': 'run_other' }], 401],
		['a body that is not JSON', () => ['{"data": ', ctx.sim.signWebhook('{"data": ', now())], 400],
	];
	test.each(cases)('%s', async (_, forge, status) => {
		endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
		const [raw, headers] = forge();
		const answer = await post(endpoint.url, raw, headers);
		expect(answer.status).toBe(status);
		expect(answer.body.error).toEqual(expect.any(String));
		await endpoint.settled();
		expect(endpoint.executions).toHaveLength(0);
	});
});

test('Lamina’s retries of one delivery (documented schedule, time-scaled) start the workflow once', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	// A relay that hands every attempt to the trigger but tells Lamina the first two failed.
	let attempts = 0;
	const relay = await startRelay(async (raw, headers) => {
		attempts++;
		await post(endpoint.url, raw, headers);
		return attempts <= 2 ? 500 : 200;
	});
	try {
		const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none', options: { webhookUrl: relay.url } });
		const { items } = await ctx.engine.run([node]);
		const runId = items[0].json.runId as string;
		await until(() => ctx.sim.webhookDeliveries.filter((d) => d.runId === runId && d.status).length === 3, 'three attempts');
		const tries = ctx.sim.webhookDeliveries.filter((d) => d.runId === runId);
		expect(tries.map((d) => d.attempt)).toEqual([1, 2, 3]);
		await endpoint.settled();
		expect(endpoint.executions).toHaveLength(1);
		expect(endpoint.responses.filter((r) => r.body && (r.body as IDataObject).duplicate)).toHaveLength(2);
	} finally {
		await relay.close();
	}
});

test('deliveries are remembered across an n8n restart: each is saved as it is accepted', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	// The second matters: n8n 2.40 drops the static-data changes of a webhook call that starts an
	// execution unless the node answered the call itself (the first only slips through because the
	// workflow has no static data yet).
	const runIds = [await runWithWebhook(ctx, endpoint), await runWithWebhook(ctx, endpoint)];
	expect(endpoint.executions).toHaveLength(2);
	await endpoint.close();
	const persisted = endpoint.staticData;
	// Newest last (earlier tests' deliveries to this trigger, in this process, come before).
	const seen = (persisted['node:Lamina Trigger'] as IDataObject).seenDeliveries as string[];
	expect(seen.slice(-2)).toEqual(runIds.map((id) => `${id}:completed`));

	// A new process: fresh modules (no in-memory state), static data as n8n stored it.
	let restarted!: typeof import('../harness/engine');
	let endpointModule!: typeof import('../harness/triggerEndpoint');
	jest.isolateModules(() => {
		restarted = require('../harness/engine');
		endpointModule = require('../harness/triggerEndpoint');
	});
	const engine = await restarted.createEngine({ credentials: { laminaApi: { apiKey: ctx.sim.apiKey, baseUrl: ctx.sim.url } } });
	endpoint = await endpointModule.startTriggerEndpoint(engine, triggerNode(), persisted);
	for (const runId of runIds) {
		const delivery = ctx.sim.webhookDeliveries.find((d) => d.runId === runId)!;
		const answer = await post(endpoint.url, delivery.body, ctx.sim.signWebhook(delivery.body));
		expect(answer).toEqual({ status: 200, body: { received: true, duplicate: true } });
	}
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(0);

	// A new run after the restart still starts one execution, and joins what is remembered.
	const third = await runWithWebhook(ctx, endpoint);
	expect(endpoint.executions).toHaveLength(1);
	expect((endpoint.staticData['node:Lamina Trigger'] as IDataObject).seenDeliveries).toEqual([...seen, `${third}:completed`]);
});

test('deliveries arriving together are all saved: each call writes what this process accepted lately', async () => {
	// Each call loads static data as it comes in and n8n saves it whole: calls that loaded it before
	// another one saved would drop that one's delivery if each wrote only its own.
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode(), { 'node:Lamina Trigger': { seenDeliveries: ['run_old:completed'] } });
	// Slow confirmations keep every call open until all have loaded static data.
	ctx.sim.injectFault({ route: 'GET /v1/runs/:runId', delayMs: 300, times: 12 });
	const starts = await Promise.all(
		Array.from({ length: 12 }, () =>
			fetch(`${ctx.sim.url}/v1/apps/app_portrait/runs?webhook=${encodeURIComponent(endpoint.url)}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-api-key': ctx.sim.apiKey },
				body: JSON.stringify({ inputs: { Prompt: 'x' } }),
			}).then(async (response) => ((await response.json()) as { data: { runId: string } }).data.runId),
		),
	);
	await until(() => starts.every((runId) => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status === 200)), 'all deliveries');
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(12);
	const seen = (endpoint.staticData['node:Lamina Trigger'] as IDataObject).seenDeliveries as string[];
	expect(seen[0]).toBe('run_old:completed');
	expect(seen).toEqual(expect.arrayContaining(starts.map((runId) => `${runId}:completed`)));
});

test('an execution a delivery started passes the run on and saves no static data (so executions ending together on several queue-mode workers overwrite nothing)', async () => {
	const stored: IDataObject = { 'node:Lamina Trigger': { seenDeliveries: ['run_old:completed'] } };
	const { items, newStaticData } = await ctx.engine.run([triggerNode()], {
		mode: 'webhook',
		inputItems: [{ json: { runId: 'run_first', status: 'completed' } }],
		staticData: JSON.parse(JSON.stringify(stored)) as IDataObject,
	});
	expect(items).toEqual([{ json: { runId: 'run_first', status: 'completed' }, pairedItem: { item: 0 } }]);
	expect(newStaticData).toBeUndefined();
});

test('"Listen for test event" takes a delivery again, and remembers nothing', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode(), {}, 'manual');
	const runId = await runWithWebhook(ctx, endpoint);
	const delivery = ctx.sim.webhookDeliveries.find((d) => d.runId === runId)!;
	const again = await post(endpoint.url, delivery.body, ctx.sim.signWebhook(delivery.body));
	expect(again).toEqual({ status: 200, body: { message: 'Workflow was started' } });
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(2);
	expect(endpoint.staticData).toEqual({});
});

test('filters: runs of other statuses or apps are acknowledged but start nothing', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode({ statuses: ['failed'], appIds: 'app_fails' }));
	await runWithWebhook(ctx, endpoint, 'app_portrait'); // completed, other app
	expect(endpoint.executions).toHaveLength(0);
	expect(endpoint.responses[0]).toEqual({ status: 200, body: { received: true, ignored: 'status completed is filtered out' } });
	await runWithWebhook(ctx, endpoint, 'app_fails');
	expect(endpoint.executions).toHaveLength(1);
	expect(endpoint.executions[0][0].json).toMatchObject({ status: 'failed', appId: 'app_fails', errorMessage: expect.any(String) });
});

test('with verification and confirmation off, an unsigned call is accepted (the editor shows a warning)', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode({ verifySignature: false, confirmRuns: false }));
	const answer = await post(endpoint.url, JSON.stringify({ data: { runId: 'run_u', status: 'completed' } }), {});
	expect(answer.status).toBe(200);
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(1);
	const warning = ctx.engine.nodeTypes
		.getByNameAndVersion(LAMINA_TRIGGER)
		.description.properties.find((p) => p.name === 'unverifiedWarning');
	expect(warning).toMatchObject({ type: 'notice', displayOptions: { show: { verifySignature: [false] } } });
});

test('with Verify Signature off, a body that is not a JSON object (null, a list, a number, a string) gets 400 and starts nothing', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode({ verifySignature: false, confirmRuns: false }));
	for (const raw of ['null', '[]', '[{"runId": "run_x"}]', '42', '"run_x"', 'not json']) {
		const answer = await post(endpoint.url, raw, {});
		expect({ raw, ...answer }).toEqual({ raw, status: 400, body: { error: 'Body is not a JSON object' } });
	}
	await endpoint.settled();
	expect(endpoint.executions).toHaveLength(0);
});
