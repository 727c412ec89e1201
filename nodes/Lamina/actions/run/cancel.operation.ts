import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { cancelRefusal } from './cancelKinds';
import { normaliseRun } from '../../shared/runShape';
import { requireRunId } from './runId';
import { runIdField } from './common';

export const description: INodeProperties[] = [
	runIdField(['cancel'], 'The run to cancel. Cancelling a finished run changes nothing and returns its status.'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const runId = requireRunId.call(this, itemIndex);
	let data: unknown;
	try {
		data = await laminaData.call(this, {
			method: 'POST',
			path: `/v1/runs/${encodeURIComponent(runId)}/cancel`,
			subject: `run "${runId}"`,
			itemIndex,
		});
	} catch (error) {
		// Not an app run: perhaps a model or freestyle run, which Lamina can't cancel.
		throw await cancelRefusal.call(this, error, runId, itemIndex);
	}
	const run = normaliseRun(data);
	return { runId: run.runId ?? runId, status: run.status };
}
