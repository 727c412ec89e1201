import type { ResourceMapperFields } from 'n8n-workflow';

import { callEditorMethod, laminaNode } from '../harness/engine';
import { fixtureApps } from '../simulator';
import { useSimulator } from '../support/context';
import { locator, runAppJsonNode, runAppNode, runOp } from '../support/runNodes';

// Lamina's 100 requests/minute would make this file wait for the window; pacing is tested in rateLimit.test.ts.
const ctx = useSimulator({ runDurationMs: 300, rateLimitPerMinute: 10_000 });

describe('the editor', () => {
	test('shows one field per app input: dropdowns of labels, url fields, defaults, must-supply', async () => {
		const node = laminaNode({ resource: 'run', operation: 'create', appId: locator('app_portrait') });
		const { fields } = await callEditorMethod<ResourceMapperFields>(ctx.engine, node, 'resourceMapping', 'getAppInputs');
		const byId = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(Object.keys(byId)).toEqual(['Prompt', 'Location', 'Style', 'Model  Ethnicity', 'Reference Image']);
		expect(byId.Prompt).toMatchObject({ required: true, type: 'string', displayName: 'Prompt' });
		expect(byId.Style).toMatchObject({ required: false, type: 'options', defaultValue: 'Standard ' });
		expect(byId.Style.options).toEqual([
			{ name: 'Standard', value: 'Standard ' },
			{ name: 'Cinematic', value: 'Cinematic' },
			{ name: 'Film Noir', value: 'Film Noir' },
		]);
		expect(byId['Reference Image']).toMatchObject({ type: 'url', required: false, displayName: 'Reference Image' });
	});

	test('an old-generation app (options as objects, required false) still maps', async () => {
		const node = laminaNode({ resource: 'run', operation: 'create', appId: locator('app_caption') });
		const { fields } = await callEditorMethod<ResourceMapperFields>(ctx.engine, node, 'resourceMapping', 'getAppInputs');
		expect(fields.find((f) => f.id === 'Tone')?.options).toEqual([
			{ name: 'Friendly', value: 'Friendly' },
			{ name: 'Formal', value: 'Formal' },
		]);
		expect(fields.every((f) => !f.required)).toBe(true);
	});

	test('no app chosen yet: an empty list with a hint', async () => {
		const node = laminaNode({ resource: 'run', operation: 'create', appId: { __rl: true, mode: 'list', value: '' } });
		const result = await callEditorMethod<ResourceMapperFields>(ctx.engine, node, 'resourceMapping', 'getAppInputs');
		expect(result).toEqual({ fields: [], emptyFieldsNotice: 'Choose an app first: its inputs appear here.' });
	});
});

describe('Run App', () => {
	test('runs a two-output app and returns outputs raw and by label', async () => {
		const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}', Style: 'Standard ', 'Model  Ethnicity': 'Any' });
		const { status, items } = await ctx.engine.run([node], { input: [{ topic: 'a red bicycle' }] });
		expect(status).toBe('success');
		const run = items[0].json;
		expect(run).toMatchObject({ appId: 'app_portrait', status: 'completed', errorMessage: null });
		expect(run.runId).toMatch(/^run_/);
		expect(run.outputs).toHaveLength(2);
		const byLabel = run.outputsByLabel as Record<string, string>;
		expect(byLabel['Hero Image']).toMatch(new RegExp(`^${ctx.sim.url}/files/.+\\.png$`));
		expect(byLabel.Caption).toContain('a red bicycle');
		expect(items[0].pairedItem).toEqual({ item: 0 });
		// Keys and labels went out exactly, inner and trailing spaces included.
		expect(ctx.sim.runs.get(run.runId as string)?.inputs).toEqual({
			Prompt: 'a red bicycle',
			Style: 'Standard ',
			'Model  Ethnicity': 'Any',
		});
	});

	test('waits with the long-poll, not a polling loop', async () => {
		const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}');
		await ctx.engine.run([node]);
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait']).toBe(1);
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId'] ?? 0).toBe(0);
	});

	test('JSON mode takes expressions, keys and ids, as agents send them', async () => {
		const node = runAppJsonNode('app_portrait', '={{ JSON.stringify({ prompt: $json.p, prm_3: "Cinematic" }) }}');
		const { items, error } = await ctx.engine.run([node], { input: [{ p: 'lighthouse' }] });
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ Prompt: 'lighthouse', Style: 'Cinematic' });
	});

	test("Don't Wait returns the queued run at once", async () => {
		const { items } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none' })]);
		expect(items[0].json).toMatchObject({ status: 'queued', appId: 'app_portrait' });
		expect(ctx.sim.counters.requests['GET /v1/runs/:runId/wait'] ?? 0).toBe(0);
	});

	test('Simplify keeps the fields most workflows map', async () => {
		const { items } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { simplify: true })]);
		expect(Object.keys(items[0].json).sort()).toEqual(['outputsByLabel', 'runId', 'status', 'text', 'url']);
	});

	test('20 items start concurrently and come back in order, paired', async () => {
		const input = Array.from({ length: 20 }, (_, i) => ({ topic: `item ${i}` }));
		const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}' }, { options: { concurrency: 10 } });
		ctx.sim.resetCounters();
		const { items } = await ctx.engine.run([node], { input });
		expect(items).toHaveLength(20);
		items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.status).toBe('completed');
			expect((item.json.outputsByLabel as Record<string, string>).Caption).toContain(`item ${i}`);
		});
		expect(ctx.sim.counters.runsStarted).toBe(20);
		// The definition the editor loaded a moment ago is reused: no lookup at all for 20 runs.
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId'] ?? 0).toBe(0);
	});
});

