/**
 * One retry loop for file transfers (output downloads, asset uploads): a few attempts with
 * back-off for failures that another attempt may cure, then an error that names the file's host.
 * File hosts are not Lamina's API, so this is separate from the API's retry policy.
 */
import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { pause, throwIfCancelled } from './cancellation';
import { networkErrorCode, TRANSIENT_NETWORK_CODES } from './network';
import { backoffMs } from './retryPolicy';

const MAX_ATTEMPTS = 3;

/** Why one attempt at a transfer failed, and whether another attempt may succeed. */
export interface Failure {
	reason: string;
	retryable: boolean;
	httpCode?: number;
}

export type Attempt<T> = { value: T; failure?: undefined } | { value?: undefined; failure: Failure };

export function networkFailure(error: unknown): Failure {
	const code = networkErrorCode(error) ?? 'NETWORK_ERROR';
	return { reason: `network error ${code}`, retryable: TRANSIENT_NETWORK_CODES.has(code) };
}

export function statusFailure(statusCode: number): Failure {
	return { reason: `HTTP ${statusCode}`, retryable: statusCode === 429 || statusCode >= 500, httpCode: statusCode };
}

export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'an invalid URL';
	}
}

/** Closes a response or file stream we are not going to read. */
export function discard(body: unknown): void {
	const stream = body as { destroy?: () => void } | undefined;
	if (stream && typeof stream.destroy === 'function') stream.destroy();
}

export interface TransferErrorText {
	message: (failure: Failure) => string;
	description: (attempts: number) => string;
}

/** Runs `attempt` until it succeeds, fails for good, or MAX_ATTEMPTS are used up. */
export async function withTransferRetries<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	attempt: () => Promise<Attempt<T>>,
	text: TransferErrorText,
): Promise<T> {
	for (let count = 1; ; count++) {
		throwIfCancelled(context, itemIndex);
		const result = await attempt();
		if (!result.failure) return result.value;
		throwIfCancelled(context, itemIndex);
		if (result.failure.retryable && count < MAX_ATTEMPTS) {
			await pause(context, backoffMs(count), itemIndex);
			continue;
		}
		const message = text.message(result.failure);
		throw new NodeApiError(context.getNode(), { message } as JsonObject, {
			message,
			description: text.description(count),
			httpCode: result.failure.httpCode ? String(result.failure.httpCode) : undefined,
			itemIndex,
		});
	}
}

export function triedTimes(attempts: number): string {
	return `Tried ${attempts} time${attempts > 1 ? 's' : ''}.`;
}
