/**
 * A Base URL that redirects elsewhere: Lamina's JSON API never redirects, so API calls don't
 * follow one (it would carry the API key to the other host); the error names where it pointed.
 * Media downloads still follow redirects, without the key (media.test.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { testCredential } from '../harness/credentialTest';
import { laminaNode } from '../harness/engine';
import { everythingShown, useSimulator } from '../support/context';

const ctx = useSimulator();

/** A plain server that records each request's headers and answers with `handler`. */
async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
	const seen: http.IncomingHttpHeaders[] = [];
	const server = http.createServer((req, res) => {
		seen.push(req.headers);
		handler(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const close = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return { url, seen, close };
}

let elsewhere: Awaited<ReturnType<typeof startServer>>;
let redirecting: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
	// Would answer like Lamina, and records whether the key reached it.
	elsewhere = await startServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ data: [] }));
	});
	redirecting = await startServer((req, res) => {
		res.writeHead(307, { location: `${elsewhere.url}/moved${req.url}` });
		res.end();
	});
});
afterAll(async () => {
	await elsewhere?.close();
	await redirecting?.close();
});
beforeEach(() => {
	elsewhere.seen.length = 0;
	redirecting.seen.length = 0;
	ctx.engine.setCredentials('laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: redirecting.url });
});

test('an API call does not follow a redirect, and says which Base URL to use instead', async () => {
	const { status, error } = await ctx.engine.run([laminaNode({ resource: 'app', operation: 'getAll', limit: 5 })]);
	expect(status).toBe('error');
	expect(error?.message).toBe(
		`The Base URL ${redirecting.url} redirects to ${elsewhere.url}/moved/v1/apps?limit=5; put ${elsewhere.url}/moved in the credential`,
	);
	expect(error?.description).toMatch(/not followed and the API key was not sent there/);
	expect(redirecting.seen).toHaveLength(1); // not retried either
	expect(elsewhere.seen).toHaveLength(0);
	expect(everythingShown(error)).not.toContain(ctx.sim.apiKey);
});

test('a POST that starts a run is not followed or repeated', async () => {
	const node = laminaNode({
		resource: 'run',
		operation: 'create',
		appId: { __rl: true, mode: 'id', value: 'app_portrait' },
		inputMode: 'json',
		inputsJson: '{"Prompt": "x"}',
	});
	const { error } = await ctx.engine.run([node]);
	expect(error?.message).toMatch(/redirects to .*\/moved\/v1\/apps\/app_portrait; put .*\/moved in the credential/);
	expect(elsewhere.seen).toHaveLength(0);
});

test('the credential test stops at the redirect and says what to do', async () => {
	const result = await testCredential(ctx.engine, 'laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: redirecting.url });
	expect(result).toEqual({
		status: 'Error',
		message: expect.stringMatching(/^This Base URL redirects to another address.*the API key was not sent on/),
	});
	expect(redirecting.seen).toHaveLength(1);
	expect(redirecting.seen[0]['x-api-key']).toBe(ctx.sim.apiKey);
	expect(elsewhere.seen).toHaveLength(0);
});
