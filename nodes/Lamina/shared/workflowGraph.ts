/**
 * An app's workflow graph (`nodes` and `edges`) read for people and AI agents: its inputs, its
 * steps in the order they run, its outputs and a one-line summary. A graph that is not a clean
 * DAG (a cycle, an edge to a node that isn't there, a repeated node id) is described as far as it
 * goes and the problem is reported, never thrown. Pure: unit-tested.
 */
import type { IDataObject } from 'n8n-workflow';

export interface WorkflowNode extends IDataObject {
	id: string;
	type: string;
	label: string;
}

export interface WorkflowStep extends WorkflowNode {
	/** 1, 2, …: a step comes after every step that feeds it. */
	order: number;
	/** The ids of the nodes that feed this one. */
	after: string[];
}

export interface DescribedWorkflow {
	/** E.g. "3 inputs → Upscale → AI Designer → 2 outputs"; steps that run side by side are joined by "+". */
	summary: string;
	inputs: WorkflowNode[];
	steps: WorkflowStep[];
	outputs: WorkflowNode[];
	/** What is wrong with the graph, in words; empty for a clean one. */
	problems: string[];
}

const SUMMARY_MAX_STAGES = 8;
const SUMMARY_MAX_SIDE_BY_SIDE = 3;

const isInputType = (type: string) => /input/i.test(type);
const isOutputType = (type: string) => /output/i.test(type);
const nameOf = (node: WorkflowNode) => node.label || node.type || node.id;
const quoted = (node: WorkflowNode) => `"${nameOf(node)}"`;
const counted = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function text(value: unknown): string {
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function readNodes(raw: unknown, problems: string[]): WorkflowNode[] {
	if (!Array.isArray(raw)) {
		problems.push('Lamina sent no list of nodes');
		return [];
	}
	const byId = new Map<string, WorkflowNode>();
	for (const entry of raw) {
		const record = (entry ?? {}) as Record<string, unknown>;
		const node: WorkflowNode = { id: text(record.id), type: text(record.type), label: text(record.label) };
		if (!node.id) {
			problems.push(`A node without an id (${quoted(node)}) was left out`);
		} else if (byId.has(node.id)) {
			problems.push(`The node id "${node.id}" appears twice; the second (${quoted(node)}) was left out`);
		} else {
			byId.set(node.id, node);
		}
	}
	return [...byId.values()];
}

function readEdges(raw: unknown, known: Set<string>, problems: string[]): Array<{ source: string; target: string }> {
	if (raw !== undefined && !Array.isArray(raw)) problems.push('Lamina sent no list of edges');
	const seen = new Set<string>();
	const edges: Array<{ source: string; target: string }> = [];
	for (const entry of Array.isArray(raw) ? raw : []) {
		const record = (entry ?? {}) as Record<string, unknown>;
		const edge = { source: text(record.source), target: text(record.target) };
		const missing = [edge.source, edge.target].filter((id) => !known.has(id));
		if (missing.length) {
			problems.push(
				`The edge "${edge.source}" → "${edge.target}" names ${missing.map((id) => `"${id}"`).join(' and ')}, which the graph has no node for; it was left out`,
			);
			continue;
		}
		const key = JSON.stringify([edge.source, edge.target]);
		if (!seen.has(key)) edges.push(edge);
		seen.add(key);
	}
	return edges;
}

/**
 * The nodes in an order where each comes after those feeding it (Kahn's algorithm, ties in the
 * order Lamina listed them). Nodes on or behind a cycle can't be placed: they come back apart.
 */
function orderNodes(nodes: WorkflowNode[], feeds: Map<string, string[]>, fedBy: Map<string, string[]>) {
	const waitingFor = new Map(nodes.map((node) => [node.id, fedBy.get(node.id)?.length ?? 0]));
	const position = new Map(nodes.map((node, index) => [node.id, index]));
	const ready = nodes.filter((node) => waitingFor.get(node.id) === 0).map((node) => node.id);
	const ordered: string[] = [];
	while (ready.length) {
		const id = ready.shift()!;
		ordered.push(id);
		for (const next of feeds.get(id) ?? []) {
			const left = waitingFor.get(next)! - 1;
			waitingFor.set(next, left);
			if (left === 0) {
				const at = ready.findIndex((other) => position.get(other)! > position.get(next)!);
				ready.splice(at < 0 ? ready.length : at, 0, next);
			}
		}
	}
	const placed = new Set(ordered);
	return { ordered, unplaced: nodes.filter((node) => !placed.has(node.id)).map((node) => node.id) };
}

/** One cycle among nodes that could not be placed: each has an unplaced node feeding it, so walk back. */
function findCycle(unplaced: string[], fedBy: Map<string, string[]>): string[] {
	const left = new Set(unplaced);
	const path: string[] = [];
	const seenAt = new Map<string, number>();
	let current = unplaced[0];
	while (!seenAt.has(current)) {
		seenAt.set(current, path.length);
		path.push(current);
		current = (fedBy.get(current) ?? []).find((id) => left.has(id))!;
	}
	const loop = path.slice(seenAt.get(current)).reverse();
	return [...loop, loop[0]];
}

/** Steps grouped by how far along they run (a stage's steps don't feed each other); unplaced ones one by one. */
function stagesOf(steps: WorkflowStep[], placed: Set<string>, stepIds: Set<string>, fedBy: Map<string, string[]>) {
	const stage = new Map<string, number>();
	const stages: WorkflowStep[][] = [];
	const rest: WorkflowStep[] = [];
	for (const step of steps) {
		if (!placed.has(step.id)) {
			rest.push(step);
			continue;
		}
		const before = (fedBy.get(step.id) ?? []).filter((id) => stepIds.has(id)).map((id) => stage.get(id) ?? 0);
		const at = before.length ? Math.max(...before) + 1 : 0;
		stage.set(step.id, at);
		(stages[at] ??= []).push(step);
	}
	return [...stages, ...rest.map((step) => [step])];
}

function summarise(inputs: number, stages: WorkflowStep[][], outputs: number): string {
	const stageText = (stage: WorkflowStep[]) =>
		stage.length > SUMMARY_MAX_SIDE_BY_SIDE
			? `${stage.slice(0, SUMMARY_MAX_SIDE_BY_SIDE).map(nameOf).join(' + ')} + ${stage.length - SUMMARY_MAX_SIDE_BY_SIDE} more`
			: stage.map(nameOf).join(' + ');
	let middle = stages.map(stageText);
	if (middle.length > SUMMARY_MAX_STAGES) {
		const hidden = stages.slice(3, -2).reduce((sum, stage) => sum + stage.length, 0);
		middle = [...middle.slice(0, 3), `… ${counted(hidden, 'more step')} …`, ...middle.slice(-2)];
	}
	return [counted(inputs, 'input'), ...middle, counted(outputs, 'output')].join(' → ');
}

/**
 * Inputs are the nodes whose type names an input (`inputNode`, `textInput`, …) and outputs those
 * whose type names an output; every other node is a step. A graph with no such types gets its
 * inputs from the nodes nothing feeds and its outputs from the nodes that feed nothing (and these
 * stay steps: they do the work).
 */
export function describeWorkflow(graph: { nodes?: unknown; edges?: unknown }): DescribedWorkflow {
	const problems: string[] = [];
	const nodes = readNodes(graph.nodes, problems);
	const edges = readEdges(graph.edges, new Set(nodes.map((node) => node.id)), problems);
	const feeds = new Map<string, string[]>();
	const fedBy = new Map<string, string[]>();
	for (const { source, target } of edges) {
		(feeds.get(source) ?? feeds.set(source, []).get(source)!).push(target);
		(fedBy.get(target) ?? fedBy.set(target, []).get(target)!).push(source);
	}

	const typedInputs = nodes.filter((node) => isInputType(node.type));
	const typedOutputs = nodes.filter((node) => !isInputType(node.type) && isOutputType(node.type));
	const workers = nodes.filter((node) => !typedInputs.includes(node) && !typedOutputs.includes(node));
	const inputs = typedInputs.length ? typedInputs : workers.filter((node) => !fedBy.has(node.id) && feeds.has(node.id));
	const outputs = typedOutputs.length ? typedOutputs : workers.filter((node) => !feeds.has(node.id) && fedBy.has(node.id));

	const { ordered, unplaced } = orderNodes(nodes, feeds, fedBy);
	if (unplaced.length) {
		const cycle = findCycle(unplaced, fedBy).map((id) => quoted(nodes.find((node) => node.id === id)!));
		problems.push(
			`The graph has a cycle (${cycle.join(' → ')}), so it has no running order: ${counted(unplaced.length, 'node')} on or after it are listed last, as Lamina gave them`,
		);
	}
	const byId = new Map(nodes.map((node) => [node.id, node]));
	const workerIds = new Set(workers.map((node) => node.id));
	const steps = [...ordered, ...unplaced]
		.filter((id) => workerIds.has(id))
		.map((id, index): WorkflowStep => ({ order: index + 1, ...byId.get(id)!, after: fedBy.get(id) ?? [] }));
	const stages = stagesOf(steps, new Set(ordered), workerIds, fedBy);
	const summary = summarise(inputs.length, stages, outputs.length) + (unplaced.length ? ' (has a cycle, see problems)' : '');
	return { summary, inputs, steps, outputs, problems };
}
