import { checkDeliveryForm, parseDeliveryBody, verifyLaminaDelivery } from '../../nodes/Lamina/shared/webhookSignature';
import { makeEd25519Key, signDelivery } from '../support/ed25519';

const key = makeEd25519Key();
const other = makeEd25519Key();
const now = 1_800_000_000;
const body = JSON.stringify({ data: { runId: 'run_1', status: 'completed', outputs: [] } });

function headers(overrides: Record<string, string | undefined> = {}, raw = body, ts = now) {
	return {
		'x-lamina-webhook-signature': signDelivery(key.privateKey, raw, ts),
		'x-lamina-webhook-timestamp': String(ts),
		'x-lamina-webhook-request-id': 'run_1',
		...overrides,
	};
}

const check = (h: Record<string, unknown>, raw = body, keys = [key.jwk]) =>
	verifyLaminaDelivery({ rawBody: Buffer.from(raw), headers: h, keys, nowSeconds: now });

test('a genuine delivery passes and names its run', () => {
	const result = check(headers());
	expect(result).toMatchObject({ ok: true, runId: 'run_1' });
});

test('any listed key may have signed it', () => {
	expect(check(headers(), body, [other.jwk, key.jwk]).ok).toBe(true);
});

test.each([
	['a tampered body', () => check(headers(), body.replace('completed', 'failed'))],
	['a signature by another key', () => check(headers(), body, [other.jwk])],
	['a stale timestamp', () => check(headers({}, body, now - 301))],
	['a future timestamp', () => check(headers({}, body, now + 301))],
	['a missing signature', () => check(headers({ 'x-lamina-webhook-signature': undefined }))],
	['a missing timestamp', () => check(headers({ 'x-lamina-webhook-timestamp': undefined }))],
	['a missing request id', () => check(headers({ 'x-lamina-webhook-request-id': undefined }))],
	['a non-hex signature', () => check(headers({ 'x-lamina-webhook-signature': 'z'.repeat(128) }))],
	['a truncated signature', () => check(headers({ 'x-lamina-webhook-signature': headers()['x-lamina-webhook-signature'].slice(0, 100) }))],
	['a request id for another run', () => check(headers({ 'x-lamina-webhook-request-id': 'run_2' }))],
	['a timestamp that is not a number', () => check(headers({ 'x-lamina-webhook-timestamp': '1e9' }))],
])('%s is refused with 401', (_, attempt) => {
	expect(attempt()).toMatchObject({ ok: false, status: 401 });
});

test('a body that is not JSON is refused with 400', () => {
	expect(check(headers({}, 'not json'), 'not json')).toMatchObject({ ok: false, status: 400 });
});

test('the legacy executionId counts as the run id', () => {
	const legacy = JSON.stringify({ data: { executionId: 'run_1', status: 'completed' } });
	expect(check(headers({}, legacy), legacy).ok).toBe(true);
});

test.each(['null', '[]', '42', '"text"', 'true', 'not json', ''])('a body of %p is not a delivery', (raw) => {
	expect(parseDeliveryBody(Buffer.from(raw))).toBeUndefined();
});

test('the form of a delivery is checked without any key: a genuine one passes, with the message to verify', () => {
	const form = checkDeliveryForm({ rawBody: Buffer.from(body), headers: headers(), nowSeconds: now });
	expect(form).toMatchObject({ ok: true, runId: 'run_1' });
	expect(form.ok && form.message.toString()).toBe(`${now}.${body}`);
	// A signature by a key nobody knows still has a valid form: only the keys can tell.
	const other = headers({ 'x-lamina-webhook-signature': 'ab'.repeat(64) });
	expect(checkDeliveryForm({ rawBody: Buffer.from(body), headers: other, nowSeconds: now }).ok).toBe(true);
	expect(checkDeliveryForm({ rawBody: Buffer.from(body), headers: headers({}, body, now - 301), nowSeconds: now })).toMatchObject({ ok: false, status: 401 });
});
