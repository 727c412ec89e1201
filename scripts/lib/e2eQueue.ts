/**
 * The package on n8n's distributed engine (`npm run test:e2e -- --queue`): Redis and Postgres
 * from Debian, one n8n main process, two workers and one webhook process (queueCluster.ts), all
 * on free 127.0.0.1 ports with one user folder, one encryption key and one database. Each check
 * is one PASS/FAIL line naming the process that did the work (the workers' own log lines
 * "Worker started execution <id>" say which worker ran an execution).
 *
 *  queue-run-app           a production webhook on the webhook process starts Run App (Wait for
 *                          Completion); it runs on a worker and ends with the run's outputs.
 *  queue-lamina-trigger    Lamina Trigger on the webhook process: a signed delivery starts one
 *                          execution (on a worker), a forged one gets 401, repeats start none,
 *                          also after the execution ended.
 *  queue-trigger-burst     20 deliveries of distinct runs at once → 20 executions across both
 *                          workers; the 20 again → none; what the database kept (static data),
 *                          and after a webhook-process restart the 20 again → none.
 *  queue-webhook-wait      Run App's Wait for Webhook: waits; a forged call to the resume URL on
 *                          the webhook process is refused; Lamina's call resumes it on a worker.
 *  queue-worker-killed     a worker killed (SIGKILL) while Run App waits for a long run: what n8n
 *                          does with the execution, and that nothing is started twice at Lamina.
 *  queue-download-outputs  Download Outputs with binary data in the database (n8n's default in
 *                          queue mode): files whole with their MIME type; worker peak RSS for a
 *                          200 MB output against a small one and against n8n's HTTP Request node
 *                          (medians of 3 runs each); then the same with the workers on
 *                          N8N_DEFAULT_BINARY_DATA_MODE=filesystem (one run each).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { startLaminaSimulator, type LaminaSimulator, type WebhookDelivery } from '../../test/simulator';
import {
	describeRunData,
	executionEnded,
	forgedHeaders,
	lastItems,
	N8nRest,
	post,
	sleep,
	waitFor,
	type ExecutionRunData,
	type ExecutionSummary,
	type Report,
} from './e2eServerCases';
import {
	createUserFolder,
	ensureN8n,
	importCredentials,
	importWorkflows,
	N8N_VERSION,
	NODE_VERSION,
	packAndInstallPackage,
	publishWorkflow,
	setupOwner,
	type Owner,
} from './n8nRuntime';
import { QueueCluster, QUEUE_TIMINGS } from './queueCluster';
import { ensureServiceBinaries, serviceDataDir, startPostgres, startRedis, type ServiceProcess } from './queueServices';
import { tail } from './proc';
import { loadWorkflow, type WorkflowFile } from './workflows';

type Json = Record<string, any>;

export const QUEUE_CASE_NAMES = [
	'queue-run-app',
	'queue-lamina-trigger',
	'queue-trigger-burst',
	'queue-webhook-wait',
	'queue-worker-killed',
	'queue-download-outputs',
] as const;
export type QueueCaseName = (typeof QUEUE_CASE_NAMES)[number];

const MB = 1024 * 1024;
const LARGE_BYTES = 200 * MB;
const CREDENTIAL = { id: 'laminaQueueSimCred', name: 'Lamina (queue e2e simulator)' } as const;
const OWNER: Owner = { email: 'queue@example.com', firstName: 'Lamina', lastName: 'Queue', password: 'LaminaQueue1' };
const WORKERS = ['worker-1', 'worker-2'] as const;
/** How long after an answered call an execution it started would have shown up. */
const SETTLE_MS = 2_000;
/** Webhook retries 5 s, 30 s, 2 min and the 15 s delivery timeout, × 0.4. */
const SIM_TIME_SCALE = 0.4;
const DEFAULT_RUN_MS = 1_500;
/** The run a worker is killed during: longer than n8n takes to give the job up (lock 20 s + check every 10 s). */
const LONG_RUN_MS = 45_000;
const BURST = 20;

const WORKFLOWS = {
	runApp: { file: 'scripts/lib/e2e-workflows/queue-run-app.json', id: 'QueueRunApp', path: 'lamina-queue-run-app', node: 'Run Portrait Studio' },
	download: { file: 'scripts/lib/e2e-workflows/queue-download-outputs.json', id: 'QueueDownload', path: 'lamina-queue-download', node: 'Video With Files' },
	httpDownload: { file: 'scripts/lib/e2e-workflows/queue-http-download.json', id: 'QueueHttpDownload', path: 'lamina-queue-http-download', node: 'HTTP Download' },
	trigger: {
		file: 'scripts/lib/e2e-workflows/queue-lamina-trigger.json',
		id: 'QueueTrigger',
		webhookId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c30',
		node: 'Lamina Trigger',
		next: 'Received Run',
	},
	webhookWait: {
		file: 'scripts/lib/e2e-workflows/server-run-app-webhook-wait.json',
		id: 'QueueWebhookWait',
		path: 'lamina-e2e-run-app',
		node: 'Run Portrait Studio (Webhook Wait)',
		nodeId: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
		next: 'After Resume',
	},
} as const;

export interface QueueOptions {
	build: boolean;
	keep: boolean;
	only?: string;
}

// ---------------------------------------------------------------------------------------------
// Checks, one report line each
// ---------------------------------------------------------------------------------------------

class Checks {
	private broken: string | undefined;

	constructor(
		private readonly name: string,
		private readonly report: Report,
		private readonly cluster: QueueCluster,
	) {}

	/**
	 * One check; `label` may be a function of what verify returned (to name the process), called
	 * with undefined when the check failed before returning.
	 */
	async check<T>(label: string | ((value: T | undefined) => string), verify: () => Promise<T> | T, options: { required?: boolean } = {}): Promise<T | undefined> {
		const text = (value?: T) => `${this.name} › ${typeof label === 'string' ? label : label(value)}`;
		if (this.broken) {
			this.report(false, text(), `not checked: ${this.broken}`);
			return undefined;
		}
		try {
			const value = await verify();
			this.report(true, text(value));
			return value;
		} catch (error) {
			const title = text();
			this.report(false, title, `${(error as Error).message}\n${this.interestingLogs()}`);
			if (options.required && !this.broken) this.broken = `"${title}" failed`;
			return undefined;
		}
	}

