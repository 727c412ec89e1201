/**
 * Costs and credits: Estimate Cost, Max Credits per Run (a ceiling, affordability, a batch the
 * balance covers in part), Lamina's own insufficient-credits refusal, Account → Get, the credential
 * test, App → Discover, Run → Refine and Run → Get Many past 100 runs, against the simulator.
 */
import { request } from 'undici';

import { testCredential } from '../harness/credentialTest';
import { laminaNode } from '../harness/engine';
import { fixtureApps, type SimApp } from '../simulator';
import { everythingShown, useSimulator } from '../support/context';
import { locator, runAppJsonNode, runOp } from '../support/runNodes';

const ctx = useSimulator({ rateLimitPerMinute: 0 });

let appCount = 0;
/** A copy of Portrait Studio under a new ID costing `credits` a run: no estimate of it is cached yet. */
function pricedApp(credits: number): SimApp {
	const app = { ...fixtureApps()[0], appId: `app_priced_${++appCount}`, name: `Priced Portrait ${appCount}` };
	ctx.sim.addApp(app);
	ctx.sim.setAppCredits(app.appId, credits);
	return app;
}

const starts = () =>
	Object.entries(ctx.sim.counters.requests)
		.filter(([route]) => route === 'POST /v1/apps/:appId/runs')
		.reduce((sum, [, n]) => sum + n, 0);

const ceilingNode = (appId: string, options: Record<string, unknown>, nodeExtra = {}) =>
	runAppJsonNode(appId, '{"Prompt": "a violinist"}', { options }, nodeExtra);

afterEach(() => ctx.sim.setBalance(1_000_000));

describe('App → Estimate Cost', () => {
	test('outputs expected, min and max credits, the breakdown by step, the balance and whether it is affordable', async () => {
		ctx.sim.setBalance(15);
		const { items } = await ctx.engine.run([laminaNode({ resource: 'app', operation: 'estimate', appId: locator('app_video') })]);
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			appId: 'app_video',
			name: 'Product Video',
			estimatedCredits: { expected: 22, min: 17, max: 33 },
			breakdown: [
				{ nodeId: 'step-1-1', nodeType: 'upscaleNode', credits: 2 },
				{ nodeId: 'step-2-1', nodeType: 'videoGeneratorNode', credits: 20 },
			],
			currentBalance: 15,
			affordable: false,
		});
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/estimate']).toBe(1);
		expect(ctx.sim.counters.runsStarted).toBe(0);
	});
});

