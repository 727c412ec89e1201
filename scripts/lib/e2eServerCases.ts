/**
 * End-to-end cases inside a real n8n *server* (`n8n start`), after the CLI cases of e2e.ts:
 * what only a running server shows — production webhooks of an active workflow, executions put
 * to wait and resumed by a webhook, workflow static data kept across a restart.
 *
 *  - server-lamina-trigger: an active workflow starting with the Lamina Trigger gets Lamina's
 *    signed delivery (one execution with the run), refuses a forged one (401, no execution),
 *    answers a replay as a duplicate (no execution), takes a second run's delivery, and after
 *    n8n restarts still answers replays of both as duplicates.
 *  - server-run-app-webhook-wait: Run App with Wait Mode "Wait for Webhook" puts its execution
 *    to wait; a forged call to the resume URL is refused (401, still waiting); Lamina's delivery
 *    resumes it and the execution ends with the completed run. Across the restart: a waiting
 *    execution still waits and Lamina's call resumes it; one whose Max Wait Time passed goes on
 *    with the node's input item and keeps the run ID in its custom data.
 *
 * Both use their own simulator (fast webhook retries) and credential, in the same n8n home as
 * the CLI cases. Every check is one report() line.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { startLaminaSimulator, type LaminaSimulator, type WebhookDelivery } from '../../test/simulator';
import {
	importCredentials,
	importWorkflows,
	publishWorkflow,
	setupOwner,
	startN8nServer,
	type N8nHome,
	type N8nServer,
	type Owner,
} from './n8nRuntime';
import { tail } from './proc';
import { loadWorkflow, type WorkflowFile } from './workflows';
import { N8nRestClient } from './n8nRest';
import { STOP_WORKFLOW, stopExecutionCases } from './e2eStopCase';

export type Report = (ok: boolean, label: string, detail?: string) => void;
type Json = Record<string, any>;

export const SERVER_CASE_NAMES = ['server-lamina-trigger', 'server-run-app-webhook-wait', 'server-stop-execution'] as const;
export type ServerCaseName = (typeof SERVER_CASE_NAMES)[number];

export const CREDENTIAL = { id: 'laminaServerSimCred', name: 'Lamina (server e2e simulator)' } as const;
const OWNER: Owner = { email: 'e2e@example.com', firstName: 'Lamina', lastName: 'E2E', password: 'LaminaE2e1' };

const TRIGGER_WORKFLOW = {
	file: 'scripts/lib/e2e-workflows/server-lamina-trigger.json',
	id: 'E2eServerTrigger',
	webhookId: 'e2e5e7e1-7a11-4b6e-9c3d-1a2b3c4d5e6f',
	triggerNode: 'Lamina Trigger',
	nextNode: 'Received Run',
};
const RUN_APP_WORKFLOW = {
	file: 'scripts/lib/e2e-workflows/server-run-app-webhook-wait.json',
	id: 'E2eServerRunAppWait',
	startPath: 'lamina-e2e-run-app',
	laminaNode: 'Run Portrait Studio (Webhook Wait)',
	laminaNodeId: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
	nextNode: 'After Resume',
};
/** Long enough to send a forged call to the resume URL while the execution waits. */
const RUN_APP_DURATION_MS = 8_000;
/**
 * Webhook retries 5 s, 30 s, 2 min × 0.4 = 2 s, 12 s, 48 s; the delivery timeout 15 s × 0.4 = 6 s
 * (n8n answers a webhook in well under a second here).
 */
