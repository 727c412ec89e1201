/**
 * Files in and out of Lamina through n8n's real engine, with n8n's binary data service in
 * filesystem mode (as a real n8n runs it): run outputs become binary data, binary data becomes
 * a Lamina asset.
 */
import zlib from 'node:zlib';

import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { createEngine, laminaNode, type Engine } from '../harness/engine';
import { startLaminaSimulator, type LaminaSimulator } from '../simulator';
import { everythingShown } from '../support/context';
import { addDownloadTestNode, downloadNode } from '../support/downloadNode';
import { startRecorder } from '../support/recorder';
import { runAppJsonNode } from '../support/runNodes';

const PNG_MAGIC = Buffer.from('89504e470d0a1a0a', 'hex');

let sim: LaminaSimulator;
let engine: Engine;

beforeAll(async () => {
	sim = await startLaminaSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000 });
	engine = await createEngine({
		credentials: { laminaApi: { apiKey: sim.apiKey, baseUrl: sim.url } },
		binaryData: 'filesystem',
	});
	addDownloadTestNode(engine);
});
beforeEach(() => {
	sim.resetCounters();
	sim.clearFaults();
	engine.setCredentials('laminaApi', { apiKey: sim.apiKey, baseUrl: sim.url });
});
afterAll(async () => {
	await engine?.close();
	await sim?.close();
});

const portrait = () => runAppJsonNode('app_portrait', '{"Prompt": "a red bicycle"}');
const fileRequests = () => sim.counters.requests['GET /files/...'] ?? 0;

async function bytesOf(binary: IBinaryData): Promise<Buffer> {
	return await engine.binaryData!.read(binary);
}

