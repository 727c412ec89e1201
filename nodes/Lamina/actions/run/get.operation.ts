import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { requireRunId } from './runId';
import { runIdField, runItem, simplifyOption } from './common';

export const description: INodeProperties[] = [
	runIdField(['get'], 'The run to look up, e.g. the runId from Run App'),
	simplifyOption(['get']),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const runId = requireRunId.call(this, itemIndex);
	const run = await laminaData.call(this, {
		method: 'GET',
		path: `/v1/runs/${encodeURIComponent(runId)}`,
		subject: `run "${runId}"`,
		itemIndex,
	});
	return runItem(run, { simplify: this.getNodeParameter('simplify', itemIndex, false) as boolean });
}
