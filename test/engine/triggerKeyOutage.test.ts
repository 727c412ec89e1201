/**
 * The trigger when Lamina's signing key can't be had: Lamina is down, or refuses the trigger's own
 * credential. Calls that can't be Lamina's cost Lamina nothing; genuine ones are answered so that
 * Lamina sends them again when that can help, and a refused credential shows in n8n.
 */
import path from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject } from 'n8n-workflow';

import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { useSimulator } from '../support/context';
import { runAppJsonNode } from '../support/runNodes';
import { post, runWithWebhook, triggerNode, until } from '../support/trigger';

// Lamina's retry delays (5 s, 30 s, 2 min) and 15-s answer timeout, scaled down 100 times.
const ctx = useSimulator({ runDurationMs: 100, timeScale: 0.01, rateLimitPerMinute: 10_000 });
const KEY_ROUTE = 'GET /v1/webhooks/signing-key';
let endpoint: TriggerEndpoint | undefined;
afterEach(async () => {
	await endpoint?.close();
	endpoint = undefined;
	jest.restoreAllMocks();
});

/** The built package's signing-key limits (tests shorten them). */
const signingKeyLimits = (
	require(path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'Lamina', 'transport', 'signingKeys.js')) as {
		signingKeyLimits: { failedFetchCooldownMs?: number };
	}
).signingKeyLimits;

/** A trigger with its own credential (each test its own: keys, failures and reports are per credential and trigger). */
function triggerWithCredential(id: string, apiKey: string, parameters: IDataObject = {}) {
	ctx.engine.credentialsHelper.setById(id, { apiKey, baseUrl: ctx.sim.url });
	return { ...triggerNode(parameters), name: `Trigger ${id}`, credentials: { laminaApi: { id, name: id } } };
}

const keyRequests = () => ctx.sim.counters.requests[KEY_ROUTE] ?? 0;
const now = () => Math.floor(Date.now() / 1000);

/** Starts a run (with the good credential) whose webhook is the endpoint; its ID. */
async function startRunFor(target: TriggerEndpoint) {
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none', options: { webhookUrl: target.url } });
	const { items, error } = await ctx.engine.run([node]);
	if (error) throw error;
	return items[0].json.runId as string;
}

const attemptsOf = (runId: string) => ctx.sim.webhookDeliveries.filter((d) => d.runId === runId);
/**
 * What Lamina got for each attempt it saw answered. (An attempt the trigger answers after Lamina's
 * answer time, 150 ms here, counts as unanswered and is sent again: possible on a busy machine.)
 */
const answeredAttempts = (runId: string) => attemptsOf(runId).flatMap((d) => (d.status === undefined ? [] : [d.status]));

describe('while Lamina’s signing key can’t be fetched', () => {
	test('calls without a well-formed signature are refused (401) without a single key request', async () => {
		endpoint = await startTriggerEndpoint(ctx.engine, triggerWithCredential('cred-outage-junk', ctx.sim.apiKey));
		ctx.sim.injectFault({ route: KEY_ROUTE, status: 503, times: Infinity });
		const body = JSON.stringify({ data: { runId: 'run_junk', status: 'completed' } });
		const signed = ctx.sim.signWebhook(body);
		const junk: Array<Record<string, string>> = [
			{},
			{ 'X-Lamina-Webhook-Signature': 'bad', 'X-Lamina-Webhook-Timestamp': String(now()), 'X-Lamina-Webhook-Request-Id': 'run_junk' },
			{ ...signed, 'X-Lamina-Webhook-Timestamp': String(now() - 3600) },
			{ ...signed, 'X-Lamina-Webhook-Request-Id': 'run_other' },
		];
		for (let round = 0; round < 5; round++) {
			for (const headers of junk) expect((await post(endpoint.url, body, headers)).status).toBe(401);
		}
		expect(keyRequests()).toBe(0);
		await endpoint.settled();
		expect(endpoint.executions).toHaveLength(0);
	});

	test('a genuine call gets 503 for one key request; calls right after it cost none', async () => {
		endpoint = await startTriggerEndpoint(ctx.engine, triggerWithCredential('cred-outage-genuine', ctx.sim.apiKey));
		ctx.sim.injectFault({ route: KEY_ROUTE, status: 503, times: Infinity });
		const body = JSON.stringify({ data: { runId: 'run_during_outage', status: 'completed' } });
		for (let i = 0; i < 10; i++) {
			const answer = await post(endpoint.url, body, ctx.sim.signWebhook(body));
			expect(answer.status).toBe(503);
			expect(answer.body.error).toMatch(/signing key could not be fetched.*send it again later/);
		}
		expect(keyRequests()).toBe(1);
		await endpoint.settled();
		expect(endpoint.executions).toHaveLength(0);
	});

	test('Lamina’s retry of the delivery is accepted once the key can be fetched again: one execution', async () => {
		const saved = { ...signingKeyLimits };
		signingKeyLimits.failedFetchCooldownMs = 200; // Lamina retries after 50 ms, 300 ms, 1.2 s here
		try {
			endpoint = await startTriggerEndpoint(ctx.engine, triggerWithCredential('cred-outage-retry', ctx.sim.apiKey));
			ctx.sim.injectFault({ route: KEY_ROUTE, status: 500, times: 1 });
			const runId = await runWithWebhook(ctx, endpoint);
			expect(endpoint.responses[0].status).toBe(503);
			const statuses = attemptsOf(runId).map((d) => d.status);
			expect(statuses.at(-1)).toBe(200);
			expect(statuses.filter((status) => status === 200)).toHaveLength(1);
			// The failed request, then the one that worked: the retry inside the cooldown asked nothing.
			expect(keyRequests()).toBe(2);
			expect(endpoint.executions).toHaveLength(1);
		} finally {
			Object.assign(signingKeyLimits, saved);
		}
	});
});

