import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { normaliseRun } from '../shared/runShape';
import type { LaminaRun } from '../shared/types';
import { verifyDeliveryWithRotation } from './signingKeys';

export type ReceivedDelivery =
	| { ok: true; run: LaminaRun; appId?: string }
	| { ok: false; response: IWebhookResponseData };

/** Answers the HTTP request ourselves and tells n8n not to answer or start anything. */
export function answerDelivery(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * Reads a call from Lamina: the exact raw bytes, checked against Lamina's signature (unless the
 * user turned that off), and the run it carries. A refused call is answered here (401/400).
 */
export async function receiveLaminaDelivery(
	this: IWebhookFunctions,
	verifySignature: boolean,
): Promise<ReceivedDelivery> {
	const request = this.getRequestObject();
	const rawBody: Buffer = Buffer.isBuffer(request.rawBody)
		? request.rawBody
		: Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? {}));

	let body: IDataObject;
	if (verifySignature) {
		const check = await verifyDeliveryWithRotation.call(this, rawBody, this.getHeaderData() as IDataObject);
		if (!check.ok) return { ok: false, response: answerDelivery(this, check.status, { error: check.reason }) };
		body = check.body as IDataObject;
	} else {
		try {
			body = JSON.parse(rawBody.toString('utf8')) as IDataObject;
		} catch {
			return { ok: false, response: answerDelivery(this, 400, { error: 'Body is not a JSON object' }) };
		}
	}
	const run = normaliseRun(body.data ?? body);
	// Run App tags the webhook URLs it passes with the app; Lamina's body has only workflowId.
	const query = this.getQueryData() as IDataObject;
	const appId = (run.appId as string | undefined) ?? (query.laminaAppId as string | undefined);
	return { ok: true, run, appId };
}
