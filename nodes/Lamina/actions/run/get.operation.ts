import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { lookUpRun } from '../../transport/runLookup';
import { requireRunId } from './runId';
import { runIdField, runItem, simplifyOption } from './common';

export const description: INodeProperties[] = [
	runIdField(['get'], 'The run to look up, e.g. the runId from Run App, Generate Image or Create from Brief'),
	simplifyOption(['get']),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const runId = requireRunId.call(this, itemIndex);
	// Any kind of run: app, model or freestyle, found by its status endpoint.
	const { run } = await lookUpRun.call(this, runId, itemIndex);
	return runItem(run, { simplify: this.getNodeParameter('simplify', itemIndex, false) as boolean });
}
