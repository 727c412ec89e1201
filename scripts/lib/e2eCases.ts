/**
 * The end-to-end cases run inside a real n8n. A case is a workflow file plus the checks made on
 * its run: to add one, add a workflow (examples/ for something users should see, otherwise
 * scripts/lib/e2e-workflows/) and an entry below.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { fixtureApps, type LaminaSimulator } from '../../test/simulator';
import { appWorkflow } from '../../test/simulator/apps';
import { DEFAULT_OUTPUT_BYTES } from '../../test/simulator/runs';
import { REPO_ROOT, type ExecuteResult, type N8nRun } from './n8nRuntime';

export interface SimAppSummary {
	appId: string;
	name: string;
	description?: string;
	[key: string]: unknown;
}

export type Json = Record<string, any>;

export interface CaseContext {
	result: ExecuteResult;
	run: N8nRun | undefined;
	/** The JSON of the items a node put out ([] when it did not run). */
	items(nodeName: string): Json[];
	/** The error of the run, if it failed. */
	error: { message: string; description: string; nodeName?: string } | undefined;
	/** The simulator n8n talked to: its runs, counters, deliveries... */
	sim: LaminaSimulator;
	/** Every app of the simulator, fetched from it directly (not through n8n): the oracle. */
	simApps: SimAppSummary[];
	/** The major version of the n8n that ran the case (1 or 2): where n8n differs, checks ask. */
	n8nMajor: number;
}

export interface Check {
	label: string;
	/** Throws (e.g. node:assert) when the check fails. */
	verify: (ctx: CaseContext) => void;
}

export interface E2eCase {
	name: string;
	/** Relative to the repository root. */
	workflow: string;
	/** Whether the workflow should run through, or stop with an error (checked before `checks`). */
	expect: 'success' | 'failure';
	checks: Check[];
	/** Before the workflow runs (e.g. a compressed rate limit), and after its checks. */
	setup?: (sim: LaminaSimulator) => void;
	teardown?: (sim: LaminaSimulator) => void;
}

/** Credentials imported before the cases run; workflows refer to them by id. */
export const E2E_CREDENTIALS = (sim: Pick<LaminaSimulator, 'url' | 'apiKey'>) => [
	{ id: 'laminaSimCred', name: 'Lamina (local simulator)', type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } },
	{ id: 'laminaBadKeyCred', name: 'Lamina (wrong API key)', type: 'laminaApi', data: { apiKey: 'lma_not_a_valid_key', baseUrl: sim.url } },
];

const CATALOGUE_ITEMS = 300;
const CATALOGUE_LIMIT = 100;
const CATALOGUE_WINDOW_MS = 3_000;

const ids = (items: Json[]) => items.map((item) => item.appId as string);
/** Lamina lists at most this many apps in one answer (and has no offset for apps). */
const MAX_APPS_PAGE = 100;
/** Apps the e2e adds to the simulator so that more than one page exists. */
export const EXTRA_E2E_APPS = 110;
const param = (app: Json, name: string): Json => {
	const found = (app.parameters as Json[] | undefined)?.find((p) => p.name === name);
	assert.ok(found, `no parameter named ${JSON.stringify(name)} in ${JSON.stringify((app.parameters as Json[] | undefined)?.map((p) => p.name))}`);
	return found;
};
const one = (items: Json[], nodeName: string): Json => {
	assert.equal(items.length, 1, `${nodeName} put out ${items.length} items, expected 1`);
	return items[0];
};

// ---------------------------------------------------------------------------------------------
// Files (n8n binary data)
// ---------------------------------------------------------------------------------------------

/** A binary entry as `n8n execute --rawOutput` prints it: metadata; the bytes stay in n8n's store. */
export interface BinaryEntry {
	mimeType?: string;
	fileType?: string;
	fileName?: string;
	fileExtension?: string;
	/** Human-readable, e.g. "2.05 kB". */
	fileSize?: string;
	bytes?: number;
	/** "filesystem-v2:workflows/<wf>/executions/<n>/binary_data/<uuid>" in n8n 2.x's default mode. */
	id?: string;
	/** The mode's name ("filesystem-v2") when the file is in a store, else the bytes in base64. */
	data?: string;
}

/** The binary entries of a node's only item ({} when it has none). */
function binaryOf(run: N8nRun | undefined, nodeName: string): Record<string, BinaryEntry> {
	const items = (run?.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? []) as Array<{ binary?: Record<string, BinaryEntry> }>;
	assert.equal(items.length, 1, `${nodeName} put out ${items.length} items, expected 1`);
	return items[0].binary ?? {};
}

