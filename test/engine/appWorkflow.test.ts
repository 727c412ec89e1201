/** App → Get Workflow: the graph behind an app, read for people and AI agents, over real HTTP. */
import type { INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { laminaNode, LAMINA_NODE } from '../harness/engine';
import { fixtureApps } from '../simulator';
import { useSimulator } from '../support/context';
import { locator } from '../support/runNodes';

const ctx = useSimulator();
const getWorkflow = (appId: string, nodeExtra = {}) =>
	laminaNode({ resource: 'app', operation: 'getWorkflow', appId: locator(appId) }, nodeExtra);

async function addGraphApp(appId: string, workflow: { nodes: unknown[]; edges: unknown[] }) {
	const base = fixtureApps().find((app) => app.appId === 'app_caption')!;
	ctx.sim.addApp({ ...base, appId, name: `Graph ${appId}`, workflow: workflow as never });
}

test('a pipeline: the raw graph, its inputs, steps in running order, outputs and a one-line summary', async () => {
	const { items, error } = await ctx.engine.run([getWorkflow('app_video')]);
	expect(error).toBeUndefined();
	const workflow = items[0].json;
	expect(workflow).toMatchObject({
		appId: 'app_video',
		name: 'Product Video',
		summary: '2 inputs → Upscale → Animate → 1 output',
		problems: [],
	});
	expect((workflow.inputs as Array<{ label: string }>).map((n) => n.label)).toEqual(['Product Image', 'Duration']);
	expect(workflow.steps).toEqual([
		{ order: 1, id: 'step-1-1', type: 'upscaleNode', label: 'Upscale', after: ['inputNode-prm_v1', 'inputNode-prm_v2'] },
		{ order: 2, id: 'step-2-1', type: 'videoGeneratorNode', label: 'Animate', after: ['step-1-1'] },
	]);
	expect(workflow.outputs).toEqual([{ id: 'outputNode-video-0', type: 'outputNode', label: 'Video' }]);
	expect(ctx.sim.counters.requests).toEqual({ 'GET /v1/apps/:appId/workflow': 1 });
	// Lamina's own graph comes along unchanged.
	const raw = (await (await fetch(`${ctx.sim.url}/v1/apps/app_video/workflow`, { headers: { 'x-api-key': ctx.sim.apiKey } })).json()) as {
		data: { nodes: unknown; edges: unknown };
	};
	expect(workflow.nodes).toEqual(raw.data.nodes);
	expect(workflow.edges).toEqual(raw.data.edges);
});

test('steps that run side by side are one stage of the summary', async () => {
	const { items } = await ctx.engine.run([getWorkflow('app_catalog')]);
	expect(items[0].json.summary).toBe('2 inputs → Remove Background → Front Shot + Angle Shot → 2 outputs');
});

test('a cycle and an edge to a missing node are reported in problems, not a crash', async () => {
	await addGraphApp('app_cyclic', {
		nodes: [
			{ id: 'in', type: 'inputNode', label: 'Topic' },
			{ id: 'draft', type: 'llmNode', label: 'Draft' },
			{ id: 'review', type: 'llmNode', label: 'Review' },
			{ id: 'out', type: 'outputNode', label: 'Caption' },
		],
		edges: [
			{ source: 'in', target: 'draft' },
			{ source: 'draft', target: 'review' },
			{ source: 'review', target: 'draft' },
			{ source: 'review', target: 'out' },
			{ source: 'review', target: 'node-that-was-deleted' },
		],
	});
	const { items, error } = await ctx.engine.run([getWorkflow('app_cyclic')]);
	expect(error).toBeUndefined();
	const workflow = items[0].json;
	expect(workflow.summary).toBe('1 input → Draft → Review → 1 output (has a cycle, see problems)');
	expect(workflow.problems).toEqual([
		'The edge "review" → "node-that-was-deleted" names "node-that-was-deleted", which the graph has no node for; it was left out',
		expect.stringMatching(/^The graph has a cycle \("(Draft|Review)" → "(Review|Draft)" → "\1"\)/),
	]);
	expect((workflow.steps as Array<{ label: string }>).map((s) => s.label)).toEqual(['Draft', 'Review']);
});

test('a server without the workflow endpoint (older Lamina: 404) gets a clear error naming the app', async () => {
	ctx.sim.setMissingRoutes(['GET /v1/apps/:appId/workflow']);
	try {
		const { error } = await ctx.engine.run([getWorkflow('app_portrait')]);
		expect(error?.message).toBe('Lamina has no workflow graph for app "Portrait Studio" (app_portrait)');
		expect(error?.description).toMatch(/answered 404: this Lamina server is older than the workflow endpoint\. App → Get still shows/);
		const onFail = await ctx.engine.run([getWorkflow('app_portrait', { onError: 'continueRegularOutput' })]);
		expect(onFail.items[0].json).toMatchObject({ error: error?.message });
	} finally {
		ctx.sim.setMissingRoutes([]);
	}
});

test('an unknown app is "not found", not a missing endpoint', async () => {
	const { error } = await ctx.engine.run([getWorkflow('app_nope')]);
	expect(error?.message).toBe('Lamina could not find app "app_nope"');
});

test('as an AI tool it says what it does: a read-only look at an app’s steps', () => {
	const nodeType = ctx.engine.nodes.get(LAMINA_NODE) as INodeType;
	const node = { ...getWorkflow('app_video'), id: 'n1', typeVersion: 1, position: [0, 0] as [number, number] };
	expect(NodeHelpers.getToolDescriptionForNode(node, nodeType)).toBe('Get the workflow of an app in Lamina');
	const operation = nodeType.description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('app'))!;
	const option = (operation.options as Array<{ value: string; description?: string }>).find((o) => o.value === 'getWorkflow')!;
	expect(option.description).toMatch(/^Read-only: the steps behind an app\. Returns its inputs, its processing steps in running order, its outputs and a one-line summary/);
});
