/**
 * The canvas shows a node's subtitle under its name. n8n evaluates it with its expression
 * engine against the node's parameters; it must read like the operation the user picked.
 */
import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import { createEngine, laminaNode, LAMINA_NODE, type Engine } from '../harness/engine';

let engine: Engine;
beforeAll(async () => {
	engine = await createEngine({ credentials: { laminaApi: { apiKey: 'lma_x', baseUrl: 'http://127.0.0.1:1' } } });
});

/** Every resource/operation pair the node offers, with the operation's name in the editor. */
function operations(): Array<{ resource: string; operation: string; name: string }> {
	const { properties } = (engine.nodes.get(LAMINA_NODE) as INodeType).description;
	const resources = (properties.find((p) => p.name === 'resource')!.options as INodePropertyOptions[]).map((o) => String(o.value));
	return resources.flatMap((resource) => {
		const operation = properties.find(
			(p: INodeProperties) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
		)!;
		return (operation.options as INodePropertyOptions[]).map((option) => ({ resource, operation: String(option.value), name: option.name }));
	});
}

function subtitleFor(resource: string, operation: string): unknown {
	const node = laminaNode({ resource, operation });
	const workflow = engine.workflow([node]);
	const subtitle = (engine.nodes.get(LAMINA_NODE) as INodeType).description.subtitle!;
	return workflow.expression.getSimpleParameterValue(workflow.getNode(node.name)!, subtitle, 'internal', {});
}

test('every operation has a subtitle that names it as the editor does', () => {
	const all = operations();
	expect(all.length).toBeGreaterThanOrEqual(9);
	for (const { resource, operation, name } of all) {
		const subtitle = subtitleFor(resource, operation);
		expect(typeof subtitle).toBe('string');
		// "Run App" is the operation's own name; "Get"/"Get Many" gain their resource: "Get Many Apps".
		expect(String(subtitle).toLowerCase()).toContain(name.toLowerCase());
		expect(subtitle).not.toContain(':');
	}
});

test('Run App reads "Run App", not "create: run"', () => {
	expect(subtitleFor('run', 'create')).toBe('Run App');
	expect(subtitleFor('app', 'getAll')).toBe('Get Many Apps');
	expect(subtitleFor('content', 'create')).toBe('Create From Brief');
});

test('the cost, account and refinement operations read as the editor names them', () => {
	expect(subtitleFor('app', 'estimate')).toBe('Estimate Cost');
	expect(subtitleFor('app', 'discover')).toBe('Discover Apps');
	expect(subtitleFor('account', 'get')).toBe('Get Account');
	expect(subtitleFor('run', 'refine')).toBe('Refine Run');
});
