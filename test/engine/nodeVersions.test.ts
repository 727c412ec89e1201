/**
 * The panel of issue 17 comes as node version 1.1; workflows saved with version 1 hold the old
 * parameters and must run exactly as before. Each behaviour here is run both ways: a version 1
 * node as it was saved, and a 1.1 node as the new panel saves it.
 */
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { callEditorMethod, laminaNode, type WorkflowNode } from '../harness/engine';
import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { useSimulator } from '../support/context';
import { locator, runAppJsonNode, runAppNode, runOp } from '../support/runNodes';
import { post, runWithWebhook, triggerNode } from '../support/trigger';

const ctx = useSimulator({ runDurationMs: 150, timeScale: 0.01, rateLimitPerMinute: 10_000 });

const V1 = { typeVersion: 1 };
const V1_1 = { typeVersion: 1.1 };

const runApp = (parameters: IDataObject, node = V1_1): WorkflowNode =>
	laminaNode({ resource: 'run', operation: 'create', appId: locator('app_portrait'), ...parameters }, node);

describe('Run App → Inputs', () => {
	test('1.1: Map Automatically is a choice of Inputs and sends what version 1’s mapper mode sends', async () => {
		const item = { prompt: 'a lighthouse at dusk', Location: 'Park', customerId: 42 };
		const old = await ctx.engine.run([await runAppNode(ctx.engine, 'app_portrait', 'autoMapInputData')], { input: [item] });
		const now = await ctx.engine.run([runApp({ inputMode: 'auto' })], { input: [item] });
		expect([old.error, now.error]).toEqual([undefined, undefined]);
		const inputsOf = (result: typeof old) => ctx.sim.runs.get(result.items[0].json.runId as string)?.inputs;
		expect(inputsOf(now)).toEqual({ Prompt: 'a lighthouse at dusk', Location: 'Park' });
		expect(inputsOf(now)).toEqual(inputsOf(old));
	});

	test('Inputs (JSON) left at its default: {"Prompt": ""} in version 1 (as saved workflows expect), {} in 1.1', async () => {
		const json = (node: typeof V1) =>
			laminaNode({ resource: 'run', operation: 'create', appId: locator('app_caption'), inputMode: 'json' }, node);
		const old = await ctx.engine.run([json(V1)]);
		expect(old.error?.message).toMatch(/This app has no input "Prompt"/);
		const now = await ctx.engine.run([json(V1_1)]);
		expect(now.error).toBeUndefined();
		expect(now.items[0].json.status).toBe('completed');
		expect(ctx.sim.runs.get(now.items[0].json.runId as string)?.inputs).toEqual({});
	});
});

describe('Max Wait Time', () => {
	const slowly = async (run: () => Promise<void>) => {
		ctx.sim.setAppBehaviour('app_caption', { durationMs: 2_500 });
		try {
			await run();
		} finally {
			ctx.sim.setAppBehaviour('app_caption', { durationMs: 150 });
		}
	};
	const caption = (parameters: IDataObject, node: typeof V1) => runAppJsonNode('app_caption', '{"Topic": "tea"}', parameters, node);

	test('version 1’s seconds and 1.1’s amount and unit end the wait the same way', async () => {
		await slowly(async () => {
			const old = await ctx.engine.run([caption({ maxWaitSeconds: 1 }, V1)]);
			const now = await ctx.engine.run([caption({ maxWaitAmount: 1, maxWaitUnit: 'seconds' }, V1_1)]);
			for (const { items } of [old, now]) {
				expect(items[0].json).toMatchObject({ waitTimedOut: true, runId: expect.stringMatching(/^run_/) });
				expect(items[0].json.note).toMatch(/after 1 s\. Pass this runId to "Wait for Run"/);
			}
		});
	});

	test('Wait for Run: the same in both versions', async () => {
		await slowly(async () => {
			const started = await ctx.engine.run([caption({ waitMode: 'none' }, V1_1)]);
			const runId = started.items[0].json.runId as string;
			const old = await ctx.engine.run([runOp('wait', { runId, maxWaitSeconds: 1 }, V1)]);
			const now = await ctx.engine.run([runOp('wait', { runId, maxWaitAmount: 1, maxWaitUnit: 'seconds' }, V1_1)]);
			expect([old.items[0].json.waitTimedOut, now.items[0].json.waitTimedOut]).toEqual([true, true]);
		});
	});

	test('Wait for Webhook waits 600 s in version 1 by default, 45 minutes in 1.1, or the amount and unit given', async () => {
		const webhook = (parameters: IDataObject, node: typeof V1) => runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook', ...parameters }, node);
		const waitsFor = async (node: WorkflowNode) => {
			const before = Date.now();
			const result = await ctx.engine.run([node]);
			expect(result.status).toBe('waiting');
			return Math.round((result.run.waitTill!.getTime() - before) / 1000);
		};
		expect(await waitsFor(webhook({}, V1))).toBeCloseTo(600, -1);
		expect(await waitsFor(webhook({ maxWaitSeconds: 3600 }, V1))).toBeCloseTo(3600, -1);
		expect(await waitsFor(webhook({}, V1_1))).toBeCloseTo(45 * 60, -1);
		expect(await waitsFor(webhook({ webhookMaxWaitAmount: 2, webhookMaxWaitUnit: 'hours' }, V1_1))).toBeCloseTo(7200, -1);
	});

	test('an amount that is not a positive number (from an expression) is refused before any run starts', async () => {
		const result = await ctx.engine.run([caption({ maxWaitAmount: '={{ 0 }}', maxWaitUnit: 'minutes' }, V1_1)]);
		expect(result.error?.message).toBe('Max Wait Time is not a positive amount: "0 minutes"');
		expect(ctx.sim.counters.runsStarted).toBe(0);
	});
});

