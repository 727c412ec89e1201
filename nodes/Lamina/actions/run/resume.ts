import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerDelivery, answerRejectedCredential, receiveLaminaDelivery } from '../../transport/delivery';
import { isTerminal } from '../../shared/runShape';
import { deliveredRun } from '../../shared/runKinds';
import { errorItem } from '../perItem';
import { runItem, WAITED_RUN_KEY } from './common';
import { runFailedError } from './waitForRun';

/** Where the webhook context can't read the waiting execution's custom data at all (n8n 1.x). */
const UNREADABLE = Symbol('custom data unreadable');

/** The run this waiting execution started, as Run App kept it in the execution's custom data. */
function waitedRunId(context: IWebhookFunctions): string | undefined | typeof UNREADABLE {
	const customData = (context as IWebhookFunctions & { customData?: { get(key: string): string | undefined } }).customData;
	if (!customData) return UNREADABLE;
	try {
		return customData.get(WAITED_RUN_KEY);
	} catch {
		return UNREADABLE;
	}
}

/**
 * Run App's "Wait for Webhook": Lamina calls the execution's signed resume URL when the run
 * ends. The call is verified exactly like a Lamina Trigger delivery, and must carry the run this
 * execution waits for (as its custom data names it), ended; a refused call is answered
 * 401/400/403 (503 when Lamina's signing key can't be fetched now) and the execution keeps waiting.
 *
 * n8n resumes a waiting node without running it again (it passes on what this returns), so a
 * failed or cancelled run can't stop the execution here: it comes out as the same error item
 * Continue On Fail gives (`error`, `description`, `runId`, `status`, `outputErrors`).
 */
export async function resumeRunApp(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const received = await receiveLaminaDelivery.call(this, true);
	if ('credentialRejection' in received) return answerRejectedCredential(this, received.credentialRejection, received.runId);
	if (!received.ok) return received.response;
	// A model run's delivery (Generate Image/Video) has one `output`: shaped as every run is.
	const run = deliveredRun(received.run);
	const known = waitedRunId(this);
	// n8n 1.x gives a webhook no access to the waiting execution's custom data: there a signed,
	// ended run resumes it, as in earlier releases (the README says so).
	const expected = known === UNREADABLE ? String(run.runId) : known;
	// Without the waited run ID any run Lamina signed, anyone's, would resume this execution.
	if (expected === undefined) {
		this.logger.warn(`Lamina webhook: the waiting execution has no ${WAITED_RUN_KEY} in its custom data, so the call for run ${String(run.runId)} was refused`, {
			node: this.getNode().name,
		});
		return answerDelivery(this, 403, { error: `This execution does not know which run it waits for (no ${WAITED_RUN_KEY} in its custom data)` });
	}
	if (run.runId !== expected) {
		return answerDelivery(this, 403, { error: `This execution waits for another run than ${String(run.runId)}` });
	}
	if (!isTerminal(run)) {
		return answerDelivery(this, 400, { error: `Run ${expected} is ${String(run.status)}: this execution resumes when the run has ended` });
	}
	if (run.status !== 'completed') {
		return { workflowData: [[errorItem(runFailedError(this, run, 0), 0)]] };
	}
	const simplify = this.getNodeParameter('simplify', false) as boolean;
	return {
		workflowData: [[{ json: runItem(run, { appId: received.appId, simplify }), pairedItem: { item: 0 } }]],
	};
}
