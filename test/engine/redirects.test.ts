/**
 * A Base URL that redirects elsewhere: Lamina's JSON API never redirects, so API calls don't
 * follow one (it would carry the API key to the other host); the error names where it pointed.
 * Media downloads still follow redirects, without the key (media.test.ts).
 */
import { testCredential } from '../harness/credentialTest';
import { laminaNode } from '../harness/engine';
import { everythingShown, useSimulator } from '../support/context';
import { startRecorder } from '../support/recorder';

const ctx = useSimulator();

let elsewhere: Awaited<ReturnType<typeof startRecorder>>;
let redirecting: Awaited<ReturnType<typeof startRecorder>>;

beforeAll(async () => {
	// Would answer like Lamina, and records whether the key reached it.
	elsewhere = await startRecorder((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ data: [] }));
	});
	redirecting = await startRecorder((req, res) => {
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