const SIM_TIME_SCALE = 0.4;
/** Runs that must outlast an n8n restart (stop + start take about 7 s here). */
const RUN_ACROSS_RESTART_MS = 20_000;
/** The simulator's default run duration, restored after the long Run App run. */
const DEFAULT_RUN_DURATION_MS = 1_500;
/** How long after an answered call an execution it started would have shown up. */
const SETTLE_MS = 1_500;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined, or throws `what` on timeout. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const why = lastError ? ` (last error: ${(lastError as Error).message})` : '';
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${why}`);
		}
		await sleep(everyMs);
	}
}

export interface HttpAnswer {
	status: number;
	text: string;
	json: Json | undefined;
}

export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
		signal: AbortSignal.timeout(20_000),
	});
	const text = await response.text();
	let json: Json | undefined;
	try {
		json = JSON.parse(text) as Json;
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

/** A signature of the right shape (64 bytes of hex) that does not verify for this body. */
export function forgedHeaders(sim: LaminaSimulator, body: string): Record<string, string> {
	const genuine = sim.signWebhook(body);
	const other = sim.signWebhook(`${body} `)['X-Lamina-Webhook-Signature'];
	return { ...genuine, 'X-Lamina-Webhook-Signature': other };
}

/** The n8n log lines worth showing next to a failure: warnings, errors and everything Lamina. */
function interestingLogLines(logFile: string, since = 0, max = 25): string {
	let text = '';
	try {
		text = fs.readFileSync(logFile, 'utf8').slice(since);
	} catch {
		return '(no n8n server log)';
	}
	const lines = text.split('\n').filter((line) => /error|warn|lamina|invalid|unauthori[sz]ed|problem|failed/i.test(line));
	if (lines.length) return tail(lines.join('\n'), max);
	return text.trim() ? tail(text, 10) : '(n8n logged nothing meanwhile, at N8N_LOG_LEVEL=info)';
}

export function logSize(logFile: string): number {
	try {
		return fs.statSync(logFile).size;
	} catch {
		return 0;
	}
}

// ---------------------------------------------------------------------------------------------
// n8n's REST API, as the signed-in owner
// ---------------------------------------------------------------------------------------------

export interface ExecutionSummary {
	id: string;
	status: string;
	workflowId: string;
	mode?: string;
	waitTill?: string | null;
	startedAt?: string;
	stoppedAt?: string | null;
}

export interface ExecutionRunData {
	resultData: {
		error?: Json;
		lastNodeExecuted?: string;
		runData: Record<string, Array<{ executionStatus?: string; error?: Json; data?: { main?: Array<Array<{ json: Json }> | null> } }>>;
		/** The execution's custom data. */
		metadata?: Record<string, string>;
	};
	resumeToken?: string;
	waitTill?: string;
}

export class N8nRest extends N8nRestClient {
	constructor(
		url: string,
		private readonly parseFlatted: (text: string) => unknown,
	) {
		super(url, 'lamina-e2e-browser');
	}

	/** Every execution of a workflow (newest first), whatever its status. */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.get<{ results: ExecutionSummary[] }>(`/executions?filter=${filter}&limit=100`);
		return page.results.map((execution) => ({ ...execution, id: String(execution.id) }));
	}

	async execution(id: string): Promise<ExecutionSummary & { data: ExecutionRunData }> {
		const execution = await this.get<ExecutionSummary & { data: unknown }>(`/executions/${id}`);
		const data = typeof execution.data === 'string' ? this.parseFlatted(execution.data) : execution.data;
		return { ...execution, id: String(execution.id), data: data as ExecutionRunData };
	}

	async workflow(id: string): Promise<Json> {
		return await this.get<Json>(`/workflows/${id}`);
	}
}

/** The items a node put out in its last run (first output). */
export function lastItems(data: ExecutionRunData, nodeName: string): Json[] {
	const runs = data.resultData.runData[nodeName] ?? [];
	const main = runs[runs.length - 1]?.data?.main?.[0] ?? [];
	return main.map((item) => item.json);
}

export function describeRunData(data: ExecutionRunData): string {
	const error = data.resultData.error;
	const nodes = Object.entries(data.resultData.runData)
		.map(([name, runs]) => `${name}: ${runs.length} run(s), last ${runs[runs.length - 1]?.executionStatus ?? '?'}`)
		.join('; ');
	return `${error ? `error: ${String(error.message)} ${String(error.description ?? '')}; ` : ''}${nodes}`;
}

/** Waits until an execution is no longer new, running or waiting; a timeout says where it stands. */
export async function executionEnded(rest: N8nRest, executionId: string, what: string, timeoutMs: number) {
	return await waitFor(what, timeoutMs, async () => {
		const execution = await rest.execution(executionId);
		return ['waiting', 'running', 'new'].includes(execution.status) ? undefined : execution;
	}).catch(async (error: Error) => {
		const execution = await rest.execution(executionId);
		throw new Error(`${error.message}; it is "${execution.status}" (${describeRunData(execution.data)})`);
	});
}

// ---------------------------------------------------------------------------------------------
// The server session
// ---------------------------------------------------------------------------------------------

export interface Session {
	home: N8nHome;
	sim: LaminaSimulator;
	report: Report;
	server?: N8nServer;
	rest: N8nRest;
	timings: string[];
}

async function startServer(session: Session, label: string): Promise<void> {
	const started = Date.now();
	session.server = await startN8nServer(session.home, { readyTimeoutMs: 90_000 });
	session.timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function stopServer(session: Session): Promise<void> {
	const server = session.server;
	session.server = undefined;
	if (server) await server.stop();
}

/**
 * Runs one case: each `step` reports one check; a step that throws reports FAIL with its
 * message, and the checks of the case that depend on it are reported as FAIL too (so that a
 * broken case never shows fewer lines than a passing one).
 */
export class CaseRun {
	private broken: string | undefined;

	constructor(
		private readonly name: string,
		private readonly session: Session,
	) {}

	async check(label: string, verify: () => Promise<void> | void, options: { logSince?: number } = {}): Promise<boolean> {
		const full = `${this.name} › ${label}`;
		if (this.broken) {
			this.session.report(false, full, `not checked: ${this.broken}`);
			return false;
		}
		try {
			await verify();
			this.session.report(true, full);
			return true;
		} catch (error) {
			const message = (error as Error).message;
			const logFile = path.join(this.session.home.userFolder, 'n8n-server.log');
			const logs = options.logSince !== undefined ? `\nn8n server log:\n${interestingLogLines(logFile, options.logSince)}` : '';
			this.session.report(false, full, `${message}${logs}`);
			return false;
		}
	}

	/** Like check(), but a failure also fails every later check of the case. */
	async require(label: string, verify: () => Promise<void> | void, options: { logSince?: number } = {}): Promise<boolean> {
		const ok = await this.check(label, verify, options);
		if (!ok && !this.broken) this.broken = `"${label}" failed`;
		return ok;
	}
}

// ---------------------------------------------------------------------------------------------
// server-lamina-trigger
// ---------------------------------------------------------------------------------------------

interface TriggerState {
	run: CaseRun;
	url: string;
	genuine?: WebhookDelivery;
	/** Every delivery the trigger accepted (each started one execution). */
	accepted: WebhookDelivery[];
	executionsBefore: number;
}

/**
 * Starts a run whose webhook is the trigger's URL, waits for Lamina's delivery to be answered 200
 * and for exactly one new execution to finish with that run; returns the delivery.
 */
async function deliverNewRun(session: Session, state: TriggerState, prompt: string): Promise<WebhookDelivery> {
	const { sim, rest } = session;
	const started = await post(`${sim.url}/v1/apps/app_portrait/runs?webhook=${encodeURIComponent(state.url)}`, JSON.stringify({ inputs: { Prompt: prompt } }), {
		'x-api-key': sim.apiKey,
	});
	assert.equal(started.status, 202, started.text);
	const runId = String(started.json?.data?.runId ?? '');
	const delivery = await waitFor('the delivery to be answered', 20_000, () =>
		sim.webhookDeliveries.find((d) => d.runId === runId && (d.status !== undefined || d.error !== undefined)),
	);
	assert.equal(delivery.status, 200, delivery.error ?? `status ${delivery.status}`);
	const list = await waitFor('the new execution to finish', 20_000, async () => {
		const executions = await rest.executions(TRIGGER_WORKFLOW.id);
		return executions.length > state.executionsBefore && executions.every((e) => !['new', 'running'].includes(e.status)) ? executions : undefined;
	});
	await sleep(SETTLE_MS);
	const after = await rest.executions(TRIGGER_WORKFLOW.id);
	assert.equal(after.length, state.executionsBefore + 1, `executions: ${JSON.stringify(after.map((e) => [e.id, e.status]))}`);
	const newest = await rest.execution(list[0].id);
	assert.equal(newest.status, 'success', describeRunData(newest.data));
	assert.equal(lastItems(newest.data, TRIGGER_WORKFLOW.triggerNode)[0]?.runId, runId);
	state.executionsBefore = after.length;
	state.accepted.push(delivery);
	return delivery;
}

/** Sends a delivery again (re-signed, as Lamina's retries are) and expects a duplicate and no execution. */
async function expectDuplicate(session: Session, state: TriggerState, delivery: WebhookDelivery): Promise<void> {
	const { sim, rest } = session;
	const answer = await post(state.url, delivery.body, sim.signWebhook(delivery.body));
	assert.equal(answer.status, 200, `${delivery.runId}: answered ${answer.status}: ${answer.text}`);
	assert.equal(answer.json?.duplicate, true, `${delivery.runId}: body ${answer.text}`);
	await sleep(SETTLE_MS);
	const list = await rest.executions(TRIGGER_WORKFLOW.id);
	assert.equal(list.length, state.executionsBefore, `${delivery.runId}: executions ${JSON.stringify(list.map((e) => [e.id, e.status]))}`);
}

async function triggerFirstDelivery(session: Session): Promise<TriggerState> {
	const { sim, rest, home } = session;
	const url = `${home.url}/webhook/${TRIGGER_WORKFLOW.webhookId}/lamina`;
	const state: TriggerState = { run: new CaseRun('server-lamina-trigger', session), url, accepted: [], executionsBefore: 0 };
	const { run } = state;
	const logFile = path.join(home.userFolder, 'n8n-server.log');
	const logSince = logSize(logFile);

	let runId = '';
	await run.require('the simulator accepts a run whose webhook is the trigger’s production URL', async () => {
		const answer = await post(`${sim.url}/v1/apps/app_portrait/runs?webhook=${encodeURIComponent(url)}`, JSON.stringify({ inputs: { Prompt: 'e2e' } }), {
			'x-api-key': sim.apiKey,
		});
		assert.equal(answer.status, 202, answer.text);
		runId = String(answer.json?.data?.runId ?? '');
		assert.ok(runId, `no runId in ${answer.text}`);
	});

	await run.require(
		'Lamina’s signed delivery to the active trigger is answered 200',
		async () => {
			const delivery = await waitFor('the delivery to be answered', 20_000, () =>
				sim.webhookDeliveries.find((d) => d.runId === runId && (d.status !== undefined || d.error !== undefined)),
			);
			state.genuine = delivery;
			state.accepted.push(delivery);
			assert.equal(delivery.status, 200, `delivery ${delivery.attempt}: ${delivery.error ?? `status ${delivery.status}`}`);
		},
		{ logSince },
	);

	let executionId = '';
	await run.require(
		'exactly one execution of the trigger workflow, and it succeeded',
		async () => {
			const finished = await waitFor('an execution of the trigger workflow to finish', 20_000, async () => {
				const list = await rest.executions(TRIGGER_WORKFLOW.id);
				return list.length > 0 && list.every((e) => !['new', 'running'].includes(e.status)) ? list : undefined;
			});
			await sleep(SETTLE_MS);
			const list = await rest.executions(TRIGGER_WORKFLOW.id);
			assert.equal(list.length, 1, `executions: ${JSON.stringify(list.map((e) => [e.id, e.status, e.mode]))}`);
			assert.equal(finished[0].status, 'success', `status ${finished[0].status}`);
			executionId = list[0].id;
			state.executionsBefore = list.length;
		},
		{ logSince },
	);

	await run.check('the trigger put out the run: runId, status completed, outputsByLabel with Hero Image', async () => {
		const execution = await rest.execution(executionId);
		const items = lastItems(execution.data, TRIGGER_WORKFLOW.triggerNode);
		assert.equal(items.length, 1, `${TRIGGER_WORKFLOW.triggerNode} put out ${items.length} items (${describeRunData(execution.data)})`);
		const [item] = items;
		assert.equal(item.runId, runId);
		assert.equal(item.status, 'completed');
		assert.match(String(item.outputsByLabel?.['Hero Image']), /^https?:\/\//, `outputsByLabel: ${JSON.stringify(item.outputsByLabel)}`);
		assert.equal(lastItems(execution.data, TRIGGER_WORKFLOW.nextNode).length, 1, `${TRIGGER_WORKFLOW.nextNode} did not get the item`);
	});

	await run.check(
		'the simulator made one delivery attempt only (no retry)',
		async () => {
			await sleep(200);
			const attempts = sim.webhookDeliveries.filter((d) => d.runId === runId);
			assert.equal(attempts.length, 1, JSON.stringify(attempts.map((d) => [d.attempt, d.status ?? d.error])));
		},
	);

	await run.check(
		'a forged delivery (same body, bad signature) gets 401 and starts no execution',
		async () => {
			const body = state.genuine!.body;
			const answer = await post(url, body, forgedHeaders(sim, body));
			assert.equal(answer.status, 401, `answered ${answer.status}: ${answer.text}`);
			assert.match(answer.text, /signature/i, `401 body: ${answer.text}`);
			await sleep(SETTLE_MS);
			assert.equal((await rest.executions(TRIGGER_WORKFLOW.id)).length, state.executionsBefore);
		},
		{ logSince },
	);

	await run.check(
		'a forged delivery of a made-up run (bad signature) gets 401 and starts no execution',
		async () => {
			const parsed = JSON.parse(state.genuine!.body) as Json;
			const body = JSON.stringify({ data: { ...parsed.data, runId: 'run_forged_e2e' } });
			const answer = await post(url, body, forgedHeaders(sim, body));
			assert.equal(answer.status, 401, `answered ${answer.status}: ${answer.text}`);
			await sleep(SETTLE_MS);
			assert.equal((await rest.executions(TRIGGER_WORKFLOW.id)).length, state.executionsBefore);
		},
		{ logSince },
	);

	await run.check(
		'a delivery Lamina really signed, for a run this credential can’t see (another account’s), gets 403 and starts no execution',
		async () => {
			const parsed = JSON.parse(state.genuine!.body) as Json;
			const body = JSON.stringify({ data: { ...parsed.data, runId: 'run_of_another_account' } });
			const answer = await post(url, body, sim.signWebhook(body));
			assert.equal(answer.status, 403, `answered ${answer.status}: ${answer.text}`);
			await sleep(SETTLE_MS);
			assert.equal((await rest.executions(TRIGGER_WORKFLOW.id)).length, state.executionsBefore);
		},
		{ logSince },
	);

	await run.check(
		'replaying the genuine delivery (re-signed) gets 200 {duplicate: true} and starts no execution',
		async () => expectDuplicate(session, state, state.genuine!),
		{ logSince },
	);

	// n8n 2.40 saves the static data of a webhook call that starts an execution only when the node
	// answered the call itself; the very first one would slip through anyway (the workflow had no
	// static data yet). This one shows the real path.
	await run.check(
		'a second run’s delivery starts exactly one more execution, with that run',
		async () => {
			await deliverNewRun(session, state, 'e2e second');
		},
		{ logSince },
	);

	await run.check('n8n saved both accepted deliveries in the trigger’s static data (in its database)', async () => {
		const workflow = await rest.workflow(TRIGGER_WORKFLOW.id);
		const seen = JSON.stringify(workflow.staticData ?? null);
		assert.equal(state.accepted.length, 2, 'two deliveries should have been accepted by now');
		for (const delivery of state.accepted) assert.ok(seen.includes(`${delivery.runId}:completed`), `${delivery.runId} missing from workflow.staticData = ${seen}`);
		console.log(`        info: workflow.staticData in n8n's database = ${seen.slice(0, 200)}`);
	});

	return state;
}

