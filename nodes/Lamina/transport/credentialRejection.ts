/**
 * What Lamina said lately about a webhook node's own credential. When Lamina refuses the key
 * (401, or 403 on the signing key), calls arriving in the next minute are answered from here:
 * asking again with a key Lamina refuses costs a request each and changes nothing.
 */
import { CREDENTIAL_TYPE, getBaseUrl, type LaminaContext } from './index';

export interface CredentialRejection {
	/** Lamina's HTTP status: 401 (key unknown or revoked) or 403 (key not allowed). */
	httpCode: number;
	/** Lamina's error code (`AUTH_INVALID_KEY`...), when it sent one. */
	laminaCode?: string;
	/** What the node asked when Lamina refused, e.g. "fetching Lamina's signing key". */
	during: string;
	at: number;
}

/** How long a rejection is believed without asking Lamina again. Tests shorten it. */
export const credentialRejectionLimits = { rememberMs: 60_000 };

const rejections = new Map<string, CredentialRejection>();

/**
 * Which credential a webhook call is about: its ID (so a call does not load and decrypt the
 * credential), else its base URL.
 */
export async function credentialKeyOf(context: LaminaContext): Promise<string> {
	const credentialId = context.getNode().credentials?.[CREDENTIAL_TYPE]?.id;
	return credentialId ? `credential:${credentialId}` : `url:${await getBaseUrl.call(context)}`;
}

export function rememberRejection(credentialKey: string, rejection: CredentialRejection): void {
	rejections.set(credentialKey, rejection);
}

/** Lamina accepted the credential: whatever it refused before is forgotten. */
export function forgetRejection(credentialKey: string): void {
	rejections.delete(credentialKey);
}

export function recentRejection(credentialKey: string, now = Date.now()): CredentialRejection | undefined {
	const rejection = rejections.get(credentialKey);
	if (rejection && now - rejection.at < credentialRejectionLimits.rememberMs) return rejection;
	return undefined;
}

/** The laminaCode of an error body, if Lamina sent one. */
export function laminaCodeOf(body: unknown): string | undefined {
	const code = (body as { code?: unknown } | undefined)?.code;
	return typeof code === 'string' ? code : undefined;
}

/** One sentence for the user: what Lamina refused, and what to do. */
export function describeRejection(rejection: CredentialRejection): string {
	const code = rejection.laminaCode ? ` ${rejection.laminaCode}` : '';
	return `Lamina rejected this node's Lamina API credential (HTTP ${rejection.httpCode}${code}) while ${rejection.during}`;
}