const fixture = (appId: string) => fixtureApps().find((app) => app.appId === appId)!;

describe('app definitions', () => {
	test('are fetched once per execution however many items use them, then reused for a few minutes', async () => {
		ctx.sim.addApp({ ...fixture('app_caption'), appId: 'app_fresh', name: 'Fresh Captions' });
		const input = Array.from({ length: 5 }, () => ({}));
		await ctx.engine.run([runAppJsonNode('app_fresh', '{"Topic": "tea"}')], { input });
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId']).toBe(1);
		await ctx.engine.run([runAppJsonNode('app_fresh', '{"Topic": "tea"}')]);
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId']).toBe(1);
		expect(ctx.sim.counters.runsStarted).toBe(6);
	});

	test('a cached definition that went stale heals itself: one refetch, one run started', async () => {
		const original = fixture('app_portrait');
		ctx.sim.addApp({ ...original, appId: 'app_evolving', name: 'Evolving' });
		await ctx.engine.run([runAppJsonNode('app_evolving', '{"prompt": "a"}')]); // caches the definition
		// Lamina renames the input; the cached definition would still send "Prompt".
		ctx.sim.addApp({
			...original,
			appId: 'app_evolving',
			name: 'Evolving',
			parameters: original.parameters.map((p) => (p.key === 'prompt' ? { ...p, name: 'Prompt Text' } : p)),
		});
		ctx.sim.resetCounters();
		const { items, error } = await ctx.engine.run([runAppJsonNode('app_evolving', '{"prompt": "b"}')]);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(2); // rejected (nothing started), then accepted
		expect(ctx.sim.counters.runsStarted).toBe(1);
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ 'Prompt Text': 'b' });
	});
});

describe('bad input is refused before any run starts', () => {
	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		['an unknown input, with the closest name', { Promt: 'x' }, /This app has no input "Promt"\. Did you mean "Prompt"\?/],
		['an option not in the list, with the valid ones', { Prompt: 'x', Location: 'Mars' }, /"Mars" is not one of its choices\. Choose one of: "Studio", "Urban", "Park"/],
		['a must-supply input missing', { Location: 'Urban' }, /Input "Prompt" is required by this app and has no default/],
		['a url that is not http(s)', { Prompt: 'x', 'Reference Image': 'file:///etc/passwd' }, /"Reference Image" needs a public http\(s\) URL of an image/],
	];
	test.each(cases)('%s', async (_, inputs, message) => {
		const result = await ctx.engine.run([runAppJsonNode('app_portrait', JSON.stringify(inputs))]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(ctx.sim.counters.runsStarted).toBe(0);
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs'] ?? 0).toBe(0);
	});

	test('an unknown app', async () => {
		const result = await ctx.engine.run([runAppJsonNode('app_gone', '{"Prompt": "x"}')]);
		expect(result.error?.message).toBe('Lamina could not find app "app_gone"');
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs'] ?? 0).toBe(0);
	});

	test('inputs that are not JSON', async () => {
		const result = await ctx.engine.run([runAppJsonNode('app_portrait', '{Prompt: x')]);
		expect(result.error?.message).toMatch(/Inputs \(JSON\) is not valid JSON/);
	});

	test('one bad item among many: nothing starts', async () => {
		const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}' });
		const result = await ctx.engine.run([node], { input: [{ topic: 'a' }, { topic: '' }, { topic: 'c' }] });
		expect(result.error?.message).toMatch(/"Prompt" is required/);
		expect(result.error?.context?.itemIndex).toBe(1);
		expect(ctx.sim.counters.runsStarted).toBe(0);
	});

	test('with Continue On Fail, the bad item becomes an error item and the others run', async () => {
		const node = await runAppNode(ctx.engine, 'app_portrait', { Prompt: '={{ $json.topic }}' }, {}, { continueOnFail: true });
		const { items } = await ctx.engine.run([node], { input: [{ topic: 'a' }, { topic: '' }, { topic: 'c' }] });
		expect(items.map((i) => i.json.status ?? 'error')).toEqual(['completed', 'error', 'completed']);
		expect(items[1].json.error).toMatch(/"Prompt" is required/);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(ctx.sim.counters.runsStarted).toBe(2);
	});
});

