/**
 * Lamina's Server-Sent Events (`GET /v1/runs/{id}/stream`), through the API's single door like
 * every other request: the credential, retries and pacing for opening it, errors a user can act
 * on. The body is read chunk by chunk and parsed as it comes, one event at a time.
 */
import { BodyStopped, closableRequests, guardChunks, type StopReason } from './bodyGuard';
import { cancelledError, cancelSignalOf } from './cancellation';
import { laminaRequest, type LaminaContext } from './index';
import { EventStreamParser, type ServerSentEvent } from '../shared/serverSentEvents';

/**
 * Lamina pings every ~15 s: a stream silent for three pings is taken for dead (the same bound
 * waits for the stream's headers). Tests shorten these.
 */
export const streamLimits = { stallMs: 45_000, checkEveryMs: 1_000 };

/** Answers that mean "this server has no such stream" (older servers), not an error. */
const NO_STREAM_STATUSES = [404, 405, 501];

export interface EventStreamRequest {
	path: string;
	subject: string;
	itemIndex: number;
	/** `Date.now()` at which reading stops. */
	deadline: number;
	stopWhen?: () => boolean;
	/** Sent as `Last-Event-ID` when resuming a stream whose events had ids. */
	lastEventId?: string;
}

/**
 * How a reading ended: `done` (the caller had what it wanted), `closed` (the server ended the
 * stream), `broken` (the connection failed, or the stream was not readable), or a bound.
 */
export type StreamEnd = 'done' | 'closed' | 'broken' | Exclude<StopReason, 'cancelled'>;

export type StreamReading =
	| { opened: false; statusCode: number }
	| { opened: true; end: StreamEnd; lastEventId?: string };

/**
 * Opens the stream and hands each event to `onEvent` (which returns true to stop reading) until
 * the stream ends or a bound is reached. Only the event being parsed is held in memory. An answer
 * in NO_STREAM_STATUSES comes back as `opened: false`; the execution's cancel throws.
 */
export async function readEventStream(
	this: LaminaContext,
	request: EventStreamRequest,
	onEvent: (event: ServerSentEvent) => boolean,
): Promise<StreamReading> {
	// However reading ends, the connection is closed with it (a bound would otherwise leave it open).
	const connection = closableRequests(this);
	try {
		return await readOpenedStream.call(connection.context, request, onEvent, cancelSignalOf(this));
	} finally {
		connection.close();
	}
}

async function readOpenedStream(
	this: LaminaContext,
	request: EventStreamRequest,
	onEvent: (event: ServerSentEvent) => boolean,
	cancel: AbortSignal | undefined,
): Promise<StreamReading> {
	const response = await laminaRequest.call(this, {
		method: 'GET',
		path: request.path,
		subject: request.subject,
		itemIndex: request.itemIndex,
		stream: true,
		timeoutMs: streamLimits.stallMs,
		acceptStatuses: NO_STREAM_STATUSES,
		headers: {
			accept: 'text/event-stream',
			'cache-control': 'no-cache',
			...(request.lastEventId ? { 'last-event-id': request.lastEventId } : {}),
		},
	});
	if (response.statusCode >= 300) return { opened: false, statusCode: response.statusCode };

	const parser = new EventStreamParser();
	const ended = (end: StreamEnd): StreamReading => ({ opened: true, end, lastEventId: parser.lastEventId || undefined });
	const body = response.body as AsyncIterable<unknown> | undefined;
	if (!body || typeof body[Symbol.asyncIterator] !== 'function') return ended('broken');
	const { chunks } = guardChunks(body, cancel, { ...streamLimits, deadline: request.deadline, stopWhen: request.stopWhen });
	try {
		for await (const chunk of chunks) {
			for (const event of parser.push(chunk as Uint8Array | string)) {
				if (onEvent(event)) return ended('done');
			}
		}
		return ended('closed');
	} catch (error) {
		if (error instanceof BodyStopped) {
			if (error.why === 'cancelled') throw cancelledError(this, request.itemIndex);
			return ended(error.why);
		}
		if (cancel?.aborted) throw cancelledError(this, request.itemIndex);
		// A reset connection, a premature close, an oversized event: the stream is gone, the run is not.
		return ended('broken');
	} finally {
		parser.end();
	}
}
