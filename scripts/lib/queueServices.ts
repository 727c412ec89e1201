/**
 * Redis and Postgres for n8n's queue mode, from Debian's packages (`redis-server`, `postgresql`):
 * installed with apt-get when missing (as root, else through `sudo -n`), started on free
 * 127.0.0.1 ports with their data in a temporary folder, and stopped by PID.
 *
 * Postgres refuses to run as root: when we are root it runs as the `postgres` user the Debian
 * package creates (through `setpriv`, which execs, so the PID we hold is the postmaster's).
 * Authentication is `trust`, on 127.0.0.1 only, for a throwaway database.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { freePort } from './n8nRuntime';
import { cleanEnv, run, runOk, spawnTracked, stopChild, tail } from './proc';

const MINUTE = 60_000;

export interface ServiceProcess {
	name: string;
	pid: number;
	port: number;
	/** Stops it by its PID (and its process group); resolves once it has exited. */
	stop(): Promise<void>;
}

function log(message: string): void {
	process.stdout.write(`[queue] ${message}\n`);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a command as root: directly when we are root, else through `sudo -n` (never prompts). */
async function runAsRoot(label: string, command: string, args: string[], timeoutMs: number) {
	const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
	if (isRoot()) return await runOk(label, command, args, { env, timeoutMs });
	return await runOk(label, 'sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', command, ...args], { env, timeoutMs });
}

