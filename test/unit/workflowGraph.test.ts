import { describeWorkflow } from '../../nodes/Lamina/shared/workflowGraph';

const node = (id: string, type: string, label = id) => ({ id, type, label });
const edge = (source: string, target: string) => ({ source, target });

/** Three inputs → Upscale → AI Designer → two outputs, listed out of order on purpose. */
const designer = {
	nodes: [
		node('out-2', 'outputNode', 'Caption'),
		node('design', 'aiDesignerNode', 'AI Designer'),
		node('in-1', 'inputNode', 'Upload'),
		node('up', 'upscaleNode', 'Upscale'),
		node('in-2', 'textInputNode', 'Prompt'),
		node('in-3', 'inputNode', 'Style'),
		node('out-1', 'outputNode', 'Hero Image'),
	],
	edges: [edge('in-1', 'up'), edge('up', 'design'), edge('in-2', 'design'), edge('in-3', 'design'), edge('design', 'out-1'), edge('design', 'out-2')],
};

describe('describeWorkflow', () => {
	test('inputs, steps in running order, outputs, and a one-line summary', () => {
		const described = describeWorkflow(designer);
		expect(described.summary).toBe('3 inputs → Upscale → AI Designer → 2 outputs');
		expect(described.inputs.map((n) => n.label)).toEqual(['Upload', 'Prompt', 'Style']);
		expect(described.outputs.map((n) => n.label)).toEqual(['Caption', 'Hero Image']);
		expect(described.steps).toEqual([
			{ order: 1, id: 'up', type: 'upscaleNode', label: 'Upscale', after: ['in-1'] },
			{ order: 2, id: 'design', type: 'aiDesignerNode', label: 'AI Designer', after: ['up', 'in-2', 'in-3'] },
		]);
		expect(described.problems).toEqual([]);
	});

	test('steps that run side by side share a stage, joined by "+"', () => {
		const described = describeWorkflow({
			nodes: [node('i', 'inputNode'), node('cut', 'x', 'Remove Background'), node('a', 'x', 'Front Shot'), node('b', 'x', 'Angle Shot'), node('o', 'outputNode')],
			edges: [edge('i', 'cut'), edge('cut', 'a'), edge('cut', 'b'), edge('a', 'o'), edge('b', 'o')],
		});
		expect(described.summary).toBe('1 input → Remove Background → Front Shot + Angle Shot → 1 output');
		expect(described.steps.map((s) => s.label)).toEqual(['Remove Background', 'Front Shot', 'Angle Shot']);
	});

	test('a cycle is reported with its path, its nodes listed last in the order given; nothing throws', () => {
		const described = describeWorkflow({
			nodes: [node('i', 'inputNode'), node('draft', 'llm', 'Draft'), node('check', 'llm', 'Check'), node('polish', 'llm', 'Polish'), node('o', 'outputNode')],
			edges: [edge('i', 'draft'), edge('draft', 'check'), edge('check', 'draft'), edge('check', 'polish'), edge('polish', 'o')],
		});
		expect(described.problems).toHaveLength(1);
		expect(described.problems[0]).toMatch(/cycle \("(Draft|Check)" → "(Check|Draft)" → "\1"\)/);
		expect(described.problems[0]).toMatch(/4 nodes on or after it/);
		expect(described.steps.map((s) => s.label)).toEqual(['Draft', 'Check', 'Polish']);
		expect(described.summary).toBe('1 input → Draft → Check → Polish → 1 output (has a cycle, see problems)');
	});

	test('a node feeding itself is a cycle too', () => {
		const described = describeWorkflow({ nodes: [node('a', 'llm', 'Loop')], edges: [edge('a', 'a')] });
		expect(described.problems[0]).toMatch(/cycle \("Loop" → "Loop"\)/);
		expect(described.steps.map((s) => s.label)).toEqual(['Loop']);
	});

	test('an edge to a node that is not in the graph is left out and reported; repeats and bad nodes too', () => {
		const described = describeWorkflow({
			nodes: [node('i', 'inputNode'), node('g', 'gen', 'Generate'), node('g', 'gen', 'Again'), { type: 'gen' }, node('o', 'outputNode')],
			edges: [edge('i', 'g'), edge('g', 'ghost'), edge('g', 'o'), edge('g', 'o')],
		});
		expect(described.summary).toBe('1 input → Generate → 1 output');
		expect(described.problems).toEqual([
			'The node id "g" appears twice; the second ("Again") was left out',
			'A node without an id ("gen") was left out',
			'The edge "g" → "ghost" names "ghost", which the graph has no node for; it was left out',
		]);
		expect(described.steps).toEqual([{ order: 1, id: 'g', type: 'gen', label: 'Generate', after: ['i'] }]);
	});

	test('a graph without input/output node types: inputs are what nothing feeds, outputs what feeds nothing', () => {
		const described = describeWorkflow({
			nodes: [node('p', 'promptNode', 'Prompt'), node('d', 'aiDesignerNode', 'AI Designer')],
			edges: [edge('p', 'd')],
		});
		expect(described.inputs.map((n) => n.label)).toEqual(['Prompt']);
		expect(described.outputs.map((n) => n.label)).toEqual(['AI Designer']);
		expect(described.summary).toBe('1 input → Prompt → AI Designer → 1 output');
	});

	test('a long pipeline keeps the summary to one short line', () => {
		const steps = Array.from({ length: 200 }, (_, i) => node(`s${i}`, 'step', `Step ${i + 1}`));
		const described = describeWorkflow({
			nodes: [node('i', 'inputNode'), ...steps, node('o', 'outputNode')],
			edges: [edge('i', 's0'), ...steps.slice(1).map((s, i) => edge(steps[i].id, s.id)), edge('s199', 'o')],
		});
		expect(described.steps).toHaveLength(200);
		expect(described.summary).toBe('1 input → Step 1 → Step 2 → Step 3 → … 195 more steps … → Step 199 → Step 200 → 1 output');
	});

	test('whatever Lamina sends, it answers', () => {
		expect(describeWorkflow({})).toEqual({ summary: '0 inputs → 0 outputs', inputs: [], steps: [], outputs: [], problems: ['Lamina sent no list of nodes'] });
		expect(describeWorkflow({ nodes: 'x', edges: 3 }).problems).toEqual(['Lamina sent no list of nodes', 'Lamina sent no list of edges']);
		expect(describeWorkflow({ nodes: [null, 5], edges: [null] }).problems).toHaveLength(3);
	});
});
