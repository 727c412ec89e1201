/**
 * The Lamina Trigger's cost per delivery inside ONE real n8n server (`n8n start`, fresh user
 * folder, this package installed the way n8n installs community packages), against n8n's own
 * Webhook node in the same server:
 *
 *  (a) deliveries/s through the Lamina Trigger ÷ deliveries/s through the plain Webhook node
 *      (both workflows active, trigger → nothing else; the same signed bodies and headers to
 *      both; 8 in flight; rounds alternate L P | P L | … so machine noise hits both)  target ≥ 0.9
 *  (b) signing-key fetches per 1000 deliveries                                          target ≤ 1
 *  (c) how many accepted deliveries the trigger's static data holds afterwards in n8n's database
 *      (its de-duplication across restarts)                                 target all (at most 1000)
 *
 * Every Lamina delivery carries a distinct run id (nothing is deduplicated) and is signed by the
 * simulator's current key (`sim.signWebhook`). Both workflows use the same settings: n8n's
 * defaults for saving executions (every production execution saved, success and error; no
 * progress saving; pruning on) and for concurrency (unlimited in regular mode), SQLite.
 * Every answer must be 200 (and not the trigger's own "duplicate"/"ignored" answer); executions
 * are counted through the REST API (every delivery must give one successful execution).
 *
 * Loads the built package: `npm run build` first. Flags: `--keep` keeps the n8n user folder.
 * BENCH_TRIGGER_DELIVERIES / BENCH_TRIGGER_ROUNDS / BENCH_TRIGGER_CONCURRENCY override the sizes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { startLaminaSimulator, type LaminaSimulator } from '../test/simulator';
import {
	ensureN8n,
	freePort,
	importCredentials,
	importWorkflows,
	N8N_VERSION,
	n8nEnv,
	packAndInstallPackage,
	publishWorkflow,
	REPO_ROOT,
	setupOwner,
	startN8nServer,
	type N8nHome,
	type N8nServer,
	type Owner,
} from '../scripts/lib/n8nRuntime';
import type { BenchRow } from './types';
import { N8nRestClient } from '../scripts/lib/n8nRest';

const DELIVERIES = Number(process.env.BENCH_TRIGGER_DELIVERIES ?? 300);
const ROUNDS = Number(process.env.BENCH_TRIGGER_ROUNDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_TRIGGER_CONCURRENCY ?? 8);
const WARMUP = 30;
const PER_ROUND = Math.ceil(DELIVERIES / ROUNDS);
const KEEP = process.argv.includes('--keep');

const CREDENTIAL = { id: 'benchLaminaSimCred', name: 'Lamina (bench simulator)' } as const;
const OWNER: Owner = { email: 'bench@example.com', firstName: 'Lamina', lastName: 'Bench', password: 'LaminaBench1' };
const LAMINA = { id: 'BenchLaminaTrigger', webhookId: 'b0e5c4a1-7d2e-4f6a-9b3c-5d6e7f8a9b0c' };
const PLAIN = { id: 'BenchPlainWebhook', webhookId: 'b0e5c4a1-7d2e-4f6a-9b3c-000000000001', path: 'bench-plain' };
/** Identical for both workflows: n8n's defaults for saving executions. */
const WORKFLOW_SETTINGS = { executionOrder: 'v1' };

const log = (message: string) => console.log(`[triggerThroughput ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

function laminaWorkflow() {
	return {
		id: LAMINA.id,
		name: 'bench: Lamina Trigger only',
		nodes: [
			{
				parameters: { statuses: ['completed', 'failed', 'cancelled'], appIds: '', verifySignature: true },
				id: 'c1a2b3c4-0000-4000-8000-000000000001',
				name: 'Lamina Trigger',
				type: 'n8n-nodes-lamina.laminaTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: LAMINA.webhookId,
				credentials: { laminaApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
			},
		],
		connections: {},
		pinData: {},
		settings: WORKFLOW_SETTINGS,
		active: false,
		tags: [],
	};
}

function plainWorkflow() {
	return {
		id: PLAIN.id,
		name: 'bench: plain Webhook only',
		nodes: [
			{
				parameters: { httpMethod: 'POST', path: PLAIN.path, responseMode: 'onReceived', options: {} },
				id: 'c1a2b3c4-0000-4000-8000-000000000002',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: PLAIN.webhookId,
			},
		],
		connections: {},
		pinData: {},
		settings: WORKFLOW_SETTINGS,
		active: false,
		tags: [],
	};
}

// ---------------------------------------------------------------------------------------------
// Deliveries
// ---------------------------------------------------------------------------------------------

interface Delivery {
	body: string;
	headers: Record<string, string>;
}

let runCounter = 0;

/** A finished run shaped like Lamina's webhook body, with a fresh run id, signed now. */
function makeDelivery(sim: LaminaSimulator): Delivery {
	runCounter += 1;
	const runId = `run_bench_${process.pid}_${String(runCounter).padStart(6, '0')}`;
	const now = new Date().toISOString();
	const body = JSON.stringify({
		data: {
			runId,
			workflowId: 'app_portrait',
			workflowName: 'Portrait Studio',
			status: 'completed',
			outputs: [
				{ id: 'out_1', label: 'Hero Image', type: 'image', value: `https://cdn.example.test/${runId}/hero.png`, status: 'completed' },
				{ id: 'out_2', label: 'Caption', type: 'text', value: 'A portrait in soft window light.', status: 'completed' },
			],
			startedAt: now,
			completedAt: now,
			createdAt: now,
		},
	});
	return { body, headers: sim.signWebhook(body) };
}

