/**
 * The Lamina Trigger's cost per delivery inside ONE real n8n server (`n8n start`, fresh user
 * folder, this package installed the way n8n installs community packages), against n8n's own
 * Webhook node in the same server:
 *
 *  (a) deliveries/s through the Lamina Trigger ÷ deliveries/s through the plain Webhook node,
 *      each batch timed from its first request until all its executions have finished (the
 *      trigger answers Lamina before n8n queues the execution; the Webhook node after), with
 *      "Confirm Runs with Lamina" off (target ≥ 0.9) and on (one GET /v1/runs/{id} per delivery
 *      to the simulator; reported). All three workflows active, trigger → nothing else;
 *      the same signed bodies and headers to each; 8 in flight; the order rotates every round
 *      (C U P | P C U | U P C …) so machine noise hits all three
 *  (b) signing-key fetches per 1000 deliveries                                          target ≤ 1
 *  (c) how many accepted deliveries the trigger's static data holds afterwards in n8n's database
 *      (its de-duplication across restarts)                                 target all (at most 1000)
 *
 * Every Lamina delivery is a distinct finished run that the simulator really holds (so a confirmed
 * trigger finds it; nothing is deduplicated), signed by the simulator's current key (`sim.signWebhook`). Both workflows use the same settings: n8n's
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
const UNCONFIRMED = { id: 'BenchLaminaUnconfirm', webhookId: 'b0e5c4a1-7d2e-4f6a-9b3c-000000000002' };
const PLAIN = { id: 'BenchPlainWebhook', webhookId: 'b0e5c4a1-7d2e-4f6a-9b3c-000000000001', path: 'bench-plain' };
/** Identical for both workflows: n8n's defaults for saving executions. */
const WORKFLOW_SETTINGS = { executionOrder: 'v1' };

