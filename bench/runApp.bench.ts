/**
 * Run App (resource `run`, operation `create`) through n8n's real engine, against the Lamina
 * simulator, versus the loop in Lamina's docs: POST the run, then GET /v1/runs/{id} right away
 * and every 5 s until it is terminal.
 *
 *  (a) time to result minus the run's own duration (3-s runs, mean of 3)       target ≤ 0.25 s
 *  (b) 50 items of 2-s runs: wall time ÷ 2 s                                      target ≤ (2·D + 1 s)/D
 *      (the sequential polling loop runs 10 items and is scaled ×5, unless --full)
 *  (c) HTTP requests per run for one 30-s run, all requests counted               target ≤ 2.1
 *      (as set up in the editor, which loads the app; and cold, in a fresh process)
 *  (a), (c) again with Include Progress, which waits over the event stream      target ≤ long-poll + 0.05 s, ≤ 2.1
 *  (d) a server without /wait, one 30-s run: requests per run when the wait falls back to the
 *      stream, against a server without the stream either (the wait polls)      target: 1 stream, no polls
 *
 * Rate limiting is off in every simulator here: these rows isolate waiting and concurrency
 * (pacing under Lamina's 100/min is a separate concern). Loads the built package: `npm run build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { callEditorMethod, createEngine, laminaNode, type Engine } from '../test/harness/engine';
import { runAppJsonNode } from '../test/support/runNodes';
import { APPS, startLaminaSimulator, type LaminaSimulator, type SimulatorOptions } from '../test/simulator';
import type { BenchRow } from './types';

const APP = APPS.portrait;
const INPUTS = { Prompt: 'a red bicycle' };
const POLL_INTERVAL_MS = 5_000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

const FULL = process.argv.includes('--full');
const A_DURATION_MS = 3_000;
const A_REPS = 3;
const B_DURATION_MS = 2_000;
const B_ITEMS = 50;
const B_POLL_ITEMS = FULL ? B_ITEMS : 10;
const C_DURATION_MS = 30_000;

const log = (message: string) => console.log(`[runApp ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const secs = (ms: number) => ms / 1000;

interface Env {
	sim: LaminaSimulator;
	engine: Engine;
}

async function startEnv(runDurationMs: number, extra: SimulatorOptions = {}): Promise<Env> {
	const options: SimulatorOptions = { runDurationMs, rateLimitPerMinute: 0, ...extra };
	const sim = await startLaminaSimulator(options);
	const engine = await createEngine({ credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } } });
	return { sim, engine };
}

/** The run's own duration by the simulator's clock: created (POST accepted) → completed. */
function runDurationMs(sim: LaminaSimulator, runId: string): number {
	const run = sim.runs.get(runId);
	if (!run?.completedAt) throw new Error(`Simulator has no completed run ${runId}`);
	return Date.parse(run.completedAt) - Date.parse(run.createdAt);
}

function totalRequests(sim: LaminaSimulator): Record<string, number> {
	return { ...sim.counters.requests };
}

function requestDelta(before: Record<string, number>, after: Record<string, number>): { total: number; byRoute: string } {
	const parts: string[] = [];
	let total = 0;
	for (const [key, n] of Object.entries(after)) {
		const d = n - (before[key] ?? 0);
		if (d > 0) {
			total += d;
			parts.push(`${key} ×${d}`);
		}
	}
	return { total, byRoute: parts.join(', ') };
}

// ---------------------------------------------------------------------------------------------
// Ours: Run App through the engine, default options (Wait for Completion, concurrency 5).

interface OursResult {
	wallMs: number;
	runIds: string[];
	/** Date.now() when the engine handed back the result. */
	doneAt: number;
}

