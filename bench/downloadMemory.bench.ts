/**
 * Memory while a 200 MB video output is downloaded into n8n binary data, through n8n's real
 * engine with its binary data service in filesystem mode (n8n's default in regular mode).
 *
 *  (a) peak RSS above the baseline, sampled every 10 ms during the run      target ≤ 64 MB
 *  (b) peak heap + external (incl. ArrayBuffers) above the baseline          info
 *  (c) bytes written to n8n's binary data folder, and the download rate      info
 *
 * The path: Run App with `options: { downloadOutputs: true, binaryNaming: 'label', binaryPrefix:
 * 'data' }`. While Run App does not attach files yet, the same run goes through Run App followed
 * by a test-only node calling the package's `downloadOutputsAsBinary` (test/support/downloadNode.ts);
 * the note says which path ran. `--full` adds the same download in memory mode (n8n's fallback
 * when no binary data storage is configured) as the baseline, to show what streaming saves.
 * The simulator runs in this process too: its share (64 KB chunks) is part of the numbers.
 * Loads the built package: `npm run build` first.
 */
import { performance } from 'node:perf_hooks';

import type { INodeExecutionData } from 'n8n-workflow';

import { createEngine, type Engine, type WorkflowNode } from '../test/harness/engine';
import type { BinaryDataMode } from '../test/harness/binaryData';
import { addDownloadTestNode, downloadNode } from '../test/support/downloadNode';
import { runAppJsonNode } from '../test/support/runNodes';
import { APPS, startLaminaSimulator, type LaminaSimulator } from '../test/simulator';
import type { BenchRow } from './types';

const MB = 1024 * 1024;
const SIZE = 200 * MB;
const TARGET_MB = 64;
const SAMPLE_MS = 10;
const FULL = process.argv.includes('--full');
const INPUTS = '{"Product Image": "https://example.com/shoe.png"}';

const log = (message: string) => console.log(`[downloadMemory ${new Date().toISOString().slice(11, 19)}] ${message}`);

interface Sample {
	rss: number;
	heapExternal: number;
}

function sample(): Sample {
	const m = process.memoryUsage();
	// arrayBuffers is part of external; heapUsed + external counts each byte once.
	return { rss: m.rss, heapExternal: m.heapUsed + m.external };
}

function settle(): void {
	const gc = (global as { gc?: () => void }).gc;
	if (gc) {
		gc();
		gc();
	}
}

type Path = 'runApp' | 'testNode';

function workflow(path: Path): WorkflowNode[] {
	const options = { downloadOutputs: true, binaryNaming: 'label', binaryPrefix: 'data' };
	const runApp = runAppJsonNode(APPS.video, INPUTS, { options });
	return path === 'runApp' ? [runApp] : [runApp, downloadNode({ binaryNaming: 'label', binaryPrefix: 'data' })];
}

function firstBinary(items: INodeExecutionData[]) {
	return Object.values(items[0]?.binary ?? {})[0];
}

interface Measured {
	path: Path;
	peakRss: number;
	peakHeapExternal: number;
	seconds: number;
	bytes: number;
	onDisk: number;
}

async function measure(sim: LaminaSimulator, mode: BinaryDataMode): Promise<Measured> {
	const engine: Engine = await createEngine({
		credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } },
		binaryData: mode,
	});
	addDownloadTestNode(engine);
	try {
		// Warm-up with a small file: loads modules and JIT, and finds out whether Run App downloads.
		sim.setAppBehaviour(APPS.video, { outputBytes: 64 * 1024, durationMs: 50 });
		const probe = await engine.run(workflow('runApp'));
		if (probe.error) throw probe.error;
		const path: Path = firstBinary(probe.items) ? 'runApp' : 'testNode';
		const warm = await engine.run(workflow(path));
		if (warm.error) throw warm.error;

		sim.setAppBehaviour(APPS.video, { outputBytes: SIZE, durationMs: 50 });
		settle();
		const base = sample();
		let peak = { ...base };
		const timer = setInterval(() => {
			const now = sample();
			peak = { rss: Math.max(peak.rss, now.rss), heapExternal: Math.max(peak.heapExternal, now.heapExternal) };
		}, SAMPLE_MS);
		const diskBefore = engine.binaryData?.bytesOnDisk() ?? 0;
		const t0 = performance.now();
		let result;
		try {
			result = await engine.run(workflow(path));
		} finally {
			clearInterval(timer);
		}
		const seconds = (performance.now() - t0) / 1000;
		const end = sample();
		peak = { rss: Math.max(peak.rss, end.rss), heapExternal: Math.max(peak.heapExternal, end.heapExternal) };
		if (result.error) throw result.error;
		const binary = firstBinary(result.items);
		if (!binary) throw new Error('The run produced no binary data');
		return {
			path,
			peakRss: (peak.rss - base.rss) / MB,
			peakHeapExternal: (peak.heapExternal - base.heapExternal) / MB,
			seconds,
			bytes: binary.bytes ?? 0,
			onDisk: ((engine.binaryData?.bytesOnDisk() ?? 0) - diskBefore) / MB,
		};
	} finally {
		await engine.close();
	}
}

export async function run(): Promise<BenchRow[]> {
	const sim = await startLaminaSimulator({ runDurationMs: 50, rateLimitPerMinute: 0 });
	try {
		log(`downloading a ${SIZE / MB} MB video output, binary data in filesystem mode`);
		const fsMode = await measure(sim, 'filesystem');
		log(
			`filesystem: +${fsMode.peakRss.toFixed(1)} MB RSS, +${fsMode.peakHeapExternal.toFixed(1)} MB heap+external, ` +
				`${fsMode.seconds.toFixed(2)} s, ${fsMode.onDisk.toFixed(0)} MB on disk (${fsMode.path})`,
		);
		let memoryMode: Measured | undefined;
		if (FULL) {
			log('the same in memory mode (baseline)');
			memoryMode = await measure(sim, 'memory');
			log(`memory: +${memoryMode.peakRss.toFixed(1)} MB RSS, +${memoryMode.peakHeapExternal.toFixed(1)} MB heap+external`);
		}
		const via =
			fsMode.path === 'runApp'
				? "Run App with options.downloadOutputs"
				: 'Run App + test node calling downloadOutputsAsBinary (Run App has no downloadOutputs yet)';
		const whole = fsMode.bytes === SIZE ? 'whole file arrived' : `ONLY ${fsMode.bytes} of ${SIZE} bytes arrived`;
		return [
			{
				name: '(a) peak RSS above baseline, 200 MB video download',
				ours: fsMode.peakRss,
				baseline: memoryMode?.peakRss,
				unit: 'MB',
				target: `≤ ${TARGET_MB} MB`,
				ok: fsMode.peakRss <= TARGET_MB && fsMode.bytes === SIZE,
				note: `filesystem mode, via ${via}; ${whole}; sampled every ${SAMPLE_MS} ms${memoryMode ? '; baseline: memory mode' : ''}`,
			},
			{
				name: '(b) peak heap + external above baseline',
				ours: fsMode.peakHeapExternal,
				baseline: memoryMode?.peakHeapExternal,
				unit: 'MB',
				note: 'process.memoryUsage(): heapUsed + external (external includes ArrayBuffers)',
			},
			{
				name: '(c) written to the binary data folder',
				value: fsMode.onDisk,
				unit: 'MB',
				note: `${(SIZE / MB / fsMode.seconds).toFixed(0)} MB/s end to end (${fsMode.seconds.toFixed(2)} s incl. the run)`,
			},
		];
	} finally {
		await sim.close();
	}
}