describe('runs that fail or take long', () => {
	test('a failed run is an error with errorMessage and each output error', async () => {
		const result = await ctx.engine.run([runAppJsonNode('app_fails', '{"Prompt": "x"}')]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Lamina run run_\S+ failed: Model crashed: out of memory$/);
		expect(result.error?.description).toMatch(/Output errors: .*Generation failed/);
	});

	test('under Continue On Fail a failed run is an error item carrying the run id', async () => {
		const node = runAppJsonNode('app_fails', '{"Prompt": "x"}', {}, { continueOnFail: true });
		const { items } = await ctx.engine.run([node]);
		expect(items[0].json).toMatchObject({
			error: expect.stringMatching(/failed: Model crashed/),
			runId: expect.stringMatching(/^run_/),
			status: 'failed',
			outputErrors: [expect.stringContaining('Generation failed')],
		});
	});

	test('when the wait runs out the item keeps the run, and Wait for Run picks it up', async () => {
		ctx.sim.setAppBehaviour('app_caption', { durationMs: 2500 });
		try {
			const first = await ctx.engine.run([runAppJsonNode('app_caption', '{"Topic": "tea"}', { maxWaitSeconds: 1 })]);
			const pending = first.items[0].json;
			expect(pending).toMatchObject({ waitTimedOut: true, runId: expect.stringMatching(/^run_/) });
			expect(['queued', 'running']).toContain(pending.status);
			expect(pending.note).toMatch(/Wait for Run/);

			const second = await ctx.engine.run([runOp('wait', { runId: '={{ $json.runId }}', maxWaitSeconds: 30 })], {
				input: [pending],
			});
			expect(second.items[0].json).toMatchObject({ runId: pending.runId, status: 'completed' });
			expect(ctx.sim.counters.runsStarted).toBe(1);
		} finally {
			ctx.sim.setAppBehaviour('app_caption', { durationMs: 300 });
		}
	});
});

describe('no run is ever started twice', () => {
	test('a 503 on the start is repeated (Lamina did not accept it)', async () => {
		ctx.sim.injectFault({ route: 'POST /v1/apps/:appId/runs', status: 503, times: 1 });
		const { items } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		expect(items[0].json.status).toBe('completed');
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(2);
		expect(ctx.sim.counters.runsStarted).toBe(1);
	});

	test('a 429 on the start is repeated after Retry-After', async () => {
		ctx.sim.injectFault({ route: 'POST /v1/apps/:appId/runs', status: 429, headers: { 'Retry-After': '1' }, times: 1 });
		const { items } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		expect(items[0].json.status).toBe('completed');
		expect(ctx.sim.counters.runsStarted).toBe(1);
	});

	test.each([
		['a 500', { status: 500 }],
		['a connection reset', { reset: true }],
	])('%s on the start is not repeated', async (_, fault) => {
		ctx.sim.injectFault({ route: 'POST /v1/apps/:appId/runs', times: 1, ...fault });
		const result = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		expect(result.status).toBe('error');
		expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(1);
	});
});

