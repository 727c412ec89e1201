/**
 * Starting runs: a start that may or may not have started a run (a 500 after the request was
 * sent, a reset, a timeout) says so and how to check, and is never a blind "run it again".
 * And a user's Webhook URL goes to Lamina exactly as given.
 */
import { laminaNode } from '../harness/engine';
import { useSimulator } from '../support/context';
import { locator, runAppJsonNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000 });

const RERUN = /run the (node|app) again/i;
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

describe('a start that may have started a run', () => {
	test.each([
		['a 500 after the request was sent', { status: 500 }],
		['a connection reset', { reset: true }],
	])('Run App, %s: says the run may have started and how to check, once', async (_, fault) => {
		ctx.sim.injectFault({ route: 'POST /v1/apps/:appId/runs', times: 1, ...fault });
		const sentAfter = Date.now() - 60_000 - 1_000;
		const { error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		expect(error?.message).toMatch(/; the run may have started$/);
		expect(error?.description).toMatch(/^Lamina may have received the request before it failed, so it was not sent again/);
		expect(error?.description).toMatch(new RegExp(`Run → Get Many, Filters App ID "app_portrait" and Since ${ISO.source}`));
		expect(error?.description).toMatch(/collected with "Wait for Run"/);
		expect(error?.description).not.toMatch(RERUN);
		expect(error?.context?.mayHaveStarted).toBe(true);
		expect(Date.parse(String(error?.context?.since))).toBeGreaterThanOrEqual(sentAfter);
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(1);
	});

	test('under Continue On Fail the item says so too', async () => {
		ctx.sim.injectFault({ route: 'POST /v1/apps/:appId/runs', times: 1, status: 500 });
		const { items } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', {}, { continueOnFail: true })]);
		expect(items[0].json).toMatchObject({ error: expect.stringMatching(/may have started/), mayHaveStarted: true, since: expect.stringMatching(ISO) });
		expect(items[0].json.description).not.toMatch(RERUN);
	});

	test('a refusal (400) started nothing and says nothing of the kind', async () => {
		ctx.sim.injectFault({ route: 'POST /v1/apps/:appId/runs', times: 2, status: 400 });
		const { error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		expect(error?.message).toMatch(/^Lamina rejected the request/);
		expect(error?.message).not.toMatch(/may have started/);
		expect(error?.context?.mayHaveStarted).toBeUndefined();
	});

	test('Create from Brief, a 500: the same, with no app to filter by when Lamina picks it', async () => {
		ctx.sim.injectFault({ route: 'POST /v1/content/create', times: 1, status: 500 });
		const { error } = await ctx.engine.run([laminaNode({ resource: 'content', operation: 'create', brief: 'a red bicycle' })]);
		expect(error?.message).toMatch(/; the run may have started$/);
		expect(error?.description).toMatch(new RegExp(`Run → Get Many, Filters Since ${ISO.source} \\(no Status filter\\)`));
		expect(error?.description).not.toMatch(RERUN);
		expect(ctx.sim.counters.requests['POST /v1/content/create']).toBe(1);
	});

	test('Create from Brief with an app chosen names the app', async () => {
		ctx.sim.injectFault({ route: 'POST /v1/content/create', times: 1, reset: true });
		const node = laminaNode({ resource: 'content', operation: 'create', brief: 'tea', appId: locator('app_caption') });
		const { error } = await ctx.engine.run([node]);
		expect(error?.description).toMatch(/Filters App ID "app_caption" and Since/);
	});
});

test('Options → Webhook URL goes to Lamina exactly as given', async () => {
	const webhookUrl = 'http://127.0.0.1:9/lamina/in?token=abc&b=2';
	const { items, error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none', options: { webhookUrl } })]);
	expect(error).toBeUndefined();
	expect(ctx.sim.runs.get(items[0].json.runId as string)?.webhookUrl).toBe(webhookUrl);
});