	private interestingLogs(): string {
		const lines: string[] = [];
		for (const process of this.cluster.processes.values()) {
			let text = '';
			try {
				text = fs.readFileSync(process.logFile, 'utf8');
			} catch {
				continue;
			}
			const picked = text.split('\n').filter((line) => /error|warn|lamina|problem|failed|stalled|crash/i.test(line));
			if (picked.length) lines.push(`${process.name}:\n${tail(picked.join('\n'), 6)}`);
		}
		return lines.length ? `n8n logs:\n${lines.join('\n')}` : '(nothing of note in the n8n logs)';
	}
}

// ---------------------------------------------------------------------------------------------
// Memory of the workers
// ---------------------------------------------------------------------------------------------

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
	} catch {
		return 0;
	}
}

/**
 * Samples the resident set size of some processes every 20 ms, and also resets and then reads the
 * kernel's own high-water mark (VmHWM, via /proc/<pid>/clear_refs), so that no short peak is missed.
 */
class RssWatch {
	private readonly baseline = new Map<number, number>();
	private readonly peak = new Map<number, number>();
	private timer: NodeJS.Timeout | undefined;
	private hwmReset = new Set<number>();

	constructor(private readonly pids: number[]) {}

	start(): void {
		for (const pid of this.pids) {
			try {
				fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
				this.hwmReset.add(pid);
			} catch {
				/* not allowed: the samples alone count */
			}
			const rss = readStatusKb(pid, 'VmRSS');
			this.baseline.set(pid, rss);
			this.peak.set(pid, rss);
		}
		this.timer = setInterval(() => {
			for (const pid of this.pids) this.peak.set(pid, Math.max(this.peak.get(pid) ?? 0, readStatusKb(pid, 'VmRSS')));
		}, 20);
	}

	/** Baseline and peak in MB for each pid. */
	stop(): Map<number, { baselineMb: number; peakMb: number; aboveMb: number }> {
		if (this.timer) clearInterval(this.timer);
		const result = new Map<number, { baselineMb: number; peakMb: number; aboveMb: number }>();
		for (const pid of this.pids) {
			const hwm = this.hwmReset.has(pid) ? readStatusKb(pid, 'VmHWM') : 0;
			const peakKb = Math.max(this.peak.get(pid) ?? 0, hwm);
			const baseKb = this.baseline.get(pid) ?? 0;
			result.set(pid, { baselineMb: baseKb / 1024, peakMb: peakKb / 1024, aboveMb: (peakKb - baseKb) / 1024 });
		}
		return result;
	}
}

// ---------------------------------------------------------------------------------------------
// The session
// ---------------------------------------------------------------------------------------------

interface Session {
	cluster: QueueCluster;
	sim: LaminaSimulator;
	rest: N8nRest;
	report: Report;
	/** Figures for the summary at the end (and the README). */
	figures: string[];
}

const fmt = (mb: number) => `${Math.round(mb)} MB`;

/** POSTs to a production webhook of the webhook process; 404s right after start-up are retried (activation). */
async function startByWebhook(session: Session, webhookPath: string, body: Json): Promise<void> {
	const url = `${session.cluster.webhookUrl}/webhook/${webhookPath}`;
	const answer = await waitFor(`POST ${url} to be answered 200`, 30_000, async () => {
		const result = await post(url, JSON.stringify(body));
		if (result.status === 404) return undefined;
		return result;
	}, 500);
	assert.equal(answer.status, 200, `the webhook process answered ${answer.status}: ${answer.text}`);
}

async function newExecutions(session: Session, workflowId: string, before: Set<string>): Promise<ExecutionSummary[]> {
	return (await session.rest.executions(workflowId)).filter((e) => !before.has(e.id));
}

async function executionIds(session: Session, workflowId: string): Promise<Set<string>> {
	return new Set((await session.rest.executions(workflowId)).map((e) => e.id));
}

/** Waits for exactly one new execution of the workflow to end; returns it with its run data. */
async function oneNewExecutionEnds(session: Session, workflowId: string, before: Set<string>, timeoutMs: number) {
	const ended = await waitFor('the new execution to end', timeoutMs, async () => {
		const fresh = await newExecutions(session, workflowId, before);
		const done = fresh.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		return done.length > 0 ? done : undefined;
	});
	const fresh = await newExecutions(session, workflowId, before);
	assert.equal(fresh.length, 1, `new executions: ${JSON.stringify(fresh.map((e) => [e.id, e.status]))}`);
	return await session.rest.execution(ended[0].id);
}

function workerOf(session: Session, executionId: string): string {
	const workers = session.cluster.whoStarted(executionId);
	assert.equal(workers.length, 1, `workers that started execution ${executionId}: ${JSON.stringify(workers)}`);
	return workers[0];
}

// ---------------------------------------------------------------------------------------------
// queue-run-app
// ---------------------------------------------------------------------------------------------

