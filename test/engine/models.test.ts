/**
 * Model → Get Many, Get, Generate Image and Generate Video through n8n's real engine: the model
 * picker, a paramSchema with every field type as resource mapper fields, a model without a prompt,
 * refusals before any run starts, waiting by polling, downloads, Continue On Fail.
 */
import type { IDataObject, INodeListSearchResult, ResourceMapperFields } from 'n8n-workflow';

import { callEditorMethod, laminaNode } from '../harness/engine';
import { MODELS } from '../simulator';
import { useSimulator } from '../support/context';

const ctx = useSimulator({ runDurationMs: 300, rateLimitPerMinute: 10_000 });
const requests = () => ctx.sim.counters.requests;
const starts = () => requests()['POST /v1/generate/:modality'] ?? 0;
const model = (id: string) => ({ __rl: true, mode: 'id', value: id });

const modelOp = (operation: string, parameters: IDataObject = {}) => laminaNode({ resource: 'model', operation, ...parameters });

/** Generate as the editor saves it: the resource mapper's values plus the schema it loaded. */
async function generateNode(operation: 'generateImage' | 'generateVideo', modelId: string, values: IDataObject | 'auto', extra: IDataObject = {}) {
	const base = modelOp(operation, { modelId: model(modelId) });
	const { fields } = await callEditorMethod<ResourceMapperFields>(ctx.engine, base, 'resourceMapping', 'getModelParams');
	return modelOp(operation, {
		modelId: model(modelId),
		paramMode: 'fields',
		params: {
			mappingMode: values === 'auto' ? 'autoMapInputData' : 'defineBelow',
			value: values === 'auto' ? null : values,
			matchingColumns: [],
			schema: fields,
			attemptToConvertTypes: false,
			convertFieldsToString: false,
		},
		...extra,
	});
}