function findRedisServer(): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin', '/usr/sbin')) {
		const candidate = path.join(dir, 'redis-server');
		if (dir && fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

/** The newest Debian Postgres binaries folder (/usr/lib/postgresql/<major>/bin). */
function findPostgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((name) => /^\d+$/.test(name) && fs.existsSync(path.join(root, name, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : undefined;
}

export interface ServiceBinaries {
	redisServer: string;
	postgresBin: string;
	redisVersion: string;
	postgresVersion: string;
}

/** Finds redis-server and Postgres; installs the Debian packages first when one is missing. */
export async function ensureServiceBinaries(): Promise<ServiceBinaries> {
	let redisServer = findRedisServer();
	let postgresBin = findPostgresBin();
	if (!redisServer || !postgresBin) {
		const missing = [!redisServer && 'redis-server', !postgresBin && 'postgresql'].filter(Boolean) as string[];
		log(`installing ${missing.join(' and ')} with apt-get (${isRoot() ? 'as root' : 'through sudo -n'})...`);
		await runAsRoot('apt-get update', 'apt-get', ['update', '-qq'], 5 * MINUTE);
		await runAsRoot('apt-get install', 'apt-get', ['install', '-y', '-qq', ...missing], 10 * MINUTE);
		redisServer = findRedisServer();
		postgresBin = findPostgresBin();
		if (!redisServer || !postgresBin) throw new Error(`apt-get installed ${missing.join(', ')}, but redis-server or postgres is still missing`);
	}
	const redisVersion = /v=(\S+)/.exec((await run(redisServer, ['--version'], { timeoutMs: 10_000 })).stdout)?.[1] ?? '?';
	const pgOut = (await run(path.join(postgresBin, 'postgres'), ['--version'], { timeoutMs: 10_000 })).stdout;
	const postgresVersion = /(\d+\.\d+)/.exec(pgOut)?.[1] ?? '?';
	return { redisServer, postgresBin, redisVersion, postgresVersion };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, or throws after timeoutMs. */
async function waitForPort(port: number, timeoutMs: number, child: ChildProcess, what: string, output: () => string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it listened:\n${tail(output(), 20)}`);
		}
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect({ host: '127.0.0.1', port }, () => {
				socket.destroy();
				resolve(true);
			});
			socket.on('error', () => resolve(false));
			socket.setTimeout(1_000, () => {
				socket.destroy();
				resolve(false);
			});
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s:\n${tail(output(), 20)}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

function collectOutput(child: ChildProcess, logFile: string): () => string {
	const out = fs.createWriteStream(logFile, { flags: 'a' });
	let recent = '';
	const collect = (chunk: Buffer) => {
		out.write(chunk);
		recent = (recent + chunk.toString('utf8')).slice(-20_000);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	child.once('exit', () => out.end());
	return () => recent;
}

/** redis-server on a free port, no persistence, data folder `dir`. */
export async function startRedis(bins: ServiceBinaries, dir: string, logDir: string): Promise<ServiceProcess> {
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const child = spawnTracked(
		bins.redisServer,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'],
		{ cwd: dir, env: cleanEnv() },
	);
	const output = collectOutput(child, path.join(logDir, 'redis.log'));
	await waitForPort(port, 20_000, child, 'redis-server', output);
	return { name: 'redis', pid: child.pid!, port, stop: async () => await stopChild(child, 5_000) };
}

/** The account Postgres runs as: ourselves, or `postgres` when we are root. */
function postgresAccount(): { uid: number; gid: number; name: string } | undefined {
	if (!isRoot()) return undefined;
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith('postgres:'));
	if (!line) throw new Error('running as root, and there is no `postgres` user (the Debian postgresql package creates it)');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid), name: 'postgres' };
}

/** The command and arguments that run `bin args...` as the Postgres account. */
function asPostgres(account: ReturnType<typeof postgresAccount>, bin: string, args: string[]): [string, string[]] {
	if (!account) return [bin, args];
	// setpriv execs the program (runuser and su fork and wait): the PID we get is Postgres's own.
	return ['setpriv', [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--init-groups', '--', bin, ...args]];
}

export const POSTGRES_USER = 'n8n';
export const POSTGRES_DATABASE = 'n8n';

/**
 * A fresh Postgres cluster in `dir` (initdb, trust authentication on 127.0.0.1), started on a free
 * port with its socket in `dir`, plus an empty database for n8n. fsync is off: a throwaway database.
 */
export async function startPostgres(bins: ServiceBinaries, dir: string, logDir: string): Promise<ServiceProcess> {
	const account = postgresAccount();
	const dataDir = path.join(dir, 'data');
	fs.mkdirSync(dir, { recursive: true });
	if (account) fs.chownSync(dir, account.uid, account.gid);
	const env = cleanEnv({ LC_ALL: 'C', LANG: 'C' });
	const [initCommand, initArgs] = asPostgres(account, path.join(bins.postgresBin, 'initdb'), [
		'-D', dataDir, '-U', POSTGRES_USER, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions',
	]);
	await runOk('initdb', initCommand, initArgs, { cwd: dir, env, timeoutMs: 2 * MINUTE });

	const port = await freePort();
	const [command, args] = asPostgres(account, path.join(bins.postgresBin, 'postgres'), [
		'-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
	]);
	const child = spawnTracked(command, args, { cwd: dir, env });
	const output = collectOutput(child, path.join(logDir, 'postgres.log'));
	await waitForPort(port, 60_000, child, 'postgres', output);
	// The database n8n uses (the cluster's default one is `postgres`).
	const [psqlCommand, psqlArgs] = asPostgres(account, path.join(bins.postgresBin, 'psql'), [
		'-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${POSTGRES_DATABASE}`,
	]);
	await runOk('CREATE DATABASE', psqlCommand, psqlArgs, { cwd: dir, env, timeoutMs: MINUTE });

	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		// SIGINT is Postgres's "fast" shutdown (SIGTERM waits for every client to leave).
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		try {
			process.kill(child.pid!, 'SIGINT');
		} catch {
			/* gone */
		}
		const timer = setTimeout(() => void stopChild(child, 1_000), 15_000);
		await exited;
		clearTimeout(timer);
		await stopChild(child, 1_000);
	};
	return { name: 'postgres', pid: child.pid!, port, stop };
}

/** A temporary folder for the services' data, removed by the caller. */
export function serviceDataDir(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-queue-'));
	// Postgres (another user when we are root) must be able to reach its own folder inside.
	fs.chmodSync(dir, 0o711);
	return dir;
}