async function caseRunApp(session: Session): Promise<void> {
	const checks = new Checks('queue-run-app', session.report, session.cluster);
	const { sim } = session;
	const flow = WORKFLOWS.runApp;
	const before = await executionIds(session, flow.id);
	const runsBefore = new Set(sim.runs.keys());
	let execution: Awaited<ReturnType<N8nRest['execution']>> | undefined;
	await checks.check(
		'POST to the workflow’s production webhook on the webhook process is answered 200',
		async () => await startByWebhook(session, flow.path, { prompt: 'queue e2e' }),
		{ required: true },
	);
	await checks.check(
		(worker?: string) => `the execution runs Run App (Wait for Completion) on a worker (${worker ?? '?'}) and ends "success"`,
		async () => {
			execution = await oneNewExecutionEnds(session, flow.id, before, 60_000);
			assert.equal(execution.status, 'success', describeRunData(execution.data));
			assert.equal(execution.mode, 'webhook');
			return workerOf(session, execution.id);
		},
		{ required: true },
	);
	await checks.check('the execution ends with the run’s outputs (status completed, outputsByLabel Hero Image); one run at Lamina', () => {
		const items = lastItems(execution!.data, flow.node);
		assert.equal(items.length, 1, describeRunData(execution!.data));
		const [item] = items;
		assert.equal(item.status, 'completed');
		assert.match(String(item.outputsByLabel?.['Hero Image']), /^https?:\/\//, JSON.stringify(item.outputsByLabel));
		const started = [...sim.runs.values()].filter((run) => !runsBefore.has(run.runId));
		assert.equal(started.length, 1, `runs started at Lamina: ${started.length}`);
		assert.equal(item.runId, started[0].runId);
		assert.deepEqual(started[0].inputs, { Prompt: 'queue e2e' });
		assert.equal(lastItems(execution!.data, 'Run Done').length, 1);
	});
}

// ---------------------------------------------------------------------------------------------
// queue-lamina-trigger and queue-trigger-burst
// ---------------------------------------------------------------------------------------------

function triggerUrl(session: Session, origin = session.cluster.webhookUrl): string {
	return `${origin}/webhook/${WORKFLOWS.trigger.webhookId}/lamina`;
}

/** Starts a run at Lamina whose webhook is the trigger's production URL (on the webhook process). */
async function startTriggeredRun(session: Session, prompt: string, origin?: string): Promise<string> {
	const { sim } = session;
	const answer = await post(
		`${sim.url}/v1/apps/app_portrait/runs?webhook=${encodeURIComponent(triggerUrl(session, origin))}`,
		JSON.stringify({ inputs: { Prompt: prompt } }),
		{ 'x-api-key': sim.apiKey },
	);
	assert.equal(answer.status, 202, answer.text);
	const runId = String(answer.json?.data?.runId ?? '');
	assert.ok(runId, answer.text);
	return runId;
}

async function firstDelivery(session: Session, runId: string, timeoutMs = 30_000): Promise<WebhookDelivery> {
	return await waitFor(`Lamina’s delivery of ${runId} to be answered`, timeoutMs, () =>
		session.sim.webhookDeliveries.find((d) => d.runId === runId && d.attempt === 1 && (d.status !== undefined || d.error !== undefined)),
	);
}

/** Sends a delivery again, re-signed as Lamina's retries are. */
async function resend(session: Session, delivery: WebhookDelivery) {
	return await post(triggerUrl(session), delivery.body, session.sim.signWebhook(delivery.body));
}

/** The run IDs the trigger put out, per execution. */
async function triggeredRunIds(session: Session, executions: ExecutionSummary[]): Promise<Map<string, string>> {
	const byExecution = new Map<string, string>();
	for (const execution of executions) {
		const full = await session.rest.execution(execution.id);
		byExecution.set(execution.id, String(lastItems(full.data, WORKFLOWS.trigger.node)[0]?.runId ?? ''));
	}
	return byExecution;
}

async function staticDataKeys(session: Session): Promise<string[]> {
	const workflow = await session.rest.workflow(WORKFLOWS.trigger.id);
	const node = (workflow.staticData ?? {})[`node:${WORKFLOWS.trigger.node}`] as Json | undefined;
	return Array.isArray(node?.seenDeliveries) ? (node.seenDeliveries as string[]) : [];
}

async function caseLaminaTrigger(session: Session): Promise<WebhookDelivery | undefined> {
	const checks = new Checks('queue-lamina-trigger', session.report, session.cluster);
	const { sim } = session;
	const flow = WORKFLOWS.trigger;
	const before = await executionIds(session, flow.id);
	let delivery: WebhookDelivery | undefined;
	let runId = '';
	await checks.check(
		'Lamina’s signed delivery to the trigger’s production URL on the webhook process is answered 200',
		async () => {
			runId = await startTriggeredRun(session, 'queue trigger');
			delivery = await firstDelivery(session, runId);
			assert.equal(delivery.status, 200, delivery.error ?? `status ${delivery.status}`);
		},
		{ required: true },
	);
	await checks.check('the webhook process saved the delivery in the trigger’s static data (n8n’s database) at once, while the execution still runs', async () => {
		const keys = await staticDataKeys(session);
		const fresh = await newExecutions(session, flow.id, before);
		assert.ok(keys.includes(`${runId}:completed`), `static data: ${JSON.stringify(keys)}`);
		assert.ok(fresh.every((e) => ['new', 'running'].includes(e.status)), `the execution already ended (${JSON.stringify(fresh.map((e) => e.status))})`);
	});
	await checks.check('a repeat while that execution still runs (re-signed) gets 200 {duplicate: true} and starts none', async () => {
		const answer = await resend(session, delivery!);
		assert.equal(answer.status, 200, answer.text);
		assert.equal(answer.json?.duplicate, true, answer.text);
		const fresh = await newExecutions(session, flow.id, before);
		assert.ok(fresh.length <= 1, `executions: ${JSON.stringify(fresh.map((e) => [e.id, e.status]))}`);
		assert.ok(fresh.every((e) => ['new', 'running'].includes(e.status)), `the first execution already ended (${JSON.stringify(fresh.map((e) => e.status))}): not a repeat during it`);
	});
	let executionId = '';
	await checks.check(
		(worker?: string) => `exactly one execution, run on a worker (${worker ?? '?'}), "success", with the run`,
		async () => {
			const execution = await oneNewExecutionEnds(session, flow.id, before, 30_000);
			await sleep(SETTLE_MS);
			assert.equal((await newExecutions(session, flow.id, before)).length, 1);
			assert.equal(execution.status, 'success', describeRunData(execution.data));
			assert.equal(lastItems(execution.data, flow.node)[0]?.runId, runId);
			assert.equal(lastItems(execution.data, flow.next).length, 1);
			executionId = execution.id;
			return workerOf(session, execution.id);
		},
		{ required: true },
	);
	await checks.check('a forged delivery (same body, bad signature) gets 401 from the node and starts none', async () => {
		const answer = await post(triggerUrl(session), delivery!.body, forgedHeaders(sim, delivery!.body));
		assert.equal(answer.status, 401, answer.text);
		assert.match(answer.text, /signature/i, answer.text);
		await sleep(SETTLE_MS);
		assert.equal((await newExecutions(session, flow.id, before)).length, 1);
	});
	await checks.check(
		(worker?: string) => `after the execution ended on ${worker ?? '?'}, a repeat reaching the webhook process again gets {duplicate: true} and starts none`,
		async () => {
			const answer = await resend(session, delivery!);
			assert.equal(answer.status, 200, answer.text);
			assert.equal(answer.json?.duplicate, true, answer.text);
			await sleep(SETTLE_MS);
			assert.equal((await newExecutions(session, flow.id, before)).length, 1);
			return workerOf(session, executionId);
		},
	);
	return delivery;
}

async function caseTriggerBurst(session: Session, earlier: WebhookDelivery | undefined): Promise<void> {
	const checks = new Checks('queue-trigger-burst', session.report, session.cluster);
	const { sim, cluster } = session;
	const flow = WORKFLOWS.trigger;
	const before = await executionIds(session, flow.id);
	let runIds: string[] = [];
	let deliveries: WebhookDelivery[] = [];
	const keptOf = async (ids: string[]) => {
		const keys = await staticDataKeys(session);
		return ids.filter((runId) => keys.includes(`${runId}:completed`));
	};
	let keptAtOnce: string[] = [];
	await checks.check(
		`${BURST} runs started together: Lamina’s ${BURST} deliveries (arriving within a moment) are all answered 200, none as a duplicate`,
		async () => {
			runIds = await Promise.all(Array.from({ length: BURST }, (_, i) => startTriggeredRun(session, `queue burst ${i}`)));
			deliveries = await Promise.all(runIds.map((runId) => firstDelivery(session, runId)));
			const spread = Math.max(...deliveries.map((d) => d.at)) - Math.min(...deliveries.map((d) => d.at));
			for (const delivery of deliveries) assert.equal(delivery.status, 200, `${delivery.runId}: ${delivery.error ?? delivery.status}`);
			keptAtOnce = await keptOf(runIds);
			const retries = sim.webhookDeliveries.filter((d) => runIds.includes(d.runId) && d.attempt > 1);
			assert.equal(retries.length, 0, `Lamina retried ${retries.length} deliveries`);
			session.figures.push(`burst: ${BURST} deliveries sent within ${spread} ms`);
		},
		{ required: true },
	);
	let perWorker = new Map<string, number>();
	await checks.check(
		() => `${BURST} executions, one per run, all "success", across both workers (${[...perWorker].map(([w, n]) => `${w}: ${n}`).join(', ')})`,
		async () => {
			const ended = await waitFor(`${BURST} executions to end`, 60_000, async () => {
				const fresh = await newExecutions(session, flow.id, before);
				return fresh.length >= BURST && fresh.every((e) => !['new', 'running'].includes(e.status)) ? fresh : undefined;
			});
			await sleep(SETTLE_MS);
			const fresh = await newExecutions(session, flow.id, before);
			assert.equal(fresh.length, BURST, `executions: ${fresh.length}`);
			assert.ok(ended.every((e) => e.status === 'success'), JSON.stringify(ended.map((e) => [e.id, e.status])));
			const runs = await triggeredRunIds(session, fresh);
			assert.deepEqual([...runs.values()].sort(), [...runIds].sort(), 'each run exactly once');
			perWorker = new Map(WORKERS.map((w) => [w, 0]));
			for (const execution of fresh) {
				const worker = workerOf(session, execution.id);
				perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1);
			}
			for (const worker of WORKERS) assert.ok((perWorker.get(worker) ?? 0) > 0, `${worker} ran none: ${JSON.stringify([...perWorker])}`);
		},
		{ required: true },
	);
	const repeatAll = async (what: string) => {
		const answers = await Promise.all(deliveries.map((delivery) => resend(session, delivery)));
		const notDuplicate = answers.filter((a) => a.status !== 200 || a.json?.duplicate !== true);
		await sleep(SETTLE_MS * 2);
		const fresh = await newExecutions(session, flow.id, before);
		assert.equal(notDuplicate.length, 0, `${what}: ${notDuplicate.length} of ${BURST} not answered as duplicates: ${notDuplicate.map((a) => `${a.status} ${a.text}`).slice(0, 3).join('; ')}`);
		assert.equal(fresh.length, BURST, `${what}: ${fresh.length - BURST} new executions`);
	};
	await checks.check(`all ${BURST} repeated together (re-signed) to the webhook process → ${BURST} × {duplicate: true}, 0 new executions`, async () => {
		await repeatAll('repeats');
	});
	let kept: string[] = [];
	await checks.check(
		() =>
			`the trigger’s static data in n8n’s database holds all ${BURST}: right after the answers (${keptAtOnce.length} of ${BURST}) and once the executions ended on both workers (${kept.length} of ${BURST})`,
		async () => {
			kept = await keptOf(runIds);
			session.figures.push(`burst: static data held ${keptAtOnce.length} of ${BURST} right after the answers, ${kept.length} of ${BURST} after the executions ended`);
			assert.equal(keptAtOnce.length, BURST, `missing right after the answers: ${runIds.filter((id) => !keptAtOnce.includes(id)).join(', ')}`);
			assert.equal(kept.length, BURST, `missing after the executions: ${runIds.filter((id) => !kept.includes(id)).join(', ')}`);
		},
	);
	await checks.check(
		`after the webhook process restarts (its memory gone), all ${BURST} repeated again, and the first trigger check’s delivery → none starts an execution`,
		async () => {
			const webhook = cluster.get('webhook');
			await webhook.stop();
			await cluster.start('webhook', 'webhook');
			await repeatAll('repeats after the restart');
			if (earlier) {
				const answer = await resend(session, earlier);
				assert.equal(answer.json?.duplicate, true, `the first check’s delivery: ${answer.text}`);
			}
		},
	);
	// Not a check: the same burst split between two processes that take webhooks (main serves
	// /webhook too in queue mode), which each save static data whole from their own copy.
	try {
		const split = await Promise.all(
			Array.from({ length: BURST }, (_, i) => startTriggeredRun(session, `queue split ${i}`, i % 2 === 0 ? cluster.mainUrl : cluster.webhookUrl)),
		);
		const answered = await Promise.all(split.map((runId) => firstDelivery(session, runId)));
		await sleep(4_000);
		const kept = await keptOf(split);
		const line = `burst split between main and the webhook process: ${answered.filter((d) => d.status === 200).length} of ${BURST} answered 200, static data held ${kept.length} of ${BURST}`;
		session.figures.push(line);
		console.log(`        info: ${line}`);
	} catch (error) {
		console.log(`        info: the split burst could not be measured: ${(error as Error).message}`);
	}
}

