/**
 * "Confirm Runs with Lamina": Lamina's signature proves that Lamina sent a delivery, not that
 * the run is this workflow's. Anyone can start a run on their own Lamina account with
 * `?webhook=<this trigger's URL>`; asking Lamina for the run with the trigger's own credential
 * tells a run of this workspace from a stranger's, and gives the run as Lamina has it.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import { laminaRequest, unwrapData } from '../Lamina/transport';
import {
	credentialKeyOf,
	forgetRejection,
	laminaCodeOf,
	recentRejection,
	rememberRejection,
	type CredentialRejection,
} from '../Lamina/transport/credentialRejection';
import { normaliseRun } from '../Lamina/shared/runShape';
import { findRunAmong } from '../Lamina/transport/runLookup';
import type { LaminaRun } from '../Lamina/shared/types';

export type Confirmation =
	| { ok: true; run: LaminaRun }
	| { ok: false; status: number; reason: string }
	/** Lamina refuses the trigger's own credential: no delivery can be confirmed until it is fixed. */
	| { ok: false; credentialRejection: CredentialRejection };

/** Lamina waits 15 s for an answer: the confirmation must fit well within it. */
const CONFIRM_TIMEOUT_MS = 8_000;
const CONFIRM_ATTEMPTS = 2;
/** How far back Run App's runs of an app are searched for this run (pages of 100). */
const MAX_APP_PAGES = 10;

export async function confirmRun(this: IWebhookFunctions, runId: string): Promise<Confirmation> {
	const credentialKey = await credentialKeyOf(this);
	const rejected = recentRejection(credentialKey);
	if (rejected) return { ok: false, credentialRejection: rejected };
	try {
		const response = await laminaRequest.call(this, {
			method: 'GET',
			path: `/v1/runs/${encodeURIComponent(runId)}`,
			subject: `run "${runId}"`,
			acceptStatuses: [401, 403, 404],
			timeoutMs: CONFIRM_TIMEOUT_MS,
			maxAttempts: CONFIRM_ATTEMPTS,
		});
		// 401 is about the key, whatever the run; 403 and 404 are about this run (below).
		if (response.statusCode === 401) {
			const rejection = { httpCode: 401, laminaCode: laminaCodeOf(response.body), during: `confirming run ${runId}`, at: Date.now() };
			rememberRejection(credentialKey, rejection);
			return { ok: false, credentialRejection: rejection };
		}
		forgetRejection(credentialKey);
		// Not an app run: perhaps a model or freestyle run, asked at its kind's endpoint.
		const other = response.statusCode === 404 ? await findRunAmong.call(this, ['model', 'freestyle'], runId, 0) : undefined;
		if (other) return { ok: true, run: other.run };
		if (response.statusCode === 403 || response.statusCode === 404) {
			return {
				ok: false,
				status: 403,
				reason: `Run ${runId} is not one this trigger's Lamina credential can see, so it starts nothing here`,
			};
		}
		return { ok: true, run: normaliseRun(unwrapData(response.body)) };
	} catch (error) {
		// Lamina could not be asked right now: a non-2xx answer makes Lamina deliver it again later.
		return {
			ok: false,
			status: 503,
			reason: `Could not confirm run ${runId} with Lamina yet: ${(error as Error).message}`,
		};
	}
}

/**
 * Whether Lamina lists `run` among the runs of app `appId` (List Runs filtered by app, since the
 * run was created). Lamina's run has no app ID of its own, and the URL's `laminaAppId` is not
 * signed, so this is how the app filter is decided once runs are confirmed.
 */
export async function runIsOfApp(this: IWebhookFunctions, run: LaminaRun, appId: string): Promise<boolean> {
	const created = Date.parse(String(run.createdAt ?? ''));
	const since = Number.isNaN(created) ? undefined : new Date(created - 1000).toISOString();
	for (let page = 0; page < MAX_APP_PAGES; page++) {
		const response = await laminaRequest.call(this, {
			method: 'GET',
			path: '/v1/runs',
			qs: { appId, limit: 100, offset: page * 100, ...(since ? { since } : {}) },
			timeoutMs: CONFIRM_TIMEOUT_MS,
			maxAttempts: CONFIRM_ATTEMPTS,
		});
		const runs = (unwrapData<unknown[]>(response.body) ?? []).map(normaliseRun);
		if (runs.some((listed) => listed.runId === run.runId)) return true;
		if (runs.length < 100) return false;
	}
	return false;
}
