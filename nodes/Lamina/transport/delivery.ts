import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { normaliseRun } from '../shared/runShape';
import type { LaminaRun } from '../shared/types';
import { parseDeliveryBody } from '../shared/webhookSignature';
import { describeRejection, type CredentialRejection } from './credentialRejection';
import { verifyDeliveryWithRotation } from './signingKeys';

export type ReceivedDelivery =
	| { ok: true; run: LaminaRun; appId?: string }
	| { ok: false; response: IWebhookResponseData }
	/** Lamina refuses the node's own credential: not answered yet, see answerRejectedCredential. */
	| { ok: false; credentialRejection: CredentialRejection; runId: string };

/** Answers the HTTP request ourselves and tells n8n not to answer or start anything. */
export function answerDelivery(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * A call that came while Lamina refuses the node's own credential: logged (naming the run the
 * call claims, so it can be collected later) and answered 200, since Lamina retries every other
 * answer and no retry can be accepted until the credential is fixed.
 */
export function answerRejectedCredential(
	context: IWebhookFunctions,
	rejection: CredentialRejection,
	runId: string,
): IWebhookResponseData {
	const problem = describeRejection(rejection);
	context.logger.error(
		`${problem}. The call for run ${runId} (not verified) was dropped: fix the credential, then collect the run with the Lamina node's Run → Get.`,
		{ workflowId: context.getWorkflow().id, node: context.getNode().name, runId },
	);
	return answerDelivery(context, 200, { received: true, accepted: false, error: `${problem}; fix it in n8n` });
}

/**
 * Reads a call from Lamina: the exact raw bytes, checked against Lamina's signature (unless the
 * user turned that off), and the run it carries. A refused call is answered here: 400/401, 503
 * when Lamina's signing key can't be fetched now (Lamina sends the call again later). When Lamina
 * refuses the node's own credential the caller answers (answerRejectedCredential).
 */
export async function receiveLaminaDelivery(
	this: IWebhookFunctions,
	verifySignature: boolean,
): Promise<ReceivedDelivery> {
	const request = this.getRequestObject();
	const rawBody: Buffer = Buffer.isBuffer(request.rawBody)
		? request.rawBody
		: Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null));

	let body: IDataObject;
	if (verifySignature) {
		const check = await verifyDeliveryWithRotation.call(this, rawBody, this.getHeaderData() as IDataObject);
		if ('credentialRejection' in check) return check;
		if (!check.ok) return { ok: false, response: answerDelivery(this, check.status, { error: check.reason }) };
		body = check.body as IDataObject;
	} else {
		const parsed = parseDeliveryBody(rawBody);
		if (!parsed) return { ok: false, response: answerDelivery(this, 400, { error: 'Body is not a JSON object' }) };
		body = parsed as IDataObject;
	}
	const run = normaliseRun(body.data ?? body);
	// Run App tags the webhook URLs it passes with the app; Lamina's body has only workflowId.
	const query = this.getQueryData() as IDataObject;
	const appId = (run.appId as string | undefined) ?? (query.laminaAppId as string | undefined);
	return { ok: true, run, appId };
}
