/**
 * End-to-end cases for the two install routes the README documents, each in its own fresh n8n
 * home, with the packed tarball published to a local npm registry on 127.0.0.1 (localRegistry.ts)
 * in place of registry.npmjs.org:
 *
 *  - install-community-nodes: Settings → Community Nodes → Install. n8n's own installer, through
 *    the REST call the settings page makes (`POST /rest/community-packages {name}`), with
 *    N8N_COMMUNITY_PACKAGES_REGISTRY pointing at the local registry. Then: n8n lists the package,
 *    /types/nodes.json has both nodes, a Run App workflow created through the REST API runs in
 *    the server (a manual execution, as the editor's Execute button starts one) against the
 *    simulator, and all of it survives a restart.
 *  - install-manual: `mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes && npm install n8n-nodes-lamina`
 *    (npm's registry set to the local one), then n8n restarted: the same nodes and run, and what
 *    n8n does not know about a hand-installed package.
 *
 * One thing differs from a user's n8n on the installer route, and the first check shows why:
 * n8n only lets its installer use a registry other than registry.npmjs.org with an Enterprise
 * license feature (`feat:communityNodesCustomRegistry`; FeatureNotLicensedError otherwise).
 * The case starts n8n with E2E_TESTS=true, n8n's own switch for its end-to-end tests, which lets
 * a test turn single license features on (`PATCH /rest/e2e/feature`), and turns on that one.
 *
 * startN8nWithPackageInstalled() is the installer route as a function, for other checks (the
 * editor check searches the nodes panel of such an n8n).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { startLaminaSimulator, type LaminaSimulator } from '../../test/simulator';
import { runEditorChecks } from './editor/runChecks';
import { log, node24Env, PACKAGE_NAME } from './n8nCache';
import { N8nRestClient } from './n8nRest';
import {
	buildPackage,
	createN8nHome,
	freePort,
	packPackage,
	REPO_ROOT,
	setupOwner,
	startN8nServer,
	type N8nHome,
	type N8nHomeKind,
	type N8nServer,
	type Owner,
} from './n8nRuntime';
import { run, tail } from './proc';
import { startLocalRegistry, type LocalRegistry } from './localRegistry';
import { loadWorkflow, type WorkflowFile } from './workflows';

export type Report = (ok: boolean, label: string, detail?: string) => void;
type Json = Record<string, any>;

export const INSTALL_CASE_NAMES = ['install-community-nodes', 'install-manual'] as const;
export type InstallCaseName = (typeof INSTALL_CASE_NAMES)[number];

export const INSTALL_OWNER: Owner = { email: 'install@example.com', firstName: 'Lamina', lastName: 'Install', password: 'LaminaInstall1' };

/** The license feature n8n asks for before its installer may use another registry (its own constant). */
function customRegistryFeature(home: N8nHome): string {
	const constants = createRequire(path.join(home.install.dir, 'node_modules', 'n8n', 'package.json'))('@n8n/constants') as {
		LICENSE_FEATURES: Record<string, string>;
	};
	const feature = constants.LICENSE_FEATURES.COMMUNITY_NODES_CUSTOM_REGISTRY;
	if (!feature) throw new Error(`n8n ${home.install.version} names no COMMUNITY_NODES_CUSTOM_REGISTRY license feature`);
	return feature;
}
const NODE_TYPES = [`${PACKAGE_NAME}.lamina`, `${PACKAGE_NAME}.laminaTrigger`];
const RUN_WORKFLOW = 'examples/run-an-app.json';
const MINUTE = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// n8n's REST API for these cases
// ---------------------------------------------------------------------------------------------

/** What `GET /rest/community-packages` lists (n8n's PublicInstalledPackage). */
export interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	installedNodes: Array<{ name: string; type: string; latestVersion: number }>;
	failedLoading?: boolean;
	updateAvailable?: string;
}

export class InstallRest extends N8nRestClient {
	constructor(
		url: string,
		private readonly home: N8nHome,
	) {
		super(url, 'lamina-e2e-install');
	}

	/** What the settings page's Install button sends for a package typed by hand (unverified). */
	async installPackage(name: string): Promise<InstalledPackage> {
		return await this.post<InstalledPackage>('/community-packages', { name }, { timeoutMs: 5 * MINUTE });
	}