// ---------------------------------------------------------------------------------------------
// queue-webhook-wait
// ---------------------------------------------------------------------------------------------

async function caseWebhookWait(session: Session): Promise<void> {
	const checks = new Checks('queue-webhook-wait', session.report, session.cluster);
	const { sim, rest, cluster } = session;
	const flow = WORKFLOWS.webhookWait;
	sim.setAppBehaviour('app_portrait', { durationMs: 8_000 });
	const before = await executionIds(session, flow.id);
	const runsBefore = new Set(sim.runs.keys());
	let executionId = '';
	let simRunId = '';
	let resumeUrl = '';
	try {
		await checks.check(
			(worker?: string) => `started through the webhook process, Run App (Wait for Webhook) runs on a worker (${worker ?? '?'}) and the execution goes to "waiting"`,
			async () => {
				await startByWebhook(session, flow.path, { from: 'queue e2e' });
				const waiting = await waitFor('the execution to wait', 30_000, async () => {
					const fresh = await newExecutions(session, flow.id, before);
					const ended = fresh.find((e) => !['new', 'running', 'waiting'].includes(e.status));
					if (ended) throw new Error(`execution ${ended.id} is "${ended.status}" instead of waiting`);
					return fresh.find((e) => e.status === 'waiting');
				});
				executionId = waiting.id;
				return workerOf(session, executionId);
			},
			{ required: true },
		);
		await checks.check('Lamina got one run whose webhook is the execution’s signed resume URL on the webhook process', () => {
			const started = [...sim.runs.values()].filter((r) => !runsBefore.has(r.runId));
			assert.equal(started.length, 1, `runs started: ${started.length}`);
			simRunId = started[0].runId;
			resumeUrl = started[0].webhookUrl ?? '';
			const url = new URL(resumeUrl);
			assert.equal(`${url.origin}${url.pathname}`, `${cluster.webhookUrl}/webhook-waiting/${executionId}/${flow.nodeId}`, resumeUrl);
			assert.ok(url.searchParams.get('signature'), resumeUrl);
		}, { required: true });
		await checks.check('a forged call to the resume URL (n8n’s signature, bad Lamina signature) gets 401 from the node; still waiting', async () => {
			const simRun = sim.getRun(simRunId) as Json | undefined;
			assert.ok(simRun && !['completed', 'failed', 'cancelled'].includes(String(simRun.status)), 'the run already ended: too late to forge');
			const body = JSON.stringify({ data: { ...simRun, status: 'completed' } });
			const answer = await post(resumeUrl, body, forgedHeaders(sim, body));
			assert.equal(answer.status, 401, answer.text);
			assert.match(answer.text, /signature does not verify/i, `401 came from n8n, not from the node: ${answer.text}`);
			await sleep(SETTLE_MS);
			const execution = await rest.execution(executionId);
			assert.equal(execution.status, 'waiting', `execution is "${execution.status}"`);
			assert.deepEqual(cluster.whoStarted(executionId).length, 1, 'the forged call resumed it');
		});
		let done: (ExecutionSummary & { data: ExecutionRunData }) | undefined;
		await checks.check(
			(workers?: string[]) => `Lamina’s call to the resume URL is answered 2xx by the webhook process and resumes the execution on a worker (started on ${workers?.[0] ?? '?'}, resumed on ${workers?.[1] ?? '?'})`,
			async () => {
				const delivery = await waitFor('Lamina’s call to be answered', 30_000, () =>
					sim.webhookDeliveries.find((d) => d.runId === simRunId && (d.status !== undefined || d.error !== undefined)),
				);
				assert.ok(delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300, `${delivery.error ?? delivery.status}`);
				done = await executionEnded(rest, executionId, 'the resumed execution to end', 30_000);
				const workers = cluster.whoStarted(executionId);
				assert.equal(workers.length, 2, `worker starts of execution ${executionId}: ${JSON.stringify(workers)}`);
				return workers;
			},
		);
		await checks.check('it ends once, "success", with the completed run; Lamina made one call, one run', async () => {
			assert.ok(done, 'the execution did not end');
			assert.equal(done.status, 'success', describeRunData(done.data));
			const items = lastItems(done.data, flow.node);
			assert.equal(items.length, 1);
			assert.equal(items[0].runId, simRunId);
			assert.equal(items[0].status, 'completed');
			assert.equal(lastItems(done.data, flow.next).length, 1);
			assert.equal((await newExecutions(session, flow.id, before)).length, 1);
			await sleep(SETTLE_MS);
			assert.equal(cluster.whoStarted(executionId).length, 2, 'started again');
			assert.equal(sim.webhookDeliveries.filter((d) => d.runId === simRunId).length, 1, 'Lamina retried its call');
			assert.equal([...sim.runs.values()].filter((r) => !runsBefore.has(r.runId)).length, 1);
		});
	} finally {
		sim.setAppBehaviour('app_portrait', { durationMs: DEFAULT_RUN_MS });
	}
}

