/**
 * n8n in queue mode on one machine: Redis and Postgres (queueServices.ts), one main process
 * (`n8n start`), workers (`n8n worker`) and a webhook process (`n8n webhook`), all with the same
 * user folder (one install of this package serves them all), encryption key and database, each
 * on its own free ports (HTTP, worker health server, task broker). Every process logs to its own
 * file in the user folder; `whoStarted()` reads the workers' logs to say which one ran an execution.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { freePort, n8nEnv, runN8nCli, type N8nHome, type N8nInstall } from './n8nRuntime';
import { spawnLogged, stopChild, tail, killGroup } from './proc';
import { POSTGRES_DATABASE, POSTGRES_USER, type ServiceProcess } from './queueServices';

export type Role = 'main' | 'worker' | 'webhook';

export interface QueueProcess {
	/** 'main', 'worker-1', 'worker-2', 'webhook'. */
	name: string;
	role: Role;
	/** The n8n process itself (its task runner is a child in its process group). */
	pid: number;
	/** Its HTTP port: the editor/REST for main, webhooks for the webhook process, the health server for a worker. */
	port: number;
	url: string;
	logFile: string;
	/** Resolves (with how) when the process exits. */
	exited: Promise<string>;
	/** SIGTERM to its group, SIGKILL after the grace period; resolves once it has exited. */
	stop(graceMs?: number): Promise<void>;
	/** SIGKILL to its whole group at once (a crash), then waits for the exit. */
	kill(): Promise<void>;
	child: ChildProcess;
}

export interface QueueClusterOptions {
	install: N8nInstall;
	userFolder: string;
	redis: ServiceProcess;
	postgres: ServiceProcess;
	/** N8N_DEFAULT_BINARY_DATA_MODE for every process; undefined: n8n's default ('database' in queue mode). */
	binaryDataMode?: string;
	/** Extra settings for every process. */
	extraEnv?: NodeJS.ProcessEnv;
}

/**
 * Queue-mode settings shared by every process. The Bull lock and stalled-job check are shortened
 * (n8n's defaults: 60 s lock, checked every 30 s) so that a killed worker's job is given up within
 * about 30 s instead of 90 s.
 */
export const QUEUE_TIMINGS = {
	QUEUE_WORKER_LOCK_DURATION: '20000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
	QUEUE_WORKER_STALLED_INTERVAL: '10000',
} as const;

export class QueueCluster {
	readonly processes = new Map<string, QueueProcess>();
	/** Ports per process name, fixed for the run (a restart listens where it did). */
	private readonly ports = new Map<string, { port: number; brokerPort: number }>();
	webhookPort = 0;
	mainPort = 0;

	constructor(readonly options: QueueClusterOptions) {}

	get userFolder(): string {
		return this.options.userFolder;
	}

	get mainUrl(): string {
		return `http://127.0.0.1:${this.mainPort}`;
	}

	get webhookUrl(): string {
		return `http://127.0.0.1:${this.webhookPort}`;
	}

	async allocatePorts(names: string[]): Promise<void> {
		const used = new Set<number>([this.options.redis.port, this.options.postgres.port]);
		const take = async () => {
			let port = await freePort();
			while (used.has(port)) port = await freePort();
			used.add(port);
			return port;
		};
		for (const name of names) this.ports.set(name, { port: await take(), brokerPort: await take() });
		this.mainPort = this.ports.get('main')!.port;
		this.webhookPort = this.ports.get('webhook')!.port;
	}

