/** Workflow files (examples/ and the e2e's own), prepared for `n8n import:workflow`. */
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './n8nRuntime';

export const LAMINA_NODE_PREFIX = 'n8n-nodes-lamina.';
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** The credential every example and e2e workflow refers to. */
export const SIM_CREDENTIAL = { id: 'laminaSimCred', name: 'Lamina (local simulator)' } as const;

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion?: number;
	position?: [number, number];
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
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

/** Reads a workflow file and gives it its stable id (the file itself stays id-free for users). */
export function loadWorkflow(file: string): WorkflowFile {
	const absolute = path.isAbsolute(file) ? file : path.join(REPO_ROOT, file);
	const workflow = JSON.parse(fs.readFileSync(absolute, 'utf8')) as WorkflowFile;
	if (!workflow.name || !Array.isArray(workflow.nodes) || typeof workflow.connections !== 'object') {
		throw new Error(`${file} is not an n8n workflow (needs name, nodes and connections)`);
	}
	return { ...workflow, id: workflowIdFor(absolute) };
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