describe('Run App → Options → Max Credits per Run', () => {
	test('a run estimated above the ceiling is refused before anything starts: a named error with estimate and ceiling, 0 POSTs', async () => {
		const app = pricedApp(12);
		const result = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })], { input: [{}, {}] });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`Not started: a run of "${app.name}" is estimated at 12 credits (9 to 18), above Max Credits per Run (10)`,
		);
		expect(result.error?.description).toMatch(/Nothing was started for this item\. Raise Options → Max Credits per Run to at least 12/);
		expect(starts()).toBe(0);
		// The estimate is asked once for the app, not per item.
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/estimate']).toBe(1);
	});

	test('under Continue On Fail the refused item is an error item and the affordable one runs', async () => {
		const dear = pricedApp(12);
		const cheap = pricedApp(3);
		const node = runAppJsonNode('', '{"Prompt": "a violinist"}', { appId: { __rl: true, mode: 'id', value: '={{ $json.app }}' }, options: { maxCreditsPerRun: 10 } }, { continueOnFail: true });
		const { items } = await ctx.engine.run([node], { input: [{ app: dear.appId }, { app: cheap.appId }] });
		expect(items.map((item) => item.json.status ?? 'error')).toEqual(['error', 'completed']);
		expect(items[0].json).toMatchObject({ error: expect.stringMatching(/estimated at 12 credits .*above Max Credits per Run \(10\)/), code: 'OVER_CREDIT_LIMIT' });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(starts()).toBe(1);
	});

	test('a run the workspace cannot afford is refused before starting, even under the ceiling', async () => {
		const app = pricedApp(4);
		ctx.sim.setBalance(3);
		const result = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })]);
		expect(result.error?.message).toBe(`Not started: the workspace can't afford a run of "${app.name}" (estimated 4 credits, balance 3)`);
		expect(result.error?.description).toMatch(/Top up the workspace's credits/);
		expect(starts()).toBe(0);
	});

	test('a batch the balance covers only in part: says how many items it covers, and starts none', async () => {
		const app = pricedApp(4);
		ctx.sim.setBalance(10);
		const result = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })], { input: [{}, {}, {}, {}] });
		expect(result.error?.message).toBe("Not started: the workspace's balance (10 credits) covers 2 of the 4 runs, which need about 16 credits in all");
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(starts()).toBe(0);
		expect(ctx.sim.balance).toBe(10);
	});

	test('under Continue On Fail the runs the balance covers go ahead and the rest are error items', async () => {
		const app = pricedApp(4);
		ctx.sim.setBalance(10);
		const { items } = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 }, { continueOnFail: true })], { input: [{}, {}, {}] });
		expect(items.map((item) => item.json.status ?? 'error')).toEqual(['completed', 'completed', 'error']);
		expect(items[2].json.error).toMatch(/covers 2 of the 3 runs/);
		expect(starts()).toBe(2);
		expect(ctx.sim.balance).toBe(2);
	});

	test('Check Balance for the Whole Batch off: each run is checked alone, and Lamina refuses the ones it cannot bill', async () => {
		const app = pricedApp(4);
		ctx.sim.setBalance(10);
		const node = ceilingNode(app.appId, { maxCreditsPerRun: 10, checkBalanceForBatch: false, concurrency: 1 }, { continueOnFail: true });
		const { items } = await ctx.engine.run([node], { input: [{}, {}, {}] });
		expect(items.map((item) => item.json.status ?? 'error')).toEqual(['completed', 'completed', 'error']);
		expect(items[2].json.error).toMatch(/too few credits \(balance 2, needed 4\)/);
	});

	test('the estimate is cached with the app definition: a second execution asks Lamina for neither', async () => {
		const app = pricedApp(2);
		await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })]);
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/estimate']).toBe(1);
		ctx.sim.resetCounters();
		const { status } = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })]);
		expect(status).toBe('success');
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/estimate']).toBeUndefined();
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId']).toBeUndefined();
		expect(starts()).toBe(1);
	});

	test('a refusal resting on an estimate from an earlier execution is checked against a fresh one (the balance was topped up)', async () => {
		const app = pricedApp(4);
		ctx.sim.setBalance(3);
		const refused = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })]);
		expect(refused.error?.message).toMatch(/can't afford/);
		expect(starts()).toBe(0);
		ctx.sim.setBalance(100);
		ctx.sim.resetCounters();
		const { status } = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })]);
		expect(status).toBe('success');
		// The cached estimate said "can't afford": asked again before refusing.
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/estimate']).toBe(1);
		expect(ctx.sim.balance).toBe(96);
	});

	test('a server without estimates: the ceiling cannot be checked, so nothing starts and the error says so', async () => {
		const app = pricedApp(1);
		ctx.sim.setMissingRoutes(['POST /v1/apps/:appId/estimate']);
		try {
			const result = await ctx.engine.run([ceilingNode(app.appId, { maxCreditsPerRun: 10 })]);
			expect(result.error?.message).toMatch(/Max Credits per Run can't be checked: Lamina gave no cost estimate/);
			expect(starts()).toBe(0);
		} finally {
			ctx.sim.setMissingRoutes([]);
		}
	});
});

