/**
 * Run App with files: outputs downloaded as n8n binary data (filesystem mode, as a real n8n),
 * and an item's file uploaded as a Lamina asset for a URL input.
 */
import type { INodeExecutionData, ResourceMapperFields } from 'n8n-workflow';

import { callEditorMethod, createEngine, laminaNode, type Engine } from '../harness/engine';
import { fixtureApps, startLaminaSimulator, type LaminaSimulator } from '../simulator';
import { runAppJsonNode } from '../support/runNodes';

let sim: LaminaSimulator;
let engine: Engine;

beforeAll(async () => {
	sim = await startLaminaSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000 });
	engine = await createEngine({ credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } }, binaryData: 'filesystem' });
});
beforeEach(() => sim.resetCounters());
afterAll(async () => {
	await engine?.close();
	await sim?.close();
});

async function photoItem(property = 'data', mimeType = 'image/png', fileName = 'product.png'): Promise<INodeExecutionData> {
	const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(5000, 3)]);
	return { json: { sku: 'A-1' }, binary: { [property]: await engine.binaryData!.store(bytes, { fileName, mimeType }) } };
}

describe('Download Outputs', () => {
	test('attaches the finished image as binary data named by label; text stays in JSON', async () => {
		const node = runAppJsonNode('app_portrait', '{"Prompt": "a red bicycle"}', { options: { downloadOutputs: true } });
		const { items, error } = await engine.run([node]);
		expect(error).toBeUndefined();
		expect(Object.keys(items[0].binary ?? {})).toEqual(['Hero_Image']);
		expect(items[0].binary!.Hero_Image).toMatchObject({ mimeType: 'image/png', fileType: 'image' });
		expect((await engine.binaryData!.read(items[0].binary!.Hero_Image)).length).toBe(2048);
		expect((items[0].json.outputsByLabel as Record<string, string>).Caption).toContain('a red bicycle');
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	test('names by position with a prefix, and a video comes as video/mp4', async () => {
		const node = runAppJsonNode('app_video', '{"Product Image": "https://cdn.example.com/p.png"}', {
			options: { downloadOutputs: true, binaryNaming: 'index', binaryPrefix: 'clip' },
		});
		const { items, error } = await engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].binary?.clip0).toMatchObject({ mimeType: 'video/mp4', fileType: 'video' });
	});

	test('off by default: no downloads at all', async () => {
		await engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}')]);
		expect(sim.counters.requests['GET /files/...'] ?? 0).toBe(0);
	});
});

