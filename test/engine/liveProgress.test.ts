/**
 * "Include Progress": Run App, Wait for Run and Create from Brief wait over Lamina's event stream
 * (`GET /v1/runs/{id}/stream`) and add `progress`, one entry per change. Real HTTP against the
 * simulator: its stream sends per-node progress, in every wire format the spec allows, and
 * drops or stays silent on purpose.
 */
import type { IDataObject } from 'n8n-workflow';

import { laminaNode } from '../harness/engine';
import { fixtureApps, startLaminaSimulator, type StreamBehaviour } from '../simulator';
import { useSimulator } from '../support/context';
import { runAppJsonNode, runOp } from '../support/runNodes';
import { expectStory } from '../support/story';

const DURATION_MS = 800;
const ctx = useSimulator({ runDurationMs: DURATION_MS, rateLimitPerMinute: 10_000 });
afterEach(() => ctx.sim.setStreamBehaviour({}));

interface Entry {
	at: string;
	elapsedSeconds: number;
	status: string;
	progress?: { percent: number; completedNodes: number; totalNodes: number; currentNode?: { label: string } };
	outputsReady?: string[];
	outputsFailed?: string[];
	errorMessage?: string;
	lastProgress?: { currentNode?: { label: string } };
}

const withProgress = (appId: string, inputs: string, options: IDataObject = {}, extra: IDataObject = {}) =>
	runAppJsonNode(appId, inputs, { options: { includeProgress: true, ...options }, ...extra });

/** Every request the simulator got for one run, by route (e.g. { 'GET /v1/runs/:runId/stream': 1 }). */
const requestsFor = (runId: string) => ctx.sim.requestsUnder(`/v1/runs/${runId}`);

/** The timeline reads like the run went: no repeats, time moving forward, each output ready once. */
function expectCleanTimeline(progress: Entry[], outputs: string[]) {
	const keys = progress.map(({ status, progress: p, outputsReady, outputsFailed }) => JSON.stringify([status, p, outputsReady, outputsFailed]));
	expect(new Set(keys).size).toBe(keys.length);
	for (let i = 1; i < progress.length; i++) expect(progress[i].elapsedSeconds).toBeGreaterThanOrEqual(progress[i - 1].elapsedSeconds);
	expect(progress.flatMap((entry) => entry.outputsReady ?? []).sort()).toEqual([...outputs].sort());
	expect(progress.at(-1)?.status).toBe('completed');
}

/** An item without what differs from run to run: ids, times, file URLs. */
function comparable(json: IDataObject): unknown {
	const { progress: _progress, ...rest } = json;
	const runId = String(json.runId);
	return JSON.parse(
		JSON.stringify(rest)
			.replaceAll(runId, 'RUN')
			.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME'),
	);
}

