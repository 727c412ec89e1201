import { laminaRequest, type LaminaContext } from './index';
import {
	credentialKeyOf,
	forgetRejection,
	laminaCodeOf,
	recentRejection,
	rememberRejection,
	type CredentialRejection,
} from './credentialRejection';
import {
	checkDeliveryForm,
	signatureMatches,
	type DeliveryCheck,
	type LaminaSigningKey,
} from '../shared/webhookSignature';

/** Lamina's public signing keys per credential, kept for an hour (as Lamina's SDK does). */
const cachedKeys = new Map<string, { keys: Promise<SigningKeysOutcome>; fetchedAt: number }>();
const lastRefetchAt = new Map<string, number>();
/** A fetch that failed, per credential: no new fetch before `until`. */
const failedFetches = new Map<string, { reason: string; until: number }>();
/**
 * How long fetched keys are trusted, how often a failed signature may refetch them (a forged
 * delivery must not make us hammer the key endpoint), and how long after a failed fetch calls
 * are answered without asking Lamina again. Tests shorten these.
 */
export const signingKeyLimits = { ttlMs: 60 * 60_000, refetchCooldownMs: 10_000, failedFetchCooldownMs: 10_000 };
/** Lamina waits 15 s for an answer, and confirming the run comes after this. */
const KEY_FETCH_TIMEOUT_MS = 5_000;
/** One request per call: Lamina's own retries of the delivery (5 s, 30 s, 2 min) are the retries. */
const KEY_FETCH_ATTEMPTS = 1;
const DURING_KEY_FETCH = "fetching Lamina's webhook signing key";

/** The keys, or why none could be had: Lamina refused the credential, or could not be reached / answered wrong. */
export type SigningKeysOutcome =
	| { ok: true; keys: LaminaSigningKey[] }
	| { ok: false; reason: string; rejection?: CredentialRejection };

async function fetchKeys(context: LaminaContext, credentialKey: string): Promise<SigningKeysOutcome> {
	let response;
	try {
		response = await laminaRequest.call(context, {
			method: 'GET',
			path: '/v1/webhooks/signing-key',
			acceptStatuses: [401, 403],
			timeoutMs: KEY_FETCH_TIMEOUT_MS,
			maxAttempts: KEY_FETCH_ATTEMPTS,
		});
	} catch (error) {
		return { ok: false, reason: (error as Error).message };
	}
	if (response.statusCode === 401 || response.statusCode === 403) {
		const rejection = {
			httpCode: response.statusCode,
			laminaCode: laminaCodeOf(response.body),
			during: DURING_KEY_FETCH,
			at: Date.now(),
		};
		rememberRejection(credentialKey, rejection);
		return { ok: false, reason: `Lamina refused the credential (HTTP ${response.statusCode})`, rejection };
	}
	forgetRejection(credentialKey);
	const record = (response.body ?? {}) as { keys?: unknown; data?: { keys?: unknown } };
	const keys = record.keys ?? record.data?.keys;
	return { ok: true, keys: Array.isArray(keys) ? (keys as LaminaSigningKey[]) : [] };
}

/**
 * The credential's keys: cached, else fetched once for all calls that want them now. A failed
 * fetch is not repeated for a while (`failedFetchCooldownMs`; a refused credential for as long
 * as credentialRejection remembers it), so calls while Lamina is down cost it nothing. A failed
 * refetch (`refresh`) keeps the keys cached before it.
 */
export async function getSigningKeys(this: LaminaContext, refresh = false): Promise<SigningKeysOutcome> {
	const credentialKey = await credentialKeyOf(this);
	const cached = cachedKeys.get(credentialKey);
	if (cached && !refresh && Date.now() - cached.fetchedAt < signingKeyLimits.ttlMs) return await cached.keys;

	const rejection = recentRejection(credentialKey);
	if (rejection) return { ok: false, reason: 'Lamina refused the credential lately', rejection };
	const failed = failedFetches.get(credentialKey);
	if (failed && Date.now() < failed.until) return { ok: false, reason: failed.reason };

	const entry = { keys: fetchKeys(this, credentialKey), fetchedAt: Date.now() };
	cachedKeys.set(credentialKey, entry);
	const outcome = await entry.keys;
	if (outcome.ok) {
		failedFetches.delete(credentialKey);
	} else if (cachedKeys.get(credentialKey) === entry) {
		// Calls waiting on this entry got the same outcome; the next ones use the keys from before, or fetch later.
		if (cached && refresh) cachedKeys.set(credentialKey, cached);
		else cachedKeys.delete(credentialKey);
		if (!outcome.rejection) {
			failedFetches.set(credentialKey, { reason: outcome.reason, until: Date.now() + signingKeyLimits.failedFetchCooldownMs });
			this.logger.warn(`Lamina webhook: the signing key could not be fetched (${outcome.reason}); calls are answered 503 so that Lamina sends them again`, {
				node: this.getNode().name,
			});
		}
	}
	return outcome;
}

/** A delivery Lamina may well have sent, but that can't be checked now. */
export type UncheckedDelivery =
	| { ok: false; status: 503; reason: string }
	/** The run the call names (not verified). */
	| { ok: false; credentialRejection: CredentialRejection; runId: string };

function unchecked(outcome: { reason: string; rejection?: CredentialRejection }, runId: string): UncheckedDelivery {
	if (outcome.rejection) return { ok: false, credentialRejection: outcome.rejection, runId };
	return {
		ok: false,
		status: 503,
		reason: `Lamina's signing key could not be fetched to check this call (${outcome.reason}); send it again later`,
	};
}

/**
 * Verifies a delivery: its form first (a call that can't be Lamina's costs no key request), then
 * the signature with the cached keys; when that fails, refetches the keys once (Lamina may have
 * rotated them) before refusing, at most once per cooldown for this credential. When no keys can
 * be had: 503 (Lamina sends the call again later), or the rejection when Lamina refuses the
 * node's own credential (no retry of the call can succeed; the node reports it).
 */
export async function verifyDeliveryWithRotation(
	this: LaminaContext,
	rawBody: Buffer,
	headers: Record<string, unknown>,
): Promise<DeliveryCheck | UncheckedDelivery> {
	const form = checkDeliveryForm({ rawBody, headers, nowSeconds: Math.floor(Date.now() / 1000) });
	if (!form.ok) return form;
	const verified: DeliveryCheck = { ok: true, runId: form.runId, body: form.body };
	const refused: DeliveryCheck = { ok: false, status: 401, reason: 'Signature does not verify', signatureFailed: true };

	const current = await getSigningKeys.call(this);
	if (!current.ok) return unchecked(current, form.runId);
	if (signatureMatches(form.message, form.signatureHex, current.keys)) return verified;

	const credentialKey = await credentialKeyOf(this);
	const last = lastRefetchAt.get(credentialKey) ?? 0;
	if (Date.now() - last < signingKeyLimits.refetchCooldownMs) return refused;
	lastRefetchAt.set(credentialKey, Date.now());
	const fresh = await getSigningKeys.call(this, true);
	if (!fresh.ok) return unchecked(fresh, form.runId);
	return signatureMatches(form.message, form.signatureHex, fresh.keys) ? verified : refused;
}