	/**
	 * n8n runs `npm outdated` (against npm's default registry) for the update badges before it
	 * answers. n8n 1.x runs npm with a stripped environment (PATH and NODE_PATH only), which on a
	 * machine that reaches registry.npmjs.org through a proxy with its own CA makes npm retry for
	 * about 70 s before it gives up: the list then takes that long.
	 */
	async installedPackages(): Promise<InstalledPackage[]> {
		const started = Date.now();
		const list = await this.get<InstalledPackage[]>('/community-packages', { timeoutMs: 3 * MINUTE });
		const seconds = (Date.now() - started) / 1000;
		if (seconds > 10) console.log(`        info: GET /rest/community-packages took ${seconds.toFixed(0)} s (n8n's npm outdated)`);
		return list;
	}

	/** The names in one of the type lists the editor loads (`/types/…json`: not under /rest; signed in). */
	private async typeNames(file: 'nodes' | 'credentials'): Promise<string[]> {
		const response = await fetch(`${this.url}/types/${file}.json`, {
			headers: { cookie: this.cookie, 'browser-id': this.browserId },
			signal: AbortSignal.timeout(30_000),
		});
		if (!response.ok) throw new Error(`GET /types/${file}.json answered ${response.status}`);
		return ((await response.json()) as Array<{ name: string }>).map((type) => type.name);
	}

	async nodeTypes(): Promise<string[]> {
		return await this.typeNames('nodes');
	}

	async credentialTypes(): Promise<string[]> {
		return await this.typeNames('credentials');
	}

	/** Creates a credential and the workflow (with its Lamina nodes using it); returns their ids. */
	async createRunAppWorkflow(sim: LaminaSimulator): Promise<{ workflowId: string; triggerName: string; laminaNodeName: string }> {
		const credential = await this.post<{ id: string; name: string }>('/credentials', {
			name: 'Lamina (install e2e simulator)',
			type: 'laminaApi',
			data: { apiKey: sim.apiKey, baseUrl: sim.url },
		});
		const file: WorkflowFile = loadWorkflow(RUN_WORKFLOW);
		const trigger = file.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
		const lamina = file.nodes.find((node) => node.type === `${PACKAGE_NAME}.lamina`);
		assert.ok(trigger && lamina, `${RUN_WORKFLOW} has no manual trigger or no Lamina node`);
		const nodes = file.nodes.map((node) =>
			node.credentials?.laminaApi ? { ...node, credentials: { ...node.credentials, laminaApi: { id: credential.id, name: credential.name } } } : node,
		);
		const workflow = await this.post<{ id: string }>('/workflows', {
			name: `${file.name} (install e2e)`,
			nodes,
			connections: file.connections,
			settings: file.settings ?? { executionOrder: 'v1' },
			active: false,
		});
		return { workflowId: String(workflow.id), triggerName: trigger.name, laminaNodeName: lamina.name };
	}

