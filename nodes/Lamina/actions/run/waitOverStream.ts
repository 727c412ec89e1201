/**
 * Waiting for a run over Lamina's event stream: one request for the whole run, each `progress`
 * event seen as it happens. A stream that ends early is resumed; the run is never lost.
 */
import { pause } from '../../transport/cancellation';
import { readEventStream } from '../../transport/eventStream';
import { unwrapData } from '../../transport';
import { isTerminal, normaliseRun } from '../../shared/runShape';
import type { ServerSentEvent } from '../../shared/serverSentEvents';
import type { LaminaRun } from '../../shared/types';
import type { RunWatch, WayResult } from './runWatch';

const FINAL_EVENTS = new Set(['complete', 'error']);

/** The RUN an event carries (bare or as `{ data: RUN }`); undefined for pings and other events. */
export function runOfEvent(event: ServerSentEvent, runId: string): LaminaRun | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(event.data);
	} catch {
		return undefined;
	}
	const data = unwrapData<unknown>(parsed);
	if (!data || typeof data !== 'object' || typeof (data as { status?: unknown }).status !== 'string') return undefined;
	const run = normaliseRun(data);
	run.runId ??= runId;
	return run;
}

/** What one stream told before it ended. */
interface Heard {
	final?: LaminaRun;
	/** A state of the run not seen before. */
	news: boolean;
	/** The server's own `timeout` event (after 10 minutes). */
	serverTimeout: boolean;
	/** A final event without an ended run in it: Get Run tells how it ended. */
	unclearEnd: boolean;
}

function listen(watch: RunWatch, heard: Heard) {
	return (event: ServerSentEvent): boolean => {
		if (event.type === 'timeout') heard.serverTimeout = true;
		const run = runOfEvent(event, watch.runId);
		if (run && watch.see(run)) heard.news = true;
		if (run && isTerminal(run)) heard.final = run;
		else if (FINAL_EVENTS.has(event.type)) heard.unclearEnd = true;
		return heard.final !== undefined || heard.unclearEnd || heard.serverTimeout;
	};
}

/**
 * Resuming: a stream that brought news before it ended (or that the server closed after its 10
 * minutes) is opened again at once; a new stream starts from the run's current state and an
 * ended run gets its final event, so nothing is missed or counted twice. Streams that keep ending
 * with nothing new (a server or proxy that cuts them) cost a pause and one Get Run each, which
 * bounds them to polling's pace. A stream that says nothing at all is bounded by the deadline.
 */
export async function waitOverStream(watch: RunWatch): Promise<WayResult> {
	let lastEventId: string | undefined;
	let quietStreams = 0;
	for (;;) {
		if (watch.over() || watch.remainingMs() <= 0) return watch.result(watch.run ?? (await watch.getRun()));
		const heard: Heard = { news: false, serverTimeout: false, unclearEnd: false };
		const reading = await readEventStream.call(
			watch.context,
			{
				path: `${watch.path}/stream`,
				subject: watch.subject,
				itemIndex: watch.itemIndex,
				deadline: watch.deadline,
				stopWhen: () => watch.stopped(),
				lastEventId,
			},
			listen(watch, heard),
		);
		if (!reading.opened) return await watch.routeMissing();
		if (heard.final) return watch.result(heard.final);
		lastEventId = reading.lastEventId ?? lastEventId;
		if (reading.end === 'deadline' || reading.end === 'stopped') return watch.result(watch.run ?? (await watch.getRun()));

		quietStreams = heard.news ? 0 : quietStreams + 1;
		// A stream with news, or one the server closed after its 10 minutes: a new stream picks up.
		const freshStream = quietStreams === 0 || (heard.serverTimeout && quietStreams === 1);
		if (freshStream && !heard.unclearEnd) continue;
		// An unclear end is asked about at once, the first time; anything else at polling's pace.
		if (!heard.unclearEnd || quietStreams > 1) {
			await pause(watch.context, Math.max(0, Math.min(watch.pollIntervalMs, watch.remainingMs())), watch.itemIndex);
		}
		const run = await watch.getRun();
		if (isTerminal(run)) return watch.result(run);
	}
}
