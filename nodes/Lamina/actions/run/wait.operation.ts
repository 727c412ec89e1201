import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requireRunId } from './runId';
import {
	includeProgressOption,
	maxWaitFields,
	maxWaitOption,
	maxWaitSecondsOf,
	progressTimeline,
	runIdField,
	runItem,
	simplifyOption,
} from './common';
import type { RunBatch } from './runBatch';
import { runFailedError } from './waitForRun';

/** Runs awaited at the same time unless Options → Concurrent Waits says otherwise. */
export const DEFAULT_CONCURRENT_WAITS = 10;

export const description: INodeProperties[] = [
	runIdField(['wait'], 'The run to wait for, e.g. the runId of a Run App item whose wait ran out'),
	maxWaitOption(['wait']),
	...maxWaitFields('completion', { resource: ['run'], operation: ['wait'] }),
	simplifyOption(['wait']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['run'], operation: ['wait'] } },
		options: [
			{
				displayName: 'Concurrent Waits',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: DEFAULT_CONCURRENT_WAITS,
				description: 'How many runs are awaited at the same time; the others queue',
			},
			includeProgressOption,
		],
	},
];

/** How many items wait at once: Options → Concurrent Waits of the first item. */
export function concurrency(this: IExecuteFunctions): number {
	const options = this.getNodeParameter('options', 0, {}) as { concurrency?: number };
	return Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENT_WAITS));
}

/** Every item's run ID, read before any wait: the batch lists them all if one fails. */
export function readRunId(this: IExecuteFunctions, itemIndex: number): string {
	return requireRunId.call(this, itemIndex);
}

/** Waits for the item's run as part of `batch`: its wait stops when another item fails the node. */
export async function execute(this: IExecuteFunctions, itemIndex: number, runId: string, batch: RunBatch): Promise<IDataObject> {
	const maxWaitSeconds = maxWaitSecondsOf(this, itemIndex, 'completion');
	const options = this.getNodeParameter('options', itemIndex, {}) as { includeProgress?: boolean };
	const timeline = progressTimeline(options.includeProgress);
	const { run, timedOut } = await batch.wait(itemIndex, runId, { maxWaitMs: maxWaitSeconds * 1000, timeline });
	if (!timedOut && run.status !== 'completed') throw runFailedError(this, run, itemIndex, timeline);
	return runItem(run, {
		simplify: this.getNodeParameter('simplify', itemIndex, false) as boolean,
		timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined,
		timeline,
	});
}
