/**
 * The cache of Node 24 and n8n outside the repository (N8N.md): installed once per machine,
 * idempotently (a `.ready` marker is written only after a complete, verified install), and
 * reused by every demo, e2e and CI run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cleanEnv, CommandError, processAlive, run, runOk, tail, type RunResult } from './proc';

export const NODE_VERSION = '24.21.0';
export const N8N_VERSION = '2.40.7';
export const PACKAGE_NAME = 'n8n-nodes-lamina';

const MINUTE = 60_000;

export function log(message: string): void {
	process.stdout.write(`[n8n-runtime] ${message}\n`);
}

export function cacheRoot(): string {
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, PACKAGE_NAME);
}

export interface Node24 {
	/** The node binary. */
	bin: string;
	/** Its folder, to put first on PATH. */
	binDir: string;
	/** The package folder (has include/ for native builds): npm_config_nodedir. */
	packageDir: string;
}

export interface N8nInstall {
	node: Node24;
	/** n8n's bin script, run with node.bin. */
	bin: string;
	dir: string;
}

function readyMarker(dir: string): string {
	return path.join(dir, '.ready');
}

/**
 * Only one process installs into a cache folder at a time; others wait for it to finish.
 * The lock (a folder holding the installer's pid) is taken over when its process is gone
 * (a run killed mid-install) or when it is older than `staleMs`.
 */
async function withInstallLock<T>(dir: string, staleMs: number, work: () => Promise<T>): Promise<T> {
	fs.mkdirSync(dir, { recursive: true });
	const lock = path.join(dir, '.install-lock');
	const pidFile = path.join(lock, 'pid');
	for (let announced = false; ; ) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(pidFile, String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let age = 0;
			let owner = NaN;
			try {
				age = Date.now() - fs.statSync(lock).mtimeMs;
				owner = Number(fs.readFileSync(pidFile, 'utf8'));
			} catch {
				/* being created or removed right now: look again */
			}
			const ownerGone = Number.isInteger(owner) && owner > 0 && !processAlive(owner);
			// A lock without a pid after a minute was left by a process killed between mkdir and write.
			if (ownerGone || age > staleMs || (!owner && age > 60_000)) {
				log(`taking over an abandoned install lock in ${dir}`);
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!announced) log(`another process (pid ${owner}) is installing into ${dir}; waiting for it...`);
			announced = true;
			await new Promise((resolve) => setTimeout(resolve, 3_000));
		}
	}
	try {
		return await work();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/** Prints a line every 30 s while a long step runs, so a silent npm does not look hung. */
async function withHeartbeat<T>(what: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	const timer = setInterval(() => log(`  ...${what} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
	try {
		return await work();
	} finally {
		clearInterval(timer);
	}
}

function appendLog(dir: string, title: string, result: RunResult): void {
	fs.appendFileSync(
		path.join(dir, 'install.log'),
		`\n### ${title} (${new Date().toISOString()}, ${result.durationMs} ms, code ${result.code})\n${result.stdout}\n${result.stderr}\n`,
	);
}

async function npmStep(dir: string, title: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
	log(`${title}...`);
	const result = await withHeartbeat(title, () => run('npm', args, { cwd: dir, env, timeoutMs }));
	appendLog(dir, `npm ${args.join(' ')}`, result);
	if (result.code !== 0 || result.timedOut) {
		throw new CommandError(
			`${title} failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}); see ${path.join(dir, 'install.log')}\n${tail(result.stderr || result.stdout, 30)}`,
			result,
		);
	}
	log(`${title}: done in ${Math.round(result.durationMs / 1000)} s`);
}

function node24Paths(): Node24 & { dir: string } {
	const dir = path.join(cacheRoot(), `node-${NODE_VERSION}`);
	const packageDir = path.join(dir, 'node_modules', `node-${process.platform}-${process.arch}`);
	const binDir = path.join(packageDir, 'bin');
	return { dir, packageDir, binDir, bin: path.join(binDir, 'node') };
}

/** Node 24 from the npm registry (package node-<platform>-<arch>), installed once into the cache. */
export async function ensureNode24(): Promise<Node24> {
	const paths = node24Paths();
	const { dir, bin, binDir, packageDir } = paths;
	const node = { bin, binDir, packageDir };
	if (fs.existsSync(readyMarker(dir)) && fs.existsSync(bin)) return node;
	return await withInstallLock(dir, 15 * MINUTE, async () => {
		if (fs.existsSync(readyMarker(dir)) && fs.existsSync(bin)) return node;
		log(`Node ${NODE_VERSION} is not in the cache yet: installing it into ${dir}`);
		const pkg = path.join(dir, 'package.json');
		if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, JSON.stringify({ name: 'node24', private: true }) + '\n');
		await npmStep(
			dir,
			`npm install node-${process.platform}-${process.arch}@${NODE_VERSION}`,
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', `node-${process.platform}-${process.arch}@${NODE_VERSION}`],
			cleanEnv(),
			10 * MINUTE,
		);
		const version = await runOk('node --version', bin, ['--version'], { env: cleanEnv(), timeoutMs: 30_000 });
		if (version.stdout.trim() !== `v${NODE_VERSION}`) {
			throw new Error(`${bin} reports ${version.stdout.trim()}, expected v${NODE_VERSION}`);
		}
		fs.writeFileSync(readyMarker(dir), `${new Date().toISOString()}\n`);
		return node;
	});
}

/** The environment for npm and n8n under Node 24: its bin first on PATH, native builds against its headers. */
export function node24Env(node: Node24, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return cleanEnv({
		PATH: `${node.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: node.packageDir,
		...extra,
	});
}

/**
 * n8n, installed once into the cache with Node 24: `npm i --ignore-scripts n8n@…` (a Kafka
 * package's install script downloads from the internet and fails), then the two native modules
 * n8n needs are rebuilt for Node 24. About 5 minutes and 3 GB the first time.
 */
export async function ensureN8n(): Promise<N8nInstall> {
	const node = await ensureNode24();
	const dir = path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const install = { node, bin, dir };
	if (fs.existsSync(readyMarker(dir)) && fs.existsSync(bin)) return install;
	return await withInstallLock(dir, 45 * MINUTE, async () => {
		if (fs.existsSync(readyMarker(dir)) && fs.existsSync(bin)) return install;
		log(`n8n ${N8N_VERSION} is not in the cache yet: installing it into ${dir} (about 5 minutes, 3 GB; once per machine)`);
		const pkg = path.join(dir, 'package.json');
		if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, JSON.stringify({ name: 'n8n-runtime', private: true }) + '\n');
		const env = node24Env(node);
		await npmStep(
			dir,
			`npm install n8n@${N8N_VERSION}`,
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', `n8n@${N8N_VERSION}`],
			env,
			25 * MINUTE,
		);
		await npmStep(dir, 'npm rebuild sqlite3 isolated-vm (native modules for Node 24)', ['rebuild', 'sqlite3', 'isolated-vm'], env, 20 * MINUTE);
		const version = await runOk('n8n --version', node.bin, [bin, '--version'], { cwd: dir, env, timeoutMs: 2 * MINUTE });
		if (!version.stdout.includes(N8N_VERSION)) {
			throw new Error(`n8n --version printed ${JSON.stringify(version.stdout.trim())}, expected ${N8N_VERSION}`);
		}
		fs.writeFileSync(readyMarker(dir), `${new Date().toISOString()}\n`);
		log(`n8n ${N8N_VERSION} is ready`);
		return install;
	});
}

