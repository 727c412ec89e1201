/**
 * Lamina's stream by the clock: pings every ~15 s and a `timeout` event after 10 minutes, here
 * shortened to 40 ms and 250 ms. The wait resumes with a new stream each time; pings add nothing.
 */
import { useSimulator } from '../support/context';
import { runAppJsonNode } from '../support/runNodes';
import { expectStory } from '../support/story';

const ctx = useSimulator({ runDurationMs: 1_500, streamPingMs: 40, streamTimeoutMs: 250, rateLimitPerMinute: 10_000 });

test('after the server’s timeout event a new stream picks up; the timeline has each state once', async () => {
	const node = runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { includeProgress: true } });
	const { items, error } = await ctx.engine.run([node]);
	expect(error).toBeUndefined();
	const item = items[0].json;
	expect(item.status).toBe('completed');
	const streams = ctx.sim.requestLog.filter((entry) => entry.route === 'GET /v1/runs/:runId/stream');
	// 1.5 s in streams of 0.25 s.
	expect(streams.length).toBeGreaterThanOrEqual(5);
	expect(ctx.sim.counters.requests['GET /v1/runs/:runId'] ?? 0).toBe(0);
	const progress = item.progress as Array<{ status: string; progress?: { completedNodes: number }; outputsReady?: string[] }>;
	expectStory(
		progress.map((entry) => [entry.status, entry.progress?.completedNodes]),
		[
			['queued', undefined],
			['running', 0],
			['running', 1],
			['running', 2],
			['completed', undefined],
		],
	);
	expect(progress.flatMap((entry) => entry.outputsReady ?? [])).toEqual(['Hero Image', 'Caption']);
});