// ---------------------------------------------------------------------------------------------
// queue-worker-killed
// ---------------------------------------------------------------------------------------------

async function caseWorkerKilled(session: Session): Promise<void> {
	const checks = new Checks('queue-worker-killed', session.report, session.cluster);
	const { sim, rest, cluster } = session;
	const flow = WORKFLOWS.runApp;
	sim.setAppBehaviour('app_portrait', { durationMs: LONG_RUN_MS });
	const before = await executionIds(session, flow.id);
	const runsBefore = new Set(sim.runs.keys());
	let executionId = '';
	let victim = '';
	let runId = '';
	let killedAt = 0;
	try {
		await checks.check(
			(worker?: string) => `Run App waits for a ${LONG_RUN_MS / 1000}-s run on ${worker ?? '?'} (long-poll open at Lamina); ${worker ?? '?'} is killed (SIGKILL)`,
			async () => {
				await startByWebhook(session, flow.path, { prompt: 'queue kill' });
				const running = await waitFor('the execution to run on a worker', 30_000, async () => {
					const fresh = await newExecutions(session, flow.id, before);
					return fresh.find((e) => e.status === 'running' && cluster.whoStarted(e.id).length === 1);
				});
				executionId = running.id;
				victim = workerOf(session, executionId);
				const run = await waitFor('the run to start at Lamina', 20_000, () => [...sim.runs.values()].find((r) => !runsBefore.has(r.runId)));
				runId = run.runId;
				await waitFor('Run App’s long-poll to be open', 20_000, () =>
					sim.requestLog.find((r) => r.route === 'GET /v1/runs/:runId/wait' && r.closedAt === undefined && r.receivedAt >= Date.parse(run.createdAt)),
				);
				killedAt = Date.now();
				await cluster.get(victim).kill();
				return victim;
			},
			{ required: true },
		);
		let ended: (ExecutionSummary & { data: ExecutionRunData }) | undefined;
		let endedAfter = 0;
		await checks.check(
			() => `n8n gives the job up: the execution ends "${ended?.status}" ${Math.round(endedAfter / 1000)} s after the kill (Bull lock ${Number(QUEUE_TIMINGS.QUEUE_WORKER_LOCK_DURATION) / 1000} s, stalled check every ${Number(QUEUE_TIMINGS.QUEUE_WORKER_STALLED_INTERVAL) / 1000} s, maxStalledCount 0), not picked up by the other worker`,
			async () => {
				ended = await executionEnded(rest, executionId, 'n8n to end the execution', 90_000);
				endedAfter = Date.now() - killedAt;
				assert.ok(['error', 'crashed'].includes(ended.status), `status ${ended.status}: ${describeRunData(ended.data)}`);
				assert.deepEqual(cluster.whoStarted(executionId), [victim]);
				const message = String(ended.data.resultData.error?.message ?? '');
				session.figures.push(`worker killed: execution ${ended.status} after ${Math.round(endedAfter / 1000)} s, "${message}"`);
			},
		);
		await checks.check('the run goes on at Lamina and completes; Lamina got one run only', async () => {
			await waitFor('the run to complete at Lamina', LONG_RUN_MS + 20_000, () => {
				const run = sim.getRun(runId) as Json | undefined;
				return run?.status === 'completed' ? run : undefined;
			});
			const started = [...sim.runs.values()].filter((r) => !runsBefore.has(r.runId));
			assert.equal(started.length, 1, `runs started: ${started.map((r) => r.runId).join(', ')}`);
		});
		await checks.check(
			() => `after ${victim} starts again, nothing is re-run: no new start of the execution on any worker, still one run at Lamina, the execution still "${ended?.status}"`,
			async () => {
				await cluster.start(victim, 'worker');
				await sleep(5_000);
				assert.deepEqual(cluster.whoStarted(executionId), [victim]);
				assert.equal([...sim.runs.values()].filter((r) => !runsBefore.has(r.runId)).length, 1);
				const execution = await rest.execution(executionId);
				assert.equal(execution.status, ended?.status);
				assert.equal((await newExecutions(session, flow.id, before)).length, 1);
			},
		);
	} finally {
		sim.setAppBehaviour('app_portrait', { durationMs: DEFAULT_RUN_MS });
		// Whatever happened above, both workers run again for the cases after this one.
		if (victim && cluster.get(victim).child.exitCode !== null) {
			await cluster.start(victim, 'worker').catch(() => undefined);
		}
	}
}

