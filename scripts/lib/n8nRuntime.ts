/**
 * A real n8n for demos and end-to-end tests, following /work/shared/N8N.md: Node 24 and n8n
 * come from the cache (n8nCache.ts), each run gets a fresh user folder, and this package is
 * installed into it the way n8n installs community packages.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { ensureN8n, log, node24Env, PACKAGE_NAME, type N8nInstall, type Node24 } from './n8nCache';
import { cleanEnv, CommandError, processAlive, run, runOk, spawnLogged, stopChild, tail, type RunResult } from './proc';

export { cacheRoot, ensureN8n, ensureNode24, N8N_1X_VERSION, N8N_VERSION, NODE_VERSION, PACKAGE_NAME, resolveN8nVersion } from './n8nCache';
export type { N8nInstall, Node24 } from './n8nCache';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Fixed so that credentials imported by the CLI can be read by the server of the same run. */
export const ENCRYPTION_KEY = 'n8n-nodes-lamina-local-only-not-a-secret';

const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// Ports, user folders and this package
// ---------------------------------------------------------------------------------------------

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
	return await new Promise<number>((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** Which tool a user folder is for; each has its git-ignored `.<kind>/` folder. */
export type N8nHomeKind = 'demo' | 'e2e' | 'editor';

/**
 * A fresh, empty n8n user folder under the repository's git-ignored `.<kind>/` folder, named
 * by time and process id so that runs never share one. Older folders of the same kind beyond
 * the newest `keep` are removed (unless their run is still going).
 */
export function createUserFolder(kind: N8nHomeKind, keep = 3): string {
	const root = path.join(REPO_ROOT, `.${kind}`);
	fs.mkdirSync(root, { recursive: true });
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	const folder = path.join(root, `run-${stamp}-${process.pid}`);
	fs.mkdirSync(folder, { recursive: true });
	const older = fs
		.readdirSync(root)
		.filter((name) => name.startsWith('run-') && path.join(root, name) !== folder)
		.sort()
		.reverse();
	for (const name of older.slice(keep)) {
		// A folder whose run is still going (its pid is in the name) stays: a demo may be serving from it.
		const pid = Number(/-(\d+)$/.exec(name)?.[1]);
		if (pid && processAlive(pid)) continue;
		fs.rmSync(path.join(root, name), { recursive: true, force: true });
	}
	return folder;
}

/** `npm run build` in the repository (tsc + icons into dist/). */
export async function buildPackage(): Promise<void> {
	log('building the package (npm run build)...');
	const result = await runOk('npm run build', 'npm', ['run', 'build'], { cwd: REPO_ROOT, env: cleanEnv(), timeoutMs: 5 * MINUTE });
	log(`built in ${Math.round(result.durationMs / 1000)} s`);
}

/**
 * Packs the built package (`npm pack`) and installs the tarball into the user folder the way
 * n8n 2.x installs a community package: unpacked into `.n8n/nodes/node_modules/<name>`, dev,
 * peer and optional dependencies removed from its package.json, then `npm install` inside it.
 * n8n then names the types `n8n-nodes-lamina.<node>`.
 */
export async function packAndInstallPackage(userFolder: string, options: { build?: boolean } = {}): Promise<string> {
	if (options.build) await buildPackage();
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-pack-'));
	try {
		const tarball = await packPackage(work);
		await runOk('tar -xzf', 'tar', ['-xzf', tarball, '-C', work], { timeoutMs: MINUTE });
		const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		fs.rmSync(target, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.cpSync(path.join(work, 'package'), target, { recursive: true });

		const manifestPath = path.join(target, 'package.json');
		const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
		for (const key of ['devDependencies', 'peerDependencies', 'peerDependenciesMeta', 'optionalDependencies']) {
			delete manifest[key];
		}
		fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
		await runOk('npm install (in the installed package)', 'npm', ['install', '--ignore-scripts', '--package-lock=false', '--no-audit', '--no-fund', '--omit=dev'], {
			cwd: target,
			env: cleanEnv(),
			timeoutMs: 5 * MINUTE,
		});
		log(`installed ${PACKAGE_NAME}@${String(manifest.version)} into ${target}`);
		return target;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

/** `npm pack` of the built package (dist/ must exist) into `destination`; returns the tarball's path. */
export async function packPackage(destination: string): Promise<string> {
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	const packed = await runOk('npm pack', 'npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		env: cleanEnv(),
		timeoutMs: 2 * MINUTE,
	});
	return path.join(destination, parsePackJson(packed.stdout));
}

function parsePackJson(stdout: string): string {
	// `npm pack --json` prints an array; anything a script printed before it is skipped.
	const start = stdout.indexOf('[');
	const parsed = JSON.parse(stdout.slice(start)) as Array<{ filename: string }>;
	if (!parsed[0]?.filename) throw new Error(`npm pack printed no file name:\n${stdout}`);
	// Scoped names come back as "@scope/name-1.0.0.tgz" in some npm versions but are written flat.
	return parsed[0].filename.replace(/^@/, '').replace('/', '-');
}

// ---------------------------------------------------------------------------------------------
// Running n8n
// ---------------------------------------------------------------------------------------------

/** One n8n "home": a user folder plus the ports and environment every command in it uses. */
export interface N8nHome {
	install: N8nInstall;
	userFolder: string;
	port: number;
	brokerPort: number;
	env: NodeJS.ProcessEnv;
	url: string;
}

/**
 * Everything N8N.md lists to keep n8n local, quiet and isolated, plus Node 24 first on PATH.
 * `major` is n8n's major version: 1.x has no mcp-registry module (it refuses to start when told
 * to disable an unknown module) and no N8N_EXPRESSION_ENGINE.
 */
export function n8nEnv(userFolder: string, port: number, brokerPort: number, node?: Node24, major = 2): NodeJS.ProcessEnv {
	const n8nSettings: NodeJS.ProcessEnv = {
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		// With the default engine the CLI intermittently hangs or crashes at exit on this machine.
		N8N_EXPRESSION_ENGINE: 'legacy',
		// The CLI's --rawOutput result goes through the logger: keep it at info.
		N8N_LOG_LEVEL: 'info',
		// The editor is served over plain http on 127.0.0.1: a secure cookie would never be sent back.
		N8N_SECURE_COOKIE: 'false',
	};
	if (major < 2) {
		delete n8nSettings.N8N_DISABLED_MODULES;
		delete n8nSettings.N8N_EXPRESSION_ENGINE;
	}
	return node ? node24Env(node, n8nSettings) : cleanEnv(n8nSettings);
}

/**
 * A new home (free ports) for n8n `version` (default N8N_VERSION), in `userFolder` when given,
 * else in a fresh createUserFolder(kind).
 */
export async function createN8nHome(kind: N8nHomeKind, options: { version?: string; userFolder?: string } = {}): Promise<N8nHome> {
	const install = await ensureN8n(options.version);
	const userFolder = options.userFolder ?? createUserFolder(kind);
	fs.mkdirSync(userFolder, { recursive: true });
	const port = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	return {
		install,
		userFolder,
		port,
		brokerPort,
		env: n8nEnv(userFolder, port, brokerPort, install.node, install.major),
		url: `http://127.0.0.1:${port}`,
	};
}

/** One n8n CLI command in the home's user folder, time-limited. */
export async function runN8nCli(home: N8nHome, args: string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
	const result = await run(home.install.node.bin, [home.install.bin, ...args], {
		cwd: home.userFolder,
		env: home.env,
		timeoutMs: options.timeoutMs ?? 2 * MINUTE,
	});
	fs.appendFileSync(
		path.join(home.userFolder, 'n8n-cli.log'),
		`\n### n8n ${args.join(' ')} (code ${result.code}${result.timedOut ? ', timed out' : ''}, ${result.durationMs} ms)\n${result.stdout}\n${result.stderr}\n`,
	);
	return result;
}

async function runN8nCliOk(home: N8nHome, label: string, args: string[], expect: RegExp, timeoutMs = 2 * MINUTE) {
	const result = await runN8nCli(home, args, { timeoutMs });
	const output = `${result.stdout}\n${result.stderr}`;
	// Import commands log an error and still exit 0 in some cases: also require their success line.
	if (result.code !== 0 || result.timedOut || !expect.test(output)) {
		const why = result.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${result.code}`;
		throw new CommandError(`n8n ${label} failed (${why})\n${tail(output, 30)}`, result);
	}
	return result;
}

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** `n8n import:credentials` for one or more credentials in one call; plain `data` is encrypted on import. */
export async function importCredentials(home: N8nHome, credentials: CredentialToImport[]): Promise<void> {
	if (credentials.length === 0) return;
	const file = path.join(home.userFolder, 'import', `credentials-${Date.now()}.json`);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
	const count = credentials.length;
	await runN8nCliOk(
		home,
		'import:credentials',
		['import:credentials', `--input=${file}`],
		new RegExp(`Successfully imported ${count} credentials?`, 'i'),
	);
}

export async function importCredential(home: N8nHome, credential: CredentialToImport): Promise<void> {
	await importCredentials(home, [credential]);
}

/** `n8n import:workflow`; the workflow must carry its `id` (at most 21 characters). Returns it. */
export async function importWorkflow(home: N8nHome, workflow: { id: string; name: string }): Promise<string> {
	if (!workflow.id || workflow.id.length > 21) throw new Error(`workflow id must be 1..21 characters: ${workflow.id}`);
	const file = path.join(home.userFolder, 'import', `workflow-${workflow.id}.json`);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(workflow, null, 2));
	const result = await runN8nCliOk(home, 'import:workflow', ['import:workflow', `--input=${file}`], /Successfully imported 1 workflow/i);
	if (/Skipped workflow/i.test(result.stdout + result.stderr)) {
		throw new Error(`n8n skipped workflow "${workflow.name}" on import:\n${tail(result.stdout + result.stderr, 20)}`);
	}
	return workflow.id;
}

/** Several workflows in one `n8n import:workflow --separate` (one CLI start instead of one each). */
function needsActiveField(version: string): boolean {
	const [major, minor] = version.split('.').map(Number);
	return major === 1 && minor < 100;
}

export async function importWorkflows(home: N8nHome, workflows: Array<{ id: string; name: string }>): Promise<string[]> {
	if (workflows.length === 0) return [];
	const dir = path.join(home.userFolder, 'import', `workflows-${Date.now()}`);
	fs.mkdirSync(dir, { recursive: true });
	for (const workflow of workflows) {
		if (!workflow.id || workflow.id.length > 21) throw new Error(`workflow id must be 1..21 characters: ${workflow.id}`);
		// Older n8n 1.x (1.85) refuses a workflow file without `active` (a NOT NULL column); newer ones default it.
		const file = 'active' in workflow || !needsActiveField(home.install.version) ? workflow : { ...workflow, active: false };
		fs.writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(file, null, 2));
	}
	const count = workflows.length;
	const result = await runN8nCliOk(
		home,
		'import:workflow',
		['import:workflow', '--separate', `--input=${dir}`],
		new RegExp(`Successfully imported ${count} workflows?`, 'i'),
	);
	if (/Skipped|Skipping/i.test(result.stdout + result.stderr)) {
		throw new Error(`n8n skipped a workflow on import:\n${tail(result.stdout + result.stderr, 20)}`);
	}
	return workflows.map((workflow) => workflow.id);
}

/**
 * Activates a workflow (triggers and webhooks) while the server is stopped: `n8n
 * publish:workflow` in 2.x, `n8n update:workflow --active=true` in 1.x (which has no publish).
 */
export async function publishWorkflow(home: N8nHome, id: string): Promise<void> {
	if (home.install.major < 2) {
		await runN8nCliOk(home, 'update:workflow', ['update:workflow', `--id=${id}`, '--active=true'], /will not take effect if n8n is running/);
		return;
	}
	await runN8nCliOk(home, 'publish:workflow', ['publish:workflow', `--id=${id}`], /Changes will not take effect/);
}

/** The parts of n8n's run data (IRun) the scripts read. */
export interface N8nRun {
	finished?: boolean;
	status?: string;
	data: {
		resultData: {
			error?: { message?: string; description?: string; node?: { name?: string } } & Record<string, unknown>;
			lastNodeExecuted?: string;
			runData: Record<
				string,
				Array<{
					executionStatus?: string;
					error?: { message?: string; description?: string } & Record<string, unknown>;
					data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
				}>
			>;
		};
	};
}

export interface ExecuteResult {
	/** true when n8n exited 0 and the run has no error. */
	ok: boolean;
	code: number | null;
	timedOut: boolean;
	durationMs: number;
	/** The run data n8n printed (on success, and also on failure: n8n logs it then). */
	run?: N8nRun;
	stdout: string;
	stderr: string;
}

/** `n8n execute --id=… --rawOutput`, with the run data it prints parsed out of its output. */
export async function executeWorkflow(home: N8nHome, id: string, options: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
	const result = await runN8nCli(home, ['execute', `--id=${id}`, '--rawOutput'], { timeoutMs: options.timeoutMs ?? 2 * MINUTE });
	const parsed = findJsonObjects(result.stdout).concat(findJsonObjects(result.stderr));
	const run = parsed.find((value): value is N8nRun => isRun(value));
	return {
		ok: result.code === 0 && !result.timedOut && !!run && !run.data.resultData.error,
		code: result.code,
		timedOut: result.timedOut,
		durationMs: result.durationMs,
		run,
		stdout: result.stdout,
		stderr: result.stderr,
	};
}

function isRun(value: unknown): value is N8nRun {
	const data = (value as N8nRun | undefined)?.data;
	return typeof data === 'object' && data !== null && typeof data.resultData?.runData === 'object';
}

/**
 * Every top-level JSON object in a command's output, however many log lines surround it:
 * a candidate starts at a line beginning with `{`; it ends at the first later line beginning
 * with `}` that makes the text between parse (n8n prints its result with 2-space indentation).
 */
export function findJsonObjects(output: string): unknown[] {
	const lines = output.split(/\r?\n/);
	const found: unknown[] = [];
	for (let start = 0; start < lines.length; start++) {
		if (!lines[start].startsWith('{')) continue;
		for (let end = start; end < lines.length; end++) {
			if (!/^\}/.test(lines[end]) && !(end === start && lines[end].trimEnd().endsWith('}'))) continue;
			try {
				const text = lines.slice(start, end + 1).join('\n').trim();
				found.push(JSON.parse(text));
				start = end;
				break;
			} catch {
				/* not the end of this object yet */
			}
		}
	}
	return found;
}

/** The items a node put out in the run (first run, first output); [] when it did not run. */
export function nodeItems(run: N8nRun | undefined, nodeName: string): Array<Record<string, unknown>> {
	const main = run?.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [];
	return main.map((item) => item.json);
}

/** A short description of why a run failed, for messages. */
export function describeFailure(result: ExecuteResult): string {
	if (result.timedOut) return `n8n execute timed out after ${Math.round(result.durationMs / 1000)} s`;
	const error = result.run?.data.resultData.error;
	if (error) {
		const where = error.node?.name ? ` in node "${error.node.name}"` : '';
		return `${error.message ?? 'error'}${where}${error.description ? ` (${error.description})` : ''}`;
	}
	return `n8n execute exited ${result.code}:\n${tail(`${result.stdout}\n${result.stderr}`, 25)}`;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

export interface N8nServer {
	url: string;
	pid: number;
	logFile: string;
	/** Resolves (with how) when the server process exits, whether stopped or not. */
	exited: Promise<string>;
	stop(): Promise<void>;
}

/**
 * `n8n start` in the home; resolves once it is ready (`/healthz/readiness` answers 200, which
 * implies `/healthz` does). stop() sends SIGTERM to its process group and SIGKILL after `graceMs`.
 */
export async function startN8nServer(
	home: N8nHome,
	options: { readyTimeoutMs?: number; graceMs?: number; echo?: boolean } = {},
): Promise<N8nServer> {
	const logFile = path.join(home.userFolder, 'n8n-server.log');
	const { child, recent, exitedHow, exited } = spawnLogged(home.install.node.bin, [home.install.bin, 'start'], {
		cwd: home.userFolder,
		env: home.env,
		logFile,
		echo: options.echo,
	});
	const stop = async () => {
		await stopChild(child, options.graceMs ?? 10_000);
	};

	const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
	for (;;) {
		const how = exitedHow();
		if (how) throw new Error(`n8n start ${how} before it was ready:\n${tail(recent(), 30)}`);
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start did not answer /healthz within ${(options.readyTimeoutMs ?? 90_000) / 1000} s:\n${tail(recent(), 30)}`);
		}
		try {
			// /healthz says 200 seconds before the REST routes exist (meanwhile they answer
			// "n8n is starting up" and then 404); /healthz/readiness turns 200 once they are mounted.
			const response = await fetch(`${home.url}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) });
			// n8n 1.x says ready a moment before its REST routes answer (login is a 404 meanwhile).
			if (response.ok && (await fetch(`${home.url}/rest/settings`, { signal: AbortSignal.timeout(2_000) })).ok) break;
		} catch {
			/* not listening yet */
		}
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	return { url: home.url, pid: child.pid!, logFile, exited, stop };
}

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

/** Local-only login for the demo's throwaway n8n (n8n wants 8+ characters, a digit and a capital). */
export const DEMO_OWNER: Owner = {
	email: 'demo@example.com',
	firstName: 'Lamina',
	lastName: 'Demo',
	password: 'LaminaDemo1',
};

/** Turns the fresh instance's placeholder owner into a real account, so one can log straight in. */
export async function setupOwner(url: string, owner: Owner = DEMO_OWNER): Promise<void> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const response = await fetch(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
			signal: AbortSignal.timeout(15_000),
		});
		if (response.ok) return;
		const body = (await response.text()).slice(0, 500);
		// Still starting up (routes not mounted yet): try again for a while.
		if ((response.status === 404 || response.status === 503) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			continue;
		}
		throw new Error(`POST /rest/owner/setup answered ${response.status}: ${body}`);
	}
}

/** Logs in like the editor's form does; true when n8n accepts the owner's password. */
export async function canLogIn(url: string, owner: Owner = DEMO_OWNER): Promise<boolean> {
	const response = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		signal: AbortSignal.timeout(15_000),
	});
	return response.ok && /n8n-auth=/.test(response.headers.get('set-cookie') ?? '');
}