/**
 * The e2e's n8n user folder: e2e.ts makes it with createUserFolder('e2e'), named
 * `.e2e/run-<time>-<pid>` after this very process.
 */
function e2eUserFolder(): string {
	const root = path.join(REPO_ROOT, '.e2e');
	const mine = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => name.startsWith('run-') && name.endsWith(`-${process.pid}`)) : [];
	assert.equal(mine.length, 1, `expected one n8n user folder .e2e/run-*-${process.pid}, found ${JSON.stringify(mine)}`);
	return path.join(root, mine[0]);
}

/** The bytes n8n holds for a binary entry: read from its filesystem store, or decoded when inline. */
function storedBytes(entry: BinaryEntry): Buffer {
	if (entry.id) {
		const match = /^filesystem(?:-v2)?:(.+)$/.exec(entry.id);
		assert.ok(match, `binary id ${JSON.stringify(entry.id)} is not in n8n's filesystem store`);
		const file = path.join(e2eUserFolder(), '.n8n', 'storage', match[1]);
		assert.ok(fs.existsSync(file), `n8n's binary store has no file ${file}`);
		return fs.readFileSync(file);
	}
	assert.ok(entry.data, 'the binary entry has neither an id nor data');
	return Buffer.from(entry.data, 'base64');
}

const MAGIC = {
	png: Buffer.from('89504e470d0a1a0a', 'hex'),
	mp4: Buffer.from('000000186674797069736f6d', 'hex'),
};

/**
 * A simulator output file arrived whole: n8n says image/png (or video/mp4), `bytes` is the
 * simulator's size, and the bytes in n8n's store are exactly what the simulator served (the
 * format's magic bytes, then its filler 0x5a).
 */
/**
 * n8n 2.x records a binary entry's size as `bytes`; 1.x records none (the size is then checked
 * on the bytes it stored, which every check reads as well).
 */
function assertRecordedBytes(entry: BinaryEntry, expected: number, name: string, n8nMajor: number): void {
	if (n8nMajor >= 2) assert.equal(entry.bytes, expected, `${name}.bytes`);
	else assert.equal(entry.bytes, undefined, `${name}.bytes (n8n 1.x records no size)`);
}

function assertSimOutputFile(entry: BinaryEntry | undefined, kind: 'png' | 'mp4', name: string, n8nMajor: number): void {
	assert.ok(entry, `no binary field ${name}`);
	const mimeType = kind === 'png' ? 'image/png' : 'video/mp4';
	assert.equal(entry.mimeType, mimeType, `${name}.mimeType`);
	assert.equal(entry.fileType, kind === 'png' ? 'image' : 'video', `${name}.fileType`);
	assert.match(String(entry.fileName), new RegExp(`^[^/\\\\]+\\.${kind}$`), `${name}.fileName`);
	assertRecordedBytes(entry, DEFAULT_OUTPUT_BYTES, name, n8nMajor);
	assert.match(String(entry.fileSize), /^2(\.\d+)? ?kB$/i, `${name}.fileSize (n8n's display of the size)`);
	const stored = storedBytes(entry);
	assert.equal(stored.length, DEFAULT_OUTPUT_BYTES, `${name}: bytes in n8n's store`);
	assert.ok(stored.subarray(0, MAGIC[kind].length).equals(MAGIC[kind]), `${name} does not start with the ${kind} magic bytes`);
	assert.ok(stored.subarray(MAGIC[kind].length).every((byte) => byte === 0x5a), `${name}: stored bytes differ from what the simulator served`);
}

/** The asset a run input points at, from the simulator's own records. */
function assetOfInput(sim: LaminaSimulator, url: unknown): { assetId: string; filename: string; contentType: string; bytes: number } {
	const prefix = `${sim.url}/assets/`;
	assert.ok(typeof url === 'string' && url.startsWith(prefix), `the input is ${JSON.stringify(url)}, not an asset URL of the simulator (${prefix}...)`);
	const assetId = url.slice(prefix.length).split('/')[0];
	const asset = sim.uploadedAssets.get(assetId);
	assert.ok(asset, `the simulator received no upload for asset ${assetId}`);
	return { assetId, ...asset };
}

// ---------------------------------------------------------------------------------------------
// Include Progress
// ---------------------------------------------------------------------------------------------

interface ProgressEntry {
	at: string;
	elapsedSeconds: number;
	status: string;
	progress?: { completedNodes?: number; currentNode?: { label?: string } };
	outputsReady?: string[];
}

/**
 * A timeline as Include Progress puts it out: ISO times and seconds that never go back, no state
 * twice, the given steps named in order, each output ready exactly once, ending completed.
 */