describe('Only These Outputs', () => {
	test('version 1’s comma-separated labels and 1.1’s picked labels ask Lamina for the same outputs', async () => {
		const old = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { outputs: 'Caption' } }, V1)]);
		const now = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { outputs: ['Caption'] } }, V1_1)]);
		const asked = (result: typeof old) => ctx.sim.runs.get(result.items[0].json.runId as string)?.requestedOutputs;
		expect([asked(old), asked(now)]).toEqual([['Caption'], ['Caption']]);
	});

	test('1.1: a label the app does not have is refused before any run starts, naming the choices', async () => {
		const result = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { outputs: ['Poster'] } }, V1_1)]);
		expect(result.error?.message).toBe('"Poster" is not an output of "Portrait Studio"');
		expect(ctx.sim.counters.runsStarted).toBe(0);
	});
});

describe('Run → Get Many → Filters → App', () => {
	test('version 1’s App ID text and 1.1’s app picker (list, ID or URL) list the same runs', async () => {
		await ctx.engine.run([runAppJsonNode('app_caption', '{"Topic": "tea"}', { waitMode: 'none' }, V1_1)]);
		await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none' }, V1_1)]);
		const appsOf = async (appId: unknown, node: typeof V1) => {
			const { items, error } = await ctx.engine.run([runOp('getAll', { returnAll: true, filters: { appId } }, node)]);
			expect(error).toBeUndefined();
			return new Set(items.map((item) => ctx.sim.runs.get(item.json.runId as string)?.appId));
		};
		expect(await appsOf('app_caption', V1)).toEqual(new Set(['app_caption']));
		expect(await appsOf({ __rl: true, mode: 'list', value: 'app_caption', cachedResultName: 'Caption Writer' }, V1_1)).toEqual(new Set(['app_caption']));
		expect(await appsOf({ __rl: true, mode: 'url', value: `${ctx.sim.url}/apps/app_caption` }, V1_1)).toEqual(new Set(['app_caption']));
		expect((await appsOf({ __rl: true, mode: 'list', value: '' }, V1_1)).size).toBeGreaterThan(1);
	});
});

describe('Output of App → Get and Get Workflow', () => {
	const app = (operation: string, parameters: IDataObject, node: typeof V1) =>
		laminaNode({ resource: 'app', operation, appId: locator('app_portrait'), ...parameters }, node);

	test('App → Get: version 1 puts out the whole app as before; 1.1 Simplified by default, Raw or Selected Fields on request', async () => {
		const old = (await ctx.engine.run([app('get', {}, V1)])).items[0].json;
		expect(old).toMatchObject({ appId: 'app_portrait', parameters: expect.any(Array), inputGuide: expect.any(Array), thumbnail: expect.any(Object) });
		const simplified = (await ctx.engine.run([app('get', {}, V1_1)])).items[0].json;
		expect(Object.keys(simplified)).toEqual(['appId', 'name', 'description', 'modality', 'inputGuide', 'outputs']);
		expect(simplified.inputGuide).toEqual(old.inputGuide);
		expect((await ctx.engine.run([app('get', { output: 'raw' }, V1_1)])).items[0].json).toEqual(old);
		const selected = (await ctx.engine.run([app('get', { output: 'selected', fields: ['name', 'parameters'] }, V1_1)])).items[0].json;
		expect(selected).toEqual({ name: 'Portrait Studio', parameters: old.parameters });
	});

	test('Get Workflow: version 1 keeps the node graph; 1.1 Simplified leaves it out and keeps the steps', async () => {
		const old = (await ctx.engine.run([app('getWorkflow', {}, V1)])).items[0].json;
		expect(old).toMatchObject({ nodes: expect.any(Array), edges: expect.any(Array), steps: expect.any(Array) });
		const simplified = (await ctx.engine.run([app('getWorkflow', {}, V1_1)])).items[0].json;
		expect(simplified).not.toHaveProperty('nodes');
		expect(simplified).not.toHaveProperty('edges');
		expect(simplified.summary).toBe(old.summary);
		expect((simplified.steps as IDataObject[]).map((step) => step.label)).toEqual((old.steps as IDataObject[]).map((step) => step.label));
		expect(JSON.stringify(simplified).length).toBeLessThan(JSON.stringify(old).length);
		expect((await ctx.engine.run([app('getWorkflow', { output: 'raw' }, V1_1)])).items[0].json).toEqual(old);
	});
});

