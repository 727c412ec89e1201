import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RUN_KINDS } from '../../shared/runKinds';
import { findRunAmong, isNotFound, notFoundAsAnyKind } from '../../transport/runLookup';

/**
 * Why Cancel failed for `runId`, when Lamina's app-run cancel doesn't know it: a model or freestyle
 * run (found at its own endpoint) can't be cancelled, and the error says so and what it is doing;
 * an ID no kind knows is the not-found error. Any other failure is returned as it was.
 */
export async function cancelRefusal(this: IExecuteFunctions, error: unknown, runId: string, itemIndex: number): Promise<unknown> {
	if (!isNotFound(error)) return error;
	const found = await findRunAmong.call(this, ['model', 'freestyle'], runId, itemIndex);
	if (!found) return notFoundAsAnyKind(error, runId);
	const refusal = new NodeOperationError(
		this.getNode(),
		`Lamina can't cancel ${RUN_KINDS[found.kind].noun}s: run ${runId} is a ${RUN_KINDS[found.kind].noun} (${found.run.status})`,
		{
			description:
				'Only app runs (Run App, Create from Brief with an app) can be cancelled. This run goes on to its end in Lamina; collect it with "Wait for Run" or "Get Run", or ignore its result.',
			itemIndex,
		},
	);
	refusal.context.runId = runId;
	refusal.context.kind = found.kind;
	refusal.context.status = found.run.status;
	return refusal;
}