describe("Lamina's insufficient-credits refusal", () => {
	test.each([402, 403] as const)('HTTP %s is not retried; the error names the balance and where to top up, and lists the runs started', async (status) => {
		const app = pricedApp(5);
		ctx.sim.setBalance(7);
		ctx.sim.setInsufficientCreditsStatus(status);
		try {
			const node = runAppJsonNode(app.appId, '{"Prompt": "a violinist"}', { options: { concurrency: 1 } });
			const result = await ctx.engine.run([node], { input: [{}, {}, {}] });
			expect(result.error?.message).toBe(`Lamina refused the run of app "${app.appId}": the workspace has too few credits (balance 2, needed 5)`);
			expect(result.error?.description).toMatch(/Lamina did not start it, and it was not sent again\. Top up the workspace's credits/);
			expect(result.error?.description).toMatch(/item 0: run_/);
			expect(result.error?.context?.runs).toEqual([expect.objectContaining({ item: 0, runId: expect.stringMatching(/^run_/) })]);
			// Item 0 started, item 1 refused once, item 2 never sent.
			expect(starts()).toBe(2);
			expect(everythingShown(result)).not.toContain(ctx.sim.apiKey);
		} finally {
			ctx.sim.setInsufficientCreditsStatus(402);
		}
	});
});

describe('Account → Get and the credential test', () => {
	test('Account → Get outputs the user, the workspace and the memberships', async () => {
		const { items } = await ctx.engine.run([laminaNode({ resource: 'account', operation: 'get' })]);
		expect(items).toEqual([
			{
				json: {
					user: { id: 'usr_test', email: 'owner@example.com' },
					workspace: { id: ctx.sim.workspaceId, name: 'Test Studio', slug: 'test-studio', role: 'owner' },
					memberships: [
						{ workspaceId: ctx.sim.workspaceId, name: 'Test Studio', slug: 'test-studio', role: 'owner' },
						{ workspaceId: 'ws_other', name: 'Other Agency', slug: 'other-agency', role: 'member' },
					],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('the credential test asks GET /v1/account and passes with the right key and Workspace ID', async () => {
		const result = await testCredential(ctx.engine, 'laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: ctx.sim.url, workspaceId: ctx.sim.workspaceId });
		expect(result).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(ctx.sim.counters.requests['GET /v1/account']).toBe(1);
	});

	test('a wrong key, a wrong Base URL and a key of another workspace each get their own message', async () => {
		const wrongKey = await testCredential(ctx.engine, 'laminaApi', { apiKey: 'lma_wrong', baseUrl: ctx.sim.url });
		expect(wrongKey).toEqual({ status: 'Error', message: expect.stringMatching(/^Lamina did not accept this API key/) });
		const wrongBase = await testCredential(ctx.engine, 'laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: `${ctx.sim.url}/lamina` });
		expect(wrongBase).toEqual({ status: 'Error', message: expect.stringMatching(/^No Lamina API at this Base URL/) });
		const otherWorkspace = await testCredential(ctx.engine, 'laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: ctx.sim.url, workspaceId: 'ws_other' });
		expect(otherWorkspace).toEqual({ status: 'Error', message: expect.stringMatching(/^This API key is not the Workspace ID's/) });
	});

	test('Workspace ID goes to every request as x-workspace-id: a wrong one fails the node with Lamina’s 403', async () => {
		ctx.engine.setCredentials('laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: ctx.sim.url, workspaceId: 'ws_other' });
		const result = await ctx.engine.run([laminaNode({ resource: 'account', operation: 'get' })]);
		expect(result.error?.message).toMatch(/Lamina refused access/);
		expect(result.error?.httpCode).toBe('403');
	});
});

describe('App → Discover', () => {
	test('one item per ranked app, best first, with relevanceScore, whyMatch and estimatedCredits', async () => {
		const node = laminaNode({ resource: 'app', operation: 'discover', intent: 'a looping product video', maxResults: 3, constraints: { outputFormat: 'video' } });
		const { items } = await ctx.engine.run([node]);
		expect(items[0].json).toMatchObject({
			appId: 'app_video',
			rank: 1,
			matched: true,
			relevanceScore: expect.any(Number),
			whyMatch: expect.stringContaining('product'),
			estimatedCredits: 22,
			intent: { medium: 'video', summary: 'a looping product video' },
		});
		expect(items.length).toBeLessThanOrEqual(3);
		expect(items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	test('an intent nothing fits within the constraints is one item that says so; an empty intent is refused before any request', async () => {
		const none = await ctx.engine.run([laminaNode({ resource: 'app', operation: 'discover', intent: 'looping video', constraints: { maxCredits: 5 } })]);
		expect(none.items).toHaveLength(1);
		expect(none.items[0].json).toMatchObject({ appId: null, matched: false, message: expect.stringMatching(/No app matches "looping video" within the constraints/) });
		ctx.sim.resetCounters();
		const empty = await ctx.engine.run([laminaNode({ resource: 'app', operation: 'discover', intent: '  ' })]);
		expect(empty.error?.message).toBe('Intent is empty');
		expect(ctx.sim.counters.requests['POST /v1/apps/discover']).toBeUndefined();
	});
});

describe('Run → Refine', () => {
	test('refines a finished run and outputs the refined run as Run App does, with Download Outputs', async () => {
		const first = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "a violinist"}')]);
		const original = first.items[0].json.runId as string;
		const refine = runOp('refine', { runId: '={{ $json.runId }}', feedback: 'Warmer light', options: { downloadOutputs: true } });
		const { items } = await ctx.engine.run([refine], { input: [first.items[0].json] });
		expect(items[0].json).toMatchObject({
			status: 'completed',
			refinedFrom: original,
			summary: expect.stringContaining(original),
			refinedNodes: [{ nodeId: 'generator-1', reason: 'Feedback: Warmer light' }],
			outputsByLabel: expect.objectContaining({ Caption: expect.any(String) }),
		});
		expect(items[0].json.runId).not.toBe(original);
		expect(Object.keys(items[0].binary ?? {})).toEqual(['Hero_Image']);
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.feedback).toBe('Warmer light');
	});

	test("Don't Wait outputs the queued refinement; an unfinished run under Continue On Fail is an error item; empty feedback sends nothing", async () => {
		const first = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		const queued = await ctx.engine.run([runOp('refine', { runId: first.items[0].json.runId, feedback: 'x', waitMode: 'none' })]);
		expect(queued.items[0].json).toMatchObject({ status: 'queued', refinedFrom: first.items[0].json.runId });

		const running = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none' })]);
		const failed = await ctx.engine.run([runOp('refine', { runId: running.items[0].json.runId, feedback: 'x' }, { continueOnFail: true })]);
		expect(failed.items[0].json.error).toMatch(/Lamina rejected the request: "runId": run is (queued|running), not completed/);

		ctx.sim.resetCounters();
		const empty = await ctx.engine.run([runOp('refine', { runId: 'run_1', feedback: ' ' })]);
		expect(empty.error?.message).toBe('Feedback is empty');
		expect(ctx.sim.counters.requests['POST /v1/runs/:runId/feedback']).toBeUndefined();
	});
});

describe('Run → Get Many', () => {
	test('Return All pages with offset past 100: all 250 runs of an app', async () => {
		const app = pricedApp(0);
		for (let i = 0; i < 250; i++) {
			const response = await request(`${ctx.sim.url}/v1/apps/${app.appId}/runs`, {
				method: 'POST',
				headers: { 'x-api-key': ctx.sim.apiKey, 'content-type': 'application/json' },
				body: JSON.stringify({ inputs: { Prompt: `shot ${i}` } }),
			});
			await response.body.dump();
		}
		ctx.sim.resetCounters();
		const { items } = await ctx.engine.run([runOp('getAll', { returnAll: true, filters: { appId: app.appId } })]);
		expect(items).toHaveLength(250);
		expect(new Set(items.map((item) => item.json.runId)).size).toBe(250);
		expect(ctx.sim.counters.requests['GET /v1/runs']).toBe(3);
	});
});