describe('Files as Inputs', () => {
	const withFile = (binaryPropertyName = 'data') =>
		runAppJsonNode('app_video', '{}', {
			options: { fileInputs: { files: [{ input: 'Product Image', binaryPropertyName }] } },
		});

	test("the item's file is uploaded and its asset URL is the input", async () => {
		const { items, error } = await engine.run([withFile()], { inputItems: [await photoItem()] });
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		const inputs = sim.runs.get(items[0].json.runId as string)!.inputs as Record<string, string>;
		expect(inputs['Product Image']).toMatch(new RegExp(`^${sim.url}/assets/`));
		expect(sim.counters.uploads).toBe(1);
		const [asset] = [...sim.uploadedAssets.values()];
		expect(asset).toMatchObject({ contentType: 'image/png', bytes: 5008 });
	});

	test('a missing binary field is refused before any request, listing the fields the item has', async () => {
		const { error } = await engine.run([withFile('photo')], { inputItems: [await photoItem('data')] });
		expect(error?.message).toBe('This item has no binary field "photo"');
		expect(error?.description).toContain('"data"');
		expect(sim.counters.uploads).toBe(0);
		expect(sim.counters.requests['POST /v1/assets/upload-urls'] ?? 0).toBe(0);
		expect(sim.counters.runsStarted).toBe(0);
	});

	test('a file of the wrong kind for the input is refused before any request', async () => {
		const video = await photoItem('data', 'video/mp4', 'clip.mp4');
		const { error } = await engine.run([withFile()], { inputItems: [video] });
		expect(error?.message).toMatch(/Input "Product Image" takes image, but "data" is video/);
		expect(sim.counters.runsStarted).toBe(0);
	});

	test('a file for an input that is not a URL input names the ones that are', async () => {
		const node = runAppJsonNode('app_video', '{}', { options: { fileInputs: { files: [{ input: 'Duration', binaryPropertyName: 'data' }] } } });
		const { error } = await engine.run([node], { inputItems: [await photoItem()] });
		expect(error?.message).toBe('Files as Inputs: "Duration" is not a URL input of "Product Video"');
		expect(error?.description).toBe('Files can go to: "Product Image".');
	});

	test('an input given both as a value and as a file is refused', async () => {
		const node = runAppJsonNode('app_video', '{"Product Image": "https://cdn.example.com/p.png"}', {
			options: { fileInputs: { files: [{ input: 'Product Image', binaryPropertyName: 'data' }] } },
		});
		const { error } = await engine.run([node], { inputItems: [await photoItem()] });
		expect(error?.message).toBe('Input "Product Image" is given twice: as a value and as a file');
		expect(sim.counters.runsStarted).toBe(0);
	});

	describe('when Lamina rejects inputs because the app changed since its definition was cached', () => {
		const video = () => fixtureApps().find((app) => app.appId === 'app_video')!;
		const fileNode = (appId: string, inputsJson: string, input: string) =>
			runAppJsonNode(appId, inputsJson, { options: { fileInputs: { files: [{ input, binaryPropertyName: 'data' }] } } });

		test('the one retry carries the same uploaded file', async () => {
			sim.addApp({ ...video(), appId: 'app_clip' });
			await engine.run([fileNode('app_clip', '{"duration": "5s"}', 'Product Image')], { inputItems: [await photoItem()] });
			// Lamina renames Duration; the cached definition would still send "Duration".
			sim.addApp({ ...video(), appId: 'app_clip', parameters: video().parameters.map((p) => (p.key === 'duration' ? { ...p, name: 'Clip Length' } : p)) });
			sim.resetCounters();
			const { items, error } = await engine.run([fileNode('app_clip', '{"duration": "10s"}', 'Product Image')], {
				inputItems: [await photoItem()],
			});
			expect(error).toBeUndefined();
			expect(sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(2); // rejected (nothing started), then accepted
			expect(sim.counters.runsStarted).toBe(1);
			expect(sim.counters.uploads).toBe(1); // the file went up once
			const inputs = sim.runs.get(items[0].json.runId as string)!.inputs as Record<string, string>;
			expect(inputs).toEqual({ 'Clip Length': '10s', 'Product Image': expect.stringMatching(new RegExp(`^${sim.url}/assets/`)) });
		});

		test('a file input the app no longer has: no retry, and the error names it', async () => {
			sim.addApp({ ...video(), appId: 'app_clip2' });
			await engine.run([fileNode('app_clip2', '{}', 'Product Image')], { inputItems: [await photoItem()] });
			sim.addApp({
				...video(),
				appId: 'app_clip2',
				parameters: video().parameters.map((p) => (p.key === 'product_image' ? { ...p, name: 'Product Photo', key: 'product_photo', id: 'prm_v9' } : p)),
			});
			sim.resetCounters();
			const { error } = await engine.run([fileNode('app_clip2', '{}', 'Product Image')], { inputItems: [await photoItem()] });
			expect(error?.message).toMatch(/This app has no input "Product Image"\. Did you mean "Product Photo"\?/);
			expect(sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(1);
			expect(sim.counters.runsStarted).toBe(0);
		});
	});
});

describe('the editor with Files as Inputs', () => {
	test('an input filled from a file needs no value in Map Each Input: no required mark, no default, its plain name', async () => {
		const node = laminaNode({
			resource: 'run',
			operation: 'create',
			appId: { __rl: true, mode: 'id', value: 'app_video' },
			options: { fileInputs: { files: [{ input: 'Product Image', binaryPropertyName: 'photo' }] } },
		});
		const { fields } = await callEditorMethod<ResourceMapperFields>(engine, node, 'resourceMapping', 'getAppInputs');
		expect(fields.find((field) => field.id === 'Product Image')).toMatchObject({
			required: false,
			displayName: 'Product Image',
		});
		expect(fields.find((field) => field.id === 'Product Image')).not.toHaveProperty('defaultValue');
		const without = await callEditorMethod<ResourceMapperFields>(engine, { ...node, parameters: { ...node.parameters, options: {} } }, 'resourceMapping', 'getAppInputs');
		expect(without.fields.find((field) => field.id === 'Product Image')).toMatchObject({ required: true });
	});
});
