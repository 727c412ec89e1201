/**
 * The items of one node execution that each wait for a run, failing together. Without Continue
 * On Fail the first failure ends the node at once: every other wait and download is stopped
 * (their requests are aborted, not left open), no further item starts, a start already sent is
 * let finish (its run must be known), and the failure is thrown with every run accounted for.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { stoppable, type Stoppable } from '../../transport/cancellation';
import { asNodeError, errorItem, toItems, type ItemResult } from '../perItem';
import { StartedRuns, type NodeError, type RunOrigin } from './startedRuns';
import { waitForRun, type WaitOptions, type WaitResult } from './waitForRun';

export class RunBatch {
	readonly runs: StartedRuns;
	/** The node's context for waits, downloads and uploads: stopped when the batch fails. */
	readonly waiting: IExecuteFunctions;
	private readonly stop: Stoppable<IExecuteFunctions>;
	private readonly continueOnFail: boolean;
	private failure?: NodeError;
	private failedNow: () => void = () => undefined;
	private readonly failedSoon = new Promise<void>((resolve) => (this.failedNow = resolve));

	constructor(
		readonly context: IExecuteFunctions,
		origin: RunOrigin,
	) {
		this.runs = new StartedRuns(origin);
		this.stop = stoppable(context);
		this.waiting = this.stop.context;
		this.continueOnFail = context.continueOnFail();
	}

	/** An item failed the node: nobody needs what the others are doing. */
	get failed(): boolean {
		return this.failure !== undefined;
	}

	/**
	 * An item's failure: its error item under Continue On Fail (carrying its run); otherwise the
	 * batch fails with the first one (later ones, often the stop itself, are dropped).
	 */
	itemFailed(error: unknown, itemIndex: number): INodeExecutionData | undefined {
		const nodeError = asNodeError(this.context, error, itemIndex);
		if (this.continueOnFail) return errorItem(this.runs.attachTo(nodeError, itemIndex, { advise: true }), itemIndex);
		if (this.failure) return undefined;
		this.failure = this.runs.attachTo(nodeError, itemIndex, { advise: false });
		this.stop.stop();
		this.failedNow();
		return undefined;
	}

	/**
	 * Waits for an item's run as part of the batch: every state seen is recorded for the item (so
	 * a failure can list it), and the wait stops when another item fails the node.
	 */
	async wait(itemIndex: number, runId: string, options: Omit<WaitOptions, 'itemIndex' | 'stopWhen' | 'onSeen'>): Promise<WaitResult> {
		const result = await waitForRun.call(this.waiting, runId, {
			...options,
			itemIndex,
			// Once another item failed the node, nobody reads this result: stop asking.
			stopWhen: () => this.failed,
			onSeen: (seen) => this.runs.seen(itemIndex, seen),
		});
		this.runs.seen(itemIndex, result.run);
		return result;
	}

	/** Waits for `work`, or for the first failure: then for what it stopped, and throws that failure. */
	async settle(work: Promise<unknown>): Promise<void> {
		try {
			await Promise.race([work, this.failedSoon]);
			// Stopped waits end at once; a start in flight is let finish so its run is listed.
			if (this.failure) await work;
		} finally {
			this.stop.release();
		}
		if (this.failure) throw this.runs.accountFor(this.failure);
	}
}

/**
 * Runs `handler` for every item, at most `concurrency` at a time, as `batch`: output in input
 * order with pairedItem set; the first failure (without Continue On Fail) ends it at once.
 */
export async function forEachRunItem(
	batch: RunBatch,
	itemCount: number,
	concurrency: number,
	/** Undefined: nothing to output (the batch failed meanwhile). */
	handler: (itemIndex: number, batch: RunBatch) => Promise<ItemResult | undefined>,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array(itemCount);
	let next = 0;
	const worker = async () => {
		while (next < itemCount && !batch.failed) {
			const itemIndex = next++;
			try {
				const result = await handler(itemIndex, batch);
				if (!batch.failed && result !== undefined) results[itemIndex] = toItems(result, itemIndex);
			} catch (error) {
				const item = batch.itemFailed(error, itemIndex);
				if (item) results[itemIndex] = [item];
			}
		}
	};
	const workers = Math.max(1, Math.min(concurrency, itemCount));
	await batch.settle(Promise.all(Array.from({ length: workers }, worker)));
	return results.flat();
}
