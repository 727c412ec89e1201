/** The simulator's Models surface and its model and freestyle runs, over real HTTP, faithful to the SDK's types. */
import { request } from 'undici';

import { BRIEF_MARKERS, MODELS, startLaminaSimulator, type LaminaSimulator } from './simulator';

let sim: LaminaSimulator;
beforeAll(async () => {
	sim = await startLaminaSimulator({ runDurationMs: 100, rateLimitPerMinute: 10_000 });
});
afterAll(async () => sim.close());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
	const response = await request(`${sim.url}${path}`, {
		method: method as 'GET',
		headers: { 'x-api-key': sim.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.body.text();
	return { status: response.statusCode, json: text ? JSON.parse(text) : undefined };
}

const settle = async (path: string) => {
	for (let i = 0; i < 100; i++) {
		const { json } = await call('GET', path);
		if (['completed', 'failed', 'cancelled'].includes(json?.data?.status)) return json.data;
		await new Promise((r) => setTimeout(r, 20));
	}
	throw new Error(`${path} never ended`);
};

test('GET /v1/models/{modality} lists summaries; GET /v1/models/{id} (and /{modality}/{id}) gives the paramSchema', async () => {
	const image = await call('GET', '/v1/models/image');
	expect(image.json.data).toContainEqual({ id: MODELS.everyField, displayName: 'Nano Banana Pro', modality: 'image' });
	expect(image.json.data.every((m: { modality: string }) => m.modality === 'image')).toBe(true);
	expect((await call('GET', '/v1/models/video')).json.data.map((m: { id: string }) => m.id)).toEqual([MODELS.video]);
	const described = await call('GET', `/v1/models/${MODELS.everyField}`);
	const types = Object.values(described.json.data.paramSchema as Record<string, { type: string }>).map((f) => f.type);
	expect(new Set(types)).toEqual(new Set(['string', 'enum', 'integer', 'number', 'boolean', 'url', 'array<url>', 'array<object>']));
	expect((await call('GET', `/v1/models/image/${MODELS.noPrompt}`)).json.data.paramSchema).toEqual({
		imageUrl: expect.objectContaining({ type: 'url', required: true }),
	});
	expect((await call('GET', `/v1/models/video/${MODELS.noPrompt}`)).status).toBe(404);
	expect((await call('GET', '/v1/models/nope')).status).toBe(404);
});

test('POST /v1/generate/image validates params against the paramSchema (400 VALIDATION_ERROR), starting nothing', async () => {
	const before = sim.counters.runsStarted;
	const bad = await call('POST', '/v1/generate/image', { model: MODELS.everyField, prompt: 'x', params: { numImages: 9, aspectRatio: '2:1', imageUrls: [] } });
	expect(bad.status).toBe(400);
	expect(bad.json.code).toBe('VALIDATION_ERROR');
	expect(bad.json.details).toEqual(['aspectRatio: must be one of 1:1, 16:9, 9:16, 4:3', 'numImages: must be at most 4', 'imageUrls: must have at least 1 items']);
	expect((await call('POST', '/v1/generate/image', { model: MODELS.noPrompt })).json.details).toEqual(['imageUrl: is required']);
	expect((await call('POST', '/v1/generate/video', { model: MODELS.imagen, prompt: 'x' })).status).toBe(400);
	expect(sim.counters.runsStarted).toBe(before);
});

test('a model run: queued with resolvedParams, then LaminaAtomicRunStatus at /v1/generate/runs/{id}; /v1/runs does not know it', async () => {
	const started = await call('POST', '/v1/generate/image', { model: MODELS.imagen, prompt: 'a fox' });
	expect(started.status).toBe(202);
	expect(started.json.data).toEqual({ runId: expect.any(String), status: 'queued', model: MODELS.imagen, resolvedParams: { prompt: 'a fox', aspectRatio: '1:1' } });
	const { runId } = started.json.data;
	const done = await settle(`/v1/generate/runs/${runId}`);
	expect(done).toEqual({
		runId,
		status: 'completed',
		model: MODELS.imagen,
		resolvedParams: { prompt: 'a fox', aspectRatio: '1:1' },
		output: { type: 'image', url: `${sim.url}/files/${runId}/0.png` },
		errorMessage: null,
		startedAt: expect.any(String),
		completedAt: expect.any(String),
		createdAt: expect.any(String),
	});
	expect((await call('GET', `/v1/runs/${runId}`)).status).toBe(404);
	expect((await call('GET', `/v1/freestyle/${runId}`)).status).toBe(404);
	expect((await request(`${sim.url}/files/${runId}/0.png`)).statusCode).toBe(200);
});

test('content create in recipe mode starts a freestyle run (one output per variant) at /v1/freestyle/{id}; needs_input in recipe mode starts none', async () => {
	const ran = await call('POST', '/v1/content/create', { brief: `a poster ${BRIEF_MARKERS.recipe}`, numVariants: 3 });
	expect(ran.status).toBe(202);
	expect(ran.json.data).toMatchObject({ status: 'ran', mode: 'recipe', modality: 'image', numVariants: 3, submittedCount: 3, failedCount: 0, picks: null, warnings: [] });
	expect(ran.json.data.recipe.variants).toHaveLength(3);
	const done = await settle(`/v1/freestyle/${ran.json.data.runId}`);
	expect(done.outputs.map((o: { label: string; status: string }) => [o.label, o.status])).toEqual([
		['Variant 1', 'completed'],
		['Variant 2', 'completed'],
		['Variant 3', 'completed'],
	]);
	expect((await call('GET', `/v1/runs/${ran.json.data.runId}`)).status).toBe(404);
	const asked = await call('POST', '/v1/content/create', { brief: `a shot ${BRIEF_MARKERS.recipeNeedsInput}` });
	expect(asked.json.data).toMatchObject({ status: 'needs_input', mode: 'recipe', askUser: [{ name: 'productImage' }], recipe: { modality: 'image' } });
});
