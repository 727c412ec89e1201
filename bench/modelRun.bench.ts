/**
 * Generate Image / Generate Video (resource `model`) with Wait for Completion, through n8n's real
 * engine against the Lamina simulator, versus the SDK's default loop: POST /v1/generate/{modality},
 * then GET /v1/generate/runs/{id} right away and every 5 s until it is terminal.
 *
 *  (a) time to result minus the run's own duration, images of 2 s and 7 s, video of 12 s
 *      (the node polls images at 1 s backing off ×1.5 to 5 s, videos at 3 s backing off to 15 s:
 *      shared/runKinds.ts pollDelayMs)                                         target: below polling
 *  (b) HTTP requests per run, start included, for the same runs             target ≤ polling + 2
 *
 * The simulator runs a model as app `model_<id>`: setAppBehaviour sets its duration.
 * Rate limiting is off. Loads the built package: `npm run build` first.
 *
 *   npm run bench -- --only modelRun
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { createEngine, laminaNode, type Engine } from '../test/harness/engine';
import { MODELS, startLaminaSimulator, type LaminaSimulator } from '../test/simulator';
import type { BenchRow } from './types';

const POLL_INTERVAL_MS = 5_000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const REPS = 2;

interface Case {
	label: string;
	modality: 'image' | 'video';
	model: string;
	durationMs: number;
}

const CASES: Case[] = [
	{ label: '2-s image', modality: 'image', model: MODELS.imagen, durationMs: 2_000 },
	{ label: '7-s image', modality: 'image', model: MODELS.imagen, durationMs: 7_000 },
	{ label: '12-s video', modality: 'video', model: MODELS.video, durationMs: 12_000 },
];

const log = (message: string) => console.log(`[modelRun ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const secs = (ms: number) => ms / 1000;

interface Env {
	sim: LaminaSimulator;
	engine: Engine;
}

async function startEnv(c: Case): Promise<Env> {
	const sim = await startLaminaSimulator({ runDurationMs: c.durationMs, rateLimitPerMinute: 0 });
	sim.setAppBehaviour(`model_${c.model}`, { durationMs: c.durationMs });
	const engine = await createEngine({ credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } } });
	return { sim, engine };
}

/** The run's own duration by the simulator's clock: created (POST accepted) → completed. */
function runDurationMs(sim: LaminaSimulator, runId: string): number {
	const run = sim.runs.get(runId);
	if (!run?.completedAt) throw new Error(`Simulator has no completed run ${runId}`);
	return Date.parse(run.completedAt) - Date.parse(run.createdAt);
}

function requestCounts(sim: LaminaSimulator): Record<string, number> {
	return { ...sim.counters.requests };
}

/** Requests since `before`, in all and by route. */
function requestDelta(sim: LaminaSimulator, before: Record<string, number>): { total: number; byRoute: string } {
	const parts: string[] = [];
	let total = 0;
	for (const [key, n] of Object.entries(sim.counters.requests)) {
		const d = n - (before[key] ?? 0);
		if (d > 0) {
			total += d;
			parts.push(`${key} ×${d}`);
		}
	}
	return { total, byRoute: parts.join(', ') };
}

interface Measured {
	wallMs: number;
	runId: string;
	requests: number;
	byRoute: string;
}

/** Ours: Generate Image/Video, Using JSON parameters, Wait for Completion (the default). */
async function runOurs(env: Env, c: Case): Promise<Measured> {
	const node = laminaNode({
		resource: 'model',
		operation: c.modality === 'image' ? 'generateImage' : 'generateVideo',
		modelId: { __rl: true, mode: 'id', value: c.model },
		paramMode: 'json',
		paramsJson: JSON.stringify({ prompt: 'a red bicycle' }),
	});
	const before = requestCounts(env.sim);
	const t0 = performance.now();
	const result = await env.engine.run([node]);
	const wallMs = performance.now() - t0;
	if (result.status !== 'success') {
		throw new Error(`Generate did not succeed (${result.status}): ${result.error?.message ?? 'no error'} ${result.error?.description ?? ''}`);
	}
	const json = result.items[0]?.json as { runId?: string; status?: string; kind?: string };
	if (json?.status !== 'completed' || json.kind !== 'model' || !json.runId) throw new Error(`Generate returned ${JSON.stringify(json).slice(0, 300)}`);
	const { total, byRoute } = requestDelta(env.sim, before);
	return { wallMs, runId: json.runId, requests: total, byRoute };
}