describe('Run App with Include Progress', () => {
	test('one request for the wait; the timeline shows each step and when each output became ready', async () => {
		const { items, error } = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "a fox"}')]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(item.status).toBe('completed');
		expect(requestsFor(String(item.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 1 });
		const progress = item.progress as Entry[];
		expectCleanTimeline(progress, ['Hero Image', 'Caption']);
		expectStory(
			progress.map((entry) => [entry.status, entry.progress?.currentNode?.label ?? null, entry.outputsReady ?? null]),
			[
				['queued', null, null],
				['running', 'Portrait Studio', null],
				['running', 'Hero Image', null],
				['running', 'Caption', ['Hero Image']],
				['completed', null, ['Caption']],
			],
		);
		expect(progress.find((entry) => entry.progress?.completedNodes === 0)?.progress).toMatchObject({ percent: 0, totalNodes: 3 });
		expect(Date.parse(progress[0].at)).not.toBeNaN();
	});

	test('the result is the long-poll’s, progress aside', async () => {
		const inputs = '{"Prompt": "a fox", "Location": "Park"}';
		const streamed = await ctx.engine.run([withProgress('app_portrait', inputs)]);
		const polled = await ctx.engine.run([runAppJsonNode('app_portrait', inputs)]);
		expect(polled.items[0].json.progress).toBeUndefined();
		expect(comparable(streamed.items[0].json)).toEqual(comparable(polled.items[0].json));
		expect(requestsFor(String(polled.items[0].json.runId))).toEqual({ 'GET /v1/runs/:runId/wait': 1 });
	});

	test('five items: five streams, one per run, all at once', async () => {
		const input = Array.from({ length: 5 }, (_, i) => ({ Prompt: `fox ${i}` }));
		const node = withProgress('app_portrait', '={{ JSON.stringify({ Prompt: $json.Prompt }) }}');
		const { items, error } = await ctx.engine.run([node], { input });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(5);
		for (const item of items) {
			expect(requestsFor(String(item.json.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 1 });
			expectCleanTimeline(item.json.progress as Entry[], ['Hero Image', 'Caption']);
		}
	});

	test('Simplify keeps the timeline', async () => {
		const { items } = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "x"}', {}, { simplify: true })]);
		expect(Object.keys(items[0].json).sort()).toEqual(['outputsByLabel', 'progress', 'runId', 'status', 'text', 'url']);
	});

	test('a failed run: the error item (Continue On Fail) carries the timeline and the step it failed at', async () => {
		ctx.sim.setAppBehaviour('app_video', { fail: 'GPU lost', failAtStep: 'Animate' });
		try {
			const node = withProgress('app_video', '{"Product Image": "https://cdn.example.com/p.png"}', {}, {});
			const { items } = await ctx.engine.run([{ ...node, onError: 'continueRegularOutput' }]);
			const item = items[0].json;
			expect(item).toMatchObject({ error: expect.stringContaining('failed: GPU lost'), status: 'failed' });
			const progress = item.progress as Entry[];
			expectStory(progress.map((entry) => entry.progress?.currentNode?.label ?? entry.status), ['queued', 'Upscale', 'Animate', 'failed']);
			expect(progress.at(-1)).toMatchObject({
				status: 'failed',
				errorMessage: 'GPU lost',
				outputsFailed: ['Video'],
				lastProgress: { currentNode: { label: 'Animate' }, completedNodes: 1 },
			});
		} finally {
			ctx.sim.setAppBehaviour('app_video', { fail: undefined, failAtStep: undefined });
		}
	});

	test('a 200-step workflow: 200 progress events over one stream, each seen once', async () => {
		const base = fixtureApps().find((app) => app.appId === 'app_caption')!;
		const pipeline = Array.from({ length: 200 }, (_, i) => [{ type: 'llmNode', label: `Pass ${i + 1}` }]);
		ctx.sim.addApp({ ...base, appId: 'app_long', pipeline }, { durationMs: 2_000 });
		const { items, error } = await ctx.engine.run([withProgress('app_long', '{"Topic": "tea"}')]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(requestsFor(String(item.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 1 });
		const progress = item.progress as Entry[];
		expectCleanTimeline(progress, ['Caption']);
		// 201 nodes (200 passes, the output): from the first state seen, every finished node once, in order.
		const done = progress.filter((entry) => entry.status === 'running').map((entry) => entry.progress!.completedNodes);
		expect(done.length).toBeGreaterThanOrEqual(190);
		expect(done).toEqual(Array.from({ length: done.length }, (_, i) => 201 - done.length + i));
		expect(progress.at(-1)?.status).toBe('completed');
	});
});

describe('the stream as it comes over the wire', () => {
	const formats: Array<[string, StreamBehaviour]> = [
		['CRLF line endings', { lineEnding: 'crlf' }],
		['CR line endings', { lineEnding: 'cr' }],
		['events in 7-byte pieces, comments, JSON over several data: lines', { chunkBytes: 7, comments: true, multiLineData: true }],
		['RUN wrapped in { data }, with event ids', { runShape: 'wrapped', ids: true }],
	];
	test.each(formats)('%s: the same timeline', async (_name, behaviour) => {
		const base = fixtureApps().find((app) => app.appId === 'app_ad_copy')!;
		// Labels outside ASCII: a piece boundary falls inside a character.
		ctx.sim.addApp({ ...base, appId: 'app_cafe', outputs: [{ index: 0, label: 'Café ☕ Headline', type: 'text' }] });
		ctx.sim.setStreamBehaviour(behaviour);
		const { items, error } = await ctx.engine.run([withProgress('app_cafe', '{"Product": "tea"}')]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(item.status).toBe('completed');
		expect(requestsFor(String(item.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 1 });
		expectCleanTimeline(item.progress as Entry[], ['Café ☕ Headline']);
		expectStory((item.progress as Entry[]).map((entry) => entry.status), ['queued', 'running', 'running', 'completed']);
	});

	test('streams that drop are resumed with a new stream; nothing is lost or counted twice', async () => {
		ctx.sim.setStreamBehaviour({ dropAfterEvents: 2, drops: 2 });
		const { items, error } = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "x"}')]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(item.status).toBe('completed');
		expect(requestsFor(String(item.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 3 });
		expectCleanTimeline(item.progress as Entry[], ['Hero Image', 'Caption']);
	});

	test('a stream that keeps dropping with nothing new costs a pause and one Get Run each, like polling', async () => {
		ctx.sim.setAppBehaviour('app_portrait', { durationMs: 3_000 });
		ctx.sim.setStreamBehaviour({ dropAfterEvents: 1 });
		try {
			const { items, error } = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "x"}')]);
			expect(error).toBeUndefined();
			const item = items[0].json;
			expect(item.status).toBe('completed');
			const counts = requestsFor(String(item.runId));
			// A 3-s run with changes at 0.3, 1.2 and 2.1 s, each stream cut after its first event.
			expect(counts['GET /v1/runs/:runId/stream']).toBeLessThanOrEqual(6);
			expect(counts['GET /v1/runs/:runId'] ?? 0).toBeLessThanOrEqual(3);
			expectCleanTimeline(item.progress as Entry[], ['Hero Image', 'Caption']);
		} finally {
			ctx.sim.setAppBehaviour('app_portrait', { durationMs: DURATION_MS });
		}
	});

	test('a stream that never sends anything is bounded by Max Wait Time, and the run is reported', async () => {
		ctx.sim.setAppBehaviour('app_portrait', { durationMs: 10_000 });
		ctx.sim.setStreamBehaviour({ silent: true });
		try {
			const started = Date.now();
			const { items, error } = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "x"}', {}, { maxWaitSeconds: 2 })]);
			expect(error).toBeUndefined();
			const item = items[0].json;
			expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
			expect(item).toMatchObject({ waitTimedOut: true, status: 'running' });
			expect(requestsFor(String(item.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 1, 'GET /v1/runs/:runId': 1 });
			expect((item.progress as Entry[]).map((entry) => entry.status)).toEqual(['running']);
		} finally {
			ctx.sim.setAppBehaviour('app_portrait', { durationMs: DURATION_MS });
		}
	});
});

describe('opening the stream', () => {
	test('goes through the API’s door: a 503 is retried, a 403 is an error with Lamina’s code and request ID', async () => {
		ctx.sim.injectFault({ route: 'GET /v1/runs/:runId/stream', status: 503, times: 1 });
		const retried = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "x"}')]);
		expect(retried.error).toBeUndefined();
		expect(requestsFor(String(retried.items[0].json.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 2 });

		ctx.sim.injectFault({ route: 'GET /v1/runs/:runId/stream', status: 403, times: 1 });
		const { error } = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "x"}')]);
		expect(error?.message).toMatch(/^Lamina refused .*run "run_/);
		expect(error?.context?.laminaCode).toBe('FORBIDDEN');
		// Read from the error body the stream answered instead of events.
		expect(error?.context?.requestId).toMatch(/^[0-9a-f-]{36}$/);
	});

	test('an old server generation (executionId, RUN wrapped in { data }) streams all the same', async () => {
		const legacy = await startLaminaSimulator({ runDurationMs: DURATION_MS, rateLimitPerMinute: 10_000, legacy: true });
		try {
			ctx.engine.setCredentials('laminaApi', { apiKey: legacy.apiKey, baseUrl: legacy.url });
			const { items, error } = await ctx.engine.run([withProgress('app_portrait', '{"Prompt": "x"}')]);
			expect(error).toBeUndefined();
			const item = items[0].json;
			expect(item).toMatchObject({ status: 'completed', runId: expect.stringMatching(/^run_/) });
			expect('executionId' in item).toBe(false);
			expect(legacy.counters.requests['GET /v1/runs/:runId/stream']).toBe(1);
			expectCleanTimeline(item.progress as Entry[], ['Hero Image', 'Caption']);
		} finally {
			await legacy.close();
		}
	});
});

describe('Wait for Run and Create from Brief with Include Progress', () => {
	test('Wait for Run: a run started earlier, awaited over the stream', async () => {
		const started = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none' })]);
		const runId = String(started.items[0].json.runId);
		const { items, error } = await ctx.engine.run([runOp('wait', { runId, maxWaitSeconds: 30, options: { includeProgress: true } })]);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(requestsFor(runId)).toEqual({ 'GET /v1/runs/:runId/stream': 1 });
		expectCleanTimeline(items[0].json.progress as Entry[], ['Hero Image', 'Caption']);
	});

	test('Create from Brief: the run Lamina started, awaited over the stream', async () => {
		const node = laminaNode({ resource: 'content', operation: 'create', brief: 'a red bicycle', options: { includeProgress: true } });
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(item).toMatchObject({ status: 'completed', selectedApp: { appId: 'app_portrait' } });
		expect(requestsFor(String(item.runId))).toEqual({ 'GET /v1/runs/:runId/stream': 1 });
		expectCleanTimeline(item.progress as Entry[], ['Hero Image', 'Caption']);
	});
});
