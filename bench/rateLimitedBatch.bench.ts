/**
 * Catalogues under Lamina's rate limit (100 requests a minute per IP), with the minute compressed
 * so that a 1,000-item batch takes seconds: 150 and 1,000 items in one process (Don't Wait and
 * Wait for Completion), and two processes behind one IP sharing the limit (as two queue-mode
 * workers would).
 *
 * The floor is the time the limit allows for the requests the batch needs at the least (one start
 * per item, plus one wait per item when waiting): requests ÷ limit × window. Each row also counts
 * the 429 answers, the items that failed and the runs started per item.
 *
 *   npm run bench -- --only rateLimitedBatch
 */
import { fork } from 'node:child_process';
import path from 'node:path';

import { startLaminaSimulator, type LaminaSimulator } from '../test/simulator';
import type { BenchRow } from './types';
import { runCatalogue, type CatalogueResult } from './catalogue';

const LIMIT = 100;
const RUN_MS = 300;

interface Scenario {
	items: number;
	waitMode: 'wait' | 'none';
	windowMs: number;
	/** Ratio of wall time to floor that counts as OK. */
	target: number;
}

const SCENARIOS: Scenario[] = [
	{ items: 150, waitMode: 'wait', windowMs: 6_000, target: 1.1 },
	{ items: 1_000, waitMode: 'none', windowMs: 3_000, target: 1.1 },
	{ items: 1_000, waitMode: 'wait', windowMs: 3_000, target: 1.1 },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function requestsNeeded(items: number, waitMode: string): number {
	return waitMode === 'wait' ? 2 * items : items;
}

function prompts(sim: LaminaSimulator, prefix: string): string[] {
	return [...sim.runs.values()]
		.map((run) => String((run.inputs as Record<string, unknown>).Prompt ?? ''))
		.filter((prompt) => prompt.startsWith(prefix));
}

function totalRequests(sim: LaminaSimulator): number {
	return Object.values(sim.counters.requests).reduce((a, b) => a + b, 0);
}

function row(
	name: string,
	sim: LaminaSimulator,
	result: { wallMs: number; failed: number; items: number; prefix: string },
	floorMs: number,
	target: number,
	rateLimitedShare: number,
	windowMs: number,
): BenchRow {
	const started = prompts(sim, result.prefix);
	const startedOnce = started.length === result.items && new Set(started).size === result.items;
	const sent = totalRequests(sim);
	const refused = sim.counters.rateLimited;
	const ratio = result.wallMs / floorMs;
	return {
		name,
		value: ratio,
		unit: '× floor',
		target: `≤ ${target}; 429s ≤ ${rateLimitedShare * 100} %; 0 failed; each run started once`,
		ok: ratio <= target && refused / sent <= rateLimitedShare && result.failed === 0 && startedOnce,
		note:
			`${(result.wallMs / 1000).toFixed(1)} s vs floor ${(floorMs / 1000).toFixed(1)} s (${LIMIT} per ${windowMs / 1000}-s window, Lamina's minute ×${60_000 / windowMs}); ` +
			`${sent} requests, ${refused} answered 429 (${((100 * refused) / sent).toFixed(2)} %); failed items ${result.failed}; ` +
			`runs started ${started.length} for ${result.items} items (${startedOnce ? 'each once' : 'NOT each once'})`,
	};
}

async function oneProcess(scenario: Scenario): Promise<BenchRow> {
	const sim = await startLaminaSimulator({ runDurationMs: RUN_MS, rateLimitPerMinute: LIMIT, rateLimitWindowMs: scenario.windowMs });
	try {
		const prefix = `${scenario.waitMode}-${scenario.items} `;
		// Start in a fresh window, as a batch would after a quiet moment.
		await sleep(scenario.windowMs);
		sim.resetCounters();
		const result: CatalogueResult = await runCatalogue({ url: sim.url, apiKey: sim.apiKey, items: scenario.items, waitMode: scenario.waitMode, prefix });
		const floorMs = (requestsNeeded(scenario.items, scenario.waitMode) / LIMIT) * scenario.windowMs;
		const mode = scenario.waitMode === 'wait' ? 'Wait for Completion' : "Don't Wait";
		return row(`${scenario.items} items, ${mode}, at ${LIMIT} requests per window: wall ÷ floor`, sim, { ...result, items: scenario.items, prefix }, floorMs, scenario.target, 0.01, scenario.windowMs);
	} finally {
		await sim.close();
	}
}

/** Child processes that each run one catalogue (bench/catalogue.ts), started together once all are ready. */
function inChildProcesses(all: Array<{ url: string; apiKey: string; items: number; waitMode: string; prefix: string }>): Promise<CatalogueResult[]> {
	const children = all.map((options) =>
		fork(path.join(__dirname, 'catalogue.ts'), [JSON.stringify(options)], {
			execArgv: ['-r', 'ts-node/register/transpile-only'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		}),
	);
	let ready = 0;
	return Promise.all(
		children.map(
			(child) =>
				new Promise<CatalogueResult>((resolve, reject) => {
					child.on('message', (message: { ready?: boolean } & CatalogueResult) => {
						if (message.ready) {
							ready += 1;
							if (ready === children.length) for (const each of children) each.send('go');
							return;
						}
						resolve(message);
					});
					child.on('error', reject);
					child.on('exit', (code) => {
						if (code !== 0) reject(new Error(`catalogue process exited with ${code}`));
					});
				}),
		),
	);
}

async function twoProcesses(): Promise<BenchRow> {
	const windowMs = 3_000;
	const perProcess = 500;
	const sim = await startLaminaSimulator({ runDurationMs: RUN_MS, rateLimitPerMinute: LIMIT, rateLimitWindowMs: windowMs });
	try {
		await sleep(windowMs);
		sim.resetCounters();
		const results = await inChildProcesses(
			['a', 'b'].map((name) => ({ url: sim.url, apiKey: sim.apiKey, items: perProcess, waitMode: 'none', prefix: `two-${name} ` })),
		);
		// The wall clock runs from the first process's start to the last one's end.
		const firstRequest = Math.min(...results.map((result) => result.startedAt));
		const lastDone = Math.max(...results.map((result) => result.startedAt + result.wallMs));
		const floorMs = (requestsNeeded(2 * perProcess, 'none') / LIMIT) * windowMs;
		const measured = { wallMs: lastDone - firstRequest, failed: results.reduce((a, r) => a + r.failed, 0), items: 2 * perProcess, prefix: 'two-' };
		const built = row(`two processes × ${perProcess} items, Don't Wait, one shared limit: wall ÷ floor`, sim, measured, floorMs, 1.2, 0.03, windowMs);
		built.note = `${built.note}; ${results.map((r, i) => `process ${i + 1}: ${(r.wallMs / 1000).toFixed(1)} s`).join(', ')}`;
		return built;
	} finally {
		await sim.close();
	}
}

export async function run(): Promise<BenchRow[]> {
	const rows: BenchRow[] = [];
	for (const scenario of SCENARIOS) rows.push(await oneProcess(scenario));
	rows.push(await twoProcesses());
	return rows;
}