/** Baseline: the SDK's default wait (POST, then GET at once and every 5 s), plain fetch. */
async function runPolling(sim: LaminaSimulator, c: Case): Promise<Measured> {
	const headers = { 'Content-Type': 'application/json', 'x-api-key': sim.apiKey };
	const before = requestCounts(sim);
	const t0 = performance.now();
	const started = await fetch(`${sim.url}/v1/generate/${c.modality}`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ model: c.model, prompt: 'a red bicycle' }),
	});
	if (started.status !== 202) throw new Error(`Polling: start answered ${started.status}: ${await started.text()}`);
	const runId = ((await started.json()) as { data: { runId: string } }).data.runId;
	for (;;) {
		const response = await fetch(`${sim.url}/v1/generate/runs/${encodeURIComponent(runId)}`, { headers });
		if (!response.ok) throw new Error(`Polling: get run answered ${response.status}: ${await response.text()}`);
		const { data } = (await response.json()) as { data: { status: string } };
		if (TERMINAL.has(data.status)) {
			if (data.status !== 'completed') throw new Error(`Polling: run ${runId} ended ${data.status}`);
			const wallMs = performance.now() - t0;
			const { total, byRoute } = requestDelta(sim, before);
			return { wallMs, runId, requests: total, byRoute };
		}
		await sleep(POLL_INTERVAL_MS);
	}
}

interface CaseResult {
	c: Case;
	oursLag: number[];
	pollLag: number[];
	oursReq: number[];
	pollReq: number[];
	oursRoutes: Set<string>;
	pollRoutes: Set<string>;
}

/** One case: ours and the polling loop side by side, each on its own simulator (counters apart), REPS times. */
async function benchCase(c: Case): Promise<CaseResult> {
	const env = await startEnv(c);
	const pollSim = await startLaminaSimulator({ runDurationMs: c.durationMs, rateLimitPerMinute: 0 });
	pollSim.setAppBehaviour(`model_${c.model}`, { durationMs: c.durationMs });
	try {
		// Warm-up: the engine's first execution loads the node.
		env.sim.setAppBehaviour(`model_${c.model}`, { durationMs: 100 });
		await runOurs(env, c);
		env.sim.setAppBehaviour(`model_${c.model}`, { durationMs: c.durationMs });
		const result: CaseResult = { c, oursLag: [], pollLag: [], oursReq: [], pollReq: [], oursRoutes: new Set(), pollRoutes: new Set() };
		for (let rep = 1; rep <= REPS; rep++) {
			const [o, p] = await Promise.all([runOurs(env, c), runPolling(pollSim, c)]);
			const oLag = secs(o.wallMs - runDurationMs(env.sim, o.runId));
			const pLag = secs(p.wallMs - runDurationMs(pollSim, p.runId));
			result.oursRoutes.add(o.byRoute);
			result.pollRoutes.add(p.byRoute);
			result.oursLag.push(oLag);
			result.pollLag.push(pLag);
			result.oursReq.push(o.requests);
			result.pollReq.push(p.requests);
			log(
				`${c.label} rep ${rep}/${REPS}: ours ${secs(o.wallMs).toFixed(3)} s (+${oLag.toFixed(3)} s, ${o.requests} req); ` +
					`polling ${secs(p.wallMs).toFixed(3)} s (+${pLag.toFixed(3)} s, ${p.requests} req)`,
			);
		}
		return result;
	} finally {
		await Promise.all([env.sim.close(), pollSim.close()]);
	}
}

export async function run(): Promise<BenchRow[]> {
	const dist = path.resolve(__dirname, '..', 'dist', 'nodes', 'Lamina', 'Lamina.node.js');
	if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first (the bench loads the built package)`);
	log(`${CASES.map((c) => c.label).join(', ')}: ${REPS} reps each, side by side with the 5-s polling loop ...`);
	const results = await Promise.all(CASES.map(benchCase));
	const rows: BenchRow[] = [];
	for (const { c, oursLag, pollLag, oursReq, pollReq, oursRoutes, pollRoutes } of results) {
		const ours = mean(oursLag);
		const baseline = mean(pollLag);
		rows.push({
			name: `(a) ${c.label} (${c.model}): time to result − run duration`,
			ours,
			baseline,
			unit: 's',
			target: '< polling',
			ok: ours < baseline,
			note:
				`mean of ${REPS}; wall time from the execution's start (or the POST) to result in hand, minus createdAt→completedAt ` +
				`in the simulator; ours max ${Math.max(...oursLag).toFixed(3)} s; polling = SDK default (GET, then every 5 s); rate limit off`,
		});
		const oursR = mean(oursReq);
		const pollR = mean(pollReq);
		rows.push({
			name: `(b) ${c.label}: HTTP requests per run`,
			ours: oursR,
			baseline: pollR,
			unit: 'req',
			target: '≤ polling + 2',
			ok: oursR <= pollR + 2,
			note: `every request counted (simulator counters), start included, mean of ${REPS}; ours (Using JSON parameters): ${[...oursRoutes].join(' | ')}; polling: ${[...pollRoutes].join(' | ')}`,
		});
	}
	return rows;
}
