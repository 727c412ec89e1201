/**
 * Memory while a 200 MB video output is downloaded into n8n binary data, through n8n's real
 * engine with its binary data service in filesystem mode (n8n's default in regular mode).
 *
 *  (a) peak RSS above the baseline, sampled every 10 ms during the run      target ≤ 64 MB
 *  (b) peak heap + external (incl. ArrayBuffers) above the baseline          info
 *  (c) bytes written to n8n's binary data folder, and the download rate      info
 *  (d) peak RSS above the baseline while Asset → Upload File PUTs a 200 MB file   target ≤ 64 MB
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
import { Readable } from 'node:stream';

import type { INodeExecutionData } from 'n8n-workflow';

import { createEngine, laminaNode, type Engine, type WorkflowNode } from '../test/harness/engine';
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

/** Runs `work` while sampling memory every SAMPLE_MS; peaks above the baseline taken just before. */
async function peakDuring<T>(work: () => Promise<T>): Promise<{ result: T; rss: number; heapExternal: number; seconds: number }> {
	settle();
	const base = sample();
	let peak = { ...base };
	const take = () => {
		const now = sample();
		peak = { rss: Math.max(peak.rss, now.rss), heapExternal: Math.max(peak.heapExternal, now.heapExternal) };
	};
	const timer = setInterval(take, SAMPLE_MS);
	const t0 = performance.now();
	try {
		const result = await work();
		take();
		return {
			result,
			rss: (peak.rss - base.rss) / MB,
			heapExternal: (peak.heapExternal - base.heapExternal) / MB,
			seconds: (performance.now() - t0) / 1000,
		};
	} finally {
		clearInterval(timer);
	}
}

/** `size` bytes of filler, produced in 64 KB chunks so the input file never sits in memory either. */
function filler(size: number): Readable {
	const chunk = Buffer.alloc(64 * 1024, 0x5a);
	let sent = 0;
	return new Readable({
		read() {
			if (sent >= size) return void this.push(null);
			const n = Math.min(chunk.length, size - sent);
			sent += n;
			this.push(chunk.subarray(0, n));
		},
	});
}

export async function measureUpload(sim: LaminaSimulator): Promise<{ rss: number; heapExternal: number; seconds: number; arrived: number }> {
	const engine = await createEngine({
		credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } },
		binaryData: 'filesystem',
	});
	try {
		const node = laminaNode({ resource: 'asset', operation: 'upload', binaryPropertyName: 'data' });
		const item = async (size: number) => [
			{ json: {}, binary: { data: await engine.binaryData!.store(filler(size), { fileName: 'clip.mp4', mimeType: 'video/mp4' }) } },
		];
		const warm = await engine.run([node], { inputItems: await item(64 * 1024) });
		if (warm.error) throw warm.error;
		const input = await item(SIZE);
		const measured = await peakDuring(() => engine.run([node], { inputItems: input }));
		if (measured.result.error) throw measured.result.error;
		const assetId = measured.result.items[0]?.json.assetId as string;
		const { rss, heapExternal, seconds } = measured;
		return { rss, heapExternal, seconds, arrived: sim.uploadedAssets.get(assetId)?.bytes ?? 0 };
	} finally {
		await engine.close();
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
		const diskBefore = engine.binaryData?.bytesOnDisk() ?? 0;
		const measured = await peakDuring(() => engine.run(workflow(path)));
		const result = measured.result;
		if (result.error) throw result.error;
		const binary = firstBinary(result.items);
		if (!binary) throw new Error('The run produced no binary data');
		return {
			path,
			peakRss: measured.rss,
			peakHeapExternal: measured.heapExternal,
			seconds: measured.seconds,
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
		log(`uploading a ${SIZE / MB} MB file from the binary data folder with Asset → Upload File`);
		const upload = await measureUpload(sim);
		log(
			`upload: +${upload.rss.toFixed(1)} MB RSS, +${upload.heapExternal.toFixed(1)} MB heap+external, ` +
				`${upload.seconds.toFixed(2)} s, ${upload.arrived} bytes arrived`,
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
			{
				name: '(d) peak RSS above baseline, 200 MB file upload',
				value: upload.rss,
				unit: 'MB',
				target: `≤ ${TARGET_MB} MB`,
				ok: upload.rss <= TARGET_MB && upload.arrived === SIZE,
				note:
					`Asset → Upload File, file streamed from the binary data folder; ${upload.arrived === SIZE ? 'whole file arrived' : `ONLY ${upload.arrived} bytes arrived`}; ` +
					`heap+external +${upload.heapExternal.toFixed(1)} MB; ${upload.seconds.toFixed(2)} s; measured after (a), so RSS the download already grew is reused`,
			},
		];
	} finally {
		await sim.close();
	}
}