/** Include Progress: the wait goes over the event stream instead of the long-poll. */
async function runOurs(env: Env, items: number, { includeProgress = false } = {}): Promise<OursResult> {
	const node = runAppJsonNode(APP, JSON.stringify(INPUTS), includeProgress ? { options: { includeProgress } } : {});
	const input = Array.from({ length: items }, (_, i) => ({ i }));
	const t0 = performance.now();
	const result = await env.engine.run([node], { input });
	const wallMs = performance.now() - t0;
	const doneAt = Date.now();
	if (result.status !== 'success') {
		throw new Error(`Run App did not succeed (${result.status}): ${result.error?.message ?? 'no error'} ${result.error?.description ?? ''}`);
	}
	const runIds = result.items.map((item) => {
		const json = item.json as { runId?: string; status?: string };
		if (json.status !== 'completed' || !json.runId) throw new Error(`Run App returned ${JSON.stringify(json).slice(0, 300)}`);
		return json.runId;
	});
	if (runIds.length !== items) throw new Error(`Run App returned ${runIds.length} items for ${items}`);
	return { wallMs, runIds, doneAt };
}

// ---------------------------------------------------------------------------------------------
// Baseline: the loop in Lamina's docs (fetch; GET immediately, then every 5 s).

interface PollResult {
	wallMs: number;
	runId: string;
	requests: number;
}

async function runPolling(sim: LaminaSimulator): Promise<PollResult> {
	const headers = { 'Content-Type': 'application/json', 'x-api-key': sim.apiKey };
	let requests = 0;
	const t0 = performance.now();
	requests++;
	const started = await fetch(`${sim.url}/v1/apps/${encodeURIComponent(APP)}/runs`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ inputs: INPUTS }),
	});
	if (started.status !== 202) throw new Error(`Polling: start answered ${started.status}: ${await started.text()}`);
	const runId = ((await started.json()) as { data: { runId: string } }).data.runId;
	for (;;) {
		requests++;
		const response = await fetch(`${sim.url}/v1/runs/${encodeURIComponent(runId)}`, { headers });
		if (!response.ok) throw new Error(`Polling: get run answered ${response.status}: ${await response.text()}`);
		const { data } = (await response.json()) as { data: { status: string } };
		if (TERMINAL.has(data.status)) {
			if (data.status !== 'completed') throw new Error(`Polling: run ${runId} ended ${data.status}`);
			return { wallMs: performance.now() - t0, runId, requests };
		}
		await sleep(POLL_INTERVAL_MS);
	}
}

// ---------------------------------------------------------------------------------------------

/** The requests the simulator got for one run's wait (its path), by route. */
function waitRequests(sim: LaminaSimulator, runId: string): { total: number; byRoute: string } {
	return requestDelta({}, sim.requestsUnder(`/v1/runs/${runId}`));
}

async function benchA(): Promise<{ row: BenchRow; sseRow: BenchRow }> {
	const env = await startEnv(A_DURATION_MS);
	try {
		log(`(a) warm-up: one short run through the engine, each way`);
		env.sim.setAppBehaviour(APP, { durationMs: 100 });
		await Promise.all([runOurs(env, 1), runOurs(env, 1, { includeProgress: true })]);
		env.sim.setAppBehaviour(APP, { durationMs: A_DURATION_MS });

		const ours: number[] = [];
		const lags: number[] = [];
		const streamed: number[] = [];
		const streamWaits: string[] = [];
		const polling: number[] = [];
		for (let rep = 1; rep <= A_REPS; rep++) {
			// The long-poll, the event stream and the polling loop side by side: each waits on its own run.
			const [o, st, p] = await Promise.all([runOurs(env, 1), runOurs(env, 1, { includeProgress: true }), runPolling(env.sim)]);
			const oDuration = runDurationMs(env.sim, o.runIds[0]);
			const sDuration = runDurationMs(env.sim, st.runIds[0]);
			const pDuration = runDurationMs(env.sim, p.runId);
			ours.push(secs(o.wallMs - oDuration));
			streamed.push(secs(st.wallMs - sDuration));
			streamWaits.push(waitRequests(env.sim, st.runIds[0]).byRoute);
			const run = env.sim.runs.get(o.runIds[0])!;
			lags.push(secs(o.doneAt - Date.parse(run.completedAt!)));
			polling.push(secs(p.wallMs - pDuration));
			log(
				`(a) rep ${rep}/${A_REPS}: ours ${secs(o.wallMs).toFixed(3)} s for a ${secs(oDuration).toFixed(3)} s run ` +
					`(+${ours[ours.length - 1].toFixed(3)} s); over the stream +${streamed[streamed.length - 1].toFixed(3)} s ` +
					`(${streamWaits[streamWaits.length - 1]}); polling ${secs(p.wallMs).toFixed(3)} s for ${secs(pDuration).toFixed(3)} s ` +
					`(+${polling[polling.length - 1].toFixed(3)} s)`,
			);
		}
		const oursMean = mean(ours);
		const streamedMean = mean(streamed);
		return {
			row: {
				name: '(a) time to result − run duration (3-s run)',
				ours: oursMean,
				baseline: mean(polling),
				unit: 's',
				target: '≤ 0.25 s',
				ok: oursMean <= 0.25,
				note:
					`mean of ${A_REPS}; wall time from Run App start (or the POST) to result in hand, minus the run's ` +
					`createdAt→completedAt in the simulator; ours max ${Math.max(...ours).toFixed(3)} s, of which ` +
					`${(mean(lags) * 1000).toFixed(0)} ms after completion; polling = docs loop (GET, then every 5 s); rate limit off`,
			},
			sseRow: {
				name: '(a) same, Include Progress (event stream) vs the long-poll',
				ours: streamedMean,
				baseline: oursMean,
				unit: 's',
				target: '≤ long-poll + 0.05 s',
				ok: streamedMean <= oursMean + 0.05,
				note:
					`mean of ${A_REPS}, side by side with the long-poll in the same reps; max ${Math.max(...streamed).toFixed(3)} s; ` +
					`difference ${((streamedMean - oursMean) * 1000).toFixed(0)} ms; the wait's requests per run: ${[...new Set(streamWaits)].join(' | ')}`,
			},
		};
	} finally {
		await env.sim.close();
	}
}