describe('Get Many and Get', () => {
	test('Get Many lists the image or the video models', async () => {
		const image = await ctx.engine.run([modelOp('getAll', { modality: 'image' })]);
		expect(image.items.map((i) => i.json.id)).toEqual([MODELS.everyField, MODELS.noPrompt, MODELS.imagen]);
		expect(image.items[0].json).toEqual({ id: MODELS.everyField, displayName: 'Nano Banana Pro', modality: 'image' });
		const video = await ctx.engine.run([modelOp('getAll', { modality: 'video' })]);
		expect(video.items.map((i) => i.json.id)).toEqual([MODELS.video]);
	});

	test('Get gives the paramSchema and a guide: required fields, choices, ranges', async () => {
		const { items, error } = await ctx.engine.run([modelOp('get', { modelId: model(MODELS.everyField) })]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(item).toMatchObject({ id: MODELS.everyField, modality: 'image', inputGuide: { takesPrompt: true, required: ['prompt'] } });
		expect(Object.keys(item.paramSchema as IDataObject)).toContain('loras');
		const fields = (item.inputGuide as IDataObject).fields as IDataObject;
		expect(fields.aspectRatio).toBe('enum; default "1:1"; one of "1:1", "16:9", "9:16", "4:3" — Shape of the image');
		expect(fields.numImages).toBe('integer; default 1; 1–4 — How many images');
	});

	test('a model without a prompt says so', async () => {
		const { items } = await ctx.engine.run([modelOp('get', { modelId: model(MODELS.noPrompt) })]);
		expect(items[0].json.inputGuide).toMatchObject({ takesPrompt: false, required: ['imageUrl'] });
	});
});

describe('the editor', () => {
	test("the picker lists the operation's modality and filters by what is typed", async () => {
		const node = modelOp('generateImage');
		const all = await callEditorMethod<INodeListSearchResult>(ctx.engine, node, 'listSearch', 'searchModels');
		expect(all.results.map((r) => r.value)).toEqual([MODELS.everyField, MODELS.noPrompt, MODELS.imagen]);
		const found = await callEditorMethod<INodeListSearchResult>(ctx.engine, node, 'listSearch', 'searchModels', 'bria');
		expect(found.results).toEqual([{ name: 'Bria Background Remove (bria-bg-remove)', value: MODELS.noPrompt }]);
		const video = await callEditorMethod<INodeListSearchResult>(ctx.engine, modelOp('generateVideo'), 'listSearch', 'searchModels');
		expect(video.results.map((r) => r.value)).toEqual([MODELS.video]);
	});

	test('every paramSchema field type becomes its field', async () => {
		const { fields } = await callEditorMethod<ResourceMapperFields>(ctx.engine, modelOp('generateImage', { modelId: model(MODELS.everyField) }), 'resourceMapping', 'getModelParams');
		expect(Object.fromEntries(fields.map((f) => [f.id, f.type]))).toEqual({
			prompt: 'string',
			negativePrompt: 'string',
			aspectRatio: 'options',
			numImages: 'number',
			guidanceScale: 'number',
			enhancePrompt: 'boolean',
			styleImageUrl: 'url',
			imageUrls: 'string',
			loras: 'string',
		});
		expect(fields.find((f) => f.id === 'prompt')?.required).toBe(true);
		expect(fields.find((f) => f.id === 'aspectRatio')?.options?.map((o) => o.value)).toEqual(['1:1', '16:9', '9:16', '4:3']);
	});

	test('a model without a prompt has no prompt field, and its image is required', async () => {
		const { fields } = await callEditorMethod<ResourceMapperFields>(ctx.engine, modelOp('generateImage', { modelId: model(MODELS.noPrompt) }), 'resourceMapping', 'getModelParams');
		expect(fields.map((f) => [f.id, f.type, f.required])).toEqual([['imageUrl', 'url', true]]);
	});
});

describe('Generate Image', () => {
	test('Wait for Completion: every field type sent as the schema says, the run polled, its output as outputs[0], downloaded', async () => {
		const node = await generateNode(
			'generateImage',
			MODELS.everyField,
			{
				prompt: 'a red bicycle',
				aspectRatio: '16:9',
				numImages: 2,
				guidanceScale: 3.5,
				enhancePrompt: true,
				styleImageUrl: 'https://cdn.example/style.png',
				imageUrls: 'https://cdn.example/a.png, https://cdn.example/b.png',
				loras: '[{"path": "https://cdn.example/lora", "scale": 1}]',
				negativePrompt: '',
			},
			{ options: { downloadOutputs: true } },
		);
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		const item = items[0];
		expect(item.json).toMatchObject({
			kind: 'model',
			status: 'completed',
			model: MODELS.everyField,
			outputs: [{ label: 'Output', type: 'image', status: 'completed' }],
		});
		const run = ctx.sim.runs.get(item.json.runId as string)!;
		expect(run.inputs).toEqual({
			prompt: 'a red bicycle',
			aspectRatio: '16:9',
			numImages: 2,
			guidanceScale: 3.5,
			enhancePrompt: true,
			styleImageUrl: 'https://cdn.example/style.png',
			imageUrls: ['https://cdn.example/a.png', 'https://cdn.example/b.png'],
			loras: [{ path: 'https://cdn.example/lora', scale: 1 }],
		});
		expect(item.binary?.data0).toMatchObject({ mimeType: 'image/png' });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(starts()).toBe(1);
		// Polled at the model run's endpoint; the app run's endpoints are never asked.
		expect(requests()['GET /v1/generate/runs/:runId']).toBeGreaterThanOrEqual(1);
		expect(requests()['GET /v1/runs/:runId/wait'] ?? 0).toBe(0);
	});

	test('a model without a prompt: only its image is sent', async () => {
		const node = await generateNode('generateImage', MODELS.noPrompt, { imageUrl: 'https://cdn.example/shoe.png' });
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'completed', resolvedParams: { imageUrl: 'https://cdn.example/shoe.png' } });
		expect('prompt' in (items[0].json.resolvedParams as IDataObject)).toBe(false);
	});

	test("Using JSON, Don't Wait: the queued run at once", async () => {
		const node = modelOp('generateImage', { modelId: model(MODELS.imagen), paramMode: 'json', paramsJson: '{"prompt": "a fox", "aspectRatio": "16:9"}', waitMode: 'none' });
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ kind: 'model', status: 'queued', model: MODELS.imagen, resolvedParams: { prompt: 'a fox', aspectRatio: '16:9' } });
		expect(requests()['GET /v1/generate/runs/:runId'] ?? 0).toBe(0);
	});

	test('Map Automatically as the Parameters choice (no mapper): the item\'s fields that name a parameter', async () => {
		const node = modelOp('generateImage', { modelId: model(MODELS.imagen), paramMode: 'auto', waitMode: 'none' });
		const { items, error } = await ctx.engine.run([node], { input: [{ prompt: 'a harbour', aspectRatio: '16:9', sku: 'A1' }] });
		expect(error).toBeUndefined();
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ prompt: 'a harbour', aspectRatio: '16:9' });
	});

	test("Map Automatically: the item's fields that name a parameter", async () => {
		const node = await generateNode('generateImage', MODELS.imagen, 'auto', { waitMode: 'none' });
		const { items, error } = await ctx.engine.run([node], { input: [{ prompt: 'a lighthouse', aspectRatio: '1:1', customer: 7 }] });
		expect(error).toBeUndefined();
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ prompt: 'a lighthouse', aspectRatio: '1:1' });
	});

	test.each([
		[{ aspectRatio: '21:9' }, 'Parameter "aspectRatio" of model "nano-banana-pro" must be one of "1:1", "16:9", "9:16", "4:3"; got "21:9"'],
		[{ numImages: 9 }, 'Parameter "numImages" of model "nano-banana-pro" must be 1–4; got 9'],
		[{ numImages: 1.5 }, 'Parameter "numImages" of model "nano-banana-pro" must be a whole number; got 1.5'],
		[{ enhancePrompt: 'yes' }, 'Parameter "enhancePrompt" of model "nano-banana-pro" must be true or false; got "yes"'],
		[{ imageUrls: ['https://a/1.png', 'https://a/2.png', 'https://a/3.png', 'https://a/4.png'] }, 'Parameter "imageUrls" of model "nano-banana-pro" must have 1–3 URLs; got 4'],
		[{ styleImageUrl: 'not a url' }, 'Parameter "styleImageUrl" of model "nano-banana-pro" must be an http(s) URL; got "not a url"'],
		[{ loras: { path: 1 } }, 'Parameter "loras" of model "nano-banana-pro" must be a JSON array of objects; got {"path":1}'],
		[{ aspectRatoi: '1:1' }, 'Parameter "aspectRatoi" of model "nano-banana-pro" is not a parameter of this model (did you mean "aspectRatio"?)'],
	])('Using JSON, a refusal before any run starts (%j), naming the valid values', async (bad, message) => {
		const node = modelOp('generateImage', { modelId: model(MODELS.everyField), paramMode: 'json', paramsJson: JSON.stringify({ prompt: 'x', ...bad }) });
		// The second item is fine: nothing starts for it either.
		const { error } = await ctx.engine.run([node], { input: [{}, {}] });
		expect(error?.message.startsWith(message)).toBe(true);
		expect(error?.description).toContain('Nothing was sent to Lamina.');
		expect(starts()).toBe(0);
	});

	test.each([
		[{ numImages: 9 }, 'must be 1–4; got 9'],
		[{ imageUrls: 'https://a/1.png,https://a/2.png,https://a/3.png,https://a/4.png' }, 'must have 1–3 URLs; got 4'],
		[{ loras: '{"path": 1}' }, 'must be a JSON array of objects'],
		// (A dropdown or URL field with a bad fixed value is refused by n8n itself, as a node issue, before the node runs.)
	])('Map Each Parameter, a refusal before any run starts (%j)', async (bad, message) => {
		const node = await generateNode('generateImage', MODELS.everyField, { prompt: 'x', ...bad });
		const { error } = await ctx.engine.run([node]);
		expect(error?.message).toContain(message);
		expect(starts()).toBe(0);
	});

	test('a required prompt left empty is refused, 0 runs started', async () => {
		const node = await generateNode('generateImage', MODELS.everyField, { prompt: '' });
		const { error } = await ctx.engine.run([node]);
		expect(error?.message).toBe('Parameter "prompt" of model "nano-banana-pro" is required');
		expect(starts()).toBe(0);
	});

	test('version 1.1: Max Wait Time as an amount and a unit; a wrong one is refused before anything starts', async () => {
		const node = await generateNode('generateImage', MODELS.imagen, { prompt: 'a lamp' }, { maxWaitAmount: '={{ 0 }}', maxWaitUnit: 'minutes' });
		const { error } = await ctx.engine.run([{ ...node, typeVersion: 1.1 }]);
		expect(error?.message).toBe('Max Wait Time is not a positive amount: "0 minutes"');
		expect(starts()).toBe(0);
		const ok = await generateNode('generateImage', MODELS.imagen, { prompt: 'a lamp' }, { maxWaitAmount: 2, maxWaitUnit: 'minutes' });
		const { items } = await ctx.engine.run([{ ...ok, typeVersion: 1.1 }]);
		expect(items[0].json).toMatchObject({ kind: 'model', status: 'completed' });
	});

	test('a video model under Generate Image is refused before anything starts', async () => {
		const node = modelOp('generateImage', { modelId: model(MODELS.video), paramMode: 'json', paramsJson: '{"prompt": "x"}' });
		const { error } = await ctx.engine.run([node]);
		expect(error?.message).toBe('"kling-video" is a video model, not an image model');
		expect(starts()).toBe(0);
	});

	test('Continue On Fail: a failed run is its item’s error, the others come out, pairedItem on each', async () => {
		const node = modelOp(
			'generateImage',
			{ modelId: model(MODELS.imagen), paramMode: 'json', paramsJson: '={{ JSON.stringify({ prompt: $json.p, aspectRatio: $json.a }) }}' },
		);
		const { items, error } = await ctx.engine.run([{ ...node, continueOnFail: true }], {
			input: [
				{ p: 'one', a: '1:1' },
				{ p: 'two', a: '3:2' },
			],
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'completed' });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].json.error).toContain('Parameter "aspectRatio" of model "imagen-4" must be one of "1:1", "16:9"');
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(starts()).toBe(1);
	});

	test('a failed model run fails the node, naming the run', async () => {
		ctx.sim.setAppBehaviour(`model_${MODELS.imagen}`, { fail: 'Content policy' });
		try {
			const node = modelOp('generateImage', { modelId: model(MODELS.imagen), paramMode: 'json', paramsJson: '{"prompt": "x"}' });
			const { error } = await ctx.engine.run([node]);
			expect(error?.message).toMatch(/^Lamina run \S+ failed: Content policy$/);
		} finally {
			ctx.sim.setAppBehaviour(`model_${MODELS.imagen}`, { fail: undefined });
		}
	});
});

describe('Generate Video', () => {
	test('a video model, waited for at the video cadence', async () => {
		const node = modelOp('generateVideo', { modelId: model(MODELS.video), paramMode: 'json', paramsJson: '{"prompt": "waves", "duration": "10"}' });
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ kind: 'model', status: 'completed', outputs: [{ type: 'video' }], resolvedParams: { duration: '10' } });
		// The first poll comes after 3 s: one poll for a run that takes 0.3 s.
		expect(requests()['GET /v1/generate/runs/:runId']).toBe(1);
	});
});