function assertTimeline(progress: unknown, steps: string[], outputs: string[]): void {
	assert.ok(Array.isArray(progress) && progress.length > 0, `progress is ${JSON.stringify(progress)}`);
	const entries = progress as ProgressEntry[];
	for (const [i, entry] of entries.entries()) {
		assert.ok(!Number.isNaN(Date.parse(entry.at)), `entry ${i}: at ${JSON.stringify(entry.at)}`);
		if (i > 0) assert.ok(entry.elapsedSeconds >= entries[i - 1].elapsedSeconds, `entry ${i} goes back in time`);
	}
	const states = entries.map((entry) => JSON.stringify([entry.status, entry.progress ?? null, entry.outputsReady ?? null]));
	assert.equal(new Set(states).size, states.length, 'a state appears twice');
	// Seen from when the stream connected: the run may have left 'queued' by then.
	assert.ok(['queued', 'running'].includes(entries[0].status), `first entry: ${entries[0].status}`);
	assert.equal(entries.at(-1)?.status, 'completed');
	const named = entries.map((entry) => entry.progress?.currentNode?.label).filter((label): label is string => !!label);
	assert.deepEqual(named.filter((label) => steps.includes(label)), steps, `steps seen: ${JSON.stringify(named)}`);
	assert.deepEqual(entries.flatMap((entry) => entry.outputsReady ?? []), outputs);
}

/** The requests the simulator got for one run after its start, by route. */
const runRequests = (sim: LaminaSimulator, runId: string) => sim.requestsUnder(`/v1/runs/${runId}`);

const ONE_STREAM = { 'GET /v1/runs/:runId/stream': 1 };

