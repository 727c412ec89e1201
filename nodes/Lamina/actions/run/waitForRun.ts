import { NodeOperationError } from 'n8n-workflow';

import { laminaRequest, unwrapData, type LaminaContext } from '../../transport';
import { pause } from '../../transport/cancellation';
import { isTerminal, normaliseRun, outputErrors } from '../../shared/runShape';
import { RUN_KINDS } from '../../shared/runKinds';
import { findRunAmong, isNotFound, notFoundAsAnyKind, settled } from '../../transport/runLookup';
import type { ProgressTimeline } from '../../shared/progressTimeline';
import type { LaminaRun } from '../../shared/types';
import { RunWatch, UNAVAILABLE, type WaitOptions, type WaitResult, type WayResult } from './runWatch';
import { waitOverStream } from './waitOverStream';

export type { WaitOptions, WaitResult } from './runWatch';

const LONG_POLL_MAX_SECONDS = 120;

/** Lamina's long-poll (`/wait`), repeated while it says `timeout`: about one request a minute. */
async function waitWithLongPoll(watch: RunWatch): Promise<WayResult> {
	for (;;) {
		if (watch.over()) return { run: watch.run!, timedOut: true };
		const seconds = Math.min(LONG_POLL_MAX_SECONDS, Math.max(1, Math.ceil(watch.remainingMs() / 1000)));
		const response = await laminaRequest.call(watch.context, {
			method: 'GET',
			path: `${watch.path}/wait`,
			qs: { timeout: seconds },
			subject: watch.subject,
			itemIndex: watch.itemIndex,
			timeoutMs: (seconds + 30) * 1000,
			acceptStatuses: [404, 405, 501],
			heldOpen: true,
			// A 429 is waited out until the wait's own deadline (Max Wait Time).
			rateLimitPatienceMs: Math.max(1_000, watch.remainingMs()),
		});
		if (response.statusCode >= 400) return await watch.routeMissing();
		const run = normaliseRun(unwrapData<Record<string, unknown>>(response.body as { data?: unknown }));
		watch.see(run);
		if (isTerminal(run)) return { run, timedOut: false };
		if (watch.remainingMs() <= 0) return { run, timedOut: true };
	}
}

/**
 * Get Run at the poll interval: the way model and freestyle runs are waited for (at their
 * modality's cadence), and app runs on servers with neither `/wait` nor the stream.
 */
async function waitWithPolling(watch: RunWatch): Promise<WaitResult> {
	for (;;) {
		const remainingMs = watch.remainingMs();
		if (remainingMs <= 0 || watch.stopped()) {
			// Stopped before the first poll: nobody reads this; time up before it: one look says where it is.
			const run = watch.run ?? (watch.stopped() ? { runId: watch.runId, status: 'queued' } : await watch.getRun());
			return { run, timedOut: !isTerminal(run) };
		}
		await pause(watch.context, Math.min(watch.nextPollMs(), remainingMs), watch.itemIndex);
		const run = await watch.getRun();
		if (isTerminal(run)) return { run, timedOut: false };
	}
}

/**
 * Waits for a run to end, so a result arrives as soon as it exists. By default with Lamina's
 * long-poll; with Include Progress (`timeline`) over the event stream, which reports each step.
 * Where the server lacks one (404, 405 or 501 for a run that Get Run finds), the other is tried,
 * then polling: one request per run instead of a poll every few seconds. Only this wait changes
 * course; the next tries again, so one odd answer never sets a server's course for good.
 */
export async function waitForRun(this: LaminaContext, runId: string, options: WaitOptions): Promise<WaitResult> {
	const watch = new RunWatch(this, runId, options);
	// Model and freestyle runs have no long-poll nor stream: they are polled.
	if (!RUN_KINDS[watch.kind].longPoll) return await waitWithPolling(watch);
	const asApp = await settled(waitForAppRun(watch));
	if ('value' in asApp) return asApp.value;
	const { error } = asApp;
	// A run ID of unknown kind that no app run has: perhaps a model or freestyle run's.
	if (options.kind !== undefined || watch.known || !isNotFound(error)) throw error;
	const found = await findRunAmong.call(this, ['model', 'freestyle'], runId, options.itemIndex);
	if (!found) throw notFoundAsAnyKind(error, runId);
	watch.useKind(found.kind);
	watch.see(found.run);
	if (isTerminal(found.run)) return watch.result(found.run);
	return await waitWithPolling(watch);
}

async function waitForAppRun(watch: RunWatch): Promise<WaitResult> {
	const ways = watch.options.timeline ? [waitOverStream, waitWithLongPoll] : [waitWithLongPoll, waitOverStream];
	for (const way of ways) {
		const result = await way(watch);
		if (result !== UNAVAILABLE) return result;
	}
	return await waitWithPolling(watch);
}

/** A failed or cancelled run as an error that says why, with each output's error (and Include Progress's timeline). */
export function runFailedError(context: LaminaContext, run: LaminaRun, itemIndex: number, timeline?: ProgressTimeline): NodeOperationError {
	const errors = outputErrors(run.outputs);
	const reason = run.errorMessage || (run.status === 'cancelled' ? 'it was cancelled' : 'no reason given');
	const error = new NodeOperationError(
		context.getNode(),
		`Lamina run ${run.runId} ${run.status === 'cancelled' ? 'was cancelled' : 'failed'}: ${reason}`,
		{
			description:
				(errors.length ? `Output errors: ${errors.join('; ')}. ` : '') +
				'Check the inputs and run again; if it keeps failing, send Lamina support the run ID.',
			itemIndex,
		},
	);
	error.context.runId = run.runId;
	error.context.status = run.status;
	if (errors.length) error.context.outputErrors = errors;
	if (timeline) error.context.progress = timeline.entries;
	return error;
}
