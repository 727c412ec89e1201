import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/** Lamina signs `${timestamp}.${raw body}` with Ed25519; the public keys come as JWKs. */
export interface LaminaSigningKey {
	kty: string;
	crv: string;
	x: string;
	kid?: string;
	[key: string]: unknown;
}

export const SIGNATURE_HEADER = 'x-lamina-webhook-signature';
export const TIMESTAMP_HEADER = 'x-lamina-webhook-timestamp';
export const REQUEST_ID_HEADER = 'x-lamina-webhook-request-id';
export const TOLERANCE_SECONDS = 300;

export type DeliveryCheck =
	| { ok: true; runId: string; body: Record<string, unknown> }
	| { ok: false; status: 400 | 401; reason: string; signatureFailed?: boolean };

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	const text = Array.isArray(value) ? value[0] : value;
	return typeof text === 'string' && text !== '' ? text : undefined;
}

const keyObjects = new WeakMap<LaminaSigningKey, KeyObject | null>();

function toKeyObject(key: LaminaSigningKey): KeyObject | null {
	if (!keyObjects.has(key)) {
		try {
			keyObjects.set(key, createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x } as JsonWebKey, format: 'jwk' }));
		} catch {
			keyObjects.set(key, null);
		}
	}
	return keyObjects.get(key) ?? null;
}

/** Does the signature verify under any of the keys? */
export function signatureMatches(
	message: Buffer,
	signatureHex: string,
	keys: LaminaSigningKey[],
): boolean {
	const signature = Buffer.from(signatureHex, 'hex');
	return keys.some((key) => {
		const publicKey = toKeyObject(key);
		if (!publicKey) return false;
		try {
			return verify(null, message, publicKey, signature);
		} catch {
			return false;
		}
	});
}

/** A delivery's body parsed: a JSON object, or undefined for anything else (`null`, a list, not JSON). */
export function parseDeliveryBody(rawBody: Buffer): Record<string, unknown> | undefined {
	try {
		const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

export type DeliveryForm =
	| { ok: true; runId: string; body: Record<string, unknown>; message: Buffer; signatureHex: string }
	| { ok: false; status: 400 | 401; reason: string };

/**
 * Everything about a delivery but the signature itself: JSON body, headers present, timestamp
 * within 300 s either way, a 64-byte hex signature, Request-Id equal to the body's run id.
 * Checked before any key is fetched, so a call that can't be Lamina's costs Lamina no request.
 */
export function checkDeliveryForm(input: {
	rawBody: Buffer;
	headers: Record<string, unknown>;
	nowSeconds: number;
}): DeliveryForm {
	const body = parseDeliveryBody(input.rawBody);
	if (!body) return { ok: false, status: 400, reason: 'Body is not a JSON object' };

	const signature = header(input.headers, SIGNATURE_HEADER);
	const timestamp = header(input.headers, TIMESTAMP_HEADER);
	const requestId = header(input.headers, REQUEST_ID_HEADER);
	if (!signature || !timestamp || !requestId) {
		return { ok: false, status: 401, reason: 'Missing X-Lamina-Webhook-Signature, -Timestamp or -Request-Id header' };
	}
	if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, status: 401, reason: 'Timestamp is not unix seconds' };
	const skew = input.nowSeconds - Number(timestamp);
	if (Math.abs(skew) > TOLERANCE_SECONDS) {
		return { ok: false, status: 401, reason: skew > 0 ? 'Timestamp is too old' : 'Timestamp is in the future' };
	}
	if (!/^[0-9a-fA-F]{128}$/.test(signature)) {
		return { ok: false, status: 401, reason: 'Signature is not 64 bytes of hex' };
	}
	const run = (body.data ?? body) as Record<string, unknown>;
	const runId = String(run?.runId ?? run?.executionId ?? '');
	if (runId !== requestId) {
		return { ok: false, status: 401, reason: 'Request-Id does not match the run in the body' };
	}
	const message = Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), input.rawBody]);
	return { ok: true, runId, body, message, signatureHex: signature };
}

/** Checks one delivery: its form (above), then an Ed25519 signature over the exact bytes received. */
export function verifyLaminaDelivery(input: {
	rawBody: Buffer;
	headers: Record<string, unknown>;
	keys: LaminaSigningKey[];
	nowSeconds: number;
}): DeliveryCheck {
	const form = checkDeliveryForm(input);
	if (!form.ok) return form;
	if (!signatureMatches(form.message, form.signatureHex, input.keys)) {
		return { ok: false, status: 401, reason: 'Signature does not verify', signatureFailed: true };
	}
	return { ok: true, runId: form.runId, body: form.body };
}
