import { CREDENTIAL_TYPE, getBaseUrl, laminaRequest, type LaminaContext } from './index';
import {
	verifyLaminaDelivery,
	type DeliveryCheck,
	type LaminaSigningKey,
} from '../shared/webhookSignature';

/** Lamina's public signing keys per credential, kept for an hour (as Lamina's SDK does). */
const cachedKeys = new Map<string, { keys: Promise<LaminaSigningKey[]>; fetchedAt: number }>();
const lastRefetchAt = new Map<string, number>();
/**
 * How long fetched keys are trusted, and how often a failed signature may refetch them (a forged
 * delivery must not make us hammer the key endpoint). Tests shorten these.
 */
export const signingKeyLimits = { ttlMs: 60 * 60_000, refetchCooldownMs: 10_000 };

async function fetchKeys(context: LaminaContext): Promise<LaminaSigningKey[]> {
	const { body } = await laminaRequest.call(context, { method: 'GET', path: '/v1/webhooks/signing-key' });
	const record = (body ?? {}) as { keys?: unknown; data?: { keys?: unknown } };
	const keys = record.keys ?? record.data?.keys;
	return Array.isArray(keys) ? (keys as LaminaSigningKey[]) : [];
}

/**
 * Which cache entry a node's keys live under: its credential's ID (so a delivery does not load
 * and decrypt the credential), else its base URL.
 */
async function cacheKeyOf(context: LaminaContext): Promise<string> {
	const credentialId = context.getNode().credentials?.[CREDENTIAL_TYPE]?.id;
	return credentialId ? `credential:${credentialId}` : `url:${await getBaseUrl.call(context)}`;
}

export async function getSigningKeys(this: LaminaContext, refresh = false): Promise<LaminaSigningKey[]> {
	const cacheKey = await cacheKeyOf(this);
	let cached = cachedKeys.get(cacheKey);
	if (!cached || refresh || Date.now() - cached.fetchedAt >= signingKeyLimits.ttlMs) {
		const entry = { keys: fetchKeys(this), fetchedAt: Date.now() };
		cachedKeys.set(cacheKey, entry);
		entry.keys.catch(() => {
			if (cachedKeys.get(cacheKey) === entry) cachedKeys.delete(cacheKey);
		});
		cached = entry;
	}
	return await cached.keys;
}

/**
 * Verifies a delivery with the cached keys; when the signature fails, refetches the keys once
 * (Lamina may have rotated them) before refusing, at most once per cooldown for this credential.
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

	const cacheKey = await cacheKeyOf(this);
	const last = lastRefetchAt.get(cacheKey) ?? 0;
	if (Date.now() - last < signingKeyLimits.refetchCooldownMs) return check;
	lastRefetchAt.set(cacheKey, Date.now());
	const fresh = await getSigningKeys.call(this, true);
	return verifyLaminaDelivery({ rawBody, headers, keys: fresh, nowSeconds });
}
