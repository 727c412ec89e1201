import { NodeOperationError } from 'n8n-workflow';

import { laminaRequest, unwrapData, type LaminaContext } from '../../transport';
import { pause } from '../../transport/cancellation';
import { isTerminal, normaliseRun, outputErrors } from '../../shared/runShape';
import type { LaminaRun } from '../../shared/types';

export interface WaitOptions {
	maxWaitMs: number;
	itemIndex: number;
	/** Used only where the server has no /wait: Lamina's docs ask for 3–5 s (images) to 10–15 s (video). */
	pollIntervalMs?: number;
	/** Asked before each request: true ends the wait (with what is known) as nobody needs it anymore. */
	stopWhen?: () => boolean;
}

export interface WaitResult {
	run: LaminaRun;
	timedOut: boolean;
}

const LONG_POLL_MAX_SECONDS = 120;
const DEFAULT_POLL_INTERVAL_MS = 4_000;

async function getRun(context: LaminaContext, runId: string, itemIndex: number): Promise<LaminaRun> {
	const response = await laminaRequest.call(context, {
		method: 'GET',
		path: `/v1/runs/${encodeURIComponent(runId)}`,
		subject: `run "${runId}"`,
		itemIndex,
	});
	return normaliseRun(unwrapData(response.body));
}

/**
 * Waits for a run to end with Lamina's long-poll (`/wait`, repeated while it says `timeout`),
 * so a result arrives as soon as it exists, with about one request a minute per run. Where the
 * server has no `/wait` (404, 405 or 501 for a run that Get Run finds), this wait polls instead;
 * the next wait tries `/wait` again, so one odd answer never sets a server's course for good.
 */
export async function waitForRun(
	this: LaminaContext,
	runId: string,
	options: WaitOptions,
): Promise<WaitResult> {
	const deadline = Date.now() + options.maxWaitMs;
	let run: LaminaRun | undefined;

	const stop = options.stopWhen ?? (() => false);
	for (;;) {
		const remainingMs = deadline - Date.now();
		if (run && (remainingMs <= 0 || stop())) return { run, timedOut: true };
		const seconds = Math.min(LONG_POLL_MAX_SECONDS, Math.max(1, Math.ceil(remainingMs / 1000)));
		const response = await laminaRequest.call(this, {
			method: 'GET',
			path: `/v1/runs/${encodeURIComponent(runId)}/wait`,
			qs: { timeout: seconds },
			subject: `run "${runId}"`,
			itemIndex: options.itemIndex,
			timeoutMs: (seconds + 30) * 1000,
			acceptStatuses: [404, 405, 501],
		});
		if (response.statusCode >= 400) {
			// A 404 means either "no such run" (Get Run then says so) or "no /wait here".
			run = await getRun(this, runId, options.itemIndex);
			if (isTerminal(run)) return { run, timedOut: false };
			break;
		}
		const body = response.body as { data?: unknown; timeout?: boolean };
		const data = unwrapData<Record<string, unknown>>(body);
		run = normaliseRun(data);
		if (isTerminal(run)) return { run, timedOut: false };
		if (Date.now() >= deadline) return { run, timedOut: true };
	}

	const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
	for (;;) {
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0 || stop()) return { run, timedOut: true };
		await pause(this, Math.min(interval, remainingMs), options.itemIndex);
		run = await getRun(this, runId, options.itemIndex);
		if (isTerminal(run)) return { run, timedOut: false };
	}
}

/** A failed or cancelled run as an error that says why, with each output's error. */
export function runFailedError(context: LaminaContext, run: LaminaRun, itemIndex: number): NodeOperationError {
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
	return error;
}
