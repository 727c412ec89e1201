import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requireRunId } from './runId';
import { maxWaitOption, runIdField, runItem, simplifyOption } from './common';
import { runFailedError, waitForRun } from './waitForRun';

export const description: INodeProperties[] = [
	runIdField(['wait'], 'The run to wait for, e.g. the runId of a Run App item whose wait ran out'),
	maxWaitOption(['wait']),
	simplifyOption(['wait']),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const runId = requireRunId.call(this, itemIndex);
	const maxWaitSeconds = this.getNodeParameter('maxWaitSeconds', itemIndex) as number;
	const { run, timedOut } = await waitForRun.call(this, runId, { maxWaitMs: maxWaitSeconds * 1000, itemIndex });
	if (!timedOut && run.status !== 'completed') throw runFailedError(this, run, itemIndex);
	return runItem(run, {
		simplify: this.getNodeParameter('simplify', itemIndex, false) as boolean,
		timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined,
	});
}