async function benchBOurs(): Promise<{ row: BenchRow; requestsRow: BenchRow }> {
	const env = await startEnv(B_DURATION_MS);
	try {
		log(`(b) ours: Run App with ${B_ITEMS} items of ${secs(B_DURATION_MS)}-s runs (default options) ...`);
		const before = totalRequests(env.sim);
		const o = await runOurs(env, B_ITEMS);
		const delta = requestDelta(before, totalRequests(env.sim));
		const created = o.runIds.map((id) => Date.parse(env.sim.runs.get(id)!.createdAt));
		const startSpread = secs(Math.max(...created) - Math.min(...created));
		log(`(b) ours: ${secs(o.wallMs).toFixed(2)} s wall; runs started over ${startSpread.toFixed(2)} s; ${delta.total} requests`);
		return {
			row: {
				name: `(b) ${B_ITEMS} items × ${secs(B_DURATION_MS)}-s runs: wall ÷ D`,
				ours: o.wallMs / B_DURATION_MS,
				unit: '× D',
				target: `≤ ${((2 * B_DURATION_MS + 1000) / B_DURATION_MS).toFixed(1)}`,
				ok: o.wallMs <= 2 * B_DURATION_MS + 1000,
				note: `ours ${secs(o.wallMs).toFixed(2)} s for ${B_ITEMS} items (Concurrent Starts 5, the default; runs started over ${startSpread.toFixed(2)} s); rate limit off`,
			},
			requestsRow: {
				name: `(b) HTTP requests per run in the ${B_ITEMS}-item batch`,
				value: delta.total / B_ITEMS,
				unit: 'req',
				note: `${delta.total} requests for ${B_ITEMS} runs: ${delta.byRoute}`,
			},
		};
	} finally {
		await env.sim.close();
	}
}

async function benchBPolling(): Promise<number> {
	const env = await startEnv(B_DURATION_MS);
	try {
		log(`(b) polling: ${B_POLL_ITEMS} items in sequence, start + GET every 5 s each (~${B_POLL_ITEMS * 5} s) ...`);
		const t0 = performance.now();
		for (let i = 1; i <= B_POLL_ITEMS; i++) {
			const p = await runPolling(env.sim);
			if (i % 5 === 0 || i === B_POLL_ITEMS) log(`(b) polling: item ${i}/${B_POLL_ITEMS} done (last ${secs(p.wallMs).toFixed(2)} s)`);
		}
		return performance.now() - t0;
	} finally {
		await env.sim.close();
	}
}

