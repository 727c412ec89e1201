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
/**
 * For n8n versions whose `engines` stop below Node 24 (n8n 1.x before about 1.100 says
 * `<= 22`): the e2e can then run the oldest n8n this package supports (README: Compatibility).
 */
export const NODE_22_VERSION = '22.23.5';
/** The n8n the demo, benches and e2e run by default. */
export const N8N_VERSION = '2.40.7';
/**
 * The newest n8n 1.x that installs here (`npm view n8n@1 version`): e2e runs its CLI cases on it
 * too (`--n8n=1`). n8n 1.123 wants Node >=20.19 <=24.x; it runs under the same Node 24 as 2.x.
 */
export const N8N_1X_VERSION = '1.123.81';
/**
 * Every n8n-nodes-base 1.x depends on `xlsx` as a tarball URL on cdn.sheetjs.com, which cannot be
 * reached from here (only the npm registry can): the cache's n8n 1.x gets SheetJS's last release
 * on the npm registry instead. Only n8n's spreadsheet nodes use it; nothing here runs them.
 */
const N8N_1X_OVERRIDES = { xlsx: '0.18.5' };
/** Short names accepted wherever a version is asked for (`--n8n=1`, `--n8n=2`). */
export function resolveN8nVersion(spec: string | undefined): string {
	if (!spec || spec === '2' || spec === '2.x') return N8N_VERSION;
	if (spec === '1' || spec === '1.x') return N8N_1X_VERSION;
	if (!/^\d+\.\d+\.\d+$/.test(spec)) throw new Error(`n8n version must be 1, 2 or x.y.z, not ${JSON.stringify(spec)}`);
	return spec;
}
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
	/** The n8n version installed, e.g. "2.40.7". */
	version: string;
	/** Its major version (1 or 2): where n8n's behaviour differs, code asks this. */
	major: number;
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

function node24Paths(nodeVersion: string = NODE_VERSION): Node24 & { dir: string } {
	const dir = path.join(cacheRoot(), `node-${nodeVersion}`);
	const packageDir = path.join(dir, 'node_modules', `node-${process.platform}-${process.arch}`);
	const binDir = path.join(packageDir, 'bin');
	return { dir, packageDir, binDir, bin: path.join(binDir, 'node') };
}

/** Node 24 from the npm registry (package node-<platform>-<arch>), installed once into the cache. */
export async function ensureNode24(nodeVersion: string = NODE_VERSION): Promise<Node24> {
	const NODE_VERSION = nodeVersion;
	const paths = node24Paths(nodeVersion);
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
 * n8n `version` (default N8N_VERSION), installed once into the cache folder `n8n-<version>` with
 * Node 24: `npm i --ignore-scripts n8n@…` (a Kafka package's install script downloads from the
 * internet and fails), then the native modules n8n has (sqlite3; isolated-vm in 2.x) are rebuilt
 * for Node 24. About 5 minutes and 3 GB the first time, per version.
 */
/** The Node an n8n version runs under: 24, unless its `engines` stop at 22 (asked of the registry once). */
async function nodeVersionFor(version: string): Promise<string> {
	const major = Number(version.split('.')[0]);
	const minor = Number(version.split('.')[1]);
	if (major >= 2 || (major === 1 && minor >= 100)) return NODE_VERSION;
	const asked = await runOk('npm view engines', 'npm', ['view', `n8n@${version}`, 'engines.node'], { env: cleanEnv(), timeoutMs: 60_000 });
	const range = asked.stdout.trim();
	return /<=?\s*2[0-3](\D|$)/.test(range) ? NODE_22_VERSION : NODE_VERSION;
}

export async function ensureN8n(version: string = N8N_VERSION): Promise<N8nInstall> {
	const node = await ensureNode24(await nodeVersionFor(version));
	const dir = path.join(cacheRoot(), `n8n-${version}`);
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const install: N8nInstall = { node, bin, dir, version, major: Number(version.split('.')[0]) };
	if (fs.existsSync(readyMarker(dir)) && fs.existsSync(bin)) return install;
	return await withInstallLock(dir, 45 * MINUTE, async () => {
		if (fs.existsSync(readyMarker(dir)) && fs.existsSync(bin)) return install;
		log(`n8n ${version} is not in the cache yet: installing it into ${dir} (about 5 minutes, 3 GB; once per machine)`);
		// Written every time, so that a folder left by an older attempt gets the overrides too.
		const overrides = install.major === 1 ? N8N_1X_OVERRIDES : undefined;
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true, ...(overrides && { overrides }) }) + '\n');
		const env = node24Env(node);
		await npmStep(
			dir,
			`npm install n8n@${version}`,
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', `n8n@${version}`],
			env,
			25 * MINUTE,
		);
		const native = ['sqlite3', 'isolated-vm'].filter((name) => fs.existsSync(path.join(dir, 'node_modules', name, 'package.json')));
		await npmStep(dir, `npm rebuild ${native.join(' ')} (native modules for Node 24)`, ['rebuild', ...native], env, 20 * MINUTE);
		const printed = await runOk('n8n --version', node.bin, [bin, '--version'], { cwd: dir, env, timeoutMs: 2 * MINUTE });
		if (!printed.stdout.includes(version)) {
			throw new Error(`n8n --version printed ${JSON.stringify(printed.stdout.trim())}, expected ${version}`);
		}
		fs.writeFileSync(readyMarker(dir), `${new Date().toISOString()}\n`);
		log(`n8n ${version} is ready`);
		return install;
	});
}

/**
 * A tool from the npm registry (e.g. verdaccio), installed once with Node 24's npm settings into
 * the cache folder `<name>-<version>` (install scripts off) and reused. Returns the package's
 * folder (`<dir>/node_modules/<name>`).
 */
export async function ensureCachedTool(name: string, version: string): Promise<{ node: Node24; packageDir: string }> {
	const node = await ensureNode24();
	const dir = path.join(cacheRoot(), `${name}-${version}`);
	const packageDir = path.join(dir, 'node_modules', name);
	const done = () => fs.existsSync(readyMarker(dir)) && fs.existsSync(path.join(packageDir, 'package.json'));
	if (done()) return { node, packageDir };
	return await withInstallLock(dir, 15 * MINUTE, async () => {
		if (done()) return { node, packageDir };
		log(`${name} ${version} is not in the cache yet: installing it into ${dir}`);
		const pkg = path.join(dir, 'package.json');
		if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, JSON.stringify({ name: `${name}-runtime`, private: true }) + '\n');
		await npmStep(dir, `npm install ${name}@${version}`, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', `${name}@${version}`], node24Env(node), 10 * MINUTE);
		fs.writeFileSync(readyMarker(dir), `${new Date().toISOString()}\n`);
		return { node, packageDir };
	});
}