export const E2E_CASES: E2eCase[] = [
	{
		name: 'list-and-inspect-apps',
		workflow: 'examples/list-and-inspect-apps.json',
		expect: 'success',
		checks: [
			{
				label: 'List Apps returns 5 apps (limit 5 respected; the simulator has more)',
				verify: ({ items, simApps }) => {
					assert.ok(simApps.length > 5, `the simulator has only ${simApps.length} apps`);
					assert.equal(items('List Apps').length, 5);
				},
			},
			{
				label: "List Apps returns the simulator's first 5 apps, in order, with names",
				verify: ({ items, simApps }) => {
					assert.deepEqual(ids(items('List Apps')), ids(simApps.slice(0, 5)));
					for (const app of items('List Apps')) assert.equal(typeof app.name, 'string');
				},
			},
			{
				label: 'Inspect Each App gets every listed app (app ID from an expression)',
				verify: ({ items }) => {
					const inspected = items('Inspect Each App');
					assert.deepEqual(ids(inspected), ids(items('List Apps')));
					for (const app of inspected) assert.ok(Array.isArray(app.parameters), `${app.appId} has no parameters array`);
				},
			},
			{
				label: 'Get App returns app_portrait (Portrait Studio)',
				verify: ({ items }) => {
					const app = one(items('Get One App'), 'Get One App');
					assert.equal(app.appId, 'app_portrait');
					assert.equal(app.name, 'Portrait Studio');
				},
			},
			{
				label: 'Get App lists its parameters by exact name (including "Model  Ethnicity")',
				verify: ({ items }) => {
					const app = one(items('Get One App'), 'Get One App');
					assert.deepEqual(
						(app.parameters as Json[]).map((p) => p.name),
						['Prompt', 'Location', 'Style', 'Model  Ethnicity', 'Reference Image'],
					);
				},
			},
			{
				label: 'Style keeps the label "Standard " with its trailing space (options, default, input guide)',
				verify: ({ items }) => {
					const app = one(items('Get One App'), 'Get One App');
					const style = param(app, 'Style');
					assert.deepEqual(style.options, ['Standard ', 'Cinematic', 'Film Noir']);
					assert.equal(style.default, 'Standard ');
					const guide = (app.inputGuide as Json[]).find((entry) => entry.name === 'Style');
					assert.ok(guide, 'no Style in inputGuide');
					assert.ok((guide.choices as string[]).includes('Standard '), `inputGuide choices: ${JSON.stringify(guide.choices)}`);
				},
			},
			{
				label: 'Get App shows the outputs Hero Image (image) and Caption (text)',
				verify: ({ items }) => {
					const app = one(items('Get One App'), 'Get One App');
					assert.deepEqual(
						(app.outputs as Json[]).map((o) => [o.label, o.type]),
						[
							['Hero Image', 'image'],
							['Caption', 'text'],
						],
					);
				},
			},
			{
				label: 'Input guide: Prompt must be supplied; Location (has a default) need not',
				verify: ({ items }) => {
					const app = one(items('Get One App'), 'Get One App');
					const guide = app.inputGuide as Json[];
					assert.equal(guide.find((g) => g.name === 'Prompt')?.mustSupply, true);
					assert.equal(guide.find((g) => g.name === 'Location')?.mustSupply, false);
				},
			},
		],
	},
	{
		name: 'run-an-app',
		workflow: 'examples/run-an-app.json',
		expect: 'success',
		checks: [
			{
				label: 'Run App waits for the run and returns it completed, with Hero Image and Caption',
				verify: ({ items }) => {
					const run = one(items('Run App'), 'Run App');
					assert.equal(run.status, 'completed');
					assert.equal(run.appId, 'app_portrait');
					assert.match(String((run.outputsByLabel as Json)['Hero Image']), /^https?:\/\//);
					assert.match(String((run.outputsByLabel as Json).Caption), /chef/);
				},
			},
			{
				label: 'Lamina received the inputs by exact name, "Standard " with its trailing space, one run only',
				verify: ({ items, sim }) => {
					const runId = one(items('Run App'), 'Run App').runId as string;
					const received = sim.runs.get(runId);
					assert.ok(received, `the simulator has no run ${runId}`);
					assert.deepEqual(received.inputs, {
						Prompt: 'A chef laughing in a sunlit kitchen',
						Location: 'Urban',
						Style: 'Standard ',
					});
					assert.equal([...sim.runs.values()].filter((r) => r.appId === 'app_portrait').length, 1);
				},
			},
		],
	},
	{
		name: 'list-all-apps',
		workflow: 'scripts/lib/e2e-workflows/list-all-apps.json',
		expect: 'success',
		checks: [
			{
				label: `List Apps with Return All returns Lamina's largest page: the simulator's first ${MAX_APPS_PAGE} apps (it has more)`,
				verify: ({ items, simApps }) => {
					assert.ok(simApps.length > MAX_APPS_PAGE, `the simulator lists ${simApps.length} apps; the case needs more than ${MAX_APPS_PAGE}`);
					assert.deepEqual(ids(items('List All Apps')), ids(simApps).slice(0, MAX_APPS_PAGE));
				},
			},
			{
				label: 'An app beyond the first 100 is found by searching on Lamina',
				verify: ({ items }) => assert.deepEqual(ids(items('Search Beyond 100')), ['app_extra_110']),
			},
			{
				label: 'List Apps with search "portrait" returns only Portrait Studio',
				verify: ({ items }) => assert.deepEqual(ids(items('Search Portrait')), ['app_portrait']),
			},
		],
	},
	{
		name: 'run-app-catalogue',
		workflow: 'scripts/lib/e2e-workflows/run-app-catalogue.json',
		expect: 'success',
		// Lamina's 100 requests a minute, with the minute compressed to 3 s: 300 items need 600 requests.
		setup: (sim) => {
			sim.setRateLimit(CATALOGUE_LIMIT, CATALOGUE_WINDOW_MS);
			sim.resetCounters();
		},
		// Back to Lamina's real minute, which the other cases run under.
		teardown: (sim) => sim.setRateLimit(100, 60_000),
		checks: [
			{
				label: `all ${CATALOGUE_ITEMS} items come out completed, in order, each paired with its input item`,
				verify: ({ items }) => {
					const out = items('Run Portrait Studio for Each');
					assert.equal(out.length, CATALOGUE_ITEMS);
					assert.deepEqual(out.filter((item) => item.status !== 'completed').map((item) => item.error ?? item.status), []);
				},
			},
			{
				label: 'each item’s run was started exactly once at Lamina',
				verify: ({ sim }) => {
					const prompts = [...sim.runs.values()]
						.map((run) => String((run.inputs as Json).Prompt ?? ''))
						.filter((prompt) => prompt.startsWith('catalogue item '));
					assert.equal(prompts.length, CATALOGUE_ITEMS);
					assert.equal(new Set(prompts).size, CATALOGUE_ITEMS);
				},
			},
			{
				label: 'the node kept to the limit: at most 1 % of its requests were answered 429',
				verify: ({ sim }) => {
					const sent = Object.values(sim.counters.requests).reduce((a, b) => a + b, 0);
					assert.ok(sim.counters.rateLimited <= sent * 0.01, `${sim.counters.rateLimited} of ${sent} requests were answered 429`);
				},
			},
		],
	},
	{
		name: 'run-app-map-automatically',
		workflow: 'scripts/lib/e2e-workflows/run-app-map-automatically.json',
		expect: 'success',
		checks: [
			{
				label: "Run App with Map Automatically completes with the upstream item's fields as inputs",
				verify: ({ items }) => assert.equal(one(items('Run Portrait Studio (Map Automatically)'), 'Run App').status, 'completed'),
			},
			{
				label: 'Lamina got the fields that name inputs (by key, name and id) under their exact names, and nothing else',
				verify: ({ items, sim }) => {
					const runId = one(items('Run Portrait Studio (Map Automatically)'), 'Run App').runId as string;
					assert.deepEqual(sim.runs.get(runId)?.inputs, { Prompt: 'A lighthouse at dusk', Location: 'Park', Style: 'Cinematic' });
				},
			},
		],
	},
	{
		name: 'get-unknown-app',
		workflow: 'scripts/lib/e2e-workflows/get-unknown-app.json',
		expect: 'failure',
		checks: [
			{
				label: 'Get App of an unknown app stops in that node with a "not found" error naming the app',
				verify: ({ error }) => {
					assert.equal(error?.nodeName, 'Get Unknown App');
					const text = `${error?.message} ${error?.description}`;
					assert.match(text, /app_does_not_exist/);
					assert.match(text, /not (be )?found|could not find/i);
				},
			},
		],
	},
	{
		name: 'wrong-api-key',
		workflow: 'scripts/lib/e2e-workflows/wrong-api-key.json',
		expect: 'failure',
		checks: [
			{
				label: 'A wrong API key stops List Apps with an error about the API key',
				verify: ({ error }) => {
					assert.equal(error?.nodeName, 'List Apps With Wrong Key');
					assert.match(`${error?.message} ${error?.description}`, /api key/i);
				},
			},
		],
	},
	{
		name: 'models-and-recipe',
		workflow: 'scripts/lib/e2e-workflows/models-and-recipe.json',
		expect: 'success',
		checks: [
			{
				label: 'Generate Image (Wait for Completion): the model run completed, its image as outputs[0] and downloaded as data0',
				verify: ({ run, items, sim, n8nMajor }) => {
					const item = one(items('Generate Image'), 'Generate Image');
					assert.equal(item.kind, 'model');
					assert.equal(item.status, 'completed');
					assert.equal(item.model, 'imagen-4');
					const simRun = sim.runs.get(item.runId as string);
					assert.equal(simRun?.kind, 'model');
					assert.equal((item.outputsByLabel as Json).Output, simRun?.outputs[0].value);
					assertSimOutputFile(binaryOf(run, 'Generate Image').data0, 'png', 'data0', n8nMajor);
				},
			},
			{
				label: 'Get Run on the model run ID finds it (kind model) with the same output',
				verify: ({ items }) => {
					const generated = one(items('Generate Image'), 'Generate Image');
					const got = one(items('Get Model Run'), 'Get Model Run');
					assert.equal(got.runId, generated.runId);
					assert.equal(got.kind, 'model');
					assert.deepEqual(got.outputsByLabel, generated.outputsByLabel);
				},
			},
			{
				label: 'Create from Brief in recipe mode waited on the freestyle run: completed, outputs = its variants',
				verify: ({ items }) => {
					const item = one(items('Brief In Recipe Mode'), 'Brief In Recipe Mode');
					assert.equal(item.kind, 'freestyle');
					assert.equal(item.status, 'completed');
					assert.equal(item.mode, 'recipe');
					assert.deepEqual(Object.keys(item.outputsByLabel as Json), ['Variant 1']);
				},
			},
		],
	},
	{
		name: 'binary-download-outputs',
		workflow: 'scripts/lib/e2e-workflows/run-app-download-outputs.json',
		expect: 'success',
		checks: [
			{
				label: 'Download Outputs by label: the item has exactly the binary field Hero_Image; Caption stays text in JSON',
				verify: ({ run, items }) => {
					const node = 'Portrait With Files By Label';
					assert.deepEqual(Object.keys(binaryOf(run, node)), ['Hero_Image']);
					const item = one(items(node), node);
					assert.equal(item.status, 'completed');
					assert.match(String((item.outputsByLabel as Json).Caption), /red bicycle/);
				},
			},
			{
				label: "Hero_Image is image/png with a file name, 2048 bytes, and n8n's store holds exactly the simulator's file",
				verify: ({ run, n8nMajor }) => assertSimOutputFile(binaryOf(run, 'Portrait With Files By Label').Hero_Image, 'png', 'Hero_Image', n8nMajor),
			},
			{
				label: "The run n8n reported is the simulator's app_portrait run, its Hero Image URL the one downloaded",
				verify: ({ items, sim }) => {
					const node = 'Portrait With Files By Label';
					const runId = one(items(node), node).runId as string;
					const simRun = sim.runs.get(runId);
					assert.ok(simRun, `the simulator has no run ${runId}`);
					assert.equal(simRun.appId, 'app_portrait');
					const hero = simRun.outputs.find((output) => output.label === 'Hero Image');
					assert.equal((one(items(node), node).outputsByLabel as Json)['Hero Image'], hero?.value);
				},
			},
			{
				label: 'Download Outputs by position with prefix "clip": a video output becomes clip0, video/mp4, stored whole',
				verify: ({ run, n8nMajor }) => {
					const binary = binaryOf(run, 'Video With Files By Position');
					assert.deepEqual(Object.keys(binary), ['clip0']);
					assertSimOutputFile(binary.clip0, 'mp4', 'clip0', n8nMajor);
				},
			},
		],
	},
	{
		name: 'binary-file-input',
		workflow: 'examples/run-app-with-files.json',
		expect: 'success',
		checks: [
			{
				label: 'n8n made the file first: Convert to File put out product-photo.png (image/png) with the PNG from the Set node',
				verify: ({ run, items, n8nMajor }) => {
					const png = Buffer.from(String(one(items('Product Photo (Base64)'), 'Product Photo (Base64)').photoBase64), 'base64');
					assert.ok(png.subarray(0, 8).equals(MAGIC.png), 'the Set node does not hold a PNG');
					const file = binaryOf(run, 'Convert to File').data;
					assert.ok(file, 'Convert to File put out no binary field "data"');
					assert.equal(file.mimeType, 'image/png');
					assert.equal(file.fileName, 'product-photo.png');
					assertRecordedBytes(file, png.length, 'data', n8nMajor);
					assert.ok(storedBytes(file).equals(png), "the file in n8n's store is not the PNG");
				},
			},
			{
				label: 'Run App (app_video) with Files as Inputs completes, its Video output downloaded as binary',
				verify: ({ run, items, n8nMajor }) => {
					const result = one(items('Run App With a File'), 'Run App With a File');
					assert.equal(result.status, 'completed');
					assert.equal(result.appId, 'app_video');
					const binary = binaryOf(run, 'Run App With a File');
					assert.deepEqual(Object.keys(binary), ['Video']);
					assertSimOutputFile(binary.Video, 'mp4', 'Video', n8nMajor);
				},
			},
			{
				label: "Lamina got the run's Product Image as the asset URL of the uploaded file, Duration as given",
				verify: ({ items, sim }) => {
					const runId = one(items('Run App With a File'), 'Run App With a File').runId as string;
					const received = sim.runs.get(runId);
					assert.ok(received, `the simulator has no run ${runId}`);
					assert.equal(received.appId, 'app_video');
					assert.deepEqual(Object.keys(received.inputs).sort(), ['Duration', 'Product Image']);
					assert.equal(received.inputs.Duration, '5s');
					const asset = assetOfInput(sim, received.inputs['Product Image']);
					assert.equal(received.inputs['Product Image'], `${sim.url}/assets/${asset.assetId}/product-photo.png`);
				},
			},
			{
				label: 'The simulator received exactly one upload of the file: product-photo.png, image/png, all its bytes',
				verify: ({ run, items, sim }) => {
					const uploads = [...sim.uploadedAssets.entries()].filter(([, asset]) => asset.filename === 'product-photo.png');
					assert.equal(uploads.length, 1, `${uploads.length} uploads named product-photo.png`);
					const [assetId, asset] = uploads[0];
					const runId = one(items('Run App With a File'), 'Run App With a File').runId as string;
					assert.equal(assetOfInput(sim, sim.runs.get(runId)?.inputs['Product Image']).assetId, assetId);
					assert.equal(asset.contentType, 'image/png');
					const file = binaryOf(run, 'Convert to File').data;
					assert.ok(file, 'Convert to File put out no binary field "data"');
					assert.equal(asset.bytes, storedBytes(file).length, "the upload's size vs the file in n8n's store");
					// The counters are the whole e2e's: every upload URL asked for got exactly one PUT (none retried or stray).
					assert.equal(sim.counters.requests['POST /v1/assets/upload-urls'], sim.uploadedAssets.size, 'upload-URL requests vs assets');
					assert.equal(sim.counters.uploads, sim.uploadedAssets.size, `${sim.counters.uploads} PUTs for ${sim.uploadedAssets.size} assets`);
				},
			},
		],
	},
	{
		name: 'app-steps-and-live-progress',
		workflow: 'examples/app-steps-and-live-progress.json',
		expect: 'success',
		checks: [
			{
				label: 'Get Workflow: Product Video reads "2 inputs → Upscale → Animate → 1 output", its steps in running order, no problems',
				verify: ({ items }) => {
					const workflow = one(items('Get App Steps'), 'Get App Steps');
					assert.equal(workflow.appId, 'app_video');
					assert.equal(workflow.summary, '2 inputs → Upscale → Animate → 1 output');
					assert.deepEqual((workflow.inputs as Json[]).map((n) => n.label), ['Product Image', 'Duration']);
					assert.deepEqual((workflow.steps as Json[]).map((s) => [s.order, s.label]), [
						[1, 'Upscale'],
						[2, 'Animate'],
					]);
					assert.deepEqual((workflow.outputs as Json[]).map((n) => n.label), ['Video']);
					assert.deepEqual(workflow.problems, []);
				},
			},
			{
				label: "Get Workflow carries Lamina's graph (nodes, edges) exactly as the simulator serves it",
				verify: ({ items }) => {
					const workflow = one(items('Get App Steps'), 'Get App Steps');
					const served = appWorkflow(fixtureApps().find((app) => app.appId === 'app_video')!);
					assert.deepEqual(workflow.nodes, served.nodes);
					assert.deepEqual(workflow.edges, served.edges);
				},
			},
			{
				label: 'Run App with Include Progress: completed, with a timeline from queued through Upscale and Animate to completed, Video ready once',
				verify: ({ items }) => {
					const run = one(items('Run App With Progress'), 'Run App With Progress');
					assert.equal(run.status, 'completed');
					assert.match(String((run.outputsByLabel as Json).Video), /^https?:\/\/.+\.mp4$/);
					assertTimeline(run.progress, ['Upscale', 'Animate'], ['Video']);
				},
			},
			{
				label: 'The wait was one request: one GET /v1/runs/{id}/stream for the run, no /wait, no Get Run',
				verify: ({ items, sim }) => {
					const runId = one(items('Run App With Progress'), 'Run App With Progress').runId as string;
					assert.deepEqual(runRequests(sim, runId), ONE_STREAM);
				},
			},
			{
				label: 'An Edit Fields node reads the summary and the timeline by expression',
				verify: ({ items }) => {
					const row = one(items('Where the Time Went'), 'Where the Time Went');
					assert.equal(row.pipeline, '2 inputs → Upscale → Animate → 1 output');
					assert.match(String(row.timeline), /^0(\.\d+)? s (queued|running) · .* s completed \(Video ready\)$/);
					assert.equal(typeof row.totalSeconds, 'number');
					assert.match(String(row.firstOutput), /\.mp4$/);
				},
			},
		],
	},
	{
		name: 'progress-wait-and-brief',
		workflow: 'scripts/lib/e2e-workflows/progress-wait-and-brief.json',
		expect: 'success',
		checks: [
			{
				label: 'Wait for Run (Simplify, Include Progress): completed, its timeline through Remove Background and both shots, Front then Angle ready',
				verify: ({ items }) => {
					const run = one(items('Wait With Progress'), 'Wait With Progress');
					assert.equal(run.status, 'completed');
					assert.deepEqual(Object.keys(run).sort(), ['outputsByLabel', 'progress', 'runId', 'status', 'url']);
					assertTimeline(run.progress, ['Remove Background', 'Front Shot', 'Angle Shot'], ['Front', 'Angle']);
				},
			},
			{
				label: 'Create from Brief with Include Progress: the run Lamina started, completed, with its timeline',
				verify: ({ items }) => {
					const run = one(items('Brief With Progress'), 'Brief With Progress');
					assert.equal(run.status, 'completed');
					assert.equal((run.selectedApp as Json).appId, 'app_portrait');
					assertTimeline(run.progress, ['Portrait Studio'], ['Hero Image', 'Caption']);
				},
			},
			{
				label: 'Each wait was one stream request (the Don’t Wait start aside)',
				verify: ({ items, sim }) => {
					for (const node of ['Wait With Progress', 'Brief With Progress']) {
						assert.deepEqual(runRequests(sim, one(items(node), node).runId as string), ONE_STREAM, node);
					}
				},
			},
		],
	},
	{
		name: 'costs-and-credits',
		workflow: 'scripts/lib/e2e-workflows/costs-and-credits.json',
		expect: 'success',
		setup: (sim) => sim.resetCounters(),
		checks: [
			{
				label: 'Account → Get: the user, the key’s workspace and its memberships',
				verify: ({ items, sim }) => {
					const account = one(items('Who Am I'), 'Who Am I');
					assert.deepEqual(account.user, { id: 'usr_test', email: 'owner@example.com' });
					assert.equal((account.workspace as Json).id, sim.workspaceId);
					assert.ok(Array.isArray(account.memberships) && account.memberships.length >= 1);
				},
			},
			{
				label: 'Estimate Cost of Product Video: 22 credits expected (17 to 33), by step, with the balance and affordable',
				verify: ({ items }) => {
					const estimate = one(items('Estimate Product Video'), 'Estimate Product Video');
					assert.deepEqual(estimate.estimatedCredits, { expected: 22, min: 17, max: 33 });
					assert.deepEqual((estimate.breakdown as Json[]).map((step) => step.credits), [2, 20]);
					assert.equal(typeof estimate.currentBalance, 'number');
					assert.equal(estimate.affordable, true);
				},
			},
			{
				label: 'Max Credits per Run 10 under Continue On Fail: the 22-credit video is an error item naming estimate and ceiling; the 4-credit portrait runs',
				verify: ({ items }) => {
					const out = items('Run Within Budget');
					assert.equal(out.length, 2);
					assert.match(String(out[0].error), /estimated at 22 credits .*above Max Credits per Run \(10\)/);
					assert.equal(out[1].status, 'completed');
					assert.equal(out[1].appId, 'app_portrait');
				},
			},
			{
				label: 'Lamina got one start (the portrait), none for the refused video',
				verify: ({ sim }) => {
					assert.equal(sim.counters.requests['POST /v1/apps/:appId/runs'], 1);
					assert.equal([...sim.runs.values()].filter((run) => String((run.inputs as Json)['Product Image'] ?? '').includes('e2e-budget')).length, 0);
				},
			},
		],
	},
	{
		name: 'publish-to-two-channels',
		workflow: 'scripts/lib/e2e-workflows/publish-to-two-channels.json',
		expect: 'success',
		setup: (sim) => sim.resetPublishing(),
		checks: [
			{
				label: "Get Channels lists the workspace's three connected channels, each labelled by platform and account",
				verify: ({ items }) => {
					const channels = items('Get Channels');
					assert.deepEqual(channels.map((channel) => channel.platform), ['instagram', 'linkedin', 'tiktok']);
					assert.equal(channels[0].label, 'Instagram · Acme Coffee (@acmecoffee)');
				},
			},
			{
				label: 'Publish posts the image to Instagram and LinkedIn: one item, both results success, exactly one post each in Lamina',
				verify: ({ items, sim }) => {
					const published = one(items('Publish Image'), 'Publish Image');
					assert.deepEqual(published.summary, { total: 2, success: 2, failed: 0 });
					assert.deepEqual((published.results as Json[]).map((result) => result.status), ['success', 'success']);
					assert.deepEqual({ ...sim.postsPerChannel }, { ch_instagram_acme: 1, ch_linkedin_acme: 1 });
					assert.equal(sim.counters.requests['POST /v1/publishing/publish'], 1);
				},
			},
			{
				label: 'Get History shows both posts, with their post URLs',
				verify: ({ items }) => {
					const postUrls = (one(items('Publish Image'), 'Publish Image').results as Json[]).map((result) => result.postUrl).sort();
					const history = items('Get History').filter((post) => post.contentUrl === 'https://cdn.example.com/e2e/winter-blend.png');
					assert.deepEqual(history.map((post) => post.postUrl).sort(), postUrls);
					assert.deepEqual(history.map((post) => post.status), ['published', 'published']);
				},
			},
		],
	},
	{
		name: 'brief-to-post',
		workflow: 'examples/brief-to-post.json',
		expect: 'success',
		setup: (sim) => sim.resetPublishing(),
		checks: [
			{
				label: 'The example goes from the brief through Predict Performance and the approval to one post of the run\'s image on the chosen channel',
				verify: ({ items, sim }) => {
					const run = one(items('Create from Brief'), 'Create from Brief');
					assert.equal(run.status, 'completed');
					assert.ok(Number(one(items('Predict Performance'), 'Predict Performance').performancePrediction) >= 0.6);
					const published = one(items('Publish'), 'Publish');
					assert.deepEqual(published.summary, { total: 1, success: 1, failed: 0 });
					assert.equal(published.mediaUrl, (run.outputsByLabel as Json)['Hero Image']);
					assert.deepEqual({ ...sim.postsPerChannel }, { ch_instagram_acme: 1 });
				},
			},
		],
	},
];
