/**
 * Run outputs downloaded as n8n binary data. Downloads stream (a 200 MB video never sits in memory
 * when n8n keeps binary data on disk) and go through `httpRequestWithAuthentication`, whose
 * credential attaches the API key only for Lamina's own origin, never for a CDN.
 */
import type { IBinaryData, IBinaryKeyData, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { BodyStopped, closableRequests, guardChunks } from './bodyGuard';
import { cancelSignalOf, throwIfCancelled } from './cancellation';
import { CREDENTIAL_TYPE } from './index';
import { headerOf, networkErrorCode, type FullResponse } from './network';
import {
	discard,
	hostOf,
	networkFailure,
	statusFailure,
	triedTimes,
	withTransferRetries,
	type Attempt,
} from './transfer';
import { chooseFileName, chooseMimeType, planDownloads, type BinaryNaming, type PlannedDownload } from '../shared/mediaFiles';
import { outputsByLabel } from '../shared/runShape';
import type { LaminaRun } from '../shared/types';

export interface DownloadOptions {
	/** 'label': `Hero_Image`; 'index': `${prefix}${position in run.outputs}` (data0, data1...). */
	naming: BinaryNaming;
	/** Prefix of index names; empty means 'data'. */
	prefix: string;
}

type PreparableData = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

const MAX_REDIRECTS = 5;
/** How long a download may take to answer with its headers. */
const DOWNLOAD_HEADERS_TIMEOUT_MS = 120_000;

/**
 * A body that sends nothing for `stallMs` counts as stalled: it is dropped and tried again.
 * (n8n's request helper times out only the wait for the headers.) Tests shorten these.
 */
export const downloadLimits = { stallMs: 60_000, checkEveryMs: 1_000 };

interface BodyStream extends AsyncIterable<unknown> {
	on?: (event: string, listener: (error: unknown) => void) => void;
	destroy?: (error?: Error) => void;
	constructor: { from?: (source: AsyncIterable<unknown>) => unknown };
}

/**
 * The body as a stream of the same kind that ends with an error as soon as no bytes came for
 * `downloadLimits.stallMs`, or the execution is stopped; n8n's binary store then gives up on it.
 * (Destroying n8n's response stream does not reach a store that is already reading it.)
 */
function guardBody(body: BodyStream, signal: AbortSignal | undefined, onStop: () => void): { stream: unknown; stop: () => void } {
	const from = body.constructor?.from;
	if (typeof from !== 'function' || typeof body[Symbol.asyncIterator] !== 'function') {
		return { stream: body, stop: () => undefined };
	}
	const { chunks, stop } = guardChunks(body, signal, { ...downloadLimits, onStop });
	return { stream: from.call(body.constructor, chunks), stop };
}

/**
 * GET `url` as a stream, following redirects by hand: each hop is a new request, so the
 * credential decides afresh whether that origin gets the key (a redirect from Lamina to a CDN
 * would otherwise carry it along).
 */
async function openStream(this: IExecuteFunctions, url: string): Promise<Attempt<FullResponse>> {
	let current = url;
	for (let hop = 0; ; hop++) {
		let response: FullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				method: 'GET',
				url: current,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: DOWNLOAD_HEADERS_TIMEOUT_MS,
				// A compressed answer would not match its Content-Length, and media gains nothing from it.
				headers: { 'accept-encoding': 'identity' },
				abortSignal: cancelSignalOf(this),
			})) as FullResponse;
		} catch (error) {
			return { failure: networkFailure(error) };
		}
		const location = headerOf(response.headers, 'location');
		if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string' && location) {
			discard(response.body);
			if (hop >= MAX_REDIRECTS) return { failure: { reason: `more than ${MAX_REDIRECTS} redirects`, retryable: false } };
			try {
				current = new URL(location, current).toString();
			} catch {
				return { failure: { reason: 'a redirect to an invalid address', retryable: false } };
			}
			continue;
		}
		if (response.statusCode >= 300) {
			discard(response.body);
			return { failure: statusFailure(response.statusCode) };
		}
		return { value: response };
	}
}