interface BatchResult {
	n: number;
	wallMs: number;
	latenciesMs: number[];
	/** What went wrong → count: not 200, or the trigger's 200 that did not start the workflow. */
	problems: Map<string, number>;
	/** The answers' bodies (first 60 characters) → count. */
	bodies: Map<string, number>;
}

/** POSTs every delivery to `url`, `CONCURRENCY` in flight; bounded by the list and a 30-s timeout each. */
async function sendBatch(url: string, deliveries: Delivery[]): Promise<BatchResult> {
	const latenciesMs: number[] = [];
	const problems = new Map<string, number>();
	const bodies = new Map<string, number>();
	const note = (what: string) => problems.set(what, (problems.get(what) ?? 0) + 1);
	let next = 0;
	const worker = async () => {
		while (next < deliveries.length) {
			const delivery = deliveries[next++];
			const t0 = performance.now();
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...delivery.headers },
					body: delivery.body,
					signal: AbortSignal.timeout(30_000),
				});
				const text = await response.text();
				latenciesMs.push(performance.now() - t0);
				if (response.status !== 200) note(`HTTP ${response.status}: ${text.slice(0, 120)}`);
				// The trigger's own "not started" answers are 200 {received, duplicate|ignored}.
				else if (/"(duplicate|ignored)"/.test(text)) note(`200 without starting: ${text.slice(0, 120)}`);
				bodies.set(text.slice(0, 60), (bodies.get(text.slice(0, 60)) ?? 0) + 1);
			} catch (error) {
				latenciesMs.push(performance.now() - t0);
				note(`error: ${(error as Error).message}`);
			}
		}
	};
	const started = performance.now();
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, deliveries.length) }, worker));
	return { n: deliveries.length, wallMs: performance.now() - started, latenciesMs, problems, bodies };
}

function percentile(values: number[], p: number): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---------------------------------------------------------------------------------------------
// n8n's REST API (as the owner): execution counts and the trigger's static data
// ---------------------------------------------------------------------------------------------

class Rest extends N8nRestClient {
	constructor(url: string) {
		super(url, 'lamina-bench-browser');
	}

	/** How many executions the workflow has, and how many of them are finished with success. */
	async executionCounts(workflowId: string): Promise<{ all: number; success: number }> {
		const query = (filter: object) => `/executions?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=1`;
		// Success first: an execution that finishes between the two calls is then in both.
		const success = await this.get<{ count: number }>(query({ workflowId, status: ['success'] }));
		const all = await this.get<{ count: number }>(query({ workflowId }));
		return { all: all.count, success: success.count };
	}

	async staticData(workflowId: string): Promise<Record<string, any> | undefined> {
		const workflow = await this.get<{ staticData?: unknown }>(`/workflows/${workflowId}`);
		const data = typeof workflow.staticData === 'string' ? JSON.parse(workflow.staticData) : workflow.staticData;
		return (data ?? undefined) as Record<string, any> | undefined;
	}
}

/** Waits until both counts reach `expected` (or stop moving for 5 s, max 90 s). */
async function settledCounts(rest: Rest, workflowId: string, expected: number): Promise<{ all: number; success: number }> {
	const deadline = Date.now() + 90_000;
	let last = { all: -1, success: -1 };
	let stableSince = Date.now();
	for (;;) {
		const counts = await rest.executionCounts(workflowId);
		if (counts.success >= expected) return counts;
		if (counts.all !== last.all || counts.success !== last.success) stableSince = Date.now();
		last = counts;
		if (Date.now() - stableSince > 5_000 || Date.now() > deadline) return counts;
		await sleep(500);
	}
}

// ---------------------------------------------------------------------------------------------
// The bench
// ---------------------------------------------------------------------------------------------

async function createHome(): Promise<N8nHome> {
	const install = await ensureN8n();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-bench-trigger-'));
	const port = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	return { install, userFolder, port, brokerPort, env: n8nEnv(userFolder, port, brokerPort, install.node), url: `http://127.0.0.1:${port}` };
}