	/** The environment of one process (or of a CLI command when `name` is 'cli'). */
	env(name: string, role: Role | 'cli'): NodeJS.ProcessEnv {
		const own = this.ports.get(name) ?? this.ports.get('main')!;
		const base = n8nEnv(this.options.userFolder, own.port, own.brokerPort, this.options.install.node);
		const settings: NodeJS.ProcessEnv = {
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.options.postgres.port),
			DB_POSTGRESDB_USER: POSTGRES_USER,
			DB_POSTGRESDB_DATABASE: POSTGRES_DATABASE,
			DB_POSTGRESDB_PASSWORD: '',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.options.redis.port),
			// Every process builds webhook and resume URLs for the webhook process.
			WEBHOOK_URL: `${this.webhookUrl}/`,
			...QUEUE_TIMINGS,
			...(this.options.binaryDataMode ? { N8N_DEFAULT_BINARY_DATA_MODE: this.options.binaryDataMode } : {}),
			...this.options.extraEnv,
		};
		if (role === 'worker') {
			Object.assign(settings, {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(own.port),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			});
		}
		return { ...base, ...settings };
	}

	/** An N8nHome for the CLI helpers of n8nRuntime (import, publish) against the cluster's database. */
	cliHome(): N8nHome {
		const main = this.ports.get('main')!;
		return {
			install: this.options.install,
			userFolder: this.options.userFolder,
			port: main.port,
			brokerPort: main.brokerPort,
			env: this.env('cli', 'cli'),
			url: this.mainUrl,
		};
	}

	async cli(args: string[], timeoutMs = 120_000) {
		return await runN8nCli(this.cliHome(), args, { timeoutMs });
	}

	/** Starts one process and resolves once its /healthz/readiness answers 200. */
	async start(name: string, role: Role, options: { readyTimeoutMs?: number; concurrency?: number } = {}): Promise<QueueProcess> {
		const ports = this.ports.get(name);
		if (!ports) throw new Error(`no ports allocated for ${name}`);
		const logFile = path.join(this.options.userFolder, `n8n-${name}.log`);
		const command = role === 'main' ? ['start'] : role === 'worker' ? ['worker', `--concurrency=${options.concurrency ?? 10}`] : ['webhook'];
		const { child, recent, exitedHow, exited } = spawnLogged(this.options.install.node.bin, [this.options.install.bin, ...command], {
			cwd: this.options.userFolder,
			env: this.env(name, role),
			logFile,
			header: `\n### ${new Date().toISOString()} starting n8n ${role}\n`,
		});
		const url = `http://127.0.0.1:${ports.port}`;
		const processInfo: QueueProcess = {
			name,
			role,
			pid: child.pid!,
			port: ports.port,
			url,
			logFile,
			exited,
			child,
			stop: async (graceMs = 15_000) => await stopChild(child, graceMs),
			kill: async () => {
				killGroup(child, 'SIGKILL');
				await exited;
			},
		};
		this.processes.set(name, processInfo);

		const timeoutMs = options.readyTimeoutMs ?? 120_000;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (exitedHow()) throw new Error(`n8n ${role} (${name}) ${exitedHow()} before it was ready:\n${tail(recent(), 30)}`);
			if (Date.now() > deadline) {
				await processInfo.stop(5_000);
				throw new Error(`n8n ${role} (${name}) was not ready within ${timeoutMs / 1000} s:\n${tail(recent(), 30)}`);
			}
			try {
				const response = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) });
				if (response.ok) break;
			} catch {
				/* not listening yet */
			}
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
		// A worker is ready once it listens to the queue; it says so in its log after the health server.
		if (role === 'worker') {
			while (!/n8n worker is now ready/.test(recent())) {
				if (exitedHow()) throw new Error(`n8n worker (${name}) ${exitedHow()}:\n${tail(recent(), 30)}`);
				if (Date.now() > deadline) throw new Error(`n8n worker (${name}) never said it was ready:\n${tail(recent(), 30)}`);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}
		return processInfo;
	}

	get(name: string): QueueProcess {
		const found = this.processes.get(name);
		if (!found) throw new Error(`no process ${name}`);
		return found;
	}

	/** Stops every n8n process (webhook and workers first, main last). */
	async stopAll(): Promise<void> {
		const order = [...this.processes.values()].sort((a, b) => Number(a.role === 'main') - Number(b.role === 'main'));
		await Promise.all(order.filter((p) => p.role !== 'main').map((p) => p.stop(10_000).catch(() => undefined)));
		await Promise.all(order.filter((p) => p.role === 'main').map((p) => p.stop(10_000).catch(() => undefined)));
	}

	/** Every "Worker started execution <id> (job <n>)" line of the workers' logs, by job number. */
	workerStarts(): Array<{ executionId: string; job: number; worker: string }> {
		const starts: Array<{ executionId: string; job: number; worker: string }> = [];
		for (const process of this.processes.values()) {
			if (process.role !== 'worker') continue;
			let text = '';
			try {
				text = fs.readFileSync(process.logFile, 'utf8');
			} catch {
				continue;
			}
			for (const match of text.matchAll(/Worker started execution (\d+) \(job (\d+)\)/g)) {
				starts.push({ executionId: match[1], job: Number(match[2]), worker: process.name });
			}
		}
		return starts.sort((a, b) => a.job - b.job);
	}

	/** The workers that started this execution, in order (a resumed execution is started again). */
	whoStarted(executionId: string): string[] {
		return this.workerStarts()
			.filter((start) => start.executionId === executionId)
			.map((start) => start.worker);
	}
}