async function triggerAfterRestart(session: Session, state: TriggerState): Promise<void> {
	const { home } = session;
	const logSince = logSize(path.join(home.userFolder, 'n8n-server.log'));
	await state.run.check(
		'after an n8n restart, replaying each accepted delivery gets 200 {duplicate: true} and starts no execution',
		async () => {
			assert.equal(state.accepted.length, 2, 'two accepted deliveries to replay');
			for (const delivery of state.accepted) await expectDuplicate(session, state, delivery);
		},
		{ logSince },
	);

	await state.run.check(
		'after the restart, a new run’s delivery is answered 200 and starts exactly one new execution with that run',
		async () => {
			await deliverNewRun(session, state, 'e2e after restart');
		},
		{ logSince },
	);

	await state.run.check(
		'"Listen for test event" (the editor’s test URL) takes an already-seen delivery, in a manual execution, and remembers nothing',
		async () => {
			const { sim, rest, home } = session;
			const staticBefore = JSON.stringify((await rest.workflow(TRIGGER_WORKFLOW.id)).staticData ?? null);
			// n8n 2.x reads triggerToStartFrom; 1.x also wants the workflow itself (workflowData).
			const listening = await rest.post<Json>(`/workflows/${TRIGGER_WORKFLOW.id}/run`, {
				workflowData: await rest.workflow(TRIGGER_WORKFLOW.id),
				triggerToStartFrom: { name: TRIGGER_WORKFLOW.triggerNode },
			});
			assert.equal(listening?.waitingForWebhook, true, `POST /rest/workflows/${TRIGGER_WORKFLOW.id}/run gave ${JSON.stringify(listening)}`);
			const delivery = state.accepted[0];
			const answer = await post(`${home.url}/webhook-test/${TRIGGER_WORKFLOW.webhookId}/lamina`, delivery.body, sim.signWebhook(delivery.body));
			assert.equal(answer.status, 200, `answered ${answer.status}: ${answer.text}`);
			assert.notEqual(answer.json?.duplicate, true, `the test URL answered ${answer.text}`);
			const manual = await waitFor('the manual execution to finish', 20_000, async () => {
				const list = await rest.executions(TRIGGER_WORKFLOW.id);
				return list.find((e) => e.mode === 'manual' && !['new', 'running'].includes(e.status));
			});
			const execution = await rest.execution(manual.id);
			assert.equal(execution.status, 'success', describeRunData(execution.data));
			assert.equal(lastItems(execution.data, TRIGGER_WORKFLOW.triggerNode)[0]?.runId, delivery.runId);
			await sleep(SETTLE_MS);
			assert.equal(JSON.stringify((await rest.workflow(TRIGGER_WORKFLOW.id)).staticData ?? null), staticBefore, 'static data changed');
		},
		{ logSince },
	);
}

