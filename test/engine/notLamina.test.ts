/**
 * A Base URL that answers 200 with a web page (Lamina's website, a captive portal, a proxy's login
 * page) is not Lamina's API: the credential test fails and every call is an error naming the Base
 * URL, instead of "connection tested successfully" and an empty list of apps.
 */
import { testCredential } from '../harness/credentialTest';
import { laminaNode } from '../harness/engine';
import { everythingShown, useSimulator } from '../support/context';
import { startRecorder } from '../support/recorder';

const ctx = useSimulator();

let website: Awaited<ReturnType<typeof startRecorder>>;

beforeAll(async () => {
	website = await startRecorder((_req, res) => {
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		res.end('<!doctype html><html><head><title>Lamina</title></head><body>Welcome</body></html>');
	});
});
afterAll(async () => {
	await website?.close();
});
beforeEach(() => {
	website.seen.length = 0;
	ctx.engine.setCredentials('laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: website.url });
});

test('List Apps against a web page fails with an error naming the Base URL, not 0 apps', async () => {
	const { status, items, error } = await ctx.engine.run([laminaNode({ resource: 'app', operation: 'getAll', limit: 5 })]);
	expect(status).toBe('error');
	expect(items).toHaveLength(0);
	expect(error?.message).toBe(`The Base URL ${website.url} answered with a web page (text/html), not Lamina's API`);
	expect(error?.description).toMatch(/Set Base URL to https:\/\/app\.uselamina\.ai/);
	expect(website.seen).toHaveLength(1); // not retried
	expect(everythingShown(error)).not.toContain(ctx.sim.apiKey);
});

test('Run App against a web page starts nothing and says so', async () => {
	const node = laminaNode({
		resource: 'run',
		operation: 'create',
		appId: { __rl: true, mode: 'id', value: 'app_portrait' },
		inputMode: 'json',
		inputsJson: '{"Prompt": "x"}',
	});
	const { error } = await ctx.engine.run([node]);
	expect(error?.message).toMatch(/answered with a web page \(text\/html\), not Lamina's API/);
	expect(website.seen).toHaveLength(1); // the app lookup; no run was asked for
});

test('the credential test fails on a web page with a message that names the fix', async () => {
	const result = await testCredential(ctx.engine, 'laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: website.url });
	expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^This Base URL answers, but not as Lamina's API/) });
});

test('the credential test still passes against Lamina', async () => {
	const result = await testCredential(ctx.engine, 'laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: ctx.sim.url });
	expect(result.status).toBe('OK');
});
