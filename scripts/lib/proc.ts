/**
 * Child processes with a time limit, run in their own process group so that a timeout (or a
 * stop) also ends what they started (n8n starts a task-runner process of its own).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Kill the whole process group after this long (SIGTERM, then SIGKILL). Required: nothing runs unbounded. */
	timeoutMs: number;
	/** Copy the child's output to ours as it arrives (for long installs). */
	echo?: boolean;
	/** Written to the child's stdin, then closed. Default: stdin is closed at once. */
	input?: string;
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	timedOut: boolean;
	durationMs: number;
}

export class CommandError extends Error {
	constructor(
		message: string,
		public readonly result: RunResult,
	) {
		super(message);
	}
}

/** Sends a signal to the child's whole process group (the child leads it: spawned `detached`). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

/**
 * Stops a child: SIGTERM to its group, SIGKILL after `graceMs` if it has not exited.
 * Resolves once it has exited.
 */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	// The leader is gone; make sure nothing it started lingers.
	killGroup(child, 'SIGKILL');
	if (child.pid !== undefined) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* group empty */
		}
	}
}

/** Whether a process with this id exists (also when it belongs to another user). */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const live = new Set<ChildProcess>();

/** Kills every child still running (used on Ctrl-C and on unexpected exits). */
export function killAllChildren(): void {
	for (const child of live) killGroup(child, 'SIGKILL');
}

/** Starts a long-lived child in its own process group; the caller stops it with stopChild(). */
export function spawnTracked(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv },
): ChildProcess {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	live.add(child);
	child.once('exit', () => live.delete(child));
	return child;
}

/** A long-running child whose output goes to a log file, with the last of it kept for messages. */
export interface LoggedChild {
	child: ChildProcess;
	/** The last output (at most `keepChars`), e.g. for "exited before it was ready" errors. */
	recent(): string;
	/** How it exited ("exited with 1"), once it has; undefined while it runs. */
	exitedHow(): string | undefined;
	/** Resolves with exitedHow() when it exits; the log file is closed then. */
	exited: Promise<string>;
}

/** spawnTracked, with stdout and stderr appended to `logFile` (after `header`, if given). */
export function spawnLogged(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string; header?: string; keepChars?: number; echo?: boolean },
): LoggedChild {
	const out = fs.createWriteStream(options.logFile, { flags: 'a' });
	if (options.header) out.write(options.header);
	const child = spawnTracked(command, args, { cwd: options.cwd, env: options.env });
	const keep = options.keepChars ?? 20_000;
	let recent = '';
	const collect = (chunk: Buffer) => {
		out.write(chunk);
		recent = (recent + chunk.toString('utf8')).slice(-keep);
		if (options.echo) process.stdout.write(chunk);
	};
	child.stdout!.on('data', collect);
	child.stderr!.on('data', collect);
	let how: string | undefined;
	const exited = new Promise<string>((resolve) =>
		child.once('exit', (code, signal) => {
			how = `exited with ${code ?? signal}`;
			out.end();
			resolve(how);
		}),
	);
	return { child, recent: () => recent, exitedHow: () => how, exited };
}

export async function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const started = Date.now();
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	live.add(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8');
	child.stderr!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		stdout += chunk;
		if (options.echo) process.stdout.write(chunk);
	});
	child.stderr!.on('data', (chunk: string) => {
		stderr += chunk;
		if (options.echo) process.stderr.write(chunk);
	});
	child.stdin!.on('error', () => undefined);
	child.stdin!.end(options.input ?? '');

	let timedOut = false;
	let killTimer: NodeJS.Timeout | undefined;
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup(child, 'SIGTERM');
		killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
	}, options.timeoutMs);

	return await new Promise<RunResult>((resolve, reject) => {
		child.once('error', (error) => {
			clearTimeout(timer);
			live.delete(child);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			if (killTimer) clearTimeout(killTimer);
			live.delete(child);
			// Whatever the leader left behind in its group goes with it.
			if (child.pid !== undefined) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					/* group already empty */
				}
			}
			resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
		});
	});
}

/** run(), but throws a CommandError (with the output's tail) unless the exit code is 0. */
export async function runOk(label: string, command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0 || result.timedOut) {
		const why = result.timedOut
			? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
			: `exited with ${result.code ?? result.signal}`;
		throw new CommandError(`${label} ${why}\n${tail(result.stdout + '\n' + result.stderr, 40)}`, result);
	}
	return result;
}

export function tail(text: string, lines: number): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** npm settings from the environment that say where and how to reach a registry: kept. */
const KEPT_NPM_CONFIG = new Set(
	['registry', 'proxy', 'https_proxy', 'noproxy', 'cafile', 'ca', 'strict_ssl', 'cache', 'userconfig', 'globalconfig'].map(
		(name) => `npm_config_${name}`,
	),
);

/**
 * The environment without what `npm run` injects (npm_package_*, npm_lifecycle_*, and every
 * project setting as npm_config_*: the project's `ignore-scripts=true` would otherwise stop
 * `npm rebuild` in the n8n cache from building anything), without N8N_* settings of the caller
 * (each n8n here gets exactly the environment n8nEnv() gives it), plus `extra`.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		const lower = key.toLowerCase();
		if (lower.startsWith('npm_') && !KEPT_NPM_CONFIG.has(lower)) continue;
		if (key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key.startsWith('N8N_')) continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}
