/** Ed25519 signing keys and webhook delivery with Lamina's retry schedule (15 s wait; 5 s, 30 s, 2 min). */
import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import type { TimerSet } from './timers';
import type { SigningJwk, WebhookDelivery } from './types';

export const WEBHOOK_USER_ID = 'usr_sim_owner';
export const DELIVERY_TIMEOUT_MS = 15_000;
export const RETRY_DELAYS_MS = [5_000, 30_000, 120_000];

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

interface SigningKey {
	jwk: SigningJwk;
	privateKey: KeyObject;
}

/** From 32 random bytes: generateKeyPairSync('ed25519') has deadlocked on this machine's Node 20. */
function makeSigningKey(kid: string): SigningKey {
	const seed = randomBytes(32);
	const fromDer = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
	const { x } = createPublicKey(fromDer).export({ format: 'jwk' });
	const privateKey = createPrivateKey({
		key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: String(x) },
		format: 'jwk',
	});
	return { privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x: String(x), kid, use: 'sig', alg: 'EdDSA' } };
}

/** The request id a body carries: `data.runId`, else `data.executionId`. */
function runIdOf(rawBody: string): string {
	try {
		const data = (JSON.parse(rawBody) as { data?: { runId?: unknown; executionId?: unknown } }).data;
		const id = data?.runId ?? data?.executionId;
		if (typeof id === 'string') return id;
	} catch {
		// A forged or non-JSON body still gets signed headers.
	}
	return 'unknown';
}

export class SigningKeys {
	private keys: SigningKey[];
	private generation = 1;

	constructor() {
		this.keys = [makeSigningKey('lamina-webhook-v1')];
	}

	rotate(keepOld = false): void {
		this.generation += 1;
		const fresh = makeSigningKey(`lamina-webhook-v${this.generation}`);
		this.keys = keepOld ? [fresh, ...this.keys] : [fresh];
	}

	list(): SigningJwk[] {
		return this.keys.map((k) => ({ ...k.jwk }));
	}

	/** The four X-Lamina-Webhook-* headers for a body, signed with the newest key. */
	headersFor(rawBody: string, timestamp = Math.floor(Date.now() / 1000), requestId = runIdOf(rawBody)): Record<string, string> {
		const signature = sign(null, Buffer.from(`${timestamp}.${rawBody}`), this.keys[0].privateKey).toString('hex');
		return {
			'X-Lamina-Webhook-Signature': signature,
			'X-Lamina-Webhook-Timestamp': String(timestamp),
			'X-Lamina-Webhook-Request-Id': requestId,
			'X-Lamina-Webhook-User-Id': WEBHOOK_USER_ID,
		};
	}
}

interface SenderDeps {
	timers: TimerSet;
	keys: SigningKeys;
	timeScale: number;
	deliveries: WebhookDelivery[];
}

export class WebhookSender {
	private readonly inFlight = new Set<http.ClientRequest>();
	private closed = false;

	constructor(private readonly deps: SenderDeps) {}

	/** Posts the body (exact bytes, signed) and retries on non-2xx, error or silence; at most 4 attempts. */
	deliver(url: string, runId: string, rawBody: string, attempt = 1): void {
		if (this.closed) return;
		const headers = this.deps.keys.headersFor(rawBody, undefined, runId);
		const record: WebhookDelivery = { url, runId, attempt, at: Date.now(), headers, body: rawBody };
		this.deps.deliveries.push(record);

		let settled = false;
		const settle = (status?: number, error?: string) => {
			if (settled) return;
			settled = true;
			this.deps.timers.cancel(timeout);
			this.inFlight.delete(request);
			if (status !== undefined) record.status = status;
			if (error !== undefined) record.error = error;
			const delivered = status !== undefined && status >= 200 && status < 300;
			if (delivered || this.closed || attempt > RETRY_DELAYS_MS.length) return;
			this.deps.timers.after(RETRY_DELAYS_MS[attempt - 1] * this.deps.timeScale, () =>
				this.deliver(url, runId, rawBody, attempt + 1),
			);
		};

		let request: http.ClientRequest;
		try {
			const client = url.startsWith('https:') ? https : http;
			// agent: false: no pooled keep-alive socket outlives the simulator.
			request = client.request(url, {
				method: 'POST',
				agent: false,
				headers: {
					...headers,
					'Content-Type': 'application/json',
					'Content-Length': String(Buffer.byteLength(rawBody)),
					'User-Agent': 'Lamina-Webhooks/1.0 (simulator)',
				},
			});
		} catch (error) {
			record.error = (error as Error).message;
			return;
		}
		this.inFlight.add(request);
		const waitMs = DELIVERY_TIMEOUT_MS * this.deps.timeScale;
		const timeout = this.deps.timers.after(waitMs, () => {
			settle(undefined, `no answer within ${Math.round(waitMs)} ms`);
			request.destroy();
		});
		request.on('response', (response) => {
			settle(response.statusCode);
			response.resume();
		});
		request.on('error', (error) => settle(undefined, error.message));
		request.end(rawBody);
	}

	close(): void {
		this.closed = true;
		for (const request of this.inFlight) request.destroy(new Error('simulator closed'));
		this.inFlight.clear();
	}
}
