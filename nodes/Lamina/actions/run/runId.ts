import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export function requireRunId(this: IExecuteFunctions, itemIndex: number): string {
	const runId = String(this.getNodeParameter('runId', itemIndex, '') ?? '').trim();
	if (!runId) {
		throw new NodeOperationError(this.getNode(), 'Run ID is empty', {
			description: 'Map the runId of a Run App output, e.g. {{ $json.runId }}.',
			itemIndex,
		});
	}
	return runId;
}