// ---------------------------------------------------------------------------------------------
// server-run-app-webhook-wait
// ---------------------------------------------------------------------------------------------

async function runAppWebhookWait(session: Session): Promise<void> {
	const { sim, rest, home } = session;
	const run = new CaseRun('server-run-app-webhook-wait', session);
	const logFile = path.join(home.userFolder, 'n8n-server.log');
	const logSince = logSize(logFile);
	sim.setAppBehaviour('app_portrait', { durationMs: RUN_APP_DURATION_MS });
	const runsBefore = new Set(sim.runs.keys());

	await run.require(
		'the workflow starts in the server (POST to its Webhook node answers 200)',
		async () => {
			const answer = await post(`${home.url}/webhook/${RUN_APP_WORKFLOW.startPath}`, JSON.stringify({ from: 'e2e' }));
			assert.equal(answer.status, 200, `answered ${answer.status}: ${answer.text}`);
		},
		{ logSince },
	);

	let executionId = '';
	await run.require(
		'the execution goes to "waiting" after Run App started the run',
		async () => {
			const waiting = await waitFor('the execution to wait', 20_000, async () => {
				const list = await rest.executions(RUN_APP_WORKFLOW.id);
				const failed = list.find((e) => ['error', 'crashed', 'success', 'canceled'].includes(e.status));
				if (failed) {
					const detail = await rest.execution(failed.id);
					throw new Error(`execution ${failed.id} ended "${failed.status}" instead of waiting: ${describeRunData(detail.data)}`);
				}
				return list.find((e) => e.status === 'waiting');
			});
			executionId = waiting.id;
		},
		{ logSince },
	);

	let simRunId = '';
	let resumeUrl = '';
	// n8n 2.x signs an execution's resume URL (`signature`, its resume token); 1.x signs none (it
	// checks a signature only for its own send-and-wait nodes): there the node's check of Lamina's
	// signature is what refuses a forged call.
	const signsResumeUrls = home.install.major >= 2;
	await run.require(`Lamina got one run whose webhook is the execution’s ${signsResumeUrls ? 'signed ' : ''}resume URL${signsResumeUrls ? '' : ' (n8n 1.x signs none)'}`, async () => {
		const started = [...sim.runs.values()].filter((r) => !runsBefore.has(r.runId));
		assert.equal(started.length, 1, `runs started: ${started.length}`);
		const [simRun] = started;
		simRunId = simRun.runId;
		assert.deepEqual(simRun.inputs, { Prompt: 'e2e webhook' });
		resumeUrl = simRun.webhookUrl ?? '';
		const url = new URL(resumeUrl);
		assert.equal(`${url.origin}${url.pathname}`, `${home.url}/webhook-waiting/${executionId}/${RUN_APP_WORKFLOW.laminaNodeId}`, resumeUrl);
		assert.equal(url.searchParams.get('laminaAppId'), 'app_portrait', resumeUrl);
		if (signsResumeUrls) assert.ok(url.searchParams.get('signature'), `no signature in ${resumeUrl}`);
		else assert.equal(url.searchParams.get('signature'), null, `n8n 1.x signed ${resumeUrl}`);
	});

	await run.check(
		`a forged call to the resume URL (${signsResumeUrls ? 'n8n’s signature, ' : ''}bad Lamina signature) gets 401 from the node, execution still waiting`,
		async () => {
			const simRun = sim.getRun(simRunId) as Json | undefined;
			assert.ok(simRun, `no run ${simRunId}`);
			assert.ok(!['completed', 'failed', 'cancelled'].includes(String(simRun.status)), `the run already ended (${String(simRun.status)}): too late to forge`);
			const body = JSON.stringify({ data: { ...simRun, status: 'completed' } });
			const answer = await post(resumeUrl, body, forgedHeaders(sim, body));
			assert.equal(answer.status, 401, `answered ${answer.status}: ${answer.text}`);
			// n8n's own refusal of the URL would be {"error":"Invalid token"}: the node must be the one refusing.
			assert.match(answer.text, /signature does not verify/i, `401 came from n8n, not from the Lamina node: ${answer.text}`);
			await sleep(SETTLE_MS);
			const execution = await rest.execution(executionId);
			assert.equal(execution.status, 'waiting', `execution is "${execution.status}": ${describeRunData(execution.data)}`);
		},
		{ logSince },
	);

	let delivery: WebhookDelivery | undefined;
	await run.check(
		'Lamina’s delivery to the resume URL is answered 2xx',
		async () => {
			delivery = await waitFor('the delivery to the resume URL to be answered', RUN_APP_DURATION_MS + 15_000, () =>
				sim.webhookDeliveries.find((d) => d.runId === simRunId && (d.status !== undefined || d.error !== undefined)),
			);
			assert.ok(
				delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300,
				`attempt ${delivery.attempt} to ${delivery.url}\n  got ${delivery.error ?? `HTTP ${delivery.status}`}`,
			);
		},
		{ logSince },
	);

	let finishedData: ExecutionRunData | undefined;
	await run.check(
		'the execution then finishes "success"',
		async () => {
			const done = await executionEnded(rest, executionId, 'the execution to finish', 15_000);
			finishedData = done.data;
			assert.equal(done.status, 'success', `status ${done.status}: ${describeRunData(done.data)}`);
		},
		{ logSince },
	);

	await run.check('the Lamina node put out the completed run (status completed, outputsByLabel Hero Image), passed on', async () => {
		assert.ok(finishedData, 'the execution did not finish');
		const items = lastItems(finishedData, RUN_APP_WORKFLOW.laminaNode);
		assert.equal(items.length, 1, `${RUN_APP_WORKFLOW.laminaNode} put out ${items.length} items (${describeRunData(finishedData)})`);
		const [item] = items;
		assert.equal(item.runId, simRunId);
		assert.equal(item.status, 'completed', `status ${item.status}`);
		assert.match(String(item.outputsByLabel?.['Hero Image']), /^https?:\/\//, `outputsByLabel: ${JSON.stringify(item.outputsByLabel)}`);
		const next = lastItems(finishedData, RUN_APP_WORKFLOW.nextNode);
		assert.equal(next.length, 1, `${RUN_APP_WORKFLOW.nextNode} got ${next.length} items`);
		assert.equal(next[0].status, 'completed');
	});

	// When n8n refused Lamina's call, show whether the URL n8n itself hands out would have worked.
	if (delivery?.status === 401) await diagnoseResumeToken(session, executionId, delivery);
	sim.setAppBehaviour('app_portrait', { durationMs: DEFAULT_RUN_DURATION_MS });
}

/**
 * Not a check: when n8n refused the resume URL that the node built with getSignedResumeUrl(),
 * try the same delivery on the URL n8n builds itself ($execution.resumeUrl: the execution's
 * resumeToken as `signature`) and print what happened, for the report.
 */
async function diagnoseResumeToken(session: Session, executionId: string, delivery: WebhookDelivery): Promise<void> {
	try {
		const execution = await session.rest.execution(executionId);
		const token = execution.data.resumeToken;
		console.log(`        diagnosis: the execution's resumeToken is ${token ? `${token.length} characters` : 'absent'}; the node's signature param is ${new URL(delivery.url).searchParams.get('signature')?.length ?? 0} characters`);
		if (!token || execution.status !== 'waiting') return;
		const url = new URL(delivery.url);
		url.searchParams.set('signature', token);
		const where = `${url.pathname}?laminaAppId=…&signature=<resumeToken>`;
		const forged = await post(url.toString(), delivery.body, forgedHeaders(session.sim, delivery.body));
		await sleep(SETTLE_MS);
		const afterForged = await session.rest.execution(executionId);
		console.log(`        diagnosis: a forged delivery on ${where} answered ${forged.status} ${forged.text.slice(0, 120)}; the execution is then "${afterForged.status}"`);
		const answer = await post(url.toString(), delivery.body, session.sim.signWebhook(delivery.body));
		await sleep(SETTLE_MS);
		const after = await session.rest.execution(executionId);
		const item = lastItems(after.data, RUN_APP_WORKFLOW.laminaNode)[0];
		console.log(
			`        diagnosis: the genuine delivery on ${where} answered ${answer.status} ${answer.text.slice(0, 120)}; the execution is then "${after.status}", the node put out status ${String(item?.status)}, Hero Image ${item?.outputsByLabel?.['Hero Image'] ? 'present' : 'missing'}`,
		);
	} catch (error) {
		console.log(`        diagnosis failed: ${(error as Error).message}`);
	}
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

export function prepareWorkflow(spec: { file: string; id: string }): WorkflowFile {
	return { ...loadWorkflow(spec.file), id: spec.id };
}

interface WaitingAcrossRestart {
	run: CaseRun;
	/** Waits for Lamina's call (limit 600 s): must still wait after the restart, then resume. */
	survivor?: { executionId: string; runId: string };
	/** Max Wait Time 2 s: n8n must go on without Lamina's call. */
	limited?: { executionId: string; runId: string };
}

/** Starts the Run App workflow (Webhook node → Run App → After Resume) and waits for it to wait. */
async function startWaitingRunApp(session: Session, body: Json): Promise<{ executionId: string; runId: string }> {
	const { sim, rest, home } = session;
	const before = new Set((await rest.executions(RUN_APP_WORKFLOW.id)).map((e) => e.id));
	const runsBefore = new Set(sim.runs.keys());
	const answer = await post(`${home.url}/webhook/${RUN_APP_WORKFLOW.startPath}`, JSON.stringify(body));
	assert.equal(answer.status, 200, `answered ${answer.status}: ${answer.text}`);
	const waiting = await waitFor('the new execution to wait', 20_000, async () => {
		const fresh = (await rest.executions(RUN_APP_WORKFLOW.id)).filter((e) => !before.has(e.id));
		const ended = fresh.find((e) => !['new', 'running', 'waiting'].includes(e.status));
		if (ended) throw new Error(`execution ${ended.id} is "${ended.status}" instead of waiting`);
		return fresh.find((e) => e.status === 'waiting');
	});
	const started = [...sim.runs.values()].filter((r) => !runsBefore.has(r.runId));
	assert.equal(started.length, 1, `runs started: ${started.length}`);
	return { executionId: waiting.id, runId: started[0].runId };
}

async function runAppWaitBeforeRestart(session: Session): Promise<WaitingAcrossRestart> {
	const state: WaitingAcrossRestart = { run: new CaseRun('server-run-app-webhook-wait', session) };
	const logSince = logSize(path.join(session.home.userFolder, 'n8n-server.log'));
	session.sim.setAppBehaviour('app_portrait', { durationMs: RUN_ACROSS_RESTART_MS });
	try {
		await state.run.check(
			'two more executions wait for Lamina before n8n restarts: one with the default limit, one with Max Wait Time 2 s',
			async () => {
				state.survivor = await startWaitingRunApp(session, { from: 'e2e restart' });
				state.limited = await startWaitingRunApp(session, { from: 'e2e limit', maxWaitSeconds: 2 });
			},
			{ logSince },
		);
	} finally {
		// A run keeps the duration it started with: later runs (the trigger's after the restart,
		// which waits 20 s for its delivery) must not take the long one.
		session.sim.setAppBehaviour('app_portrait', { durationMs: DEFAULT_RUN_DURATION_MS });
	}
	return state;
}

async function runAppWaitAfterRestart(session: Session, state: WaitingAcrossRestart): Promise<void> {
	const { sim, rest, home } = session;
	const logSince = logSize(path.join(home.userFolder, 'n8n-server.log'));
	try {
		await state.run.check(
			'Max Wait Time passed: n8n went on with the node’s input item, and the run ID is in the execution’s custom data',
			async () => {
				assert.ok(state.limited, 'no execution with a 2-s limit was started');
				const { executionId, runId } = state.limited;
				// n8n's wait tracker looks every 60 s, and at start-up: the restart resumes it at once.
				const done = await executionEnded(rest, executionId, 'the limited execution to go on', 30_000);
				assert.equal(done.status, 'success', `status ${done.status}: ${describeRunData(done.data)}`);
				const next = lastItems(done.data, RUN_APP_WORKFLOW.nextNode);
				assert.equal(next.length, 1, `${RUN_APP_WORKFLOW.nextNode} got ${next.length} items`);
				assert.equal(next[0].body?.from, 'e2e limit', `${RUN_APP_WORKFLOW.nextNode} got ${JSON.stringify(next[0]).slice(0, 300)}`);
				assert.deepEqual(done.data.resultData.metadata, { laminaRunId: runId, laminaAppId: 'app_portrait' });
				assert.ok(sim.getRun(runId), `Lamina has no run ${runId}`);
			},
			{ logSince },
		);

		await state.run.check(
			'the execution waiting with the default limit still waits after the restart, and Lamina’s call then resumes it with the completed run',
			async () => {
				assert.ok(state.survivor, 'no execution was waiting across the restart');
				const { executionId, runId } = state.survivor;
				const stillWaiting = await rest.execution(executionId);
				const runNow = sim.getRun(runId) as Json | undefined;
				if (!['completed', 'failed', 'cancelled'].includes(String(runNow?.status))) {
					assert.equal(stillWaiting.status, 'waiting', `after the restart the execution is "${stillWaiting.status}"`);
				}
				const delivery = await waitFor('Lamina’s call to be answered 2xx', RUN_ACROSS_RESTART_MS + 30_000, () =>
					sim.webhookDeliveries.find((d) => d.runId === runId && d.status !== undefined && d.status >= 200 && d.status < 300),
				);
				const done = await executionEnded(rest, executionId, 'the execution to finish', 15_000);
				assert.equal(done.status, 'success', `status ${done.status}: ${describeRunData(done.data)}`);
				const [item] = lastItems(done.data, RUN_APP_WORKFLOW.laminaNode);
				assert.equal(item?.runId, runId);
				assert.equal(item?.status, 'completed');
				console.log(`        info: Lamina's call was attempt ${delivery.attempt}; earlier attempts: ${JSON.stringify(sim.webhookDeliveries.filter((d) => d.runId === runId && d.attempt < delivery.attempt).map((d) => d.status ?? d.error))}`);
			},
			{ logSince },
		);
	} finally {
		sim.setAppBehaviour('app_portrait', { durationMs: DEFAULT_RUN_DURATION_MS });
	}
}

/**
 * Runs the selected server cases in `home` (this package already installed there): imports
 * their credential and workflows, publishes them, starts `n8n start`, runs the checks, restarts
 * n8n once for the static-data check, and stops everything it started.
 */
export async function runServerCases(baseHome: N8nHome, report: Report, selected: readonly ServerCaseName[]): Promise<void> {
	if (selected.length === 0) return;
	const started = Date.now();
	const home: N8nHome = { ...baseHome, env: { ...baseHome.env, WEBHOOK_URL: `${baseHome.url}/` } };
	const sim = await startLaminaSimulator({ timeScale: SIM_TIME_SCALE });
	const parseFlatted = (createRequire(path.join(home.install.dir, 'node_modules', 'n8n', 'package.json'))('flatted') as { parse: (text: string) => unknown }).parse;
	const session: Session = { home, sim, report, rest: new N8nRest(home.url, parseFlatted), timings: [] };
	const wants = (name: ServerCaseName) => selected.includes(name);
	try {
		const setupStarted = Date.now();
		await importCredentials(home, [{ ...CREDENTIAL, type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } }]);
		const specs = [
			...(wants('server-lamina-trigger') ? [TRIGGER_WORKFLOW] : []),
			...(wants('server-run-app-webhook-wait') ? [RUN_APP_WORKFLOW] : []),
			...(wants('server-stop-execution') ? [STOP_WORKFLOW] : []),
		];
		await importWorkflows(home, specs.map(prepareWorkflow));
		for (const spec of specs) await publishWorkflow(home, spec.id);
		session.timings.push(`import+publish ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

		await startServer(session, 'first start');
		// A fresh instance has a placeholder owner: make it a real account to sign in to the REST API.
		await setupOwner(home.url, OWNER);
		await session.rest.login(OWNER);
		console.log(`\nn8n server on ${home.url} (log: ${path.join(home.userFolder, 'n8n-server.log')})\n`);

		let trigger: TriggerState | undefined;
		let waiting: WaitingAcrossRestart | undefined;
		if (wants('server-lamina-trigger')) trigger = await triggerFirstDelivery(session);
		if (wants('server-stop-execution')) await stopExecutionCases(session);
		if (wants('server-run-app-webhook-wait')) {
			await runAppWebhookWait(session);
			// Just before the restart: these executions must still wait through it.
			waiting = await runAppWaitBeforeRestart(session);
		}

		const stopStarted = Date.now();
		await stopServer(session);
		session.timings.push(`stop ${((Date.now() - stopStarted) / 1000).toFixed(1)} s`);
		await startServer(session, 'restart');
		await session.rest.login(OWNER);
		if (trigger) await triggerAfterRestart(session, trigger);
		if (waiting) await runAppWaitAfterRestart(session, waiting);
	} finally {
		await stopServer(session).catch(() => undefined);
		await sim.close();
		console.log(`\nserver cases took ${((Date.now() - started) / 1000).toFixed(1)} s (${session.timings.join(', ')})`);
	}
}