	/**
	 * A manual execution, as the editor's Execute button starts one; waits for it to end and
	 * returns it with its run data. n8n 2.x reads `triggerToStartFrom`, 1.x `workflowData`.
	 */
	async runManually(workflowId: string, triggerName: string): Promise<{ status: string; data: Json }> {
		const workflow = await this.get<Json>(`/workflows/${workflowId}`);
		const started = await this.post<{ executionId?: string }>(`/workflows/${workflowId}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: triggerName },
		});
		assert.ok(started?.executionId, `POST /rest/workflows/${workflowId}/run gave ${JSON.stringify(started)}`);
		const parse = (createRequire(path.join(this.home.install.dir, 'node_modules', 'n8n', 'package.json'))('flatted') as { parse: (text: string) => unknown }).parse;
		const deadline = Date.now() + 60_000;
		for (;;) {
			const execution = await this.get<Json>(`/executions/${started.executionId}`);
			if (!['new', 'running', 'waiting'].includes(String(execution.status))) {
				const data = typeof execution.data === 'string' ? (parse(execution.data) as Json) : (execution.data as Json);
				return { status: String(execution.status), data };
			}
			if (Date.now() > deadline) throw new Error(`execution ${started.executionId} is still "${String(execution.status)}" after 60 s`);
			await sleep(300);
		}
	}
}

function lastItems(data: Json, nodeName: string): Json[] {
	const runs = (data.resultData?.runData?.[nodeName] ?? []) as Json[];
	return ((runs[runs.length - 1]?.data?.main?.[0] ?? []) as Json[]).map((item) => item.json as Json);
}

// ---------------------------------------------------------------------------------------------
// The installer route as a reusable function
// ---------------------------------------------------------------------------------------------

export interface N8nWithInstalledPackage {
	url: string;
	owner: Owner;
	home: N8nHome;
	server: N8nServer;
	registry: LocalRegistry;
	/** What n8n's installer answered. */
	installed: InstalledPackage;
	/** Signed in as the owner. */
	rest: InstallRest;
	/** Stops n8n and the registry (the user folder stays: remove home.userFolder when done). */
	stop(): Promise<void>;
}

/**
 * A fresh user folder for one install case: `.e2e/install-<case>-<time>-<pid>` (not `run-…`,
 * which is the CLI cases' own folder, found by its pid).
 */
export function installUserFolder(caseName: string, kind: N8nHomeKind = 'e2e'): string {
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	const root = path.join(REPO_ROOT, `.${kind}`);
	fs.mkdirSync(root, { recursive: true });
	return fs.mkdtempSync(path.join(root, `install-${caseName}-${stamp}-${process.pid}-`));
}

/** A packed tarball of the built package in a temporary folder (removed with the folder). */
async function packToTemp(build: boolean): Promise<{ tarball: string; dir: string }> {
	if (build) await buildPackage();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-install-pack-'));
	return { tarball: await packPackage(dir), dir };
}

/**
 * Publishes the packed package to a local registry, starts a fresh n8n (`version`, default
 * N8N_VERSION) whose installer uses that registry, signs in as the owner and installs
 * n8n-nodes-lamina through n8n's installer (the settings page's REST call). The caller stops it.
 * `beforeInstall` runs after sign-in and before the license feature is turned on (for checks).
 */
export async function startN8nWithPackageInstalled(
	options: {
		version?: string;
		build?: boolean;
		kind?: N8nHomeKind;
		owner?: Owner;
		beforeInstall?: (rest: InstallRest) => Promise<void>;
	} = {},
): Promise<N8nWithInstalledPackage> {
	const owner = options.owner ?? INSTALL_OWNER;
	const packed = await packToTemp(!!options.build);
	let registry: LocalRegistry | undefined;
	let server: N8nServer | undefined;
	try {
		// n8n's installer needs nothing but the package (it has no dependencies): no uplink.
		registry = await startLocalRegistry({ port: await freePort() });
		await registry.publish(packed.tarball);
		const home = await createN8nHome(options.kind ?? 'e2e', { version: options.version, userFolder: installUserFolder('community-nodes', options.kind) });
		home.env = { ...home.env, N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url, E2E_TESTS: 'true' };
		server = await startN8nServer(home, { readyTimeoutMs: 90_000 });
		await setupOwner(home.url, owner);
		const rest = new InstallRest(home.url, home);
		await rest.login(owner);
		await options.beforeInstall?.(rest);
		const enabled = await fetch(`${home.url}/rest/e2e/feature`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ feature: customRegistryFeature(home), enabled: true }),
			signal: AbortSignal.timeout(15_000),
		});
		if (!enabled.ok) throw new Error(`PATCH /rest/e2e/feature answered ${enabled.status}: ${(await enabled.text()).slice(0, 300)}`);
		const installed = await rest.installPackage(PACKAGE_NAME);
		const liveServer = server;
		const liveRegistry = registry;
		return {
			url: home.url,
			owner,
			home,
			server: liveServer,
			registry: liveRegistry,
			installed,
			rest,
			stop: async () => {
				await liveServer.stop();
				await liveRegistry.stop();
			},
		};
	} catch (error) {
		await server?.stop().catch(() => undefined);
		await registry?.stop().catch(() => undefined);
		throw error;
	} finally {
		fs.rmSync(packed.dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/** One report() line per check; after a failed required check the rest of the case fails too. */
class Checks {
	private broken: string | undefined;
	failed = 0;

	constructor(
		private readonly name: string,
		private readonly report: Report,
		private readonly logFile: () => string | undefined,
	) {}

	async check(label: string, verify: () => Promise<void> | void, required = false): Promise<boolean> {
		const full = `${this.name} › ${label}`;
		if (this.broken) {
			this.failed++;
			this.report(false, full, `not checked: ${this.broken}`);
			return false;
		}
		try {
			await verify();
			this.report(true, full);
			return true;
		} catch (error) {
			this.failed++;
			const file = this.logFile();
			let logs = '';
			if (file && fs.existsSync(file)) {
				const lines = fs.readFileSync(file, 'utf8').split('\n').filter((line) => /error|warn|lamina|community|package/i.test(line));
				logs = lines.length ? `\nn8n server log:\n${tail(lines.join('\n'), 15)}` : '';
			}
			this.report(false, full, `${(error as Error).message}${logs}`);
			if (required) this.broken = `"${label}" failed`;
			return false;
		}
	}

	async require(label: string, verify: () => Promise<void> | void): Promise<boolean> {
		return await this.check(label, verify, true);
	}

	fail(label: string, why: string) {
		this.failed++;
		this.report(false, `${this.name} › ${label}`, why);
		this.broken = this.broken ?? `"${label}" failed`;
	}
}

async function checkNodesAndRun(
	checks: Checks,
	rest: InstallRest,
	sim: LaminaSimulator,
	what: string,
	editor: { url: string; owner: Owner; screenshotsDir: string },
): Promise<void> {
	await checks.require(`/types/nodes.json lists ${NODE_TYPES.join(' and ')}${what}`, async () => {
		const types = await rest.nodeTypes();
		const missing = NODE_TYPES.filter((type) => !types.includes(type));
		assert.deepEqual(missing, [], `missing: ${missing.join(', ')}; Lamina-like types: ${JSON.stringify(types.filter((type) => /lamina/i.test(type)))}`);
	});
	await checks.check('in the editor (Chromium), searching "Lamina" in the nodes panel finds Lamina Trigger and Lamina, and adds both', async () => {
		const lines: string[] = [];
		const result = await runEditorChecks({ ...editor, only: ['nodes-panel'], log: (line) => lines.push(line) });
		assert.equal(result.failed, 0, `${lines.join('\n')}\nscreenshots: ${result.screenshotsDir}`);
	});
	await checks.check('/types/credentials.json lists the laminaApi credential', async () => {
		assert.ok((await rest.credentialTypes()).includes('laminaApi'));
	});
	await checks.check(`Run App (${path.basename(RUN_WORKFLOW)}, created through the REST API) runs in the server as a manual execution: run completed, Hero Image`, async () => {
		const runsBefore = sim.runs.size;
		const { workflowId, triggerName, laminaNodeName } = await rest.createRunAppWorkflow(sim);
		const execution = await rest.runManually(workflowId, triggerName);
		const error = execution.data.resultData?.error as Json | undefined;
		assert.equal(execution.status, 'success', `status ${execution.status}${error ? `: ${String(error.message)} ${String(error.description ?? '')}` : ''}`);
		const [item] = lastItems(execution.data, laminaNodeName);
		assert.equal(item?.status, 'completed', `${laminaNodeName} put out ${JSON.stringify(item).slice(0, 300)}`);
		assert.equal(item.appId, 'app_portrait');
		assert.match(String(item.outputsByLabel?.['Hero Image']), /^https?:\/\//);
		assert.equal(sim.runs.size, runsBefore + 1, 'the simulator should have got exactly one run');
	});
}

/** Removes a passing case's user folder (unless --keep); says where the logs are otherwise. */
function keepOrRemove(home: N8nHome, checks: Checks, keep: boolean): string {
	if (checks.failed === 0 && !keep) {
		fs.rmSync(home.userFolder, { recursive: true, force: true });
		return '';
	}
	return `; n8n logs: ${path.join(home.userFolder, 'n8n-server.log')}`;
}

// ---------------------------------------------------------------------------------------------
// install-community-nodes
// ---------------------------------------------------------------------------------------------

async function installThroughN8n(report: Report, sim: LaminaSimulator, version: string | undefined, keep: boolean): Promise<void> {
	const started = Date.now();
	let n8n: N8nWithInstalledPackage | undefined;
	let home: N8nHome | undefined;
	const checks = new Checks('install-community-nodes', report, () => home && path.join(home.userFolder, 'n8n-server.log'));
	let refused = '';
	try {
		n8n = await startN8nWithPackageInstalled({
			version,
			beforeInstall: async (rest) => {
				try {
					await rest.installPackage(PACKAGE_NAME);
					refused = 'n8n installed from the custom registry without the license feature';
				} catch (error) {
					refused = (error as Error).message;
				}
			},
		});
		home = n8n.home;
	} catch (error) {
		checks.fail('n8n installs n8n-nodes-lamina from the local registry through POST /rest/community-packages', (error as Error).message);
	}
	await checks.check('without the Enterprise license feature for a custom registry, n8n refuses its installer another registry', () => {
		assert.match(refused, /licen[cs]e/i, refused);
		console.log(`        info: n8n answered: ${refused.replace(/\s+/g, ' ').slice(0, 200)}`);
	});
	if (!n8n) return;
	const { rest, installed } = n8n;
	const version_ = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
	try {
		await checks.require(`POST /rest/community-packages {name} installed ${PACKAGE_NAME}@${version_} with the Lamina and Lamina Trigger nodes`, () => {
			assert.equal(installed.packageName, PACKAGE_NAME);
			assert.equal(installed.installedVersion, version_);
			assert.deepEqual(installed.installedNodes.map((node) => node.type).sort(), [...NODE_TYPES].sort());
		});
		await checks.check('GET /rest/community-packages (the Settings → Community Nodes list) lists it, loaded', async () => {
			const list = await rest.installedPackages();
			const mine = list.find((p) => p.packageName === PACKAGE_NAME);
			assert.ok(mine, `listed: ${JSON.stringify(list.map((p) => p.packageName))}`);
			assert.equal(mine.installedVersion, version_);
			assert.notEqual(mine.failedLoading, true, 'failedLoading');
		});
		await checks.check(`it is in .n8n/nodes/node_modules/${PACKAGE_NAME}, in n8n's nodes/package.json, without peer dependencies (no n8n-workflow copy)`, () => {
			const nodesDir = path.join(n8n!.home.userFolder, '.n8n', 'nodes');
			const manifest = JSON.parse(fs.readFileSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8')) as Json;
			assert.equal(manifest.version, version_);
			assert.equal(manifest.peerDependencies, undefined, 'n8n should strip peerDependencies');
			const ledger = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8')) as Json;
			assert.equal(ledger.dependencies?.[PACKAGE_NAME], version_, `nodes/package.json: ${JSON.stringify(ledger)}`);
			assert.ok(!fs.existsSync(path.join(nodesDir, 'node_modules', 'n8n-workflow')), 'n8n-workflow was installed next to the package');
		});
		await checkNodesAndRun(checks, rest, sim, '', { url: n8n.url, owner: n8n.owner, screenshotsDir: path.join(n8n.home.userFolder, 'screenshots') });

		// The same after a restart: n8n loads the package from its database record and the folder.
		await n8n.server.stop();
		const restarted = await startN8nServer(n8n.home, { readyTimeoutMs: 90_000 });
		n8n.server = restarted;
		await rest.login(n8n.owner);
		await checks.check('after an n8n restart: still listed, and /types/nodes.json still has both nodes', async () => {
			const list = await rest.installedPackages();
			assert.ok(list.some((p) => p.packageName === PACKAGE_NAME && !p.failedLoading), JSON.stringify(list));
			const types = await rest.nodeTypes();
			assert.deepEqual(NODE_TYPES.filter((type) => !types.includes(type)), []);
		});
	} finally {
		await n8n.server.stop();
		await n8n.registry.stop();
		console.log(`        (install-community-nodes took ${((Date.now() - started) / 1000).toFixed(1)} s${keepOrRemove(n8n.home, checks, keep)})`);
	}
}

