/**
 * Starts the Lamina simulator standalone, for trying the node in a local n8n or running the demo by hand.
 * Usage: npm run simulator -- [--port 4010] [--api-key lma_...] [--rate-limit 100] [--run-duration-ms 1500]
 *                             [--workspace-id ws_test] [--time-scale 1] [--legacy]
 */
import { APPS, startLaminaSimulator, type SimulatorOptions } from '../test/simulator';

const USAGE = `Usage: simulator [--port N] [--api-key KEY] [--rate-limit PER_MINUTE] [--run-duration-ms MS]
                 [--workspace-id ID] [--time-scale FACTOR] [--legacy]`;

function fail(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

function parseFlags(argv: string[]): SimulatorOptions {
	const options: SimulatorOptions = {};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = (): string => {
			const v = inline ?? argv[++i];
			if (v === undefined) fail(`${flag} needs a value`);
			return v;
		};
		const number = (): number => {
			const raw = value();
			const n = Number(raw);
			if (!Number.isFinite(n) || n < 0) fail(`${flag} must be a non-negative number, got "${raw}"`);
			return n;
		};
		switch (flag) {
			case '--port':
				options.port = number();
				break;
			case '--api-key':
				options.apiKey = value();
				break;
			case '--workspace-id':
				options.workspaceId = value();
				break;
			case '--rate-limit':
				options.rateLimitPerMinute = number();
				break;
			case '--run-duration-ms':
				options.runDurationMs = number();
				break;
			case '--time-scale':
				options.timeScale = number();
				break;
			case '--legacy':
				options.legacy = true;
				break;
			case '--help':
			case '-h':
				console.log(USAGE);
				process.exit(0);
				break;
			default:
				fail(`Unknown flag ${flag}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const options = parseFlags(process.argv.slice(2));
	const sim = await startLaminaSimulator(options);
	const rate = options.rateLimitPerMinute ?? 100;
	console.log(
		[
			'Lamina simulator running',
			`  URL:          ${sim.url}`,
			`  API key:      ${sim.apiKey}`,
			`  Workspace:    ${sim.workspaceId}`,
			`  Rate limit:   ${rate > 0 && Number.isFinite(rate) ? `${rate} requests/minute` : 'off'}`,
			`  Run duration: ${options.runDurationMs ?? 1500} ms${options.legacy ? '\n  Mode:         legacy (executionId, bare errors)' : ''}`,
			`  Apps:         ${Object.values(APPS).join(', ')}`,
			'',
			`Try: curl -H 'x-api-key: ${sim.apiKey}' ${sim.url}/v1/apps`,
			'Stop with Ctrl+C.',
		].join('\n'),
	);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the Lamina simulator`);
		void sim.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
	console.error(`Could not start the Lamina simulator: ${error.message}`);
	process.exit(1);
});
