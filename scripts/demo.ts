/**
 * A real n8n with this package installed, talking to the local Lamina simulator (`npm run demo`).
 *
 * Builds and packs the package, installs it into a fresh n8n user folder under .demo/, starts
 * the simulator, imports a credential pointing at it and the workflows in examples/, starts
 * n8n on 127.0.0.1 and prints where to log in. Runs until Ctrl-C, then stops everything.
 *
 * The examples are written for real users (credential "Lamina account", App left to pick from the
 * list); they are imported filled for the simulator: its credential, apps and inputs
 * (`SIMULATOR_FILLS` in lib/workflows.ts, applied by loadWorkflow).
 *
 *   --headless   instead of starting the editor, run each example workflow with
 *                `n8n execute` and print what the Lamina nodes put out; exit 1 on failure
 *   --full       (headless) print every item in full
 *   --port=N     editor port (default 5678 when free, else any free port)
 *   --no-build   use dist/ as it is
 *
 * The first run on a machine installs Node 24 and n8n into the cache (about 5 minutes).
 */
import { startLaminaSimulator } from '../test/simulator';
import {
	canLogIn,
	createN8nHome,
	DEMO_OWNER,
	describeFailure,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	n8nEnv,
	nodeItems,
	packAndInstallPackage,
	setupOwner,
	startN8nServer,
	type N8nHome,
	type N8nServer,
} from './lib/n8nRuntime';
import { killAllChildren } from './lib/proc';
import { assertDistinctIds, exampleFiles, laminaNodes, loadWorkflow, SIM_CREDENTIAL, type WorkflowFile } from './lib/workflows';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

type Simulator = Awaited<ReturnType<typeof startLaminaSimulator>>;

async function portIsFree(port: number): Promise<boolean> {
	const net = await import('node:net');
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The editor port: --port, else n8n's usual 5678 when free, else any free port. */
async function editorPort(): Promise<number | undefined> {
	const requested = option('port');
	if (requested) {
		const port = Number(requested);
		if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port must be a port number, got ${requested}`);
		if (!(await portIsFree(port))) throw new Error(`port ${port} is in use`);
		return port;
	}
	return (await portIsFree(5678)) ? 5678 : undefined;
}

async function prepare(): Promise<{ home: N8nHome; sim: Simulator; workflows: WorkflowFile[] }> {
	const home = await createN8nHome('demo');
	const port = flag('headless') ? undefined : await editorPort();
	if (port !== undefined && port !== home.port) {
		home.port = port;
		home.url = `http://127.0.0.1:${port}`;
		home.env = n8nEnv(home.userFolder, port, home.brokerPort, home.install.node);
	}
	await packAndInstallPackage(home.userFolder, { build: !flag('no-build') });
	// Rate limiting off: someone clicking around the editor should not meet 429s from the demo.
	const sim = await startLaminaSimulator({ rateLimitPerMinute: 0 });
	await importCredentials(home, [{ ...SIM_CREDENTIAL, type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } }]);
	// Filled for the simulator: the examples' placeholder credential and empty App fields.
	const workflows = exampleFiles().map((file) => loadWorkflow(file));
	assertDistinctIds(workflows);
	await importWorkflows(home, workflows);
	return { home, sim, workflows };
}

function printItems(items: Array<Record<string, unknown>>, full: boolean) {
	if (items.length === 1 || full) {
		for (const item of items) console.log(JSON.stringify(item, null, 2));
		return;
	}
	for (const item of items) {
		const line = JSON.stringify(item);
		console.log(`  ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`);
	}
}

async function headless(): Promise<number> {
	const { home, sim, workflows } = await prepare();
	let failures = 0;
	try {
		for (const workflow of workflows) {
			console.log(`\n=== ${workflow.name} (n8n execute --id=${workflow.id} --rawOutput)`);
			const result = await executeWorkflow(home, workflow.id, { timeoutMs: 90_000 });
			for (const node of laminaNodes(workflow)) {
				const items = nodeItems(result.run, node.name);
				const ran = !!result.run?.data.resultData.runData[node.name];
				console.log(`\n--- ${node.name}: ${ran ? `${items.length} item${items.length === 1 ? '' : 's'}` : 'did not run'}`);
				printItems(items, flag('full'));
			}
			if (result.ok) {
				console.log(`\n${workflow.name}: succeeded in ${(result.durationMs / 1000).toFixed(1)} s`);
			} else {
				failures++;
				console.error(`\n${workflow.name}: FAILED: ${describeFailure(result)}`);
			}
		}
	} finally {
		await sim.close();
	}
	console.log(`\nn8n user folder (logs in n8n-cli.log): ${home.userFolder}`);
	return failures === 0 ? 0 : 1;
}

async function interactive(): Promise<void> {
	const { home, sim, workflows } = await prepare();
	let server: N8nServer | undefined;
	let stopping = false;
	const stopAll = async (code: number) => {
		if (stopping) {
			killAllChildren();
			process.exit(code);
		}
		stopping = true;
		console.log('\nStopping n8n and the simulator...');
		await server?.stop();
		await sim.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	console.log('Starting n8n (about 10 s)...');
	server = await startN8nServer(home, { readyTimeoutMs: 120_000 });
	await setupOwner(server.url, DEMO_OWNER);
	if (!(await canLogIn(server.url, DEMO_OWNER))) console.warn('warning: n8n did not accept the demo login; see the n8n log');

	const line = '─'.repeat(72);
	console.log(`\n${line}`);
	console.log(`  n8n editor        ${server.url}/`);
	console.log(`  log in as         ${DEMO_OWNER.email}`);
	console.log(`  password          ${DEMO_OWNER.password}`);
	for (const workflow of workflows) console.log(`  workflow          ${server.url}/workflow/${workflow.id}  (${workflow.name})`);
	console.log('');
	console.log(`  Lamina simulator  ${sim.url}`);
	console.log(`  its API key       ${sim.apiKey}`);
	console.log(`                    (saved in n8n as the credential "${SIM_CREDENTIAL.name}")`);
	console.log('');
	console.log(`  n8n log           ${server.logFile}`);
	console.log(`  Press Ctrl-C to stop.`);
	console.log(line);

	// Runs until Ctrl-C; if n8n dies on its own, say so and stop.
	const how = await server.exited;
	if (stopping) await new Promise(() => undefined); // stopAll() exits once everything is down
	console.error(`\nn8n stopped unexpectedly (${how}); see ${server.logFile}`);
	await sim.close();
	process.exit(1);
}

process.on('exit', () => killAllChildren());

(flag('headless') ? headless() : interactive().then(() => 0)).then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(`demo failed: ${error.stack ?? error}`);
		killAllChildren();
		process.exit(1);
	},
);
