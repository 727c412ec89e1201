/**
 * The n8n editor in a real browser (`npm run test:editor`): Debian's Chromium, driven by
 * playwright-core, does what a user does with the Lamina nodes in a new workflow (nodes panel,
 * App list, input fields, executing, Map Automatically, what Run App's panel shows per Wait Mode,
 * the trigger's URL, the credential test, Generate Image with a model), then follows the README's Quick start as a new user.
 * One PASS/FAIL line per step, a screenshot per step in a folder it prints, then
 * `N passed, M failed`. Exit code 1 on any failure.
 *
 * By default it starts the demo's n8n (this package packed and installed as a community
 * package, the simulator, its credential) and stops it at the end. With --url it checks an
 * n8n that is already running instead, however the package was installed there.
 *
 *   --no-build            use dist/ as it is (default: `npm run build` first)
 *   --only=ID[,ID]        run only these steps (and the steps they build on); ids are
 *                         nodes-panel, canvas-subtitle, app-list, input-fields, execute, map-automatically,
 *                         panel-options, trigger-url, credential-test, publish-channels, model-generate,
 *                         quick-start
 *   --url=URL             an already-running n8n; with --email, --password (default: the demo
 *                         owner), --credential=NAME and --api-key=KEY (its Lamina credential),
 *                         --base-url=URL (the Lamina API that key is for; default Lamina's)
 *   --screenshots=DIR     where the screenshots go
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium). The first run on a machine installs
 * Node 24 and n8n into the cache (about 5 minutes).
 */
import path from 'node:path';

import { DEMO_OWNER, ensureN8n, REPO_ROOT, type Owner } from './lib/n8nRuntime';
import { CommandError, killAllChildren } from './lib/proc';
import { SIM_CREDENTIAL } from './lib/workflows';
import type { EditorBrowser } from './lib/editor/chromium';
import { startLocalEditorN8n } from './lib/editor/localN8n';
import { runEditorChecks, selectSteps } from './lib/editor/runChecks';

/** Once the cache is warm the whole run takes about a minute or two; this bounds a hang. */
const WATCHDOG_MS = 10 * 60_000;

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

let passed = 0;
let failed = 0;
const cleanups: Array<() => Promise<void>> = [];

/** Stops what this run started (browser, n8n, simulator), newest first, each within a time limit. */
async function cleanUp(): Promise<void> {
	while (cleanups.length) {
		const cleanup = cleanups.pop()!;
		await Promise.race([cleanup().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 20_000))]);
	}
}

function fail(label: string, detail: string) {
	failed++;
	console.log(`FAIL  ${label}\n        ${detail.split('\n').join('\n        ')}`);
}

let finishing = false;

async function finish(code?: number): Promise<never> {
	// The watchdog or a signal may finish while main() is still unwinding: finish once.
	if (finishing) return await new Promise<never>(() => undefined);
	finishing = true;
	await cleanUp();
	console.log('');
	console.log(`${passed} passed, ${failed} failed`);
	killAllChildren();
	process.exit(code ?? (failed > 0 || passed === 0 ? 1 : 0));
}

function stamp(): string {
	return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

async function main() {
	const only = option('only')?.split(',').filter(Boolean);
	selectSteps(only); // an unknown step id fails before anything starts

	let url = option('url');
	let owner: Owner = { ...DEMO_OWNER, email: option('email') ?? DEMO_OWNER.email, password: option('password') ?? DEMO_OWNER.password };
	let credential: { name: string; apiKey: string; baseUrl?: string } | undefined;
	let ownsN8n = false;
	let screenshotsDir = option('screenshots');
	let logs: string | undefined;

	if (url) {
		url = url.replace(/\/+$/, '');
		const apiKey = option('api-key');
		credential = apiKey ? { name: option('credential') ?? SIM_CREDENTIAL.name, apiKey, baseUrl: option('base-url') } : undefined;
		screenshotsDir ??= path.join(REPO_ROOT, '.editor', `screenshots-${stamp()}-${process.pid}`);
	} else {
		// The one-time install is outside the watchdog: it has its own time limits.
		await ensureN8n();
	}

	const watchdog = setTimeout(() => {
		fail('editor check', `did not finish within ${WATCHDOG_MS / 60_000} minutes`);
		void finish(1);
	}, WATCHDOG_MS);

	try {
		if (!url) {
			const started = Date.now();
			const n8n = await startLocalEditorN8n({ build: !flag('no-build'), onStarted: (stop) => cleanups.push(stop) });
			url = n8n.url;
			owner = n8n.owner;
			credential = n8n.credential;
			ownsN8n = true;
			screenshotsDir ??= path.join(n8n.home.userFolder, 'screenshots');
			logs = n8n.server.logFile;
			console.log(`n8n ${url} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (user folder ${n8n.home.userFolder})`);
		}
		console.log(`screenshots: ${screenshotsDir}\n`);
		const report = await runEditorChecks({
			url,
			owner,
			credential,
			ownsN8n,
			screenshotsDir: screenshotsDir!,
			only,
			onBrowser: (browser: EditorBrowser) => cleanups.push(() => browser.close()),
		});
		passed += report.passed;
		failed += report.failed;
		console.log(`\nscreenshots: ${report.screenshotsDir}`);
		if (logs) console.log(`n8n log: ${logs}`);
	} finally {
		clearTimeout(watchdog);
	}
}

process.on('SIGINT', () => {
	fail('editor check', 'interrupted');
	void finish(130);
});
process.on('SIGTERM', () => {
	fail('editor check', 'terminated');
	void finish(143);
});
process.on('exit', () => killAllChildren());

main().then(
	() => finish(),
	(error: Error) => {
		fail('editor check setup', error instanceof CommandError ? error.message : (error.stack ?? String(error)));
		void finish(1);
	},
);
