/**
 * A started run is never dropped. However Run App, Wait for Run or Create from Brief fails, every
 * run is accounted for: the error that ends the node lists item → runId for all of them and says
 * how to collect them; under Continue On Fail each item carries its run. The first failure ends
 * the node at once, and nothing of its other items (waits, streams, downloads) stays open.
 */
import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import { createEngine, LAMINA_NODE, laminaNode, type Engine } from '../harness/engine';
import { startLaminaSimulator, type LaminaSimulator } from '../simulator';
import { locator, runAppJsonNode, runOp } from '../support/runNodes';
import { until } from '../support/trigger';

let sim: LaminaSimulator;
let engine: Engine;
/** When the Lamina node's execute() last returned or threw. */
let nodeSettledAt: number | undefined;

beforeAll(async () => {
	sim = await startLaminaSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000 });
	engine = await createEngine({ credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } }, binaryData: 'filesystem' });
	const laminaNodeType = engine.nodes.get(LAMINA_NODE) as INodeType;
	const execute = laminaNodeType.execute!;
	laminaNodeType.execute = async function (this: IExecuteFunctions) {
		try {
			return await execute.call(this);
		} finally {
			nodeSettledAt = Date.now();
		}
	};
});
beforeEach(() => {
	nodeSettledAt = undefined;
	sim.resetCounters();
	sim.clearFaults();
});
afterEach(() => {
	sim.setAppBehaviour('app_caption', { durationMs: 200 });
	sim.setAppBehaviour('app_fails', { durationMs: 200 });
	sim.setAppBehaviour('app_video', { durationMs: 200, outputBytes: undefined, outputBytesPerSecond: undefined });
});
afterAll(async () => {
	await engine?.close();
	await sim?.close();
});

/** Runs Run App over items that each name their app and inputs. */
const manyAppsNode = (parameters: IDataObject = {}, nodeExtra = {}) =>
	runAppJsonNode('={{ $json.app }}', '={{ JSON.stringify($json.inputs) }}', parameters, nodeExtra);
const caption = { app: 'app_caption', inputs: { Topic: 'tea' } };
const failing = { app: 'app_fails', inputs: { Prompt: 'x' } };
const portrait = { app: 'app_portrait', inputs: { Prompt: 'x' } };

/** The runs started since `before` (a snapshot of the simulator's run IDs), by app, oldest first. */
function runsSince(before: Set<string>, appId: string): string[] {
	return [...sim.runs.values()].filter((run) => !before.has(run.runId) && run.appId === appId).map((run) => run.runId);
}

/** Every request the node made has closed, and none was sent after the node ended. */
async function nothingLeftOpen() {
	const settledAt = nodeSettledAt!;
	await until(() => sim.requestLog.every((entry) => entry.closedAt !== undefined), 'every request to close', 3_000).catch(() => undefined);
	// Anything still to come (a next long-poll, a retry, another item) would show up by now.
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	return {
		open: sim.requestLog.filter((entry) => entry.closedAt === undefined).map((entry) => entry.route),
		sentAfter: sim.requestLog.filter((entry) => entry.receivedAt > settledAt).map((entry) => entry.route),
	};
}

const RERUN = /run the (node|app) again/i;

