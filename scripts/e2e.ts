/**
 * End-to-end tests inside a real n8n (`npm run test:e2e`): builds and packs this package,
 * installs it into a fresh n8n user folder as a community package, starts the Lamina simulator,
 * imports credentials and the cases' workflows, runs each with `n8n execute` and checks the
 * results. Then the server cases (scripts/lib/e2eServerCases.ts) run inside `n8n start`: the
 * Lamina Trigger's production webhook and Run App's "Wait for Webhook" resume.
 * One line per check, then `N passed, M failed`. Exit code 1 on any failure.
 *
 * Then the install cases (scripts/lib/e2eInstallCases.ts), each in its own n8n: the package
 * published to a local npm registry and installed through n8n's Community Nodes installer, and
 * by hand with `npm install` in ~/.n8n/nodes.
 *
 *   --no-build     use dist/ as it is (default: `npm run build` first)
 *   --keep         keep the n8n user folders (default: removed when everything passed)
 *   --only=NAME    run only the cases whose name contains NAME (e.g. --only=install)
 *   --n8n=VERSION  the n8n to run: 2 (default, N8N_VERSION), 1 (N8N_1X_VERSION) or x.y.z
 *   --cli-only     only the `n8n execute` cases (no server, no install cases)
 *   --queue        instead, the queue-mode checks (scripts/lib/e2eQueue.ts): Redis and Postgres
 *                  (Debian packages, installed with apt-get when missing), an n8n main process, two
 *                  workers and a webhook process; about 5 minutes
 *
 * The first run on a machine installs Node 24 and n8n into the cache (about 5 minutes).
 */
import fs from 'node:fs';

import { fixtureApps, startLaminaSimulator, type LaminaSimulator } from '../test/simulator';
import { E2E_CASES, E2E_CREDENTIALS, EXTRA_E2E_APPS, type CaseContext, type E2eCase, type SimAppSummary } from './lib/e2eCases';
import { INSTALL_CASE_NAMES, runInstallCases } from './lib/e2eInstallCases';
import { runQueueE2e } from './lib/e2eQueue';
import { runServerCases, SERVER_CASE_NAMES } from './lib/e2eServerCases';
import {
	buildPackage,
	createN8nHome,
	describeFailure,
	ensureN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	nodeItems,
	packAndInstallPackage,
	resolveN8nVersion,
	type ExecuteResult,
	type N8nHome,
} from './lib/n8nRuntime';
import { CommandError, killAllChildren } from './lib/proc';
import { assertDistinctIds, loadWorkflow } from './lib/workflows';

/** After the cache is warm the CLI and server cases take a few minutes; this bounds a hang. */
const WATCHDOG_MS = 5 * 60_000;
/** The install cases start three more n8n and run `npm install` once: more time for them. */
const INSTALL_WATCHDOG_MS = 8 * 60_000;
/** The queue-mode run takes 6 to 10 minutes (the memory comparison runs 3 times each in database mode); this bounds a hang. */
const QUEUE_WATCHDOG_MS = 16 * 60_000;
const EXECUTE_TIMEOUT_MS = 90_000;

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const n8nVersion = resolveN8nVersion(args.find((arg) => arg.startsWith('--n8n='))?.slice('--n8n='.length));

let passed = 0;
let failed = 0;

function report(ok: boolean, label: string, detail?: string) {
	if (ok) passed++;
	else failed++;
	const line = `${ok ? 'PASS' : 'FAIL'}  ${label}`;
	console.log(detail && !ok ? `${line}\n        ${detail.split('\n').join('\n        ')}` : line);
}

function finish(code?: number): never {
	console.log('');
	console.log(`${passed} passed, ${failed} failed`);
	killAllChildren();
	process.exit(code ?? (failed > 0 || passed === 0 ? 1 : 0));
}

function contextFor(result: ExecuteResult, sim: LaminaSimulator, simApps: SimAppSummary[], n8nMajor: number): CaseContext {
	const run = result.run;
	const raw = run?.data.resultData.error;
	return {
		result,
		run,
		items: (nodeName) => nodeItems(run, nodeName),
		error: raw
			? {
					message: String(raw.message ?? ''),
					description: String(raw.description ?? ''),
					nodeName: raw.node?.name ?? run?.data.resultData.lastNodeExecuted,
				}
			: undefined,
		sim,
		simApps,
		n8nMajor,
	};
}

async function runCase(home: N8nHome, testCase: E2eCase, id: string, sim: LaminaSimulator, simApps: SimAppSummary[]) {
	testCase.setup?.(sim);
	try {
		await runCaseAndCheck(home, testCase, id, sim, simApps);
	} finally {
		testCase.teardown?.(sim);
	}
}

