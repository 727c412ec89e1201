/** Generate Image's Options → Files as Inputs: the item's file uploaded to Lamina and sent as a URL parameter. */
import type { INodeExecutionData } from 'n8n-workflow';

import { createEngine, laminaNode, type Engine } from '../harness/engine';
import { MODELS, startLaminaSimulator, type LaminaSimulator } from '../simulator';

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

async function photoItem(mimeType = 'image/png', fileName = 'shoe.png'): Promise<INodeExecutionData> {
	const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(3000, 3)]);
	return { json: {}, binary: { data: await engine.binaryData!.store(bytes, { fileName, mimeType }) } };
}

const generate = (modelId: string, paramsJson: string, param: string) =>
	laminaNode({
		resource: 'model',
		operation: 'generateImage',
		modelId: { __rl: true, mode: 'id', value: modelId },
		paramMode: 'json',
		paramsJson,
		options: { fileInputs: { files: [{ param, binaryPropertyName: 'data' }] } },
	});

test('a url parameter gets the uploaded file: a model without a prompt, fed a file', async () => {
	const { items, error } = await engine.run([generate(MODELS.noPrompt, '{}', 'imageUrl')], { inputItems: [await photoItem()] });
	expect(error).toBeUndefined();
	const run = sim.runs.get(items[0].json.runId as string)!;
	expect(run.inputs.imageUrl).toMatch(new RegExp(`^${sim.url}/assets/.+/shoe\\.png$`));
	expect(sim.counters.uploads).toBe(1);
	expect(items[0].json).toMatchObject({ kind: 'model', status: 'completed' });
});

test('an array<url> parameter gets it as its one URL', async () => {
	const { items, error } = await engine.run([generate(MODELS.everyField, '{"prompt": "remix"}', 'imageUrls')], { inputItems: [await photoItem()] });
	expect(error).toBeUndefined();
	expect(sim.runs.get(items[0].json.runId as string)!.inputs.imageUrls).toEqual([expect.stringMatching(/\/shoe\.png$/)]);
});

test('a parameter that takes no files, or a file of the wrong kind, is refused before any upload or run', async () => {
	const notUrl = await engine.run([generate(MODELS.everyField, '{"prompt": "x"}', 'aspectRatio')], { inputItems: [await photoItem()] });
	expect(notUrl.error?.message).toBe('Files as Inputs: "aspectRatio" is not a URL parameter of model "nano-banana-pro"');
	expect(notUrl.error?.description).toBe('Files can go to: "styleImageUrl", "imageUrls".');
	const video = await engine.run([generate(MODELS.noPrompt, '{}', 'imageUrl')], { inputItems: [await photoItem('video/mp4', 'clip.mp4')] });
	expect(video.error?.message).toBe('Parameter "imageUrl" takes image, but "data" is video');
	expect(sim.counters.uploads).toBe(0);
	expect(sim.counters.runsStarted).toBe(0);
});
