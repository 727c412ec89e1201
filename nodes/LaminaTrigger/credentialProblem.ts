/**
 * A trigger whose own credential Lamina refuses can accept no delivery: each call is answered
 * 200 (Lamina retries any other answer, and no retry can succeed until the credential is fixed)
 * and logged with its run. So that the user sees it where n8n users look, in the workflow's
 * executions (and its error workflow), the trigger also starts one execution that fails with the
 * problem, at most once per REPORT_INTERVAL_MS per trigger and process.
 */
import type { IDataObject, IExecuteFunctions, IWebhookFunctions, IWebhookResponseData, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeRejection, type CredentialRejection } from '../Lamina/transport/credentialRejection';
import { answerRejectedCredential } from '../Lamina/transport/delivery';

/** The item field by which webhook() hands a problem to execute(); removed from every run item. */
export const PROBLEM_KEY = 'laminaTriggerProblem';
export const REPORT_INTERVAL_MS = 10 * 60_000;

/** When each trigger (workflow id + node name) last started an execution to show the problem. */
const reportedAt = new Map<string, number>();

export function reportRejectedCredential(
	context: IWebhookFunctions,
	/** The trigger's workflow id and node name. */
	trigger: string,
	rejection: CredentialRejection,
	runId: string,
): IWebhookResponseData {
	const answered = answerRejectedCredential(context, rejection, runId);
	// "Listen for test event" always shows it: the user is looking.
	if (context.getMode() !== 'manual') {
		const last = reportedAt.get(trigger);
		if (last !== undefined && Date.now() - last < REPORT_INTERVAL_MS) return answered;
		reportedAt.set(trigger, Date.now());
	}
	const problem: IDataObject = { ...rejection, runId };
	return { ...answered, workflowData: [[{ json: { [PROBLEM_KEY]: problem } }]] };
}

/** The error the execution started by reportRejectedCredential fails with. */
export function rejectedCredentialError(
	context: IExecuteFunctions,
	problem: CredentialRejection & { runId: string },
): NodeApiError {
	const message = describeRejection(problem);
	const minutes = Math.round(REPORT_INTERVAL_MS / 60_000);
	return new NodeApiError(context.getNode(), { message, httpCode: String(problem.httpCode) } as JsonObject, {
		message,
		description:
			`Fix the Lamina API credential of this trigger (its API key, and its Base URL). Until then no call from Lamina can be checked or accepted: ` +
			`each is answered 200, so that Lamina does not resend what can't be accepted, and logged by n8n with its run ID. ` +
			`This call named run ${problem.runId} (not verified); collect such runs with the Lamina node's Run → Get once the credential works. ` +
			`This error shows at most once every ${minutes} minutes while the problem lasts.`,
		httpCode: String(problem.httpCode),
		itemIndex: 0,
	});
}