/**
 * One 30-s Run App execution, counted twice: as a user runs it (the editor loaded the app's inputs
 * when the node was set up, so the definition is cached) and cold, as the first execution of a
 * fresh n8n process (one extra app lookup).
 */
interface Counted {
	total: number;
	byRoute: string;
}

async function benchCOurs(): Promise<Counted & { wallMs: number; cold: Counted; streamed: Counted }> {
	const cold = await startEnv(C_DURATION_MS);
	const warm = await startEnv(C_DURATION_MS);
	const streamWarm = await startEnv(C_DURATION_MS);
	try {
		log(`(c) ours: one ${secs(C_DURATION_MS)}-s run as configured in the editor, one cold, one over the event stream, side by side ...`);
		const editorNode = laminaNode({ resource: 'run', operation: 'create', appId: { __rl: true, mode: 'id', value: APP } });
		await callEditorMethod(warm.engine, editorNode, 'resourceMapping', 'getAppInputs');
		await callEditorMethod(streamWarm.engine, editorNode, 'resourceMapping', 'getAppInputs');
		const before = [warm, cold, streamWarm].map((env) => totalRequests(env.sim));
		const [o] = await Promise.all([runOurs(warm, 1), runOurs(cold, 1), runOurs(streamWarm, 1, { includeProgress: true })]);
		const [delta, coldDelta, streamDelta] = [warm, cold, streamWarm].map((env, i) => requestDelta(before[i], totalRequests(env.sim)));
		log(
			`(c) ours: done in ${secs(o.wallMs).toFixed(1)} s, ${delta.total} requests (${delta.byRoute}); cold ${coldDelta.total} ` +
				`(${coldDelta.byRoute}); over the stream ${streamDelta.total} (${streamDelta.byRoute})`,
		);
		return { ...delta, wallMs: o.wallMs, cold: coldDelta, streamed: streamDelta };
	} finally {
		await Promise.all([cold.sim.close(), warm.sim.close(), streamWarm.sim.close()]);
	}
}

/**
 * A server without /wait (older Lamina): the wait falls back to the event stream. Against one
 * without the stream either, where it polls Get Run every 4 s. One 30-s run each, side by side.
 */
async function benchDNoWait(): Promise<BenchRow> {
	const noWait = await startEnv(C_DURATION_MS, { missingRoutes: ['GET /v1/runs/:runId/wait'] });
	const neither = await startEnv(C_DURATION_MS, { missingRoutes: ['GET /v1/runs/:runId/wait', 'GET /v1/runs/:runId/stream'] });
	try {
		log(`(d) a server without /wait: one ${secs(C_DURATION_MS)}-s run falling back to the stream, one to polling, side by side ...`);
		const [s, p] = await Promise.all([runOurs(noWait, 1), runOurs(neither, 1)]);
		const streamed = waitRequests(noWait.sim, s.runIds[0]);
		const polled = waitRequests(neither.sim, p.runIds[0]);
		const lateness = (env: Env, result: OursResult) => secs(result.doneAt - Date.parse(env.sim.runs.get(result.runIds[0])!.completedAt!));
		const streams = Number(/stream ×(\d+)/.exec(streamed.byRoute)?.[1] ?? 0);
		const polls = Number(/GET \/v1\/runs\/:runId ×(\d+)/.exec(streamed.byRoute)?.[1] ?? 0);
		log(`(d) stream fallback: ${streamed.total} requests (${streamed.byRoute}); polling fallback: ${polled.total} (${polled.byRoute})`);
		return {
			name: `(d) no /wait on the server: the wait's requests per run (${secs(C_DURATION_MS)}-s run)`,
			ours: streamed.total,
			baseline: polled.total,
			unit: 'req',
			target: '1 stream, no polls',
			ok: streams === 1 && polls <= 1,
			note:
				`requests for the run after its start; ours (stream fallback): ${streamed.byRoute}, result ${lateness(noWait, s).toFixed(3)} s ` +
				`after completion; baseline, a server with neither /wait nor the stream (polls every 4 s): ${polled.byRoute}, ` +
				`${lateness(neither, p).toFixed(3)} s after completion; the one Get Run tells "no /wait" from "no run"`,
		};
	} finally {
		await Promise.all([noWait.sim.close(), neither.sim.close()]);
	}
}

