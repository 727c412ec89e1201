/** Output media served from the simulator itself, so run outputs are real downloadable URLs. */
import { pipeline } from 'node:stream';

import { HttpError, type RequestContext } from './http';
import { CONTENT_TYPES, generatedMedia } from './media';
import { DEFAULT_OUTPUT_BYTES } from './runs';
import type { SimState } from './state';

export function serveOutputFile(ctx: RequestContext, sim: SimState): void {
	const match = /^(\d+)\.(png|mp4|mp3)$/.exec(ctx.params.file);
	const run = sim.runs.get(ctx.params.runId);
	const output = match && run?.outputs.find((o) => o.index === Number(match[1]));
	if (!match || !run || !output || output.status !== 'completed' || output.value === null || !output.value.endsWith(ctx.params.file)) {
		throw new HttpError(404, 'NOT_FOUND', 'File not found');
	}
	const bytes = run.behaviour.outputBytes ?? DEFAULT_OUTPUT_BYTES;
	ctx.res.writeHead(200, {
		'content-type': CONTENT_TYPES[match[2]],
		'content-length': String(bytes),
		'cache-control': 'public, max-age=31536000, immutable',
	});
	if (ctx.method === 'HEAD') return void ctx.res.end();
	const pacing = {
		bytesPerSecond: run.behaviour.outputBytesPerSecond,
		stallAfterBytes: run.behaviour.outputStallAfterBytes,
		sleep: (ms: number) => sim.timers.sleep(ms),
	};
	pipeline(generatedMedia(bytes, match[2], pacing), ctx.res, () => {
		// A client that stops reading early is not an error worth reporting.
	});
}
