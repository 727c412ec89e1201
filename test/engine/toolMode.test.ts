/**
 * The Lamina node as an AI Agent's tool (n8n turns a `usableAsTool` node into `<name>Tool`):
 * "Wait for Webhook" suspends the execution, which an agent can't use, so the tool doesn't offer
 * it, and refuses it with a clear message if a workflow sets it anyway.
 */
import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';
import { deepCopy, NodeHelpers } from 'n8n-workflow';

import { LAMINA_NODE } from '../harness/engine';
import { useSimulator } from '../support/context';
import { runAppJsonNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 100, rateLimitPerMinute: 10_000 });
const LAMINA_TOOL = `${LAMINA_NODE}Tool`;

/** The tool variant as n8n builds it at start-up: the same node, its type named `…Tool`. */
beforeAll(() => {
	const node = ctx.engine.nodes.get(LAMINA_NODE) as INodeType;
	const tool: INodeType = Object.create(node) as INodeType;
	tool.description = { ...deepCopy(node.description), name: `${node.description.name}Tool`, displayName: `${node.description.displayName} Tool` };
	(ctx.engine.nodes as Map<string, INodeType>).set(LAMINA_TOOL, tool);
});

/** The Wait Mode choices the editor shows for Run App, as a node or as a tool. */
function waitModeChoices(type: string, parameters: Record<string, string> = { resource: 'run', operation: 'create' }): string[] {
	const description = (ctx.engine.nodes.get(type) as INodeType).description;
	const shown = description.properties.filter(
		(p: INodeProperties) => p.name === 'waitMode' && NodeHelpers.displayParameter(parameters, p, { typeVersion: 1 } as never, description),
	);
	expect(shown).toHaveLength(1);
	return (shown[0].options as INodePropertyOptions[]).map((option) => option.name);
}

test('as a tool, Run App offers no "Wait for Webhook"; as a node it does', () => {
	expect(waitModeChoices(LAMINA_NODE)).toEqual(['Wait for Completion', 'Wait for Webhook', "Don't Wait"]);
	expect(waitModeChoices(LAMINA_TOOL)).toEqual(['Wait for Completion', "Don't Wait"]);
});

test('as a tool, Generate Image and Generate Video offer no "Wait for Webhook" either', () => {
	for (const operation of ['generateImage', 'generateVideo']) {
		expect(waitModeChoices(LAMINA_NODE, { resource: 'model', operation })).toEqual(['Wait for Completion', 'Wait for Webhook', "Don't Wait"]);
		expect(waitModeChoices(LAMINA_TOOL, { resource: 'model', operation })).toEqual(['Wait for Completion', "Don't Wait"]);
	}
});

test('a tool set to "Wait for Webhook" anyway is refused before any request', async () => {
	const node = { ...runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'webhook' }), type: LAMINA_TOOL };
	const { error } = await ctx.engine.run([node]);
	expect(error?.message).toBe('Wait Mode "Wait for Webhook" can’t be used by an AI Agent');
	expect(error?.description).toMatch(/Wait for Completion/);
	expect(ctx.sim.requestLog).toEqual([]);
});

test('as a tool, Run App with Wait for Completion runs as usual', async () => {
	const node = { ...runAppJsonNode('app_portrait', '{"Prompt": "a lighthouse"}'), type: LAMINA_TOOL };
	const { items, error } = await ctx.engine.run([node]);
	expect(error).toBeUndefined();
	expect(items[0].json.status).toBe('completed');
});