async function runCaseAndCheck(home: N8nHome, testCase: E2eCase, id: string, sim: LaminaSimulator, simApps: SimAppSummary[]) {
	const result = await executeWorkflow(home, id, { timeoutMs: EXECUTE_TIMEOUT_MS });
	const seconds = (result.durationMs / 1000).toFixed(1);
	const prefix = `${testCase.name} ›`;
	if (testCase.expect === 'success') {
		report(result.ok, `${prefix} workflow runs through in n8n (${seconds} s)`, result.ok ? undefined : describeFailure(result));
	} else {
		const stoppedWithError = !result.timedOut && result.code !== 0 && !!result.run?.data.resultData.error;
		report(
			stoppedWithError,
			`${prefix} workflow stops with an error in n8n, as it should (${seconds} s)`,
			stoppedWithError ? undefined : result.ok ? 'the workflow succeeded' : describeFailure(result),
		);
	}
	if (!result.run) {
		for (const check of testCase.checks) report(false, `${prefix} ${check.label}`, 'no run data from n8n');
		return;
	}
	const ctx = contextFor(result, sim, simApps, home.install.major);
	for (const check of testCase.checks) {
		try {
			check.verify(ctx);
			report(true, `${prefix} ${check.label}`);
		} catch (error) {
			report(false, `${prefix} ${check.label}`, (error as Error).message);
		}
	}
}

async function mainQueue() {
	// The one-time installs (n8n's cache, Redis and Postgres) are outside the watchdog: they have their own limits.
	await ensureN8n();
	const watchdog = setTimeout(() => {
		report(false, `queue e2e did not finish within ${QUEUE_WATCHDOG_MS / 60_000} minutes`);
		finish(1);
	}, QUEUE_WATCHDOG_MS);
	try {
		await runQueueE2e(report, { build: !flag('no-build'), keep: flag('keep'), only });
	} finally {
		clearTimeout(watchdog);
	}
}

async function main() {
	const selected = (name: string) => !only || name.includes(only);
	const cases = E2E_CASES.filter((testCase) => selected(testCase.name));
	const serverCases = flag('cli-only') ? [] : SERVER_CASE_NAMES.filter(selected);
	const installCases = flag('cli-only') ? [] : INSTALL_CASE_NAMES.filter(selected);
	if (cases.length === 0 && serverCases.length === 0 && installCases.length === 0) throw new Error(`no case matches --only=${only}`);

	// The one-time install is outside the watchdog: it has its own time limits.
	const install = await ensureN8n(n8nVersion);
	console.log(`n8n ${install.version} (${install.bin})`);
	const limitMs = (cases.length + serverCases.length > 0 ? WATCHDOG_MS : 0) + (installCases.length > 0 ? INSTALL_WATCHDOG_MS : 0);
	const watchdog = setTimeout(() => {
		report(false, `e2e did not finish within ${limitMs / 60_000} minutes`);
		finish(1);
	}, limitMs);

	const started = Date.now();
	const sim = await startLaminaSimulator({});
	// More apps than Lamina lists in one answer, after the fixtures (so their order is kept).
	const template = fixtureApps().find((app) => app.appId === 'app_caption')!;
	const extraApps = Array.from({ length: EXTRA_E2E_APPS }, (_, i) => ({ ...template, appId: `app_extra_${i + 1}`, name: `Extra App ${i + 1}`, description: `Number ${i + 1} of many` }));
	for (const app of extraApps) sim.addApp(app);
	const allApps = [...fixtureApps(), ...extraApps];
	let home: N8nHome | undefined;
	try {
		if (cases.length + serverCases.length === 0) {
			if (!flag('no-build')) await buildPackage();
			await runInstallCases(report, installCases, { version: n8nVersion, keep: flag('keep') });
			return;
		}
		home = await createN8nHome('e2e', { version: n8nVersion });
		console.log(`n8n user folder: ${home.userFolder}`);
		await packAndInstallPackage(home.userFolder, { build: !flag('no-build') });
		await importCredentials(home, E2E_CREDENTIALS(sim));
		const workflows = cases.map((testCase) => loadWorkflow(testCase.workflow));
		assertDistinctIds(workflows);
		if (workflows.length > 0) await importWorkflows(home, workflows);

		// The oracle: every app the simulator holds, in its order (its API lists at most 100).
		const simApps: SimAppSummary[] = allApps.map(({ appId, name, description }) => ({ appId, name, description }));
		console.log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)} s; running ${cases.length} workflow${cases.length === 1 ? '' : 's'} in n8n\n`);

		for (const [index, testCase] of cases.entries()) {
			await runCase(home, testCase, workflows[index].id, sim, simApps);
		}

		await runServerCases(home, report, serverCases);
		await runInstallCases(report, installCases, { version: n8nVersion, keep: flag('keep') });
	} finally {
		clearTimeout(watchdog);
		await sim.close();
		console.log(`\ne2e took ${((Date.now() - started) / 1000).toFixed(1)} s (after the cache check)`);
		if (home) {
			if (failed === 0 && !flag('keep')) fs.rmSync(home.userFolder, { recursive: true, force: true });
			else console.log(`n8n logs: ${home.userFolder}/n8n-cli.log, ${home.userFolder}/n8n-server.log`);
		}
	}
}

process.on('SIGINT', () => {
	report(false, 'interrupted');
	finish(130);
});
process.on('SIGTERM', () => {
	report(false, 'terminated');
	finish(143);
});

(flag('queue') ? mainQueue() : main()).then(
	() => finish(),
	(error: Error) => {
		// A failed command's message already carries its output; anything else gets its stack.
		report(false, 'e2e setup', error instanceof CommandError ? error.message : (error.stack ?? String(error)));
		finish(1);
	},
);