interface Side {
	label: string;
	url: string;
	batches: BatchResult[];
}

function summarise(side: Side) {
	const n = side.batches.reduce((a, b) => a + b.n, 0);
	const wallMs = side.batches.reduce((a, b) => a + b.wallMs, 0);
	const latencies = side.batches.flatMap((b) => b.latenciesMs);
	const problems = new Map<string, number>();
	for (const batch of side.batches) for (const [k, v] of batch.problems) problems.set(k, (problems.get(k) ?? 0) + v);
	const bodies = new Map<string, number>();
	for (const batch of side.batches) for (const [k, v] of batch.bodies) bodies.set(k, (bodies.get(k) ?? 0) + v);
	const perRound = side.batches.map((b) => (b.n / b.wallMs) * 1000);
	return {
		n,
		rate: (n / wallMs) * 1000,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		perRound,
		problems,
		bodies: [...bodies].map(([k, v]) => `${JSON.stringify(k)} ×${v}`).join(', '),
		bad: [...problems.values()].reduce((a, b) => a + b, 0),
	};
}

export async function run(): Promise<BenchRow[]> {
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes', 'LaminaTrigger', 'LaminaTrigger.node.js'))) {
		throw new Error('dist/ has no Lamina Trigger: run `npm run build` first');
	}
	const t0 = Date.now();
	const home = await createHome();
	const sim = await startLaminaSimulator({ rateLimitPerMinute: 0 });
	let server: N8nServer | undefined;
	let failed = true;
	try {
		log(`n8n user folder ${home.userFolder}`);
		await packAndInstallPackage(home.userFolder);
		await importCredentials(home, [{ ...CREDENTIAL, type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } }]);
		await importWorkflows(home, [laminaWorkflow(), plainWorkflow()]);
		await publishWorkflow(home, LAMINA.id);
		await publishWorkflow(home, PLAIN.id);
		const setupS = (Date.now() - t0) / 1000;
		const startT = Date.now();
		server = await startN8nServer(home, { readyTimeoutMs: 90_000 });
		await setupOwner(home.url, OWNER);
		const rest = new Rest(home.url);
		await rest.login(OWNER);
		log(`n8n ready on ${home.url} after ${((Date.now() - startT) / 1000).toFixed(1)} s (setup ${setupS.toFixed(1)} s)`);

		const lamina: Side = { label: 'Lamina Trigger', url: `${home.url}/webhook/${LAMINA.webhookId}/lamina`, batches: [] };
		const plain: Side = { label: 'plain Webhook', url: `${home.url}/webhook/${PLAIN.path}`, batches: [] };

		// Activation can lag readiness by a moment: wait until both production URLs answer.
		const fetchesBefore = sim.counters.signingKeyFetches;
		const deadline = Date.now() + 30_000;
		for (;;) {
			const probe = makeDelivery(sim);
			const [a, b] = await Promise.all([sendBatch(lamina.url, [probe]), sendBatch(plain.url, [probe])]);
			if (!a.problems.size && !b.problems.size) break;
			if (Date.now() > deadline) {
				throw new Error(`the workflows did not answer 200: Lamina ${[...a.problems.keys()].join('; ')}; plain ${[...b.problems.keys()].join('; ')}`);
			}
			await sleep(500);
		}
		let laminaSent = 1;
		let plainSent = 1;
		const warm = Array.from({ length: WARMUP }, () => makeDelivery(sim));
		const warmA = await sendBatch(lamina.url, warm);
		const warmB = await sendBatch(plain.url, warm);
		laminaSent += WARMUP;
		plainSent += WARMUP;
		const warmProblems = [...warmA.problems, ...warmB.problems].map(([k, v]) => `${k} ×${v}`);
		if (warmProblems.length) throw new Error(`warm-up deliveries were refused: ${warmProblems.join('; ')}`);
		const fetchesAfterWarmup = sim.counters.signingKeyFetches;
		log(`warm-up done (${WARMUP} each); signing-key fetches so far: ${fetchesAfterWarmup - fetchesBefore}`);

		for (let round = 0; round < ROUNDS; round++) {
			const deliveries = Array.from({ length: PER_ROUND }, () => makeDelivery(sim));
			const order = round % 2 === 0 ? [lamina, plain] : [plain, lamina];
			for (const side of order) {
				const batch = await sendBatch(side.url, deliveries);
				side.batches.push(batch);
			}
			laminaSent += PER_ROUND;
			plainSent += PER_ROUND;
			const [l, p] = [lamina.batches[round], plain.batches[round]];
			log(
				`round ${round + 1}/${ROUNDS} (${order.map((s) => s.label).join(' then ')}): Lamina ${((l.n / l.wallMs) * 1000).toFixed(0)}/s, ` +
					`plain ${((p.n / p.wallMs) * 1000).toFixed(0)}/s`,
			);
		}
		const measuredFetches = sim.counters.signingKeyFetches - fetchesAfterWarmup;
		const totalFetches = sim.counters.signingKeyFetches - fetchesBefore;

		const L = summarise(lamina);
		const P = summarise(plain);
		const [laminaExec, plainExec] = [await settledCounts(rest, LAMINA.id, laminaSent), await settledCounts(rest, PLAIN.id, plainSent)];
		let remembered: number | undefined;
		try {
			const data = await rest.staticData(LAMINA.id);
			const nodes = Object.values((data ?? {}) as Record<string, any>).filter((v) => v && typeof v === 'object');
			remembered = nodes.reduce((a: number, v: any) => a + (Array.isArray(v.seenDeliveries) ? v.seenDeliveries.length : 0), 0);
		} catch (error) {
			log(`could not read the trigger's static data: ${(error as Error).message}`);
		}

		const ratio = L.rate / P.rate;
		const fmtRounds = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
		const problemText = (s: ReturnType<typeof summarise>) =>
			s.bad ? `; NOT 200 + started: ${[...s.problems].map(([k, v]) => `${k} ×${v}`).join('; ')}` : '';
		const allAccepted = L.bad === 0 && P.bad === 0 && laminaExec.success === laminaSent && plainExec.success === plainSent;
		failed = false;
		log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		return [
			{
				name: `deliveries/s: Lamina Trigger ÷ plain Webhook node (${L.n} each, ${CONCURRENCY} in flight)`,
				ours: L.rate,
				baseline: P.rate,
				unit: '/s',
				target: '≥ 0.9 × plain',
				ok: ratio >= 0.9 && allAccepted,
				note:
					`ratio ${ratio.toFixed(3)}; Lamina ${L.rate.toFixed(1)}/s (p50 ${L.p50.toFixed(1)} ms, p95 ${L.p95.toFixed(1)} ms), ` +
					`plain ${P.rate.toFixed(1)}/s (p50 ${P.p50.toFixed(1)} ms, p95 ${P.p95.toFixed(1)} ms); per round L ${fmtRounds(L.perRound)}, P ${fmtRounds(P.perRound)} ` +
					`(${ROUNDS} rounds of ${PER_ROUND}, order L P | P L | …, after ${WARMUP}+1 warm-up each); ` +
					`answers 200 and started: Lamina ${L.n - L.bad}/${L.n} (bodies ${L.bodies}), plain ${P.n - P.bad}/${P.n} (bodies ${P.bodies})${problemText(L)}${problemText(P)}; ` +
					`executions (REST, incl. warm-up) Lamina ${laminaExec.success} success/${laminaExec.all} of ${laminaSent} sent, plain ${plainExec.success}/${plainExec.all} of ${plainSent}; ` +
					`one n8n ${N8N_VERSION} server (n8n start, SQLite), both workflows settings ${JSON.stringify(WORKFLOW_SETTINGS)} = ` +
					`n8n defaults: every production execution saved (success+error), no progress saving, pruning on, no concurrency limit`,
			},
			{
				name: 'accepted deliveries kept in the trigger’s static data (de-duplication across restarts)',
				value: remembered,
				unit: 'ids',
				target: `all ${Math.min(laminaSent, 1000)}`,
				ok: remembered === Math.min(laminaSent, 1000),
				note:
					remembered === undefined
						? 'could not read the workflow’s static data through the REST API'
						: `${remembered} of ${laminaSent} accepted deliveries are in seenDeliveries in n8n's database (at most 1000 kept). ` +
							'Each execution records its delivery, with the ones this process accepted lately, and n8n saves that when the ' +
							`execution ends; with ${CONCURRENCY} in flight executions end out of order. Fewer would mean a replay after an n8n ` +
							'restart could start the workflow again',
			},
			{
				name: 'signing-key fetches per 1000 Lamina deliveries',
				value: (fetchesAfterWarmup - fetchesBefore) + (measuredFetches / L.n) * 1000,
				unit: 'req',
				target: '≤ 1',
				ok: (fetchesAfterWarmup - fetchesBefore) + (measuredFetches / L.n) * 1000 <= 1,
				note:
					`${totalFetches} GET /v1/webhooks/signing-key in ${laminaSent} deliveries: ${fetchesAfterWarmup - fetchesBefore} during the first ${WARMUP + 1} ` +
					`(one-time), ${measuredFetches} during the ${L.n} measured → one-time + measured/${L.n} × 1000`,
			},
		];
	} finally {
		if (server) await server.stop().catch(() => undefined);
		await sim.close();
		if (KEEP || failed) log(`n8n user folder kept: ${home.userFolder} (n8n-server.log, n8n-cli.log)`);
		else fs.rmSync(home.userFolder, { recursive: true, force: true });
	}
}
