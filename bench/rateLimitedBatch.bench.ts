/**
 * Issue: 150 items under Lamina's rate limit (100 requests a minute), with the minute scaled
 * down (a 6-s window) so the bench takes seconds, not minutes. The floor is the earliest the
 * limit lets the fewest requests the batch needs (one start and one wait per item) through:
 * Lamina's window is fixed, so the first 100 go at once and each further 100 wait for the next
 * window; then the last run still takes its own duration.
 */
import { performance } from 'node:perf_hooks';

import { callEditorMethod, createEngine, laminaNode } from '../test/harness/engine';
import { runAppNode } from '../test/support/runNodes';
import { startLaminaSimulator } from '../test/simulator';
import type { BenchRow } from './types';

const ITEMS = 150;
const LIMIT = 100;
const WINDOW_MS = 6_000;
const RUN_MS = 300;

export async function run(): Promise<BenchRow[]> {
	const sim = await startLaminaSimulator({ runDurationMs: RUN_MS, rateLimitPerMinute: LIMIT, rateLimitWindowMs: WINDOW_MS });
	try {
		const engine = await createEngine({ credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } } });
		// As a user sets it up: the editor loads the app's inputs once.
		const editorNode = laminaNode({ resource: 'run', operation: 'create', appId: { __rl: true, mode: 'id', value: 'app_portrait' } });
		await callEditorMethod(engine, editorNode, 'resourceMapping', 'getAppInputs');
		const node = await runAppNode(engine, 'app_portrait', { Prompt: '={{ $json.topic }}' });
		// Start in a fresh window, as a batch would after a quiet moment.
		await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
		sim.resetCounters();

		const input = Array.from({ length: ITEMS }, (_, i) => ({ topic: `poster ${i}` }));
		const t0 = performance.now();
		const { items, error } = await engine.run([node], { input });
		const wallMs = performance.now() - t0;

		const failed = error ? ITEMS : items.filter((item) => item.json.status !== 'completed').length;
		const sent = Object.values(sim.counters.requests).reduce((a, b) => a + b, 0);
		const floorMs = (Math.ceil((2 * ITEMS) / LIMIT) - 1) * WINDOW_MS + RUN_MS;
		const ratio = wallMs / floorMs;
		return [
			{
				name: `${ITEMS} items at ${LIMIT} requests per window: wall ÷ floor`,
				value: ratio,
				unit: '× floor',
				target: '≤ 1.2',
				ok: ratio <= 1.2 && failed === 0 && sim.counters.runsStarted === ITEMS,
				note: `${(wallMs / 1000).toFixed(1)} s vs floor ${(floorMs / 1000).toFixed(1)} s (${2 * ITEMS} requests through a fixed window of ${LIMIT} per ${WINDOW_MS / 1000} s, Lamina's minute scaled ×${60_000 / WINDOW_MS}, plus one ${RUN_MS}-ms run); failed items ${failed}; runs started ${sim.counters.runsStarted} for ${ITEMS} items; ${sent} requests sent, ${sent - 2 * ITEMS} beyond the minimum (429s answered and retried)`,
			},
		];
	} finally {
		await sim.close();
	}
}