// ---------------------------------------------------------------------------------------------
// queue-download-outputs
// ---------------------------------------------------------------------------------------------

async function sha256Of(url: string, headers: Record<string, string> = {}): Promise<{ sha256: string; bytes: number; contentType: string }> {
	const response = await fetch(url, { headers, signal: AbortSignal.timeout(180_000) });
	if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
	const hash = createHash('sha256');
	let bytes = 0;
	for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
		hash.update(chunk);
		bytes += chunk.length;
	}
	return { sha256: hash.digest('hex'), bytes, contentType: response.headers.get('content-type') ?? '' };
}

interface Measured {
	worker: string;
	aboveMb: number;
	peakMb: number;
	baselineMb: number;
	execution: ExecutionSummary & { data: ExecutionRunData };
}

/**
 * Starts a download workflow through the webhook process on freshly started workers (a process
 * keeps memory it grew for an earlier run, which would hide what the next one needs), watching
 * both workers' memory; the figures are those of the worker that ran it.
 */
async function measuredRun(session: Session, flow: { id: string; path: string }, body: Json): Promise<Measured> {
	const { cluster } = session;
	await Promise.all(WORKERS.map(async (name) => await cluster.get(name).stop()));
	await Promise.all(WORKERS.map(async (name) => await cluster.start(name, 'worker')));
	const before = await executionIds(session, flow.id);
	// Let the workers finish starting up (their memory settles) before the baseline.
	await sleep(3_000);
	const pids = WORKERS.map((name) => cluster.get(name).pid);
	const watch = new RssWatch(pids);
	watch.start();
	let memory: ReturnType<RssWatch['stop']>;
	let execution: Measured['execution'];
	try {
		await startByWebhook(session, flow.path, body);
		execution = await oneNewExecutionEnds(session, flow.id, before, 180_000);
	} finally {
		memory = watch.stop();
	}
	const worker = workerOf(session, execution.id);
	const figures = memory.get(cluster.get(worker).pid)!;
	return { worker, execution, ...figures };
}

/** The binary of the first item a node put out. */
function binaryOf(data: ExecutionRunData, nodeName: string, property: string): Json {
	const runs = (data.resultData.runData[nodeName] ?? []) as Array<{ data?: { main?: Array<Array<{ binary?: Json }> | null> } }>;
	const binary = runs[runs.length - 1]?.data?.main?.[0]?.[0]?.binary?.[property];
	assert.ok(binary, `${nodeName} put out no binary "${property}": ${describeRunData(data)}`);
	return binary as Json;
}

/**
 * How many times each side of the memory comparison is measured; it compares the medians, the
 * runs taken alternately so that a busier moment of the machine weighs on both sides alike. In
 * database mode n8n holds copies of the whole file, and whether one is still alive at the peak
 * varies: one run's ~1 GB peak can be ~200 MB off the next (865–1061 MB seen over 3 runs), so a
 * single pair is no comparison. In filesystem mode peaks vary by ~20 MB: one run each is enough.
 */
const MEMORY_SAMPLES = { database: 3, filesystem: 1 } as const;
/**
 * How far Download Outputs' median peak may exceed the HTTP Request node's: half the file. The
 * medians' noise stays well under it; any extra whole copy of the file (200 MB) exceeds it.
 */
const MEMORY_MARGIN_MB = LARGE_BYTES / MB / 2;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `median 1090 MB (1071 MB–1111 MB over 3 runs)`, or `1090 MB` for one run. */
function peaksOf(runs: Measured[]): string {
	if (!runs.length) return '?';
	const peaks = runs.map((m) => m.peakMb);
	if (peaks.length === 1) return fmt(peaks[0]);
	return `median ${fmt(median(peaks))} (${fmt(Math.min(...peaks))}–${fmt(Math.max(...peaks))} over ${peaks.length} runs)`;
}