async function benchCPolling(): Promise<{ total: number; byRoute: string; wallMs: number }> {
	const env = await startEnv(C_DURATION_MS);
	try {
		log(`(c) polling: one ${secs(C_DURATION_MS)}-s run ...`);
		const before = totalRequests(env.sim);
		const p = await runPolling(env.sim);
		const delta = requestDelta(before, totalRequests(env.sim));
		log(`(c) polling: done in ${secs(p.wallMs).toFixed(1)} s, ${delta.total} requests (${delta.byRoute})`);
		return { ...delta, wallMs: p.wallMs };
	} finally {
		await env.sim.close();
	}
}

/** Run App looks the app up once per execution (inputs are checked before anything starts). */
function appLookupNote(counts: { total: number; byRoute: string }): string {
	const lookups = Number(/GET \/v1\/apps\/:appId ×(\d+)/.exec(counts.byRoute)?.[1] ?? 0);
	return lookups ? ` (${counts.total - lookups} without the per-execution app lookup)` : '';
}

export async function run(): Promise<BenchRow[]> {
	const dist = path.resolve(__dirname, '..', 'dist', 'nodes', 'Lamina', 'Lamina.node.js');
	if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first (the bench loads the built package)`);
	log(`mode: ${FULL ? '--full (all 50 polling items)' : `quick (${B_POLL_ITEMS} polling items, scaled to ${B_ITEMS}; --full for all)`}`);

	const { row: rowA, sseRow: rowASse } = await benchA();
	const { row: rowB, requestsRow } = await benchBOurs();

	// The slow parts run side by side, each on its own simulator so request counters stay separate.
	const [pollWallMs, cOurs, cPolling, rowD] = await Promise.all([benchBPolling(), benchCOurs(), benchCPolling(), benchDNoWait()]);
	const scaledMs = (pollWallMs * B_ITEMS) / B_POLL_ITEMS;
	rowB.baseline = scaledMs / B_DURATION_MS;
	rowB.note =
		(FULL
			? `polling: all ${B_ITEMS} items in sequence took ${secs(pollWallMs).toFixed(1)} s`
			: `polling: ${B_POLL_ITEMS} items in sequence took ${secs(pollWallMs).toFixed(1)} s, scaled linearly ×${B_ITEMS / B_POLL_ITEMS} to ${B_ITEMS} (${secs(scaledMs).toFixed(0)} s; --full runs all ${B_ITEMS})`) +
		`; ${rowB.note}`;

	const rowC: BenchRow = {
		name: `(c) HTTP requests per run (${secs(C_DURATION_MS)}-s run)`,
		ours: cOurs.total,
		baseline: cPolling.total,
		unit: 'req',
		target: '≤ 2.1',
		ok: cOurs.total <= 2.1,
		note: `every request of the execution counted (simulator counters), start included; ours: ${cOurs.byRoute} (the app's definition was loaded by the editor when the node was set up, and is reused for 5 min); polling: ${cPolling.byRoute}; rate limit off`,
	};
	const rowCCold: BenchRow = {
		name: '(c) same, first execution in a fresh n8n process',
		value: cOurs.cold.total,
		unit: 'req',
		note: `${cOurs.cold.byRoute}: the app is looked up once so inputs are checked before anything starts${appLookupNote(cOurs.cold)}`,
	};
	const rowCSse: BenchRow = {
		name: '(c) same, Include Progress (event stream) vs the long-poll',
		ours: cOurs.streamed.total,
		baseline: cOurs.total,
		unit: 'req',
		target: '≤ 2.1',
		ok: cOurs.streamed.total <= 2.1,
		note: `as configured in the editor; over the stream: ${cOurs.streamed.byRoute}; long-poll: ${cOurs.byRoute}`,
	};
	return [rowA, rowASse, rowB, requestsRow, rowC, rowCCold, rowCSse, rowD];
}
