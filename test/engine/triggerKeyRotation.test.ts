import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { useSimulator } from '../support/context';
import { post, runWithWebhook, triggerNode } from '../support/trigger';

// Its own simulator (own base URL): the key cache and refetch cooldown are per base URL.
const ctx = useSimulator({ runDurationMs: 100, timeScale: 0.01, rateLimitPerMinute: 10_000 });
let endpoint: TriggerEndpoint;
afterEach(async () => endpoint?.close());

test('after Lamina rotates its key, a genuine delivery passes after exactly one key refetch', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	await runWithWebhook(ctx, endpoint); // fetches and caches the current key
	const fetchesBefore = ctx.sim.counters.signingKeyFetches;
	ctx.sim.rotateSigningKey();
	await runWithWebhook(ctx, endpoint);
	expect(endpoint.executions).toHaveLength(2);
	expect(ctx.sim.counters.signingKeyFetches - fetchesBefore).toBe(1);
});

test('a flood of forged deliveries cannot make the trigger hammer the key endpoint', async () => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
	const fetchesBefore = ctx.sim.counters.signingKeyFetches;
	const body = JSON.stringify({ data: { runId: 'run_f', status: 'completed' } });
	for (let i = 0; i < 20; i++) {
		const headers = { ...ctx.sim.signWebhook(body), 'X-Lamina-Webhook-Signature': 'cd'.repeat(64) };
		expect((await post(endpoint.url, body, headers)).status).toBe(401);
	}
	expect(ctx.sim.counters.signingKeyFetches - fetchesBefore).toBeLessThanOrEqual(1);
	expect(endpoint.executions).toHaveLength(0);
});
