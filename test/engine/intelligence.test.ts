/**
 * Intelligence (brand context, predict, recommendations, trends) and Content → Brainstorm
 * Concepts / Score Content: read-only questions, usable by an AI Agent, whose empty answers (a
 * new workspace) are empty results, never errors.
 */
import type { INodeType } from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';

import { laminaNode, LAMINA_NODE, type WorkflowNode } from '../harness/engine';
import { CHANNELS } from '../simulator';
import { useSimulator } from '../support/context';

const ctx = useSimulator({ rateLimitPerMinute: 10_000 });
const LAMINA_TOOL = `${LAMINA_NODE}Tool`;

beforeAll(() => {
	const node = ctx.engine.nodes.get(LAMINA_NODE) as INodeType;
	const tool: INodeType = Object.create(node) as INodeType;
	tool.description = { ...deepCopy(node.description), name: `${node.description.name}Tool`, displayName: `${node.description.displayName} Tool` };
	(ctx.engine.nodes as Map<string, INodeType>).set(LAMINA_TOOL, tool);
});
beforeEach(() => {
	ctx.sim.resetPublishing();
	ctx.sim.setEmptyWorkspace(false);
});

const intelligence = (operation: string, parameters: Record<string, unknown> = {}) => laminaNode({ resource: 'intelligence', operation, ...parameters });
const content = (operation: string, parameters: Record<string, unknown> = {}) => laminaNode({ resource: 'content', operation, ...parameters });
const asTool = (node: WorkflowNode): WorkflowNode => ({ ...node, type: LAMINA_TOOL });

async function runOk(node: WorkflowNode) {
	const { items, error } = await ctx.engine.run([node]);
	expect(error).toBeUndefined();
	return items.map((item) => item.json);
}

describe('with data', () => {
	test('Get Brand Context: brand DNA, guidance and top patterns, scoped by the options', async () => {
		const [context] = await runOk(intelligence('getBrandContext', { options: { platform: 'instagram', topK: 2 } }));
		expect(context).toMatchObject({ empty: false, brandDna: { voiceAttributes: expect.arrayContaining(['warm']) }, guidance: { promptDirectives: expect.any(Array) } });
		expect((context.topPatterns as { topItems: Array<{ platform: string }> }).topItems.map((item) => item.platform)).toEqual(['instagram']);
		expect(ctx.sim.requestLog.map((entry) => entry.route)).toEqual(['GET /v1/intelligence/brand-context']);
	});

	test('Predict Performance: scores for a concept, platform and modality; the same concept scores the same', async () => {
		const node = intelligence('predict', { concept: 'Close-up of a pour-over at sunrise', platform: 'Instagram', modality: 'image' });
		const [first] = await runOk(node);
		expect(first).toMatchObject({ concept: 'Close-up of a pour-over at sunrise', platform: 'instagram', modality: 'image', performancePrediction: expect.any(Number), brandFit: expect.any(Number), reasoning: expect.any(Array) });
		expect((await runOk(node))[0]).toEqual(first);
	});

	test('Predict Performance refuses an empty concept before any request', async () => {
		const { error } = await ctx.engine.run([intelligence('predict', { concept: '={{ "" }}', platform: 'instagram' })]);
		expect(error?.message).toBe('"Concept" is empty');
		expect(ctx.sim.requestLog).toEqual([]);
	});

	test('Get Recommendations: one item each; Get Trends: one item with the patterns', async () => {
		expect((await runOk(intelligence('getRecommendations', { options: { limit: 2 } }))).map((rec) => rec.id)).toEqual(['rec_1', 'rec_2']);
		const [trends] = await runOk(intelligence('getTrends', { options: { windowDays: 7, platform: 'tiktok' } }));
		expect(trends).toMatchObject({ platform: 'tiktok', topPatterns: [expect.objectContaining({ label: 'slow-motion pours' }), expect.any(Object)] });
	});

	test('Brainstorm Concepts: a goal becomes one item per concept', async () => {
		const concepts = await runOk(content('brainstorm', { goal: 'Launch the winter blend', options: { count: 4, platform: 'linkedin' } }));
		expect(concepts).toHaveLength(4);
		expect(concepts[0]).toMatchObject({ index: 0, goal: 'Launch the winter blend', platform: 'linkedin', title: expect.any(String), prompt: expect.any(String), predictedPerformance: 'high' });
	});

	test('Score Content scores what was published', async () => {
		await ctx.engine.run([laminaNode({ resource: 'publishing', operation: 'publish', channelIds: [CHANNELS.instagram], media: 'imageUrl', mediaUrl: 'https://x.example/a.png' })]);
		const [score] = await runOk(content('score', { options: { platform: 'instagram' } }));
		expect(score).toMatchObject({ scored: 1, items: [expect.objectContaining({ contentItemId: ctx.sim.posts[0].id })] });
	});
});

describe('a new workspace (no data yet): empty results, not errors', () => {
	beforeEach(() => ctx.sim.setEmptyWorkspace(true));

	test.each([
		['Get Brand Context', intelligence('getBrandContext'), [{ brandDna: null, guidance: null, topPatterns: null, empty: true }]],
		['Get Recommendations', intelligence('getRecommendations'), []],
		['Score Content', content('score'), [{ scored: 0, items: [] }]],
		['Get History', laminaNode({ resource: 'publishing', operation: 'getHistory' }), []],
	])('%s', async (_, node, expected) => {
		expect(await runOk(node)).toEqual(expected);
	});

	test('Get Trends: empty pattern lists', async () => {
		expect((await runOk(intelligence('getTrends')))[0]).toMatchObject({ topPatterns: [], emergingPatterns: [], decliningPatterns: [] });
	});

	test('Predict: low confidence, no comparables', async () => {
		expect((await runOk(intelligence('predict', { concept: 'x', platform: 'instagram', modality: 'image' })))[0]).toMatchObject({ confidence: 0.1, comparableContentItemIds: [] });
	});
});

describe('as AI Agent tools', () => {
	test('every read-only operation runs as the tool variant', async () => {
		for (const node of [
			intelligence('getBrandContext'),
			intelligence('predict', { concept: 'latte art', platform: 'tiktok', modality: 'video' }),
			intelligence('getRecommendations'),
			intelligence('getTrends'),
			content('brainstorm', { goal: 'winter blend' }),
			content('score'),
			laminaNode({ resource: 'publishing', operation: 'getChannels' }),
			laminaNode({ resource: 'publishing', operation: 'getHistory' }),
		]) {
			const { error } = await ctx.engine.run([asTool(node)]);
			expect(error).toBeUndefined();
		}
	});

	test("each operation tells an agent what it does and that it is read-only where it is", () => {
		const { properties } = (ctx.engine.nodes.get(LAMINA_NODE) as INodeType).description;
		const ops = properties
			.filter((p) => p.name === 'operation' && ['intelligence', 'publishing', 'content'].some((r) => p.displayOptions?.show?.resource?.includes(r)))
			.flatMap((p) => (p.options ?? []) as Array<{ value: string; description?: string }>);
		const byValue = Object.fromEntries(ops.map((op) => [op.value, op.description ?? '']));
		for (const value of ['getBrandContext', 'getRecommendations', 'getTrends', 'predict', 'score']) expect(byValue[value]).toMatch(/read-only/);
		for (const description of Object.values(byValue)) expect(description.length).toBeGreaterThan(40);
	});
});
