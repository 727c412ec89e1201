/** Workflow files (examples/ and the e2e's own), prepared for `n8n import:workflow`. */
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './n8nRuntime';

export const LAMINA_NODE_PREFIX = 'n8n-nodes-lamina.';
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** The credential every e2e workflow refers to, and the examples once filled for the simulator. */
export const SIM_CREDENTIAL = { id: 'laminaSimCred', name: 'Lamina (local simulator)' } as const;

/** The credential the examples name: n8n's default name for a new Lamina API credential. */
export const EXAMPLE_CREDENTIAL_NAME = 'Lamina account';

interface SimulatorFill {
	/** The simulator's app, for the node's App field, which the example leaves empty; none for a node without an App field. */
	app?: { value: string; cachedResultName: string };
	/** Merged into the node's parameters: objects key by key, anything else replaced. */
	parameters?: Record<string, unknown>;
}

const PORTRAIT_STUDIO = { value: 'app_portrait', cachedResultName: 'Portrait Studio' };
const PRODUCT_VIDEO = { value: 'app_video', cachedResultName: 'Product Video' };

/**
 * What a user picks in each example (its sticky note says what), picked for the simulator:
 * example file → node name → fill. The demo and the e2e cases run the examples filled so.
 */
export const SIMULATOR_FILLS: Record<string, Record<string, SimulatorFill>> = {
	'list-and-inspect-apps.json': { 'Get One App': { app: PORTRAIT_STUDIO } },
	'run-an-app.json': {
		'Run App': {
			app: PORTRAIT_STUDIO,
			// "Standard " with its trailing space is the simulator's own option label.
			parameters: { inputs: { value: { Prompt: 'A chef laughing in a sunlit kitchen', Location: 'Urban', Style: 'Standard ' } } },
		},
	},
	'run-app-with-files.json': {
		'Run App With a File': {
			app: PRODUCT_VIDEO,
			parameters: {
				inputs: { value: { Duration: '5s' } },
				options: { fileInputs: { files: [{ input: 'Product Image', binaryPropertyName: 'data' }] } },
			},
		},
	},
	'app-steps-and-live-progress.json': {
		'Get App Steps': { app: PRODUCT_VIDEO },
		'Run App With Progress': {
			app: PRODUCT_VIDEO,
			parameters: { inputs: { value: { 'Product Image': 'https://cdn.example.com/trail-shoe.png', Duration: '5s' } } },
		},
	},
	'brief-to-post.json': {
		// The channel a user picks from the list: the simulator's Instagram account.
		Publish: { parameters: { channelIds: ['ch_instagram_acme'] } },
		// Headless, nobody opens the approval form: a one-second pause stands in for the person, who approves.
		'Wait for Approval': { parameters: { resume: 'timeInterval', amount: 1, unit: 'seconds' } },
		'Approved?': {
			parameters: {
				conditions: {
					conditions: [
						{ id: 'b2f7c1de-4a0e-4c1b-9a55-2f0d5e7a0202', leftValue: "={{ 'Publish' }}", rightValue: 'Publish', operator: { type: 'string', operation: 'equals' } },
					],
				},
			},
		},
	},
};

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion?: number;
	position?: [number, number];
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string | null; name: string }>;
}

export interface WorkflowFile {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/**
 * A stable workflow id (n8n allows at most 21 characters) from the file name:
 * `list-and-inspect-apps.json` → `ListAndInspectApps`.
 */
export function workflowIdFor(file: string): string {
	const base = path.basename(file, '.json');
	const id = base
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((part) => part[0].toUpperCase() + part.slice(1))
		.join('');
	return id.slice(0, 21) || 'Workflow';
}

/**
 * Reads a workflow file and gives it its stable id (the file itself stays id-free for users).
 * An example comes filled for the simulator (`fillForSimulator`).
 */
export function loadWorkflow(file: string): WorkflowFile {
	const absolute = path.isAbsolute(file) ? file : path.join(REPO_ROOT, file);
	const workflow = JSON.parse(fs.readFileSync(absolute, 'utf8')) as WorkflowFile;
	if (!workflow.name || !Array.isArray(workflow.nodes) || typeof workflow.connections !== 'object') {
		throw new Error(`${file} is not an n8n workflow (needs name, nodes and connections)`);
	}
	const loaded = { ...workflow, id: workflowIdFor(absolute) };
	return path.dirname(absolute) === EXAMPLES_DIR ? fillForSimulator(loaded, path.basename(absolute)) : loaded;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function merged(base: unknown, patch: unknown): unknown {
	if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
	const result: Record<string, unknown> = { ...base };
	for (const [key, value] of Object.entries(patch)) result[key] = merged(base[key], value);
	return result;
}

/** An App field left for the user to pick from the list. */
function hasEmptyApp(node: WorkflowNode): boolean {
	const app = node.parameters?.appId;
	return isPlainObject(app) && app.mode === 'list' && !app.value;
}

/**
 * An example as a user fills it, for the simulator: the "Lamina account" credential becomes the
 * simulator's, and each empty App field gets the app (and inputs) of SIMULATOR_FILLS. Fails when
 * an example and the table disagree, so a new example can't run half filled.
 */
export function fillForSimulator(workflow: WorkflowFile, fileName: string): WorkflowFile {
	const fills = SIMULATOR_FILLS[fileName] ?? {};
	const names = new Set(workflow.nodes.map((node) => node.name));
	const stale = Object.keys(fills).filter((name) => !names.has(name));
	if (stale.length) throw new Error(`SIMULATOR_FILLS["${fileName}"] names nodes the example lacks: ${stale.join(', ')}`);
	const nodes = workflow.nodes.map((node) => {
		let filled = node;
		if (node.credentials?.laminaApi?.name === EXAMPLE_CREDENTIAL_NAME) {
			filled = { ...filled, credentials: { ...node.credentials, laminaApi: { ...SIM_CREDENTIAL } } };
		}
		const fill = fills[node.name];
		if (fill && !fill.app) {
			// Not an App field: what a user picks or does elsewhere (a channel, an approval).
			if (hasEmptyApp(node)) throw new Error(`${fileName}: node "${node.name}" leaves App empty; its SIMULATOR_FILLS entry names no app`);
			return { ...filled, parameters: merged(node.parameters, fill.parameters ?? {}) as Record<string, unknown> };
		}
		if (!hasEmptyApp(node)) {
			if (fill) throw new Error(`${fileName}: node "${node.name}" has an app already; SIMULATOR_FILLS would replace it`);
			return filled;
		}
		if (!fill) throw new Error(`${fileName}: node "${node.name}" leaves App empty; add its simulator app to SIMULATOR_FILLS`);
		const parameters = merged(node.parameters, fill.parameters ?? {}) as Record<string, unknown>;
		return { ...filled, parameters: { ...parameters, appId: { __rl: true, mode: 'list', ...fill.app! } } };
	});
	return { ...workflow, nodes };
}

export function exampleFiles(): string[] {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => path.join(EXAMPLES_DIR, name));
}

export function laminaNodes(workflow: WorkflowFile): WorkflowNode[] {
	return workflow.nodes.filter((node) => node.type.startsWith(LAMINA_NODE_PREFIX));
}

/** Fails early, with a clear message, when a workflow's ids collide. */
export function assertDistinctIds(workflows: WorkflowFile[]): void {
	const seen = new Map<string, string>();
	for (const workflow of workflows) {
		const other = seen.get(workflow.id);
		if (other) throw new Error(`workflows "${other}" and "${workflow.name}" would both get id ${workflow.id}: rename a file`);
		seen.set(workflow.id, workflow.name);
	}
}