describe('run outputs as binary data', () => {
	test('an image + text app: the image becomes a file, the text stays in the JSON', async () => {
		const { status, items, error } = await engine.run([portrait(), downloadNode({ binaryNaming: 'label' })]);
		expect(error).toBeUndefined();
		expect(status).toBe('success');
		const [item] = items;
		expect(Object.keys(item.binary ?? {})).toEqual(['Hero_Image']);
		const image = item.binary!.Hero_Image;
		expect(image).toMatchObject({ mimeType: 'image/png', fileName: 'Hero Image.png', fileExtension: 'png', fileType: 'image', bytes: 2048 });
		// Filesystem mode: the item carries a reference, the bytes are on disk.
		expect(image.id).toMatch(/^filesystem(-v2)?:/);
		expect(image.data).not.toMatch(/^iVBOR/);
		const bytes = await bytesOf(image);
		expect(bytes).toHaveLength(2048);
		expect(bytes.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
		expect((item.json.outputsByLabel as IDataObject).Caption).toContain('a red bicycle');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(fileRequests()).toBe(1);
	});

	test('naming by index: data0 is outputs[0]; a prefix replaces "data"', async () => {
		const byIndex = await engine.run([portrait(), downloadNode({ binaryNaming: 'index', binaryPrefix: 'data' })]);
		expect(Object.keys(byIndex.items[0].binary ?? {})).toEqual(['data0']);
		const prefixed = await engine.run([portrait(), downloadNode({ binaryNaming: 'index', binaryPrefix: 'file_' })]);
		expect(Object.keys(prefixed.items[0].binary ?? {})).toEqual(['file_0']);
		const empty = await engine.run([portrait(), downloadNode({ binaryNaming: 'index', binaryPrefix: '' })]);
		expect(Object.keys(empty.items[0].binary ?? {})).toEqual(['data0']);
	});

	test('a video app: an mp4 of several MB lands on disk, not in the item', async () => {
		const size = 6 * 1024 * 1024;
		sim.setAppBehaviour('app_video', { outputBytes: size });
		try {
			const before = engine.binaryData!.bytesOnDisk();
			const node = runAppJsonNode('app_video', '{"Product Image": "https://example.com/shoe.png"}');
			const { items, error } = await engine.run([node, downloadNode()]);
			expect(error).toBeUndefined();
			const video = items[0].binary!.Video;
			expect(video).toMatchObject({ mimeType: 'video/mp4', fileName: 'Video.mp4', fileType: 'video', bytes: size });
			expect(video.data.length).toBeLessThan(100);
			expect(engine.binaryData!.bytesOnDisk() - before).toBeGreaterThanOrEqual(size);
			expect((await bytesOf(video)).length).toBe(size);
		} finally {
			sim.setAppBehaviour('app_video', { outputBytes: 2048 });
		}
	});

	test('an audio app gives audio/mpeg', async () => {
		const node = runAppJsonNode('app_voiceover', '{"Script": "Hello there"}');
		const { items } = await engine.run([node, downloadNode()]);
		expect(items[0].binary!.Voiceover).toMatchObject({ mimeType: 'audio/mpeg', fileName: 'Voiceover.mp3', fileType: 'audio' });
	});

	test('an output that failed is not downloaded (decided by status)', async () => {
		sim.setAppBehaviour('app_portrait', { failOutputs: [0] });
		try {
			const { items, error } = await engine.run([portrait(), downloadNode()]);
			expect(error).toBeUndefined();
			expect(items[0].binary ?? {}).toEqual({});
			expect(fileRequests()).toBe(0);
		} finally {
			sim.setAppBehaviour('app_portrait', { failOutputs: [] });
		}
	});

	test('a 503 and a dropped connection are retried', async () => {
		sim.injectFault({ method: 'GET', route: '/files', status: 503, times: 1 });
		sim.injectFault({ method: 'GET', route: '/files', reset: true, times: 1 });
		const { items, error } = await engine.run([portrait(), downloadNode()]);
		expect(error).toBeUndefined();
		expect(items[0].binary!.Hero_Image.bytes).toBe(2048);
		expect(fileRequests()).toBe(3);
	});

	test('a file that cannot be downloaded is an error naming the output and the host', async () => {
		sim.injectFault({ method: 'GET', route: '/files', status: 404, times: Infinity });
		const { status, error } = await engine.run([portrait(), downloadNode()]);
		expect(status).toBe('error');
		expect(error?.message).toBe(`Could not download output "Hero Image" from ${new URL(sim.url).host}: HTTP 404`);
		expect(error?.description).toMatch(/limited time/);
		expect(fileRequests()).toBe(1); // a 404 is not retried
		expect(everythingShown(error)).not.toContain(sim.apiKey);
	});
});

describe('files on other hosts', () => {
	const runWith = (outputs: IDataObject[]): IDataObject => ({ runId: 'run_x', status: 'completed', outputs });

	test('a CDN never sees the API key, even after a redirect from Lamina to it', async () => {
		const cdn = await startRecorder((req, res) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '5' });
			res.end('hello');
		});
		// Plays Lamina's origin: redirects file requests to the CDN.
		const lamina = await startRecorder((req, res) => {
			res.writeHead(302, { location: `${cdn.url}/cdn${req.url}` });
			res.end();
		});
		try {
			engine.setCredentials('laminaApi', { apiKey: sim.apiKey, baseUrl: lamina.url });
			const input = runWith([
				{ label: 'Direct', type: 'image', status: 'completed', value: `${cdn.url}/img/shot.webp` },
				{ label: 'Redirected', type: 'image', status: 'completed', value: `${lamina.url}/files/hero.png` },
				{ label: 'Caption', type: 'text', status: 'completed', value: 'https://example.com/not-a-file' },
			]);
			const { items, error } = await engine.run([downloadNode()], { input: [input] });
			expect(error).toBeUndefined();
			expect(Object.keys(items[0].binary ?? {})).toEqual(['Direct', 'Redirected']);
			// octet-stream says nothing: the type comes from the extension.
			expect(items[0].binary!.Direct).toMatchObject({ mimeType: 'image/webp', fileName: 'shot.webp' });
			expect(items[0].binary!.Redirected).toMatchObject({ mimeType: 'image/png', fileName: 'hero.png' });
			expect(lamina.seen).toHaveLength(1);
			expect(lamina.seen[0]['x-api-key']).toBe(sim.apiKey);
			expect(cdn.seen).toHaveLength(2);
			for (const headers of cdn.seen) expect(JSON.stringify(headers)).not.toContain(sim.apiKey);
		} finally {
			await cdn.close();
			await lamina.close();
		}
	});

	test('a CDN that would compress is asked for the bytes as they are, and the file arrives whole', async () => {
		const original = Buffer.alloc(64 * 1024, 0x41);
		const cdn = await startRecorder((req, res) => {
			// Like a CDN: gzip whenever the client accepts it, with the compressed length.
			if (/gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
				const packed = zlib.gzipSync(original);
				res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip', 'content-length': String(packed.length) });
				return void res.end(packed);
			}
			res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(original.length) });
			res.end(original);
		});
		try {
			const input = runWith([{ label: 'Shot', type: 'image', status: 'completed', value: `${cdn.url}/shot.png` }]);
			const { items, error } = await engine.run([downloadNode()], { input: [input] });
			expect(error).toBeUndefined();
			expect(cdn.seen[0]['accept-encoding']).toBe('identity');
			expect((await engine.binaryData!.read(items[0].binary!.Shot)).equals(original)).toBe(true);
		} finally {
			await cdn.close();
		}
	});

	test('no extension in the URL: the name is the label plus the type’s extension; labels are deduplicated', async () => {
		const cdn = await startRecorder((_req, res) => {
			res.writeHead(200, { 'content-type': 'image/jpeg; charset=binary' });
			res.end('jpeg');
		});
		try {
			const input = runWith([
				{ label: 'AI Designer', type: 'image', status: 'completed', value: `${cdn.url}/o/abc123` },
				{ label: 'AI Designer', type: 'image', status: 'completed', value: `${cdn.url}/o/def456` },
			]);
			const { items } = await engine.run([downloadNode()], { input: [input] });
			expect(Object.keys(items[0].binary ?? {})).toEqual(['AI_Designer', 'AI_Designer_2']);
			expect(items[0].binary!.AI_Designer).toMatchObject({ mimeType: 'image/jpeg', fileName: 'AI Designer.jpg' });
		} finally {
			await cdn.close();
		}
	});
});

