/**
 * Reading a response body that streams (a download, an event stream) while following n8n's
 * cancel signal and a few bounds. The body's chunks are raced: whatever ends first (no bytes for
 * `stallMs`, the deadline, `stopWhen`, the cancel) ends the reading at once. Closing the connection
 * takes an abort signal of its own (see `closableRequests`).
 */
import type { INode } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { cancelSignalOf } from './cancellation';

export interface BodyBounds {
	/** No bytes for this long: the body counts as stalled. */
	stallMs: number;
	/** How often the bounds are checked. */
	checkEveryMs: number;
	/** `Date.now()` after which reading ends. */
	deadline?: number;
	/** Asked at every check: true ends the reading. */
	stopWhen?: () => boolean;
	/** Called the moment reading is stopped, before the body is let go (to abort its request). */
	onStop?: () => void;
}

export type StopReason = 'stalled' | 'cancelled' | 'deadline' | 'stopped';

export class BodyStopped extends Error {
	constructor(readonly why: StopReason) {
		super(why);
	}
}

export interface GuardedBody {
	/** The body's chunks; throws BodyStopped when a bound or the cancel ends them first. */
	chunks: AsyncGenerator<unknown>;
	/** Stops watching (also done when the chunks end). */
	stop: () => void;
}

/**
 * Guards `body`'s chunks. Reading ends at once, the connection not: n8n's response stream can't be
 * destroyed while a read is pending (it closes at its next chunk, for a silent server never). Only
 * the request's abort signal closes it at once: the cancel's, or the one `closableRequests` gives.
 */
export function guardChunks(body: AsyncIterable<unknown>, signal: AbortSignal | undefined, bounds: BodyBounds): GuardedBody {
	let lastBytesAt = Date.now();
	let watching = true;
	let stoppedBy: BodyStopped | undefined;
	/**
	 * The wait for the chunk being read right now, if any. (Not a race against one long-lived
	 * "stopped" promise: each race would leave a reaction on it holding that chunk, so a 200 MB
	 * download would stay in memory until the end.)
	 */
	let failWaiting: ((reason: BodyStopped) => void) | undefined;
	const stopWith = (reason: BodyStopped) => {
		if (!stoppedBy) bounds.onStop?.();
		stoppedBy ??= reason;
		failWaiting?.(stoppedBy);
	};
	const onAbort = () => stopWith(new BodyStopped('cancelled'));
	signal?.addEventListener('abort', onAbort, { once: true });
	if (signal?.aborted) onAbort();
	const check = (): boolean => {
		const now = Date.now();
		if (now - lastBytesAt >= bounds.stallMs) stopWith(new BodyStopped('stalled'));
		else if (bounds.deadline !== undefined && now >= bounds.deadline) stopWith(new BodyStopped('deadline'));
		else if (bounds.stopWhen?.()) stopWith(new BodyStopped('stopped'));
		else return false;
		return true;
	};
	void (async () => {
		while (watching) {
			const untilDeadline = bounds.deadline === undefined ? Infinity : bounds.deadline - Date.now();
			await sleep(Math.max(1, Math.min(bounds.checkEveryMs, bounds.stallMs, untilDeadline)));
			if (watching && check()) return;
		}
	})();
	const stop = () => {
		watching = false;
		signal?.removeEventListener('abort', onAbort);
	};
	/** The next chunk, or the reason reading stopped first. */
	const nextChunk = (chunks: AsyncIterator<unknown>) =>
		new Promise<IteratorResult<unknown>>((resolve, reject) => {
			if (stoppedBy) return reject(stoppedBy);
			failWaiting = reject;
			chunks.next().then(resolve, reject);
		}).finally(() => (failWaiting = undefined));
	async function* guarded() {
		const chunks = body[Symbol.asyncIterator]();
		try {
			for (;;) {
				const next = await nextChunk(chunks);
				if (next.done) return;
				lastBytesAt = Date.now();
				yield next.value;
			}
		} finally {
			stop();
			void chunks.return?.()?.catch(() => undefined);
		}
	}
	return { chunks: guarded(), stop };
}

interface RequestContextLike {
	getNode(): INode;
	getExecutionCancelSignal?: () => AbortSignal | undefined;
}

export interface ClosableRequests<C> {
	/** `context` whose requests carry `close`'s signal (which also follows the execution's cancel). */
	context: C;
	/** Aborts every request made through `context`: their connections close at once, mid-read too. */
	close: () => void;
}

/**
 * n8n's request helper aborts a request only by the signal it takes from the context's
 * `getExecutionCancelSignal()` (it overwrites `abortSignal`), so a request that must be closable on
 * its own is made through a view of the context that hands out a signal of its own instead.
 */
export function closableRequests<C extends RequestContextLike>(context: C): ClosableRequests<C> {
	const cancel = cancelSignalOf(context);
	const controller = new AbortController();
	const onCancel = () => controller.abort();
	cancel?.addEventListener('abort', onCancel, { once: true });
	if (cancel?.aborted) controller.abort();
	const view = new Proxy(context, {
		get(target, key) {
			if (key === 'getExecutionCancelSignal') return () => controller.signal;
			const value: unknown = Reflect.get(target, key, target);
			// n8n's contexts keep their state in the object itself: methods run on it, not on the view.
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
		has(target, key) {
			return key === 'getExecutionCancelSignal' || Reflect.has(target, key);
		},
	});
	const close = () => {
		cancel?.removeEventListener('abort', onCancel);
		controller.abort();
	};
	return { context: view, close };
}

/** What an error answer of a streamed request carries is short: read that much, parse it if JSON. */
const SHORT_BODY_MAX_BYTES = 64 * 1024;
const SHORT_BODY_STALL_MS = 10_000;

/** The text (or JSON) of a short streamed body, e.g. the error an event stream answered instead. */
export async function readShortBody(body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
	if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return body;
	const parts: Buffer[] = [];
	let size = 0;
	const { chunks } = guardChunks(body as AsyncIterable<unknown>, signal, {
		stallMs: SHORT_BODY_STALL_MS,
		checkEveryMs: 1_000,
	});
	try {
		for await (const chunk of chunks) {
			const part = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
			parts.push(part);
			size += part.length;
			if (size >= SHORT_BODY_MAX_BYTES) break;
		}
	} catch {
		// A broken error body (or the execution stopped, which the caller checks): what arrived is all there is.
	}
	const text = Buffer.concat(parts).toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}