const log = (message: string) => console.log(`[triggerThroughput ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

function laminaWorkflow(spec: { id: string; webhookId: string }, confirmRuns: boolean) {
	return {
		id: spec.id,
		name: `bench: Lamina Trigger only (confirmation ${confirmRuns ? 'on' : 'off'})`,
		nodes: [
			{
				parameters: { statuses: ['completed', 'failed', 'cancelled'], appIds: '', verifySignature: true, confirmRuns },
				id: confirmRuns ? 'c1a2b3c4-0000-4000-8000-000000000001' : 'c1a2b3c4-0000-4000-8000-000000000003',
				name: 'Lamina Trigger',
				type: 'n8n-nodes-lamina.laminaTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: spec.webhookId,
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

/**
 * `count` finished runs that the simulator holds, each as Lamina's signed delivery of it. The runs
 * are started through the simulator's API (they take a few milliseconds) and signed as they are.
 */
async function makeDeliveries(sim: LaminaSimulator, count: number): Promise<Delivery[]> {
	const runIds: string[] = [];
	for (let i = 0; i < count; i += 25) {
		const batch = await Promise.all(
			Array.from({ length: Math.min(25, count - i) }, async () => {
				const response = await fetch(`${sim.url}/v1/apps/app_portrait/runs`, {
					method: 'POST',
					headers: { 'x-api-key': sim.apiKey, 'content-type': 'application/json' },
					body: JSON.stringify({ inputs: { Prompt: 'bench' } }),
				});
				return ((await response.json()) as { data: { runId: string } }).data.runId;
			}),
		);
		runIds.push(...batch);
	}
	const deadline = Date.now() + 60_000;
	while (runIds.some((runId) => sim.runs.get(runId)?.status !== 'completed')) {
		if (Date.now() > deadline) throw new Error('the simulator did not finish the bench runs within 60 s');
		await sleep(20);
	}
	return runIds.map((runId) => {
		const body = JSON.stringify({ data: sim.getRun(runId) });
		return { body, headers: sim.signWebhook(body) };
	});
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
	workflowId: string;
	batches: BatchResult[];
	/** Executions this side's deliveries should have started so far. */
	expected: number;
}

/**
 * Sends a batch to one side and waits until its executions have all finished: a trigger that
 * answers Lamina before n8n queued the execution must not look faster than one that answers after.
 * The batch's time runs from its first request to its last execution counted (polled every 100 ms).
 */
async function sendAndExecute(rest: Rest, side: Side, deliveries: Delivery[]): Promise<BatchResult> {
	const started = performance.now();
	const batch = await sendBatch(side.url, deliveries);
	side.expected += deliveries.length;
	const deadline = Date.now() + 60_000;
	while ((await rest.executionCounts(side.workflowId)).success < side.expected && Date.now() < deadline) await sleep(100);
	return { ...batch, wallMs: performance.now() - started };
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
	// Runs that finish at once: the deliveries are made from them before they are sent.
	const sim = await startLaminaSimulator({ rateLimitPerMinute: 0, runDurationMs: 1 });
	let server: N8nServer | undefined;
	let failed = true;
	try {
		log(`n8n user folder ${home.userFolder}`);
		await packAndInstallPackage(home.userFolder);
		await importCredentials(home, [{ ...CREDENTIAL, type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } }]);
		await importWorkflows(home, [laminaWorkflow(LAMINA, true), laminaWorkflow(UNCONFIRMED, false), plainWorkflow()]);
		for (const id of [LAMINA.id, UNCONFIRMED.id, PLAIN.id]) await publishWorkflow(home, id);
		const setupS = (Date.now() - t0) / 1000;
		const startT = Date.now();
		server = await startN8nServer(home, { readyTimeoutMs: 90_000 });
		await setupOwner(home.url, OWNER);
		const rest = new Rest(home.url);
		await rest.login(OWNER);
		log(`n8n ready on ${home.url} after ${((Date.now() - startT) / 1000).toFixed(1)} s (setup ${setupS.toFixed(1)} s)`);

		const side = (label: string, url: string, workflowId: string): Side => ({ label, url, workflowId, batches: [], expected: 0 });
		const confirmed = side('Lamina Trigger (confirmation on)', `${home.url}/webhook/${LAMINA.webhookId}/lamina`, LAMINA.id);
		const unconfirmed = side('Lamina Trigger (confirmation off)', `${home.url}/webhook/${UNCONFIRMED.webhookId}/lamina`, UNCONFIRMED.id);
		const plain = side('plain Webhook', `${home.url}/webhook/${PLAIN.path}`, PLAIN.id);
		const sides = [confirmed, unconfirmed, plain];
		const sendToAll = async (deliveries: Delivery[]) => await Promise.all(sides.map((side) => sendBatch(side.url, deliveries)));

		// Activation can lag readiness by a moment: wait until every production URL answers.
		const fetchesBefore = sim.counters.signingKeyFetches;
		const deadline = Date.now() + 30_000;
		for (;;) {
			const results = await sendToAll(await makeDeliveries(sim, 1));
			if (results.every((result) => !result.problems.size)) break;
			if (Date.now() > deadline) {
				throw new Error(`the workflows did not answer 200: ${results.map((r, i) => `${sides[i].label} ${[...r.problems.keys()].join('; ')}`).join(' | ')}`);
			}
			await sleep(500);
		}
		let sent = 1;
		for (const each of sides) each.expected = 1;
		const warm = await makeDeliveries(sim, WARMUP);
		const warmProblems: string[] = [];
		for (const each of sides) {
			const result = await sendAndExecute(rest, each, warm);
			warmProblems.push(...[...result.problems].map(([k, v]) => `${each.label}: ${k} ×${v}`));
		}
		sent += WARMUP;
		if (warmProblems.length) throw new Error(`warm-up deliveries were refused: ${warmProblems.join('; ')}`);
		const fetchesAfterWarmup = sim.counters.signingKeyFetches;
		const confirmationsBefore = sim.counters.requests['GET /v1/runs/:runId'] ?? 0;
		log(`warm-up done (${WARMUP} each); signing-key fetches so far: ${fetchesAfterWarmup - fetchesBefore}`);

		for (let round = 0; round < ROUNDS; round++) {
			const deliveries = await makeDeliveries(sim, PER_ROUND);
			// C U P | P C U | U P C | …: each side goes first, second and third equally often.
			const order = sides.map((_, i) => sides[(i - (round % sides.length) + sides.length) % sides.length]);
			for (const each of order) each.batches.push(await sendAndExecute(rest, each, deliveries));
			sent += PER_ROUND;
			log(
				`round ${round + 1}/${ROUNDS}: ` +
					sides.map((each) => `${each.label} ${((each.batches[round].n / each.batches[round].wallMs) * 1000).toFixed(0)}/s`).join(', '),
			);
		}
		const measuredFetches = sim.counters.signingKeyFetches - fetchesAfterWarmup;
		const totalFetches = sim.counters.signingKeyFetches - fetchesBefore;
		const confirmations = (sim.counters.requests['GET /v1/runs/:runId'] ?? 0) - confirmationsBefore;

		const [C, U, P] = sides.map(summarise);
		const [confirmedExec, unconfirmedExec, plainExec] = [
			await settledCounts(rest, LAMINA.id, sent),
			await settledCounts(rest, UNCONFIRMED.id, sent),
			await settledCounts(rest, PLAIN.id, sent),
		];
		let remembered: number | undefined;
		try {
			const data = await rest.staticData(LAMINA.id);
			const nodes = Object.values((data ?? {}) as Record<string, any>).filter((v) => v && typeof v === 'object');
			remembered = nodes.reduce((a: number, v: any) => a + (Array.isArray(v.seenDeliveries) ? v.seenDeliveries.length : 0), 0);
		} catch (error) {
			log(`could not read the trigger's static data: ${(error as Error).message}`);
		}

		const fmtRounds = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
		const problemText = (label: string, side: ReturnType<typeof summarise>) =>
			side.bad ? `; ${label} NOT 200 + started: ${[...side.problems].map(([k, v]) => `${k} ×${v}`).join('; ')}` : '';
		const allAccepted =
			C.bad === 0 && U.bad === 0 && P.bad === 0 && confirmedExec.success === sent && unconfirmedExec.success === sent && plainExec.success === sent;
		const describe = (label: string, side: ReturnType<typeof summarise>) =>
			`${label} ${side.rate.toFixed(1)}/s (p50 ${side.p50.toFixed(1)} ms, p95 ${side.p95.toFixed(1)} ms, per round ${fmtRounds(side.perRound)})`;
		const setting =
			`${ROUNDS} rounds of ${PER_ROUND}, order rotating, after ${WARMUP}+1 warm-up each; executions (REST, incl. warm-up) of ${sent} sent: ` +
			`confirmed ${confirmedExec.success} success/${confirmedExec.all}, unconfirmed ${unconfirmedExec.success}/${unconfirmedExec.all}, plain ${plainExec.success}/${plainExec.all}` +
			`${problemText('confirmed', C)}${problemText('unconfirmed', U)}${problemText('plain', P)}; one n8n ${N8N_VERSION} server (n8n start, SQLite), ` +
			`settings ${JSON.stringify(WORKFLOW_SETTINGS)} = n8n defaults: every production execution saved, no progress saving, pruning on, no concurrency limit`;
		failed = false;
		log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		return [
			{
				name: `deliveries/s answered and executed: Lamina Trigger, confirmation off ÷ plain Webhook node (${U.n} each, ${CONCURRENCY} in flight)`,
				ours: U.rate,
				baseline: P.rate,
				unit: '/s',
				target: '≥ 0.9 × plain',
				ok: U.rate / P.rate >= 0.9 && allAccepted,
				note: `ratio ${(U.rate / P.rate).toFixed(3)}; ${describe('unconfirmed', U)}, ${describe('plain', P)}; ${setting}`,
			},
			{
				name: `deliveries/s answered and executed: Lamina Trigger, confirmation on (default) ÷ plain Webhook node (${C.n} each)`,
				ours: C.rate,
				baseline: P.rate,
				unit: '/s',
				note:
					`ratio ${(C.rate / P.rate).toFixed(3)} (confirmation on ÷ off: ${(C.rate / U.rate).toFixed(3)}); ${describe('confirmed', C)}; ` +
					`${confirmations} GET /v1/runs/{id} for the ${C.n} measured deliveries (${(confirmations / C.n).toFixed(2)} each), to a simulator on 127.0.0.1: ` +
					'against real Lamina each confirmation adds one round trip to its API before the answer',
			},
			{
				name: 'accepted deliveries kept in the trigger’s static data (de-duplication across restarts)',
				value: remembered,
				unit: 'ids',
				target: `all ${Math.min(sent, 1000)}`,
				ok: remembered === Math.min(sent, 1000),
				note:
					remembered === undefined
						? 'could not read the workflow’s static data through the REST API'
						: `${remembered} of ${sent} accepted deliveries are in seenDeliveries in n8n's database (at most 1000 kept). ` +
							'The trigger records each delivery, with the ones this process accepted lately, as it answers the call, and n8n ' +
							`saves that at once; with ${CONCURRENCY} in flight, calls that loaded static data before another saved overlap. ` +
							'Fewer would mean a replay after an n8n restart could start the workflow again',
			},
			{
				name: 'signing-key fetches per 1000 Lamina deliveries',
				value: (fetchesAfterWarmup - fetchesBefore) + (measuredFetches / (C.n + U.n)) * 1000,
				unit: 'req',
				target: '≤ 1',
				ok: (fetchesAfterWarmup - fetchesBefore) + (measuredFetches / (C.n + U.n)) * 1000 <= 1,
				note:
					`${totalFetches} GET /v1/webhooks/signing-key in ${2 * sent} deliveries to the two triggers (one credential): ${fetchesAfterWarmup - fetchesBefore} during the first ${WARMUP + 1} ` +
					`(one-time), ${measuredFetches} during the ${C.n + U.n} measured → one-time + measured/${C.n + U.n} × 1000`,
			},
		];
	} finally {
		if (server) await server.stop().catch(() => undefined);
		await sim.close();
		if (KEEP || failed) log(`n8n user folder kept: ${home.userFolder} (n8n-server.log, n8n-cli.log)`);
		else fs.rmSync(home.userFolder, { recursive: true, force: true });
	}
}
