/** The simulator's publishing, intelligence and ideation routes over real HTTP: tests of the node trust them. */
import { request } from 'undici';

import { CHANNELS, startLaminaSimulator, type LaminaSimulator } from './simulator';

let sim: LaminaSimulator;
beforeAll(async () => {
	sim = await startLaminaSimulator({ rateLimitPerMinute: 10_000 });
});
beforeEach(() => {
	sim.resetPublishing();
	sim.resetCounters();
	sim.clearFaults();
	sim.setEmptyWorkspace(false);
});
afterAll(async () => await sim?.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
	const headers: Record<string, string> = { 'x-api-key': sim.apiKey };
	if (body !== undefined) headers['content-type'] = 'application/json';
	const response = await request(`${sim.url}${path}`, { method: method as 'GET', headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await response.body.text();
	return { status: response.statusCode, json: text ? JSON.parse(text) : undefined };
}

describe('publishing', () => {
	test('channels are listed; a new workspace has none', async () => {
		expect((await call('GET', '/v1/publishing/channels')).json.data.map((c: { id: string }) => c.id)).toEqual(Object.values(CHANNELS));
		sim.setEmptyWorkspace(true);
		expect((await call('GET', '/v1/publishing/channels')).json).toEqual({ data: [] });
	});

	test('publish posts once per channel, counts it, and history lists it newest first', async () => {
		const answer = await call('POST', '/v1/publishing/publish', { accountIds: [CHANNELS.instagram, CHANNELS.tiktok], imageUrl: 'https://x.example/a.png', caption: 'hi' });
		expect(answer.status).toBe(200);
		expect(answer.json.data.summary).toEqual({ total: 2, success: 2, failed: 0 });
		expect(sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1, [CHANNELS.tiktok]: 1 });
		const history = (await call('GET', '/v1/publishing/history?platform=tiktok')).json.data;
		expect(history).toEqual([expect.objectContaining({ platform: 'tiktok', contentType: 'image', contentUrl: 'https://x.example/a.png', caption: 'hi', status: 'published' })]);
	});

	test('a failing channel answers its error in its result; the others still post', async () => {
		sim.setChannelFailure(CHANNELS.linkedin, 'Token expired');
		const answer = await call('POST', '/v1/publishing/publish', { accountIds: [CHANNELS.instagram, CHANNELS.linkedin], caption: 'text only' });
		expect(answer.json.data.results[1]).toEqual({ accountId: CHANNELS.linkedin, platform: 'linkedin', accountName: 'Acme Coffee Co.', status: 'error', error: 'Token expired' });
		expect(answer.json.data.summary).toEqual({ total: 2, success: 1, failed: 1 });
		expect(sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1 });
	});

	test('bad bodies are a 400 VALIDATION_ERROR and post nothing', async () => {
		for (const body of [{}, { accountIds: ['ch_nope'], caption: 'x' }, { accountIds: [CHANNELS.instagram] }, { accountIds: [CHANNELS.instagram], imageUrl: 'a', videoUrl: 'b' }]) {
			const answer = await call('POST', '/v1/publishing/publish', body);
			expect([answer.status, answer.json.code]).toEqual([400, 'VALIDATION_ERROR']);
		}
		expect(sim.posts).toEqual([]);
	});

	test('a fault with afterRoute answers 500 after the post was made', async () => {
		sim.injectFault({ route: 'POST /v1/publishing/publish', afterRoute: true, status: 500 });
		const answer = await call('POST', '/v1/publishing/publish', { accountIds: [CHANNELS.instagram], caption: 'x' });
		expect(answer.status).toBe(500);
		expect(sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1 });
	});

	test('transfer-asset answers a CDN URL', async () => {
		const answer = await call('POST', '/v1/publishing/transfer-asset', { sourceUrl: 'https://x.example/p/cup.jpg', mediaType: 'image' });
		expect(answer.json.data).toEqual({ cdnUrl: expect.stringMatching(/\/cdn\/asset_\w+\/cup\.jpg$/), assetId: expect.any(String), filename: 'cup.jpg' });
		expect((await call('POST', '/v1/publishing/transfer-asset', { sourceUrl: 'x', mediaType: 'image' })).status).toBe(400);
	});
});

describe('intelligence and ideation', () => {
	test('answers are deterministic; a new workspace answers sparsely', async () => {
		const body = { concept: 'latte art close-up', platform: 'instagram', modality: 'image' };
		const first = (await call('POST', '/v1/intelligence/predict', body)).json.data;
		expect((await call('POST', '/v1/intelligence/predict', body)).json.data).toEqual(first);
		expect(first.performancePrediction).toBeGreaterThan(0.6);
		expect((await call('POST', '/v1/intelligence/predict', { ...body, concept: 'generic stock photo' })).json.data.performancePrediction).toBeLessThan(0.3);
		expect((await call('POST', '/v1/intelligence/predict', { platform: 'x' })).status).toBe(400);
		expect((await call('GET', '/v1/intelligence/brand-context')).json.data.brandDna.voiceAttributes).toContain('warm');
		expect((await call('GET', '/v1/intelligence/recommendations?limit=2')).json.data).toHaveLength(2);
		expect((await call('GET', '/v1/intelligence/trends?windowDays=7')).json.data.topPatterns.length).toBeGreaterThan(0);
		sim.setEmptyWorkspace(true);
		expect((await call('GET', '/v1/intelligence/brand-context')).json.data).toEqual({ brandDna: null, guidance: null, topPatterns: null });
		expect((await call('GET', '/v1/intelligence/recommendations')).json.data).toEqual([]);
		expect((await call('GET', '/v1/intelligence/trends')).json.data).toMatchObject({ topPatterns: [], emergingPatterns: [], decliningPatterns: [] });
	});

	test('content brief makes `count` concepts; score covers what was published', async () => {
		const concepts = (await call('POST', '/v1/content/brief', { goal: 'winter blend', count: 4 })).json.data.concepts;
		expect(concepts).toHaveLength(4);
		expect(concepts[0]).toEqual(expect.objectContaining({ title: expect.any(String), prompt: expect.any(String), platform: 'instagram', modality: 'image' }));
		expect((await call('POST', '/v1/content/brief', {})).status).toBe(400);
		expect((await call('POST', '/v1/content/score', {})).json.data).toEqual({ scored: 0, items: [] });
		await call('POST', '/v1/publishing/publish', { accountIds: [CHANNELS.instagram], imageUrl: 'https://x.example/a.png' });
		expect((await call('POST', '/v1/content/score', {})).json.data.items).toEqual([expect.objectContaining({ platform: 'instagram', performanceScore: expect.any(Number) })]);
	});
});
