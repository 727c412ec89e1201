import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys from 32 random bytes (generateKeyPairSync('ed25519') has deadlocked on this
 * machine's Node 20): wrap the seed in PKCS#8 and let OpenSSL derive the public half.
 */
export function makeEd25519Key(): { privateKey: KeyObject; jwk: { kty: string; crv: string; x: string; kid: string } } {
	const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), randomBytes(32)]);
	const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
	const { x } = createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string };
	return { privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: 'test' } };
}

export function signDelivery(privateKey: KeyObject, rawBody: string, timestamp: number): string {
	return sign(null, Buffer.from(`${timestamp}.${rawBody}`), privateKey).toString('hex');
}
