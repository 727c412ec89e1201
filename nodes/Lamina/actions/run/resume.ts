import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { receiveLaminaDelivery } from '../../transport/delivery';
import { runItem } from './common';

/**
 * Run App's "Wait for Webhook": Lamina calls the execution's signed resume URL when the run
 * ends. The call is verified exactly like a Lamina Trigger delivery; a refused call is answered
 * 401/400 and the execution keeps waiting.
 */
export async function resumeRunApp(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const received = await receiveLaminaDelivery.call(this, true);
	if (!received.ok) return received.response;
	const simplify = this.getNodeParameter('simplify', false) as boolean;
	return {
		workflowData: [[{ json: runItem(received.run, { appId: received.appId, simplify }), pairedItem: { item: 0 } }]],
	};
}
