/**
 * n8n's "Stop execution" (the execution's abort signal) ends every piece of work at once: a
 * long-poll, a download, an upload, a retry's or the rate-limit pacer's pause; and nothing is
 * sent after the stop. Also: a download whose body stalls is bounded.
 */
import path from 'node:path';

import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { createEngine, LAMINA_NODE, type Engine, type RunningExecution } from '../harness/engine';
import { startLaminaSimulator, type LaminaSimulator } from '../simulator';
import { generatedMedia } from '../simulator/media';
import type { LoggedRequest } from '../simulator/types';
import { until } from '../support/trigger';
import { runAppJsonNode } from '../support/runNodes';

interface StallLimits {
	stallMs: number;
	checkEveryMs: number;
}
const built = (file: string) => require(path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'Lamina', 'transport', file));
/** The built package's download and event stream limits (tests shorten the stall bound). */
const downloadLimits = (built('download.js') as { downloadLimits: StallLimits }).downloadLimits;
const streamLimits = (built('eventStream.js') as { streamLimits: StallLimits }).streamLimits;

let sim: LaminaSimulator;
let engine: Engine;
/** When the Lamina node's execute() last returned or threw: its work is over then. */
let nodeSettledAt: number | undefined;

beforeAll(async () => {
	// One window length throughout: the node's pacer remembers the windows it saw.
	sim = await startLaminaSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000, rateLimitWindowMs: 3_000 });
	engine = await createEngine({ credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } }, binaryData: 'filesystem' });
	// n8n records a stopped execution as canceled at once; whether the node's own work ended too
	// is seen here (a pause that ignores the stop keeps execute() running for its whole length).
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
	sim.setRateLimit(10_000);
});
afterAll(async () => {
	await engine?.close();
	await sim?.close();
});

const open = (route: string) => (entry: LoggedRequest) => entry.route === route && entry.closedAt === undefined;

/**
 * Starts `nodes`, stops the execution once `route` is open at the simulator, and checks that the
 * open request ended within a second and that nothing was sent after the stop.
 */
async function stopWhileOpen(execution: RunningExecution, route: string) {
	await until(() => sim.requestLog.some(open(route)), `an open ${route}`, 20_000);
	const request = sim.requestLog.find(open(route))!;
	const stoppedAt = Date.now();
	execution.cancel();
	const { status } = await execution.result;
	await until(() => request.closedAt !== undefined, `${route} to close`, 5_000);
	// Anything still to come (a retry, the next poll, the next item) would show up by now.
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	return {
		status,
		nodeEndedAfterMs: nodeSettledAt === undefined ? Infinity : nodeSettledAt - stoppedAt,
		closedAfterMs: request.closedAt! - stoppedAt,
		completed: request.completed,
		sentAfterStop: sim.requestLog.filter((entry) => entry.receivedAt > stoppedAt).map((entry) => entry.route),
	};
}

test.each([
	['the long-poll', {}, 'GET /v1/runs/:runId/wait'],
	['the event stream (Include Progress)', { includeProgress: true }, 'GET /v1/runs/:runId/stream'],
])('stopping during a long wait ends %s within a second; nothing is sent after', async (_way, options, route) => {
	sim.setAppBehaviour('app_caption', { durationMs: 60_000 });
	try {
		const execution = engine.start([runAppJsonNode('app_caption', '{"Topic": "tea"}', { options })]);
		const stopped = await stopWhileOpen(execution, route);
		expect(stopped.status).toBe('canceled');
		expect(stopped.closedAfterMs).toBeLessThanOrEqual(1_000);
		expect(stopped.nodeEndedAfterMs).toBeLessThanOrEqual(1_000);
		expect(stopped.sentAfterStop).toEqual([]);
	} finally {
		sim.setAppBehaviour('app_caption', { durationMs: 200 });
	}
});

test('a stream that stalls (no bytes, not even pings) is given up after the stall bound, and the wait still gets the run', async () => {
	const saved = { ...streamLimits };
	streamLimits.stallMs = 400;
	streamLimits.checkEveryMs = 100;
	sim.setStreamBehaviour({ silent: true });
	sim.setAppBehaviour('app_caption', { durationMs: 1_000 });
	try {
		const node = runAppJsonNode('app_caption', '{"Topic": "tea"}', { options: { includeProgress: true } });
		const { items, error } = await engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'completed' });
		const streams = sim.requestLog.filter((entry) => entry.route === 'GET /v1/runs/:runId/stream');
		const gets = sim.requestLog.filter((entry) => entry.route === 'GET /v1/runs/:runId');
		expect(streams).toHaveLength(1);
		// Given up 0.4 s after it opened; then, as for any stream that brought nothing, a pause and one Get Run.
		expect(gets).toHaveLength(1);
		expect(gets[0].receivedAt - streams[0].receivedAt).toBeGreaterThanOrEqual(400 + 4_000);
	} finally {
		Object.assign(streamLimits, saved);
		sim.setStreamBehaviour({});
		sim.setAppBehaviour('app_caption', { durationMs: 200 });
	}
});