const uploadNode = (parameters: IDataObject = {}, extra: IDataObject = {}) =>
	laminaNode({ resource: 'asset', operation: 'upload', binaryPropertyName: 'data', ...parameters }, extra);

async function fileItem(property: string, bytes: Buffer, fileName: string, mimeType: string): Promise<INodeExecutionData> {
	return { json: { name: fileName }, binary: { [property]: await engine.binaryData!.store(bytes, { fileName, mimeType }) } };
}

function pngBytes(size: number): Buffer {
	const bytes = Buffer.alloc(size, 7);
	PNG_MAGIC.copy(bytes);
	return bytes;
}

describe('Upload File', () => {
	test('uploads the bytes and returns the asset URL to use as an input', async () => {
		const bytes = pngBytes(3000);
		const { items, error } = await engine.run([uploadNode()], {
			inputItems: [await fileItem('data', bytes, 'photo.png', 'image/png')],
		});
		expect(error).toBeUndefined();
		const asset = items[0].json;
		expect(Object.keys(asset).sort()).toEqual(['assetId', 'assetUrl', 'filename', 'mediaType']);
		expect(asset).toMatchObject({ filename: 'photo.png', mediaType: 'image' });
		expect(asset.assetUrl).toMatch(new RegExp(`^${sim.url}/assets/ast_`));
		expect(items[0].pairedItem).toEqual({ item: 0 });
		// The simulator's storage saw the whole file, with its type.
		expect(sim.counters.uploads).toBe(1);
		expect(sim.uploadedAssets.get(asset.assetId as string)).toEqual({ filename: 'photo.png', contentType: 'image/png', bytes: 3000 });
		const served = Buffer.from(await (await fetch(asset.assetUrl as string)).arrayBuffer());
		expect(served.equals(bytes)).toBe(true);
	});

	test('a large file streams from disk and arrives whole', async () => {
		const size = 12 * 1024 * 1024;
		const { items } = await engine.run([uploadNode()], {
			inputItems: [await fileItem('data', Buffer.alloc(size, 1), 'clip.mp4', 'video/mp4')],
		});
		expect(items[0].json).toMatchObject({ filename: 'clip.mp4', mediaType: 'video' });
		expect(sim.uploadedAssets.get(items[0].json.assetId as string)?.bytes).toBe(size);
	});

	test('a file kept in memory (base64 in the item) uploads too', async () => {
		const item: INodeExecutionData = {
			json: {},
			binary: { data: { data: Buffer.from('ID3 sound').toString('base64'), mimeType: 'audio/mpeg', fileName: 'jingle.mp3' } },
		};
		const { items } = await engine.run([uploadNode()], { inputItems: [item] });
		expect(items[0].json).toMatchObject({ filename: 'jingle.mp3', mediaType: 'audio' });
		expect(sim.uploadedAssets.get(items[0].json.assetId as string)).toMatchObject({ contentType: 'audio/mpeg', bytes: 9 });
	});

	test('a missing binary field is named, with the fields the item has, before any request', async () => {
		const item = await fileItem('photo', pngBytes(100), 'a.png', 'image/png');
		item.binary!.logo = (await fileItem('logo', pngBytes(100), 'b.png', 'image/png')).binary!.logo;
		const { status, error } = await engine.run([uploadNode()], { inputItems: [item] });
		expect(status).toBe('error');
		expect(error?.message).toBe('This item has no binary field "data"');
		expect(error?.description).toBe('Its binary fields are: "photo", "logo". Set "Input Binary Field" to one of them.');
		expect(sim.counters.requests).toEqual({});
		expect(sim.counters.uploads).toBe(0);
	});

	test('an item with no file at all says how to get one', async () => {
		const { error } = await engine.run([uploadNode()], { input: [{ a: 1 }] });
		expect(error?.message).toMatch(/This item has no file/);
		expect(error?.description).toMatch(/HTTP Request with Response Format "File"/);
		expect(sim.counters.requests).toEqual({});
	});

	test('a file that is not image, video or audio is refused; the Media Type option vouches for an unlabelled one', async () => {
		const pdf = await fileItem('data', Buffer.from('%PDF-1.7'), 'terms.pdf', 'application/pdf');
		const refused = await engine.run([uploadNode()], { inputItems: [pdf] });
		expect(refused.error?.message).toBe('The file in binary field "data" is "application/pdf", which Lamina does not take');
		expect(refused.error?.description).toMatch(/Lamina takes image, video or audio files\. .*set "Media Type"/);
		expect(sim.counters.requests).toEqual({});

		const unlabelled = await fileItem('data', Buffer.alloc(64, 2), 'take-3', 'application/octet-stream');
		const { items } = await engine.run([uploadNode({ options: { mediaType: 'video' } })], { inputItems: [unlabelled] });
		expect(items[0].json).toMatchObject({ filename: 'take-3.mp4', mediaType: 'video' });
		expect(sim.uploadedAssets.get(items[0].json.assetId as string)?.contentType).toBe('video/mp4');
	});

	test('one bad item stops the node before any upload; under Continue On Fail only that item fails', async () => {
		const good = () => fileItem('data', pngBytes(50), 'ok.png', 'image/png');
		const bad = { json: {} } as INodeExecutionData;
		const stopped = await engine.run([uploadNode()], { inputItems: [await good(), bad, await good()] });
		expect(stopped.error?.context?.itemIndex).toBe(1);
		expect(sim.counters.uploads).toBe(0);

		const { items } = await engine.run([uploadNode({}, { continueOnFail: true })], {
			inputItems: [await good(), bad, await good()],
		});
		expect(items.map((i) => (i.json.error ? 'error' : i.json.mediaType))).toEqual(['image', 'error', 'image']);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(sim.counters.uploads).toBe(2);
	});

	test('the PUT is retried after a 503 and a dropped connection', async () => {
		sim.injectFault({ route: 'PUT /uploads/:assetId', status: 503, times: 1 });
		sim.injectFault({ route: 'PUT /uploads/:assetId', reset: true, times: 1 });
		const { items, error } = await engine.run([uploadNode()], {
			inputItems: [await fileItem('data', pngBytes(4000), 'retry.png', 'image/png')],
		});
		expect(error).toBeUndefined();
		expect(sim.counters.requests['PUT /uploads/:assetId']).toBe(3);
		expect(sim.uploadedAssets.get(items[0].json.assetId as string)?.bytes).toBe(4000);
	});

	test('an upload that keeps failing names the file and the storage host', async () => {
		sim.injectFault({ route: 'PUT /uploads/:assetId', status: 403, times: 1 });
		const { error } = await engine.run([uploadNode()], {
			inputItems: [await fileItem('data', pngBytes(10), 'denied.png', 'image/png')],
		});
		expect(error?.message).toBe(`Could not upload "denied.png" to Lamina's storage (${new URL(sim.url).host}): HTTP 403`);
		expect(everythingShown(error)).not.toContain(sim.apiKey);
	});
});
