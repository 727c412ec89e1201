import { testCredential } from '../harness/credentialTest';
import { callEditorMethod, laminaNode } from '../harness/engine';
import { everythingShown, useSimulator } from '../support/context';
import type { INodeListSearchResult } from 'n8n-workflow';

const ctx = useSimulator();
const listApps = (parameters: Record<string, unknown> = {}) =>
	laminaNode({ resource: 'app', operation: 'getAll', ...parameters });
const getApp = (appId: string) =>
	laminaNode({ resource: 'app', operation: 'get', appId: { __rl: true, mode: 'id', value: appId } });

describe('Lamina API credential', () => {
	test('the credential test passes with a valid key (and a trailing slash on the base URL)', async () => {
		const result = await testCredential(ctx.engine, 'laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: `${ctx.sim.url}/` });
		expect(result).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect(ctx.sim.counters.requests['GET /v1/account']).toBe(1);
	});

	test('a wrong key fails the test with a message that says what to do', async () => {
		const result = await testCredential(ctx.engine, 'laminaApi', { apiKey: 'lma_wrong', baseUrl: ctx.sim.url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/did not accept this API key.*starts with lma_/);
	});
});

describe('List Apps', () => {
	test('limit is respected and each app is an item paired to the input', async () => {
		const { status, items } = await ctx.engine.run([listApps({ limit: 3 })]);
		expect(status).toBe('success');
		expect(items).toHaveLength(3);
		for (const item of items) {
			expect(item.json).toEqual(expect.objectContaining({ appId: expect.any(String), name: expect.any(String) }));
			expect(item.pairedItem).toEqual({ item: 0 });
		}
	});

	test('search filters by name or description', async () => {
		const { items } = await ctx.engine.run([listApps({ returnAll: true, filters: { search: 'portrait' } })]);
		expect(items.map((i) => i.json.appId)).toEqual(['app_portrait']);
	});

	test('return all returns every app', async () => {
		const { items } = await ctx.engine.run([listApps({ returnAll: true })]);
		expect(items.length).toBeGreaterThanOrEqual(8);
		expect(items.map((i) => i.json.appId)).toEqual(expect.arrayContaining(['app_portrait', 'app_video', 'app_caption']));
	});

	test('the app picker lists and searches apps', async () => {
		const node = laminaNode({ resource: 'run', operation: 'create' });
		const all = await callEditorMethod<INodeListSearchResult>(ctx.engine, node, 'listSearch', 'searchApps');
		expect(all.results.length).toBeGreaterThanOrEqual(8);
		const found = await callEditorMethod<INodeListSearchResult>(ctx.engine, node, 'listSearch', 'searchApps', 'video');
		expect(found.results).toEqual([expect.objectContaining({ name: 'Product Video', value: 'app_video' })]);
	});
});

describe('Get App', () => {
	test('returns parameters, outputs and a guide of what must be filled', async () => {
		const { items } = await ctx.engine.run([getApp('app_portrait')]);
		const app = items[0].json;
		expect(app.name).toBe('Portrait Studio');
		expect(app.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Model  Ethnicity' })]));
		expect(app.outputs).toEqual([
			{ index: 0, label: 'Hero Image', type: 'image' },
			{ index: 1, label: 'Caption', type: 'text' },
		]);
		expect(app.inputGuide).toEqual(
			expect.arrayContaining([
				{ name: 'Prompt', type: 'text', mustSupply: true },
				expect.objectContaining({ name: 'Style', mustSupply: false, choices: ['Standard ', 'Cinematic', 'Film Noir'] }),
			]),
		);
	});

	test('an app given by URL is found', async () => {
		const node = laminaNode({
			resource: 'app',
			operation: 'get',
			appId: { __rl: true, mode: 'url', value: 'https://app.uselamina.ai/apps/app_video' },
		});
		const { items } = await ctx.engine.run([node]);
		expect(items[0].json.name).toBe('Product Video');
	});
});

describe('errors', () => {
	test('401: a wrong key says so, with code and request id, and the key appears nowhere', async () => {
		ctx.engine.setCredentials('laminaApi', { apiKey: 'lma_secret_wrong_key', baseUrl: ctx.sim.url });
		const result = await ctx.engine.run([listApps()]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Lamina rejected the API key');
		expect(result.error?.description).toMatch(/Code: AUTH_INVALID_KEY · Request ID: [0-9a-f-]{36}/);
		expect(everythingShown(result.run)).not.toContain('lma_secret_wrong_key');
	});

	test('404: an unknown app is named', async () => {
		const result = await ctx.engine.run([getApp('app_nope')]);
		expect(result.error?.message).toBe('Lamina could not find app "app_nope"');
		expect(result.error?.description).toMatch(/Pick the app from the list/);
	});

	test('429 then success: Retry-After is honoured and the call succeeds', async () => {
		ctx.sim.injectFault({ route: 'GET /v1/apps', status: 429, headers: { 'Retry-After': '1' }, times: 1 });
		const started = Date.now();
		const result = await ctx.engine.run([listApps({ limit: 2 })]);
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(2);
		expect(ctx.sim.counters.requests['GET /v1/apps']).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited, as told
	});

	test('503 is retried', async () => {
		ctx.sim.injectFault({ route: 'GET /v1/apps/:appId', status: 503, times: 2 });
		const result = await ctx.engine.run([getApp('app_portrait')]);
		expect(result.status).toBe('success');
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId']).toBe(3);
	});

	test('Lamina down: a clear error naming the base URL', async () => {
		ctx.engine.setCredentials('laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: 'http://127.0.0.1:9' });
		const result = await ctx.engine.run([listApps()]);
		expect(result.error?.message).toMatch(/^Could not reach Lamina at http:\/\/127\.0\.0\.1:9: connection refused/);
		expect(result.error?.description).toMatch(/Base URL.*Code: ECONNREFUSED/);
		expect(everythingShown(result.run)).not.toContain(ctx.sim.apiKey);
	}, 30_000);

	test('a malformed base URL is named before any request', async () => {
		ctx.engine.setCredentials('laminaApi', { apiKey: ctx.sim.apiKey, baseUrl: 'app.uselamina' });
		const result = await ctx.engine.run([listApps()]);
		expect(result.error?.message).toBe('The Base URL in the Lamina API credential is not a valid http(s) URL: "app.uselamina"');
	});

	test('continueOnFail turns a failure into an error item paired with its input', async () => {
		const node = { ...getApp('app_nope'), continueOnFail: true };
		const result = await ctx.engine.run([node], { input: [{ a: 1 }, { a: 2 }] });
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(2);
		expect(result.items[1]).toEqual({
			json: expect.objectContaining({ error: 'Lamina could not find app "app_nope"', code: 'NOT_FOUND', requestId: expect.any(String) }),
			pairedItem: { item: 1 },
		});
	});
});
