/**
 * An event stream whose reading ends for a bound (Max Wait Time, the silence bound) or because
 * another item failed the node is closed at once: the server sees its connection go, instead of
 * keeping it until it next sends a byte (for a silent stream, never).
 */
import path from 'node:path';

import type { LoggedRequest } from '../simulator/types';
import { useSimulator } from '../support/context';
import { runAppJsonNode } from '../support/runNodes';
import { until } from '../support/trigger';

interface StallLimits {
	stallMs: number;
	checkEveryMs: number;
}
/** The built package's stream limits (the engine loads dist/): tests shorten the silence bound. */
const streamLimits = (
	require(path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'Lamina', 'transport', 'eventStream.js')) as { streamLimits: StallLimits }
).streamLimits;

const ctx = useSimulator({ runDurationMs: 10_000, rateLimitPerMinute: 10_000 });
beforeEach(() => ctx.sim.setStreamBehaviour({ silent: true }));
afterEach(() => ctx.sim.setStreamBehaviour({}));

const STREAM = 'GET /v1/runs/:runId/stream';
const streams = () => ctx.sim.requestLog.filter((entry) => entry.route === STREAM);
const progressNode = (extra = {}) => runAppJsonNode('app_portrait', '{"Prompt": "x"}', { options: { includeProgress: true }, ...extra });

/** Every stream the simulator served is closed by the client (a silent stream never ends on its own). */
async function expectAllClosed(logged: LoggedRequest[]) {
	expect(logged.length).toBeGreaterThan(0);
	// Generous: the point is that it closes at all, not how fast (a silent stream would stay open).
	await until(() => logged.every((entry) => entry.closedAt !== undefined), 'the streams to close', 3_000);
	for (const entry of logged) expect(entry.completed).toBe(false);
}

test('Max Wait Time on a silent stream: the wait ends and the stream is closed with it', async () => {
	const { items, error } = await ctx.engine.run([progressNode({ maxWaitSeconds: 1 })]);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ waitTimedOut: true, status: 'running' });
	await expectAllClosed(streams());
});

test('the silence bound: the stream is closed before the wait asks Get Run', async () => {
	const saved = { ...streamLimits };
	streamLimits.stallMs = 400;
	streamLimits.checkEveryMs = 100;
	try {
		const { items, error } = await ctx.engine.run([progressNode({ maxWaitSeconds: 6 })]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'running' });
		const [first] = streams();
		const gets = ctx.sim.requestLog.filter((entry) => entry.route === 'GET /v1/runs/:runId');
		expect(gets.length).toBeGreaterThan(0);
		// Given up after 0.4 s, then a pause of the poll interval (4 s) before Get Run: closed long before.
		expect(first.closedAt).toBeDefined();
		expect(first.closedAt!).toBeLessThanOrEqual(gets[0].receivedAt);
		await expectAllClosed(streams());
	} finally {
		Object.assign(streamLimits, saved);
	}
});

test('another item fails the node: the streams of the items still waiting are closed', async () => {
	// The first stream asked for is refused a second later (its item fails the node); the other, open by then, stays silent.
	ctx.sim.injectFault({ route: STREAM, status: 403, delayMs: 1_000, times: 1 });
	const input = [{ Prompt: 'a' }, { Prompt: 'b' }];
	const node = runAppJsonNode('app_portrait', '={{ JSON.stringify({ Prompt: $json.Prompt }) }}', { options: { includeProgress: true }, maxWaitSeconds: 60 });
	const { error } = await ctx.engine.run([node], { input });
	expect(error?.message).toMatch(/^Lamina refused/);
	const logged = streams();
	expect(logged).toHaveLength(2);
	const silent = logged.filter((entry) => entry.completed !== true);
	expect(silent).toHaveLength(1);
	await expectAllClosed(silent);
});