async function downloadAttempt(this: IExecuteFunctions, planned: PlannedDownload, itemIndex: number): Promise<Attempt<IBinaryData>> {
	// Its own abort signal: a download given up (stalled, too slow) closes its socket at once.
	const connection = closableRequests(this);
	try {
		return await downloadOver.call(this, connection.context, planned, itemIndex, connection.close);
	} finally {
		connection.close();
	}
}

async function downloadOver(
	this: IExecuteFunctions,
	requests: IExecuteFunctions,
	planned: PlannedDownload,
	itemIndex: number,
	/** Aborts the request: first, as a destroyed body stream no longer closes its socket. */
	close: () => void,
): Promise<Attempt<IBinaryData>> {
	const opened = await openStream.call(requests, planned.url);
	if (opened.failure) return opened;
	const response = opened.value;
	const mimeType = chooseMimeType(headerOf(response.headers, 'content-type'), planned.url, planned.kind);
	const fileName = chooseFileName(planned.url, planned.label, mimeType);
	const body = (response.body ?? {}) as BodyStream;
	// Tells a broken connection (worth another try) from n8n failing to store the file.
	let streamError: unknown;
	body.on?.('error', (error) => (streamError ??= error));
	const guard = guardBody(body, cancelSignalOf(this), close);
	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(guard.stream as PreparableData, fileName, mimeType);
	} catch (error) {
		close();
		discard(response.body);
		throwIfCancelled(this, itemIndex);
		if (error instanceof BodyStopped && error.why === 'stalled') {
			return { failure: { reason: `no data arrived for ${downloadLimits.stallMs / 1000} s`, retryable: true } };
		}
		if (streamError !== undefined) {
			const code = networkErrorCode(streamError) ?? 'NETWORK_ERROR';
			return { failure: { reason: `the connection broke during the download (${code})`, retryable: true } };
		}
		const message = error instanceof Error ? error.message : String(error);
		return { failure: { reason: `n8n could not store the file: ${message}`, retryable: false } };
	} finally {
		guard.stop();
	}
	const expected = Number(headerOf(response.headers, 'content-length'));
	if (Number.isFinite(expected) && expected > 0 && binary.bytes !== undefined && binary.bytes !== expected) {
		return { failure: { reason: `only ${binary.bytes} of ${expected} bytes arrived`, retryable: true } };
	}
	return { value: binary };
}

/**
 * Attaches each completed media output of `run` (image, video, audio; chosen by the output's
 * status, so text stays in the JSON) to the item as n8n binary data, one property per output.
 * Downloads stream straight into n8n's binary data store, one output at a time.
 *
 * Property names: naming 'index' gives `${prefix}${i}` with i the output's position in
 * `run.outputs` (data0, data1...); naming 'label' gives the label as a safe name
 * ('Hero Image' → 'Hero_Image'), deduplicated ('Hero_Image_2').
 * Throws a NodeApiError naming the output and the file's host when a download fails; it carries
 * the run (ID, status, outputs by label), whose files can be fetched again later.
 */
export async function downloadOutputsAsBinary(
	this: IExecuteFunctions,
	run: LaminaRun,
	itemIndex: number,
	options: DownloadOptions,
): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	for (const planned of planDownloads(run.outputs, options)) {
		try {
			binary[planned.propertyName] = await withTransferRetries(this, itemIndex, () => downloadAttempt.call(this, planned, itemIndex), {
				message: (failure) => `Could not download output "${planned.label}" from ${hostOf(planned.url)}: ${failure.reason}`,
				description: (attempts) =>
					`${triedTimes(attempts)} The run ${run.runId} ended in Lamina: its files can be fetched again with "Get Run" (its runId) ` +
					'while Lamina keeps them (output files are kept for a limited time). Check that n8n can reach that host.',
			});
		} catch (error) {
			const failure =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			// The run is done and paid for: the error keeps it, so nothing needs to run again.
			if (failure instanceof NodeApiError) {
				failure.context.runId ??= run.runId;
				failure.context.status ??= run.status;
				failure.context.outputsByLabel ??= outputsByLabel(run.outputs);
			}
			throw failure;
		}
	}
	return binary;
}
