/**
 * n8n's "stop execution": the execution's abort signal. Every request and every pause of this
 * package follows it, so a stopped execution ends its downloads, uploads and waits at once and
 * sends nothing more. Contexts without one (editor lookups, webhooks) are never cancelled.
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

interface MaybeCancellable {
	getNode(): INode;
	getExecutionCancelSignal?: () => AbortSignal | undefined;
}

export function cancelSignalOf(context: MaybeCancellable): AbortSignal | undefined {
	return typeof context.getExecutionCancelSignal === 'function' ? context.getExecutionCancelSignal() : undefined;
}

export function cancelledError(context: MaybeCancellable, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'The execution was cancelled', { itemIndex });
}

export function throwIfCancelled(context: MaybeCancellable, itemIndex?: number): void {
	if (cancelSignalOf(context)?.aborted) throw cancelledError(context, itemIndex);
}

/**
 * Waits `ms` unless the execution is stopped first; then throws at once. (n8n 2.x's `sleep` takes
 * the signal and clears its timer; older versions ignore it, and the race still ends the wait.)
 */
export async function pause(context: MaybeCancellable, ms: number, itemIndex?: number): Promise<void> {
	const signal = cancelSignalOf(context);
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw cancelledError(context, itemIndex);
	let onAbort: (() => void) | undefined;
	const stopped = new Promise<never>((_, reject) => {
		onAbort = () => reject(cancelledError(context, itemIndex));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	const slept = sleep(ms, signal);
	// Whichever loses the race must not become an unhandled rejection.
	stopped.catch(() => undefined);
	slept.catch(() => undefined);
	try {
		await Promise.race([slept, stopped]);
	} finally {
		signal.removeEventListener('abort', onAbort!);
	}
	if (signal.aborted) throw cancelledError(context, itemIndex);
}

export interface Stoppable<T> {
	/** The same context, whose cancel signal also fires on `stop()`. */
	context: T;
	/** Ends, at once, every request, pause, download and stream read made through `context`. */
	stop(): void;
	/** Stops following the execution's own signal (call when the node is done). */
	release(): void;
}

/**
 * A context for the part of a node's work that may be dropped once the node has failed anyway
 * (other items' waits and downloads): its cancel signal fires on n8n's "Stop execution" and on
 * `stop()`. n8n's request helper takes the abort signal from the context it is called on, so
 * requests through this context are aborted too, not only the pauses and body reads.
 */
export function stoppable<T extends MaybeCancellable>(context: T): Stoppable<T> {
	const controller = new AbortController();
	const execution = cancelSignalOf(context);
	const onAbort = () => controller.abort();
	execution?.addEventListener('abort', onAbort, { once: true });
	if (execution?.aborted) controller.abort();
	const derived = Object.create(context, {
		// Configurable, so that a view over this context (closableRequests' Proxy) may answer its own signal.
		getExecutionCancelSignal: { value: () => controller.signal, configurable: true, writable: true },
	}) as T;
	return {
		context: derived,
		stop: () => controller.abort(),
		release: () => execution?.removeEventListener('abort', onAbort),
	};
}
