/**
 * The end-to-end cases run inside a real n8n. A case is a workflow file plus the checks made on
 * its run: to add one, add a workflow (examples/ for something users should see, otherwise
 * scripts/lib/e2e-workflows/) and an entry below.
 */
import assert from 'node:assert/strict';

import type { LaminaSimulator } from '../../test/simulator';
import type { ExecuteResult, N8nRun } from './n8nRuntime';

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
}

/** Credentials imported before the cases run; workflows refer to them by id. */
export const E2E_CREDENTIALS = (sim: Pick<LaminaSimulator, 'url' | 'apiKey'>) => [
	{ id: 'laminaSimCred', name: 'Lamina (local simulator)', type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } },
	{ id: 'laminaBadKeyCred', name: 'Lamina (wrong API key)', type: 'laminaApi', data: { apiKey: 'lma_not_a_valid_key', baseUrl: sim.url } },
];

const ids = (items: Json[]) => items.map((item) => item.appId as string);
const param = (app: Json, name: string): Json => {
	const found = (app.parameters as Json[] | undefined)?.find((p) => p.name === name);
	assert.ok(found, `no parameter named ${JSON.stringify(name)} in ${JSON.stringify((app.parameters as Json[] | undefined)?.map((p) => p.name))}`);
	return found;
};
const one = (items: Json[], nodeName: string): Json => {
	assert.equal(items.length, 1, `${nodeName} put out ${items.length} items, expected 1`);
	return items[0];
};

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
					const app = one(items('Get Portrait Studio App'), 'Get Portrait Studio App');
					assert.equal(app.appId, 'app_portrait');
					assert.equal(app.name, 'Portrait Studio');
				},
			},
			{
				label: 'Get App lists its parameters by exact name (including "Model  Ethnicity")',
				verify: ({ items }) => {
					const app = one(items('Get Portrait Studio App'), 'Get Portrait Studio App');
					assert.deepEqual(
						(app.parameters as Json[]).map((p) => p.name),
						['Prompt', 'Location', 'Style', 'Model  Ethnicity', 'Reference Image'],
					);
				},
			},
			{
				label: 'Style keeps the label "Standard " with its trailing space (options, default, input guide)',
				verify: ({ items }) => {
					const app = one(items('Get Portrait Studio App'), 'Get Portrait Studio App');
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
					const app = one(items('Get Portrait Studio App'), 'Get Portrait Studio App');
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
					const app = one(items('Get Portrait Studio App'), 'Get Portrait Studio App');
					const guide = app.inputGuide as Json[];
					assert.equal(guide.find((g) => g.name === 'Prompt')?.mustSupply, true);
					assert.equal(guide.find((g) => g.name === 'Location')?.mustSupply, false);
				},
			},
		],
	},
	{
		name: 'run-portrait-studio',
		workflow: 'examples/run-portrait-studio.json',
		expect: 'success',
		checks: [
			{
				label: 'Run App waits for the run and returns it completed, with Hero Image and Caption',
				verify: ({ items }) => {
					const run = one(items('Run Portrait Studio'), 'Run Portrait Studio');
					assert.equal(run.status, 'completed');
					assert.equal(run.appId, 'app_portrait');
					assert.match(String((run.outputsByLabel as Json)['Hero Image']), /^https?:\/\//);
					assert.match(String((run.outputsByLabel as Json).Caption), /chef/);
				},
			},
			{
				label: 'Lamina received the inputs by exact name, "Standard " with its trailing space, one run only',
				verify: ({ items, sim }) => {
					const runId = one(items('Run Portrait Studio'), 'Run Portrait Studio').runId as string;
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
				label: 'List Apps with Return All returns every simulator app',
				verify: ({ items, simApps }) => assert.deepEqual(ids(items('List All Apps')), ids(simApps)),
			},
			{
				label: 'List Apps with search "portrait" returns only Portrait Studio',
				verify: ({ items }) => assert.deepEqual(ids(items('Search Portrait')), ['app_portrait']),
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
];