describe('Lamina Trigger', () => {
	let endpoint: TriggerEndpoint | undefined;
	afterEach(async () => endpoint?.close());
	// A run ID per case: the trigger remembers a delivery it accepted, per workflow and node name.
	const unsigned = (runId: string) => JSON.stringify({ data: { runId, status: 'completed' } });

	test('version 1’s top-level switches and 1.1’s Options turn the checks off the same way', async () => {
		for (const [runId, node] of [
			['run_unsigned_v1', triggerNode({ verifySignature: false, confirmRuns: false })],
			['run_unsigned_v1_1', { ...triggerNode({ appIds: [], options: { verifySignature: false, confirmRuns: false } }), ...V1_1 }],
		] as const) {
			endpoint = await startTriggerEndpoint(ctx.engine, node);
			expect((await post(endpoint.url, unsigned(runId), {})).status).toBe(200);
			await endpoint.settled();
			expect(endpoint.executions).toHaveLength(1);
			await endpoint.close();
			endpoint = undefined;
		}
	});

	test('1.1 without Options checks signatures, as version 1 does by default', async () => {
		endpoint = await startTriggerEndpoint(ctx.engine, { ...triggerNode({ appIds: [] }), ...V1_1 });
		expect((await post(endpoint.url, unsigned('run_unsigned_default'), {})).status).toBe(401);
		await endpoint.settled();
		expect(endpoint.executions).toHaveLength(0);
	});

	test('Only These Apps: version 1’s text and 1.1’s picked apps filter the same way', async () => {
		for (const node of [triggerNode({ appIds: 'app_caption' }), { ...triggerNode({ appIds: ['app_caption'] }), ...V1_1 }]) {
			endpoint = await startTriggerEndpoint(ctx.engine, node);
			await runWithWebhook(ctx, endpoint, 'app_portrait');
			expect(endpoint.executions).toHaveLength(0);
			await runWithWebhook(ctx, endpoint, 'app_caption', '{"Topic": "tea"}');
			expect(endpoint.executions).toHaveLength(1);
			await endpoint.close();
			endpoint = undefined;
		}
	});
});

describe('the trigger’s subtitle on the canvas', () => {
	const subtitleFor = (statuses: string[]) => {
		const node = triggerNode({ statuses });
		const workflow = ctx.engine.workflow([node]);
		const subtitle = ctx.engine.nodeTypes.getByNameAndVersion(node.type, 1.1).description.subtitle!;
		return workflow.expression.getSimpleParameterValue(workflow.getNode(node.name)!, subtitle, 'internal', {});
	};

	test('says which run endings start the workflow, in words, never "Runs: " with raw values', () => {
		expect(subtitleFor(['completed'])).toBe('When a run completes');
		expect(subtitleFor(['completed', 'failed'])).toBe('When a run completes or fails');
		expect(subtitleFor(['cancelled'])).toBe('When a run is cancelled');
		expect(subtitleFor(['completed', 'failed', 'cancelled'])).toBe('When a run ends');
		// None picked filters nothing out.
		expect(subtitleFor([])).toBe('When a run ends');
	});
});

describe('the pickers’ lists, as the editor loads them', () => {
	test('Only These Outputs lists the chosen app’s outputs by label; nothing before an app is chosen', async () => {
		const outputs = await callEditorMethod<INodePropertyOptions[]>(ctx.engine, runApp({}), 'loadOptions', 'getAppOutputs');
		expect(outputs).toEqual([
			{ name: 'Hero Image', value: 'Hero Image', description: 'image' },
			{ name: 'Caption', value: 'Caption', description: 'text' },
		]);
		const none = await callEditorMethod<INodePropertyOptions[]>(ctx.engine, runApp({ appId: { __rl: true, mode: 'list', value: '' } }), 'loadOptions', 'getAppOutputs');
		expect(none).toEqual([]);
	});

	test('the trigger’s Only These Apps lists the workspace’s apps by name, with their IDs', async () => {
		const apps = await callEditorMethod<INodePropertyOptions[]>(ctx.engine, { ...triggerNode(), ...V1_1 }, 'loadOptions', 'getApps');
		expect(apps).toEqual(expect.arrayContaining([{ name: 'Portrait Studio', value: 'app_portrait', description: 'app_portrait' }]));
		const names = apps.map((app) => app.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});
});