describe('Run App', () => {
	test('the error that ends the node lists every run it started (the failing one too) and how to collect them', async () => {
		sim.setAppBehaviour('app_caption', { durationMs: 120_000 });
		sim.setAppBehaviour('app_fails', { durationMs: 1_000 });
		const before = new Set(sim.runs.keys());
		const { error } = await engine.run([manyAppsNode()], { input: [caption, failing, portrait] });
		const [slow] = runsSince(before, 'app_caption');
		const [failed] = runsSince(before, 'app_fails');
		const [done] = runsSince(before, 'app_portrait');
		expect(error?.message).toMatch(/^Lamina run \S+ failed: Model crashed/);
		expect(error?.description).toContain(`Still running in Lamina, not waited for (collect them with "Wait for Run"): item 0: ${slow}.`);
		expect(error?.description).toContain(`Ended in Lamina, not output (see them with "Get Run"): item 1: ${failed} (failed), item 2: ${done} (completed).`);
		expect(error?.description).toMatch(/pass its run ID to "Wait for Run"/);
		expect(error?.description).not.toMatch(RERUN);
		expect(error?.context?.runs).toEqual([
			{ item: 0, runId: slow, status: expect.stringMatching(/^(queued|running)$/) },
			{ item: 1, runId: failed, status: 'failed' },
			{ item: 2, runId: done, status: 'completed' },
		]);
	});

	test('under Continue On Fail, an item whose wait fails carries its run ID and status as last seen', async () => {
		sim.injectFault({ route: 'GET /v1/runs/:runId/wait', status: 400, times: 1 });
		const before = new Set(sim.runs.keys());
		const { items } = await engine.run([manyAppsNode({}, { continueOnFail: true })], { input: [portrait] });
		const [runId] = runsSince(before, 'app_portrait');
		expect(items[0].json).toMatchObject({ error: expect.stringMatching(/^Lamina rejected the request/), runId, status: 'queued' });
		expect(items[0].json.description).toContain(`Its run ${runId} was started (last seen queued): collect it with "Wait for Run"`);
		expect(items[0].json.description).not.toMatch(RERUN);
		expect(sim.counters.runsStarted).toBe(1);
	});

	describe('a completed run whose files can’t be downloaded is not lost', () => {
		beforeEach(() => sim.injectFault({ route: '/files/...', status: 404, times: Infinity }));

		test('the error carries the run, its status and output URLs, and says where to fetch the files again', async () => {
			const before = new Set(sim.runs.keys());
			const { error } = await engine.run([manyAppsNode({ options: { downloadOutputs: true } })], { input: [portrait] });
			const [runId] = runsSince(before, 'app_portrait');
			expect(error?.message).toBe(`Could not download output "Hero Image" from ${new URL(sim.url).host}: HTTP 404`);
			expect(error?.context).toMatchObject({
				runId,
				status: 'completed',
				outputsByLabel: { 'Hero Image': expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\//), Caption: expect.any(String) },
			});
			expect(error?.description).toMatch(/fetched again with "Get Run".*while Lamina keeps them/);
			expect(error?.description).toContain(`Ended in Lamina, not output (see them with "Get Run"): item 0: ${runId} (completed).`);
			expect(error?.description).not.toMatch(RERUN);
		});

		test('under Continue On Fail the item carries the run and its output URLs', async () => {
			const before = new Set(sim.runs.keys());
			const node = manyAppsNode({ options: { downloadOutputs: true } }, { continueOnFail: true });
			const { items } = await engine.run([node], { input: [portrait] });
			const [runId] = runsSince(before, 'app_portrait');
			expect(items[0].json).toMatchObject({
				error: expect.stringMatching(/^Could not download output "Hero Image"/),
				runId,
				status: 'completed',
				outputsByLabel: { 'Hero Image': expect.stringMatching(/\/files\//) },
			});
			expect(items[0].json.description).toContain(`Its run ${runId} completed in Lamina: get its outputs again with "Get Run"`);
			expect(items[0].json.description).not.toMatch(RERUN);
		});
	});

	test.each([
		['long-polls', {}],
		['event streams (Include Progress)', { includeProgress: true }],
	])('once it failed, no request of its other items is left open or sent: %s and downloads are stopped', async (_, options) => {
		sim.setAppBehaviour('app_fails', { durationMs: 1_500 });
		sim.setAppBehaviour('app_caption', { durationMs: 120_000 });
		// A 100 MB video at 2 MB/s: still downloading when the other item fails.
		sim.setAppBehaviour('app_video', { durationMs: 100, outputBytes: 100 * 1024 * 1024, outputBytesPerSecond: 2 * 1024 * 1024 });
		const video = { app: 'app_video', inputs: { 'Product Image': 'https://cdn.example.com/p.png' } };
		const before = new Set(sim.runs.keys());
		const { error } = await engine.run([manyAppsNode({ options: { downloadOutputs: true, ...options } })], { input: [failing, caption, video] });
		expect(error?.message).toMatch(/^Lamina run \S+ failed/);
		expect(sim.requestLog.some((entry) => entry.route === 'GET /files/...')).toBe(true);
		expect(await nothingLeftOpen()).toEqual({ open: [], sentAfter: [] });
		// The video's run completed (its download was stopped), the caption's still runs: both are listed.
		expect(error?.description).toContain(`not waited for (collect them with "Wait for Run"): item 1: ${runsSince(before, 'app_caption')[0]}.`);
		expect(error?.description).toContain(`item 2: ${runsSince(before, 'app_video')[0]} (completed)`);
	});
});

describe('Wait for Run', () => {
	test('the first failed run ends the node at once, listing the runs still running', async () => {
		sim.setAppBehaviour('app_caption', { durationMs: 120_000 });
		const started = await engine.run([manyAppsNode({ waitMode: 'none' })], { input: [caption, failing, caption] });
		const runIds = started.items.map((item) => item.json.runId as string);
		sim.resetCounters();
		const { error } = await engine.run([runOp('wait', { runId: '={{ $json.runId }}', maxWaitSeconds: 600 })], {
			input: started.items.map((item) => item.json),
		});
		expect(error?.message).toBe(`Lamina run ${runIds[1]} failed: Model crashed: out of memory`);
		expect(error?.description).toContain(
			`Still running in Lamina, not waited for (collect them with "Wait for Run"): item 0: ${runIds[0]}, item 2: ${runIds[2]}.`,
		);
		expect(error?.context?.runs).toEqual([
			{ item: 0, runId: runIds[0], status: null },
			{ item: 1, runId: runIds[1], status: 'failed' },
			{ item: 2, runId: runIds[2], status: null },
		]);
		expect(await nothingLeftOpen()).toEqual({ open: [], sentAfter: [] });
	}, 30_000);

	test('under Continue On Fail the others are still waited for', async () => {
		const started = await engine.run([manyAppsNode({ waitMode: 'none' })], { input: [caption, failing, caption] });
		const { items } = await engine.run([runOp('wait', { runId: '={{ $json.runId }}', maxWaitSeconds: 30 }, { continueOnFail: true })], {
			input: started.items.map((item) => item.json),
		});
		expect(items.map((item) => item.json.status)).toEqual(['completed', 'failed', 'completed']);
		expect(items[1].json.runId).toBe(started.items[1].json.runId);
	});
});

describe('Create from Brief', () => {
	const briefNode = (nodeExtra = {}) =>
		laminaNode({ resource: 'content', operation: 'create', brief: '={{ $json.brief }}', appId: locator('={{ $json.app }}'), maxWaitSeconds: 600 }, nodeExtra);

	test('the first failed run ends the node at once, listing the runs still running', async () => {
		sim.setAppBehaviour('app_caption', { durationMs: 120_000 });
		const before = new Set(sim.runs.keys());
		const input = [
			{ brief: 'slow one', app: 'app_caption' },
			{ brief: 'broken', app: 'app_fails' },
			{ brief: 'slow two', app: 'app_caption' },
		];
		const { error } = await engine.run([briefNode()], { input });
		const slow = runsSince(before, 'app_caption');
		const [failed] = runsSince(before, 'app_fails');
		expect(slow).toHaveLength(2);
		expect(error?.message).toBe(`Lamina run ${failed} failed: Model crashed: out of memory`);
		const byTopic = (topic: string) => slow.find((runId) => sim.runs.get(runId)?.inputs.Topic === topic);
		expect(error?.description).toContain(
			`Still running in Lamina, not waited for (collect them with "Wait for Run"): item 0: ${byTopic('slow one')}, item 2: ${byTopic('slow two')}.`,
		);
		expect(error?.description).toMatch(/Running this node again would start all of them a second time/);
		expect(await nothingLeftOpen()).toEqual({ open: [], sentAfter: [] });
	}, 30_000);
});
