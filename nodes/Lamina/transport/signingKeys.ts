import { CREDENTIAL_TYPE, getBaseUrl, laminaRequest, type LaminaContext } from './index';
import {
	verifyLaminaDelivery,
	type DeliveryCheck,
	type LaminaSigningKey,
} from '../shared/webhookSignature';

/** Lamina's public signing keys, per credential, for the life of this n8n process. */
const cachedKeys = new Map<string, Promise<LaminaSigningKey[]>>();
const lastRefetchAt = new Map<string, number>();
/** A forged delivery must not make us hammer the key endpoint: refetch at most this often. */
const REFETCH_COOLDOWN_MS = 10_000;

async function fetchKeys(context: LaminaContext): Promise<LaminaSigningKey[]> {
	const { body } = await laminaRequest.call(context, { method: 'GET', path: '/v1/webhooks/signing-key' });
	const record = (body ?? {}) as { keys?: unknown; data?: { keys?: unknown } };
	const keys = record.keys ?? record.data?.keys;
	return Array.isArray(keys) ? (keys as LaminaSigningKey[]) : [];
}

/**
 * Cached per credential (looked up by its ID, so a delivery does not load and decrypt the
 * credential) and, on a refresh, per base URL.
 */
export async function getSigningKeys(this: LaminaContext, refresh = false): Promise<LaminaSigningKey[]> {
	const credentialId = this.getNode().credentials?.[CREDENTIAL_TYPE]?.id;
	const cacheKey = credentialId ? `credential:${credentialId}` : `url:${await getBaseUrl.call(this)}`;
	let keys = cachedKeys.get(cacheKey);
	if (!keys || refresh) {
		keys = fetchKeys(this);
		cachedKeys.set(cacheKey, keys);
		keys.catch(() => cachedKeys.delete(cacheKey));
	}
	return await keys;
}

/**
 * Verifies a delivery with the cached keys; when the signature fails, refetches the keys once
 * (Lamina may have rotated them) before refusing.
 */
export async function verifyDeliveryWithRotation(
	this: LaminaContext,
	rawBody: Buffer,
	headers: Record<string, unknown>,
): Promise<DeliveryCheck> {
	const nowSeconds = Math.floor(Date.now() / 1000);
	const keys = await getSigningKeys.call(this);
	const check = verifyLaminaDelivery({ rawBody, headers, keys, nowSeconds });
	if (check.ok || !check.signatureFailed) return check;

	// A refetch reads the credential afresh, so a changed base URL is picked up too.
	const baseUrl = await getBaseUrl.call(this);
	const last = lastRefetchAt.get(baseUrl) ?? 0;
	if (Date.now() - last < REFETCH_COOLDOWN_MS) return check;
	lastRefetchAt.set(baseUrl, Date.now());
	const fresh = await getSigningKeys.call(this, true);
	return verifyLaminaDelivery({ rawBody, headers, keys: fresh, nowSeconds });
}