describe('a trigger whose own credential Lamina refuses', () => {
	test('answers 200 so Lamina stops resending, logs each dropped run, asks Lamina once, and fails one execution naming the problem', async () => {
		const logged = jest.spyOn(Container.get(Logger), 'error');
		endpoint = await startTriggerEndpoint(ctx.engine, triggerWithCredential('cred-revoked', 'lma_revoked_key'));
		const first = await startRunFor(endpoint);
		await until(() => attemptsOf(first).some((d) => d.status !== undefined), 'the first delivery');
		const second = await startRunFor(endpoint);
		await until(() => attemptsOf(second).some((d) => d.status !== undefined), 'the second delivery');
		// Lamina's retries would come 50 ms after a refusal here: give them time to show up.
		await new Promise((resolve) => setTimeout(resolve, 400));

		for (const runId of [first, second]) expect(answeredAttempts(runId)).toEqual([200]);
		expect(endpoint.responses.length).toBeGreaterThanOrEqual(2);
		for (const response of endpoint.responses) {
			expect(response).toEqual({
				status: 200,
				body: { received: true, accepted: false, error: expect.stringMatching(/^Lamina rejected this node's Lamina API credential \(HTTP 401 AUTH_INVALID_KEY\)/) },
			});
		}
		// The second call was answered from what Lamina said a moment ago.
		expect(keyRequests()).toBe(1);
		expect(endpoint.executions).toHaveLength(0);

		const failed = await endpoint.failedExecutions();
		expect(failed.map((error) => error.message)).toEqual([
			"Lamina rejected this node's Lamina API credential (HTTP 401 AUTH_INVALID_KEY) while fetching Lamina's webhook signing key",
		]);
		expect((failed[0] as Error & { description?: string }).description).toMatch(new RegExp(`Fix the Lamina API credential.*run ${first}`));

		const messages = logged.mock.calls.map(([message]) => String(message));
		for (const runId of [first, second]) {
			expect(messages).toContainEqual(expect.stringMatching(new RegExp(`rejected this node's Lamina API credential.*run ${runId}.*Run → Get`)));
		}
		expect(messages.join('\n')).not.toContain('lma_revoked_key');
	});

	test('a key revoked after the signing key was cached is found on confirmation (401): answered 200, shown once', async () => {
		const node = triggerWithCredential('cred-revoked-later', ctx.sim.apiKey);
		endpoint = await startTriggerEndpoint(ctx.engine, node);
		await runWithWebhook(ctx, endpoint); // caches the key and confirms with the working credential
		expect(endpoint.executions).toHaveLength(1);

		ctx.engine.credentialsHelper.setById('cred-revoked-later', { apiKey: 'lma_revoked_since', baseUrl: ctx.sim.url });
		const runs: string[] = [];
		// One after the other: a call that comes while the first confirmation is in flight asks too.
		for (let i = 0; i < 2; i++) {
			const runId = await startRunFor(endpoint);
			runs.push(runId);
			await until(() => attemptsOf(runId).some((d) => d.status !== undefined), `the delivery of ${runId}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 400));

		for (const runId of runs) expect(answeredAttempts(runId)).toEqual([200]);
		// One confirmation for the first run (and none for the others: Lamina refused the key a moment ago).
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId']).toBe(2);
		expect(endpoint.executions).toHaveLength(1);
		const failed = await endpoint.failedExecutions();
		expect(failed.map((error) => error.message)).toEqual([
			expect.stringMatching(/^Lamina rejected this node's Lamina API credential \(HTTP 401 AUTH_INVALID_KEY\) while confirming run run_/),
		]);
	});
});
