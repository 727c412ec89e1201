import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerDelivery, receiveLaminaDelivery } from '../../transport/delivery';
import { isTerminal } from '../../shared/runShape';
import { errorItem } from '../perItem';
import { runItem, WAITED_RUN_KEY } from './common';
import { runFailedError } from './waitForRun';

/** The run this waiting execution started, as Run App kept it in the execution's custom data. */
function waitedRunId(context: IWebhookFunctions): string | undefined {
	try {
		const customData = (context as IWebhookFunctions & { customData?: { get(key: string): string | undefined } }).customData;
		return customData?.get(WAITED_RUN_KEY);
	} catch {
		// Older n8n versions give a webhook no access to the waiting execution's data.
		return undefined;
	}
}

/**
 * Run App's "Wait for Webhook": Lamina calls the execution's signed resume URL when the run
 * ends. The call is verified exactly like a Lamina Trigger delivery, and must carry the run this
 * execution waits for; a refused call is answered 401/400/403 and the execution keeps waiting.
 *
 * n8n resumes a waiting node without running it again (it passes on what this returns), so a
 * failed or cancelled run can't stop the execution here: it comes out as the same error item
 * Continue On Fail gives (`error`, `description`, `runId`, `status`, `outputErrors`).
 */
export async function resumeRunApp(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const received = await receiveLaminaDelivery.call(this, true);
	if (!received.ok) return received.response;
	const { run } = received;
	const expected = waitedRunId(this);
	if (expected !== undefined && run.runId !== expected) {
		return answerDelivery(this, 403, { error: `This execution waits for another run than ${String(run.runId)}` });
	}
	if (isTerminal(run) && run.status !== 'completed') {
		return { workflowData: [[errorItem(runFailedError(this, run, 0), 0)]] };
	}
	const simplify = this.getNodeParameter('simplify', false) as boolean;
	return {
		workflowData: [[{ json: runItem(run, { appId: received.appId, simplify }), pairedItem: { item: 0 } }]],
	};
}