/**
 * Download Outputs in one binary data mode: a small run, a 200 MB output, and n8n's HTTP Request
 * node downloading the same 200 MB file, each on freshly started workers; the two 200 MB
 * downloads MEMORY_SAMPLES[mode] times each, alternately. The workers are started with
 * N8N_DEFAULT_BINARY_DATA_MODE=`mode` (undefined: n8n's default, 'database' in queue mode).
 */
async function caseDownloadOutputs(session: Session, mode: 'database' | 'filesystem'): Promise<void> {
	const checks = new Checks(`queue-download-outputs (${mode})`, session.report, session.cluster);
	const { sim, cluster, rest } = session;
	const samples = MEMORY_SAMPLES[mode];
	cluster.options.binaryDataMode = mode === 'database' ? undefined : mode;
	const restHeaders = rest.authHeaders();
	const fileCheck = async (binary: Json, expectedUrl: string, expectedBytes: number) => {
		assert.equal(binary.mimeType, 'video/mp4', JSON.stringify(binary));
		assert.match(String(binary.fileName), /\.mp4$/, JSON.stringify(binary));
		assert.ok(String(binary.id).startsWith(mode), `binary id ${binary.id} is not in ${mode} mode`);
		const original = await sha256Of(expectedUrl);
		assert.equal(original.bytes, expectedBytes);
		// Read back through the main process, which serves n8n's binary data to the editor.
		const stored = await sha256Of(`${cluster.mainUrl}/rest/binary-data?id=${encodeURIComponent(String(binary.id))}&action=download`, restHeaders);
		assert.equal(stored.bytes, expectedBytes, `n8n holds ${stored.bytes} bytes`);
		assert.equal(stored.sha256, original.sha256, 'the stored file differs from Lamina’s');
	};
	const videoOf = (execution: Measured['execution']) => {
		assert.equal(execution.status, 'success', describeRunData(execution.data));
		const [item] = lastItems(execution.data, WORKFLOWS.download.node);
		assert.equal(item?.status, 'completed', JSON.stringify(item));
		return { binary: binaryOf(execution.data, WORKFLOWS.download.node, 'Video'), url: String(item.outputsByLabel?.Video) };
	};
	const peak = (m?: Measured) => (m ? `peak RSS ${fmt(m.peakMb)} (${fmt(m.baselineMb)} before)` : 'peak RSS ?');
	const downloadOutputs = async () => await measuredRun(session, WORKFLOWS.download, { size: 'large' });
	const httpRequest = async () => {
		const measured = await measuredRun(session, WORKFLOWS.httpDownload, { url: largeUrl });
		assert.equal(measured.execution.status, 'success', describeRunData(measured.execution.data));
		const binary = binaryOf(measured.execution.data, WORKFLOWS.httpDownload.node, 'data');
		assert.ok(String(binary.id).startsWith(mode), `binary id ${binary.id}`);
		return measured;
	};

	let small: Measured | undefined;
	const large: Measured[] = [];
	const http: Measured[] = [];
	let largeUrl = '';
	try {
		await checks.check(
			(m?: Measured) => `a small run’s video (2 KB) on ${m?.worker ?? '?'}: stored in the ${mode}, whole, video/mp4; worker ${peak(m)}`,
			async () => {
				small = await measuredRun(session, WORKFLOWS.download, { size: 'small' });
				const { binary, url } = videoOf(small.execution);
				await fileCheck(binary, url, 2048);
				return small;
			},
		);
		sim.setAppBehaviour('app_video', { outputBytes: LARGE_BYTES });
		await checks.check(
			(m?: Measured) => `a 200 MB video output on ${m?.worker ?? '?'}: arrives whole (SHA-256 equal), video/mp4; worker ${peak(m)}`,
			async () => {
				const measured = await downloadOutputs();
				const { binary, url } = videoOf(measured.execution);
				largeUrl = url;
				await fileCheck(binary, url, LARGE_BYTES);
				large.push(measured);
				return measured;
			},
			{ required: true },
		);
		await checks.check(
			(m?: Measured) => `n8n’s HTTP Request node downloading the same 200 MB file on ${m?.worker ?? '?'}: worker ${peak(m)}`,
			async () => {
				const measured = await httpRequest();
				http.push(measured);
				return measured;
			},
		);
		if (samples > 1) {
			await checks.check(
				() => `${samples - 1} more runs of each, alternately, on fresh workers: Download Outputs ${peaksOf(large)}; HTTP Request ${peaksOf(http)}`,
				async () => {
					assert.ok(http.length, 'HTTP Request was not measured');
					while (large.length < samples) {
						const measured = await downloadOutputs();
						videoOf(measured.execution);
						large.push(measured);
						http.push(await httpRequest());
					}
				},
			);
		}
		if (large.length && http.length) {
			session.figures.push(
				`download (${mode}): worker peak RSS small run ${small ? fmt(small.peakMb) : '?'}, 200 MB Download Outputs ${peaksOf(large)}, 200 MB HTTP Request ${peaksOf(http)} (fresh workers; baselines ${[small, ...large, ...http].map((m) => (m ? fmt(m.baselineMb) : '?')).join(', ')})`,
			);
		}
		await checks.check(
			`in ${mode} mode, Download Outputs needs no more worker memory than n8n’s own HTTP Request node for the same file (${samples > 1 ? `median peaks of ${samples} runs each` : 'peaks'} within ${MEMORY_MARGIN_MB} MB, less than one more copy of the file)`,
			() => {
				assert.ok(large.length === samples && http.length === samples, `measured ${large.length} and ${http.length} of ${samples} runs`);
				const ours = median(large.map((m) => m.peakMb));
				const theirs = median(http.map((m) => m.peakMb));
				assert.ok(ours <= theirs + MEMORY_MARGIN_MB, `Download Outputs ${peaksOf(large)}, HTTP Request ${peaksOf(http)}`);
			},
		);
		if (mode === 'filesystem') {
			await checks.check(
				() => `in filesystem mode, the 200 MB output does not need 200 MB of worker memory (${samples > 1 ? 'median peak' : 'peak'} ${large.length && small ? fmt(median(large.map((m) => m.peakMb)) - small.peakMb) : '?'} above the small run’s)`,
				() => {
					assert.ok(large.length && small, 'not measured');
					const ours = median(large.map((m) => m.peakMb));
					assert.ok(ours - small.peakMb < LARGE_BYTES / MB, `Download Outputs ${peaksOf(large)}, small run ${fmt(small.peakMb)}`);
				},
			);
		}
	} finally {
		sim.setAppBehaviour('app_video', { outputBytes: 2048 });
	}
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

function prepareWorkflow(spec: { file: string; id: string }): WorkflowFile {
	const workflow = { ...loadWorkflow(spec.file), id: spec.id };
	// The shared e2e workflow names the server e2e's credential: use this run's.
	for (const node of workflow.nodes) {
		if (node.credentials?.laminaApi) node.credentials = { laminaApi: { ...CREDENTIAL } };
	}
	return workflow;
}

export async function runQueueE2e(report: Report, options: QueueOptions): Promise<void> {
	const selected = QUEUE_CASE_NAMES.filter((name) => !options.only || name.includes(options.only));
	if (selected.length === 0) throw new Error(`no queue case matches --only=${options.only}`);
	const wants = (name: QueueCaseName) => selected.includes(name);
	const started = Date.now();
	const install = await ensureN8n();
	const bins = await ensureServiceBinaries();
	const dataDir = serviceDataDir();
	// Also when the watchdog or Ctrl-C ends the process (its children are killed by then).
	const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
	process.once('exit', removeDataDir);
	const userFolder = createUserFolder('e2e');
	console.log(`n8n user folder: ${userFolder}; Redis and Postgres data: ${dataDir}`);
	const services: ServiceProcess[] = [];
	let cluster: QueueCluster | undefined;
	let sim: LaminaSimulator | undefined;
	let failedBefore = 0;
	const countingReport: Report = (ok, label, detail) => {
		if (!ok) failedBefore++;
		report(ok, label, detail);
	};
	const timings: string[] = [];
	const figures: string[] = [];
	try {
		const redis = await startRedis(bins, path.join(dataDir, 'redis'), userFolder);
		services.push(redis);
		const postgres = await startPostgres(bins, path.join(dataDir, 'postgres'), userFolder);
		services.push(postgres);
		console.log(`Redis ${bins.redisVersion} on ${redis.port} (pid ${redis.pid}), Postgres ${bins.postgresVersion} on ${postgres.port} (pid ${postgres.pid})`);
		timings.push(`services ${((Date.now() - started) / 1000).toFixed(1)} s`);

		await packAndInstallPackage(userFolder, { build: options.build });
		sim = await startLaminaSimulator({ timeScale: SIM_TIME_SCALE, rateLimitPerMinute: 0, runDurationMs: DEFAULT_RUN_MS });
		cluster = new QueueCluster({ install, userFolder, redis, postgres });
		await cluster.allocatePorts(['main', ...WORKERS, 'webhook']);
		const home = cluster.cliHome();
		const importStarted = Date.now();
		await importCredentials(home, [{ ...CREDENTIAL, type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } }]);
		const specs = Object.values(WORKFLOWS);
		await importWorkflows(home, specs.map(prepareWorkflow));
		// Two at a time: each is a CLI start of its own, mostly CPU on two cores.
		for (let i = 0; i < specs.length; i += 2) await Promise.all(specs.slice(i, i + 2).map((spec) => publishWorkflow(home, spec.id)));
		timings.push(`import+publish ${((Date.now() - importStarted) / 1000).toFixed(1)} s`);

		const startStarted = Date.now();
		// Main first: it is the one that sets the database up; then the others together.
		const main = await cluster.start('main', 'main');
		const others = await Promise.all([...WORKERS.map((name) => cluster!.start(name, 'worker')), cluster.start('webhook', 'webhook')]);
		timings.push(`n8n processes ready ${((Date.now() - startStarted) / 1000).toFixed(1)} s`);
		for (const p of [main, ...others]) console.log(`  ${p.name.padEnd(9)} pid ${p.pid}, ${p.role === 'worker' ? 'health server' : 'http'} ${p.url}, log ${path.basename(p.logFile)}`);

		await setupOwner(cluster.mainUrl, OWNER);
		const parseFlatted = (createRequire(path.join(install.dir, 'node_modules', 'n8n', 'package.json'))('flatted') as { parse: (text: string) => unknown }).parse;
		const rest = new N8nRest(cluster.mainUrl, parseFlatted);
		await rest.login(OWNER);
		const session: Session = { cluster, sim, rest, report: countingReport, figures };
		console.log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)} s (n8n ${N8N_VERSION}, Node ${NODE_VERSION}, Redis ${bins.redisVersion}, Postgres ${bins.postgresVersion})\n`);

		const caseTimer = async (name: string, work: () => Promise<unknown>) => {
			const at = Date.now();
			await work();
			timings.push(`${name} ${((Date.now() - at) / 1000).toFixed(1)} s`);
		};
		if (wants('queue-run-app')) await caseTimer('run-app', () => caseRunApp(session));
		let earlier: WebhookDelivery | undefined;
		if (wants('queue-lamina-trigger')) await caseTimer('trigger', async () => (earlier = await caseLaminaTrigger(session)));
		if (wants('queue-trigger-burst')) await caseTimer('burst', () => caseTriggerBurst(session, earlier));
		if (wants('queue-webhook-wait')) await caseTimer('webhook-wait', () => caseWebhookWait(session));
		if (wants('queue-worker-killed')) await caseTimer('worker-killed', () => caseWorkerKilled(session));
		// Last: it restarts the workers for each measured run, the last ones in filesystem mode.
		if (wants('queue-download-outputs')) {
			await caseTimer('download (database)', () => caseDownloadOutputs(session, 'database'));
			await caseTimer('download (filesystem)', () => caseDownloadOutputs(session, 'filesystem'));
		}
	} finally {
		if (cluster) await cluster.stopAll();
		if (sim) await sim.close();
		for (const service of services.reverse()) await service.stop().catch(() => undefined);
		removeDataDir();
		process.removeListener('exit', removeDataDir);
		if (figures.length) console.log(`\nmeasured:\n  ${figures.join('\n  ')}`);
		console.log(`\nqueue e2e took ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')})`);
		if (failedBefore === 0 && !options.keep) fs.rmSync(userFolder, { recursive: true, force: true });
		else console.log(`n8n logs: ${userFolder}/n8n-{main,worker-1,worker-2,webhook}.log`);
	}
}