describe('other run operations', () => {
	test('Get Run, List Runs with filters, and Cancel Run', async () => {
		const started = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		const runId = started.items[0].json.runId as string;

		const got = await ctx.engine.run([runOp('get', { runId })]);
		expect(got.items[0].json).toMatchObject({ runId, status: 'completed', outputsByLabel: expect.any(Object) });

		const listed = await ctx.engine.run([runOp('getAll', { limit: 5, filters: { status: 'completed', appId: 'app_portrait' } })]);
		expect(listed.items.length).toBeGreaterThanOrEqual(1);
		expect(listed.items.every((i) => i.json.status === 'completed')).toBe(true);
		expect(listed.items[0].json.runId).toBe(runId); // newest first

		const future = await ctx.engine.run([runOp('getAll', { returnAll: true, filters: { since: '2099-01-01T00:00:00Z' } })]);
		expect(future.items).toHaveLength(0);

		ctx.sim.setAppBehaviour('app_caption', { durationMs: 10_000 });
		try {
			const queued = await ctx.engine.run([runAppJsonNode('app_caption', '{"Topic": "x"}', { waitMode: 'none' })]);
			const longRunId = queued.items[0].json.runId as string;
			const cancelled = await ctx.engine.run([runOp('cancel', { runId: longRunId })]);
			expect(cancelled.items[0].json).toEqual({ runId: longRunId, status: 'cancelled' });
			const again = await ctx.engine.run([runOp('cancel', { runId: longRunId })]);
			expect(again.items[0].json.status).toBe('cancelled');
			const waited = await ctx.engine.run([runOp('wait', { runId: longRunId, maxWaitSeconds: 5 })]);
			expect(waited.error?.message).toMatch(new RegExp(`Lamina run ${longRunId} was cancelled`));
		} finally {
			ctx.sim.setAppBehaviour('app_caption', { durationMs: 300 });
		}
	});

	test('List Runs pages through more than 100 with Return All', async () => {
		const before = await ctx.engine.run([runOp('getAll', { returnAll: true })]);
		expect(before.items.length).toBeGreaterThan(0);
		const pages = ctx.sim.counters.requests['GET /v1/runs'];
		expect(pages).toBe(Math.floor(before.items.length / 100) + 1);
	});

	test('an unknown run id says where run ids come from', async () => {
		const result = await ctx.engine.run([runOp('get', { runId: 'run_missing' })]);
		expect(result.error?.message).toBe('Lamina could not find run "run_missing"');
		expect(result.error?.description).toMatch(/runId/);
	});
});

describe('one run fails among many, without Continue On Fail', () => {
	test('the node stops at once, not after the others finish, and says which runs still run', async () => {
		ctx.sim.setAppBehaviour('app_caption', { durationMs: 30_000 });
		try {
			const node = runAppJsonNode('={{ $json.app }}', '={{ JSON.stringify($json.inputs) }}');
			const input = [
				{ app: 'app_caption', inputs: { Topic: 'slow one' } },
				{ app: 'app_fails', inputs: { Prompt: 'x' } },
				{ app: 'app_caption', inputs: { Topic: 'slow two' } },
			];
			const before = new Set(ctx.sim.runs.keys());
			const { error } = await ctx.engine.run([node], { input });
			expect(error?.message).toMatch(/^Lamina run run_\S+ failed: Model crashed/);
			expect(error?.context?.itemIndex).toBe(1);
			const slow = [...ctx.sim.runs.values()].filter((run) => !before.has(run.runId) && run.appId === 'app_caption');
			expect(slow).toHaveLength(2);
			for (const run of slow) expect(['queued', 'running']).toContain(run.status); // not waited for
			expect(error?.description).toContain(
				`Still running in Lamina, not waited for (collect them with "Wait for Run"): item 0: ${slow[0].runId}, item 2: ${slow[1].runId}.`,
			);
		} finally {
			ctx.sim.setAppBehaviour('app_caption', { durationMs: 300 });
		}
	});
});

describe('Wait for Run with many items', () => {
	/** The most requests to `route` that were open at the same moment, from the simulator's log. */
	const mostOpenAtOnce = (route: string) => {
		const requests = ctx.sim.requestLog.filter((entry) => entry.route === route);
		return Math.max(0, ...requests.map((a) => requests.filter((b) => b.receivedAt <= a.receivedAt && (b.closedAt ?? Infinity) > a.receivedAt).length));
	};

	test('waits for a bounded number of runs at a time (Options → Concurrent Waits), all of them in the end', async () => {
		ctx.sim.setAppBehaviour('app_caption', { durationMs: 600 });
		try {
			const started = await ctx.engine.run([runAppJsonNode('app_caption', '{"Topic": "x"}', { waitMode: 'none' })], {
				input: Array.from({ length: 12 }, () => ({})),
			});
			ctx.sim.resetCounters();
			const waited = await ctx.engine.run([runOp('wait', { runId: '={{ $json.runId }}', maxWaitSeconds: 30, options: { concurrency: 3 } })], {
				input: started.items.map((item) => item.json),
			});
			expect(waited.items.map((item) => item.json.status)).toEqual(Array(12).fill('completed'));
			expect(mostOpenAtOnce('GET /v1/runs/:runId/wait')).toBe(3);
		} finally {
			ctx.sim.setAppBehaviour('app_caption', { durationMs: 300 });
		}
	});
});