test('stopping during a 200 MB download ends it within a second, with no retry', async () => {
	sim.setAppBehaviour('app_video', { durationMs: 100, outputBytes: 200 * 1024 * 1024, outputBytesPerSecond: 20 * 1024 * 1024 });
	try {
		const node = runAppJsonNode('app_video', '{"Product Image": "https://cdn.example.com/p.png"}', {
			options: { downloadOutputs: true },
		});
		const stopped = await stopWhileOpen(engine.start([node]), 'GET /files/...');
		expect(stopped.status).toBe('canceled');
		expect(stopped.completed).toBe(false);
		expect(stopped.closedAfterMs).toBeLessThanOrEqual(1_000);
		expect(stopped.nodeEndedAfterMs).toBeLessThanOrEqual(1_000);
		expect(stopped.sentAfterStop).toEqual([]);
	} finally {
		sim.setAppBehaviour('app_video', { durationMs: 200, outputBytes: undefined, outputBytesPerSecond: undefined });
	}
});

test('stopping during an upload ends it within a second, and no run starts', async () => {
	// Lamina's storage reads a 200 MB file at 40 MB/s: the PUT stays open for about 5 s. (It must
	// read on to notice the client leave; what the kernel buffered, it reads first.)
	sim.setUploadPace(40 * 1024 * 1024);
	try {
		const item: INodeExecutionData = {
			json: {},
			binary: { data: await engine.binaryData!.store(generatedMedia(200 * 1024 * 1024, 'png'), { fileName: 'big.png', mimeType: 'image/png' }) },
		};
		const node = runAppJsonNode('app_video', '{}', { options: { fileInputs: { files: [{ input: 'Product Image', binaryPropertyName: 'data' }] } } });
		const stopped = await stopWhileOpen(engine.start([node], { inputItems: [item] }), 'PUT /uploads/:assetId');
		expect(stopped.status).toBe('canceled');
		expect(stopped.completed).toBe(false);
		expect(stopped.closedAfterMs).toBeLessThanOrEqual(1_000);
		expect(stopped.nodeEndedAfterMs).toBeLessThanOrEqual(1_000);
		expect(stopped.sentAfterStop).toEqual([]);
		expect(sim.counters.runsStarted).toBe(0);
	} finally {
		sim.setUploadPace(undefined);
	}
});

test('stopping during a retry’s pause (Retry-After) sends no retry', async () => {
	sim.injectFault({ route: 'GET /v1/apps/:appId', status: 503, headers: { 'Retry-After': '2' } });
	sim.addApp({ ...(await firstApp('app_caption')), appId: 'app_uncached' });
	const execution = engine.start([runAppJsonNode('app_uncached', '{"Topic": "x"}')]);
	await until(() => sim.requestLog.some((entry) => entry.route === 'GET /v1/apps/:appId' && entry.closedAt !== undefined), 'the 503');
	const stoppedAt = Date.now();
	execution.cancel();
	expect((await execution.result).status).toBe('canceled');
	await new Promise((resolve) => setTimeout(resolve, 2_500));
	expect(sim.requestLog.filter((entry) => entry.receivedAt > stoppedAt)).toEqual([]);
	expect(nodeSettledAt! - stoppedAt).toBeLessThanOrEqual(1_000);
});

test('stopping while the rate-limit pacer holds requests back sends none of them', async () => {
	sim.setRateLimit(3);
	const input = Array.from({ length: 8 }, (_, i) => ({ Topic: `item ${i}` }));
	const execution = engine.start([runAppJsonNode('app_caption', '={{ JSON.stringify({ Topic: $json.Topic }) }}', { options: { concurrency: 8 } })], { input });
	await until(() => sim.requestLog.length >= 3, 'the first window of requests');
	await new Promise((resolve) => setTimeout(resolve, 300));
	const stoppedAt = Date.now();
	execution.cancel();
	expect((await execution.result).status).toBe('canceled');
	await new Promise((resolve) => setTimeout(resolve, 3_500)); // past the window's reset
	expect(sim.requestLog.filter((entry) => entry.receivedAt > stoppedAt)).toEqual([]);
	expect(nodeSettledAt! - stoppedAt).toBeLessThanOrEqual(1_000);
});

test('a download whose body stalls is dropped and tried again, then fails naming the output', async () => {
	const saved = { ...downloadLimits };
	downloadLimits.stallMs = 400;
	downloadLimits.checkEveryMs = 100;
	sim.setAppBehaviour('app_portrait', { outputBytes: 1024 * 1024, outputStallAfterBytes: 100 * 1024 });
	try {
		const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { downloadOutputs: true } });
		const { error } = await engine.run([node]);
		expect(error?.message).toBe(`Could not download output "Hero Image" from ${new URL(sim.url).host}: no data arrived for 0.4 s`);
		expect(error?.description).toMatch(/^Tried 3 times\./);
		expect(sim.counters.requests['GET /files/...']).toBe(3);
		// Each stalled download's connection was closed when it was given up, not left open for a byte that never comes.
		const files = sim.requestLog.filter((entry) => entry.route === 'GET /files/...');
		files.forEach((entry, i) => {
			expect(entry.closedAt).toBeDefined();
			if (files[i + 1]) expect(entry.closedAt!).toBeLessThanOrEqual(files[i + 1].receivedAt);
		});
	} finally {
		Object.assign(downloadLimits, saved);
		sim.setAppBehaviour('app_portrait', { outputBytes: undefined, outputStallAfterBytes: undefined });
	}
});

async function firstApp(appId: string) {
	const { fixtureApps } = await import('../simulator');
	return fixtureApps().find((app) => app.appId === appId)!;
}