// ---------------------------------------------------------------------------------------------
// install-manual
// ---------------------------------------------------------------------------------------------

async function installByHand(report: Report, sim: LaminaSimulator, version: string | undefined, keep: boolean): Promise<void> {
	const started = Date.now();
	let home: N8nHome | undefined;
	const checks = new Checks('install-manual', report, () => home && path.join(home.userFolder, 'n8n-server.log'));
	let registry: LocalRegistry | undefined;
	let server: N8nServer | undefined;
	let packed: { tarball: string; dir: string } | undefined;
	try {
		packed = await packToTemp(false);
		// `npm install` also fetches the n8n-workflow peer dependency: this registry has an uplink.
		registry = await startLocalRegistry({ port: await freePort(), uplink: true });
		await registry.publish(packed.tarball);
		home = await createN8nHome('e2e', { version, userFolder: installUserFolder('manual') });
		const nodesDir = path.join(home.userFolder, '.n8n', 'nodes');

		// A user who installs by hand has run n8n before (the README says "restart n8n").
		server = await startN8nServer(home, { readyTimeoutMs: 90_000 });
		await server.stop();
		server = undefined;

		const npmEnv = node24Env(home.install.node, { npm_config_registry: `${registry.url}/` });
		let installOutput = '';
		await checks.require(`\`mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes && npm install ${PACKAGE_NAME}\` succeeds (npm under the Node 24 that runs n8n)`, async () => {
			fs.mkdirSync(nodesDir, { recursive: true });
			// npm installs into the nearest folder up with a package.json: that must be nodes/ itself
			// (n8n writes one there at start), never the repository this user folder lives in.
			const prefix = await run('npm', ['prefix'], { cwd: nodesDir, env: npmEnv, timeoutMs: 30_000 });
			assert.equal(prefix.stdout.trim(), nodesDir, `npm would install into ${prefix.stdout.trim()}: nodes/ has no package.json`);
			const result = await run('npm', ['install', PACKAGE_NAME], { cwd: nodesDir, env: npmEnv, timeoutMs: 10 * MINUTE });
			installOutput = `${result.stdout}\n${result.stderr}`;
			assert.equal(result.code, 0, `npm install exited ${result.code}${result.timedOut ? ' (timed out)' : ''}:\n${tail(installOutput, 25)}`);
			log(`npm install ${PACKAGE_NAME} took ${Math.round(result.durationMs / 1000)} s`);
		});
		await checks.check('npm put the package in nodes/node_modules and in nodes/package.json', () => {
			const manifest = JSON.parse(fs.readFileSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8')) as Json;
			assert.ok(manifest.version);
			const ledger = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8')) as Json;
			assert.ok(ledger.dependencies?.[PACKAGE_NAME], JSON.stringify(ledger));
			const peer = path.join(nodesDir, 'node_modules', 'n8n-workflow', 'package.json');
			const peerVersion = fs.existsSync(peer) ? (JSON.parse(fs.readFileSync(peer, 'utf8')) as Json).version : undefined;
			const count = fs.readdirSync(path.join(nodesDir, 'node_modules')).filter((name) => !name.startsWith('.')).length;
			console.log(
				`        info: nodes/node_modules holds ${count} top-level entries; the n8n-workflow peer ${peerVersion ? `was installed too (${String(peerVersion)})` : 'was not installed'}`,
			);
		});

		server = await startN8nServer(home, { readyTimeoutMs: 90_000 });
		await setupOwner(home.url, INSTALL_OWNER);
		const rest = new InstallRest(home.url, home);
		await rest.login(INSTALL_OWNER);
		await checkNodesAndRun(checks, rest, sim, ' after the restart', { url: home.url, owner: INSTALL_OWNER, screenshotsDir: path.join(home.userFolder, 'screenshots') });
		await checks.check('n8n does not list a hand-installed package: GET /rest/community-packages (Settings → Community Nodes) is empty', async () => {
			const list = await rest.installedPackages();
			assert.deepEqual(list.map((p) => p.packageName), []);
		});
	} catch (error) {
		checks.fail('setup', (error as Error).stack ?? String(error));
	} finally {
		await server?.stop().catch(() => undefined);
		await registry?.stop().catch(() => undefined);
		if (packed) fs.rmSync(packed.dir, { recursive: true, force: true });
		console.log(`        (install-manual took ${((Date.now() - started) / 1000).toFixed(1)} s${home ? keepOrRemove(home, checks, keep) : ''})`);
	}
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/**
 * Runs the selected install cases, each in a fresh n8n home of `version` (dist/ must be built),
 * one n8n at a time, with one simulator for both.
 */
export async function runInstallCases(report: Report, selected: readonly InstallCaseName[], options: { version?: string; keep?: boolean } = {}): Promise<void> {
	if (selected.length === 0) return;
	const started = Date.now();
	const sim = await startLaminaSimulator({});
	try {
		if (selected.includes('install-community-nodes')) await installThroughN8n(report, sim, options.version, !!options.keep);
		if (selected.includes('install-manual')) await installByHand(report, sim, options.version, !!options.keep);
	} finally {
		await sim.close();
		console.log(`\ninstall cases took ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
}
