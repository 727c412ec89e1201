/**
 * Run App → Inputs → "Map Automatically" (the resource mapper's autoMapInputData mode): the
 * incoming item's fields that name an app input are sent, the rest of the item is not.
 */
import { useSimulator } from '../support/context';
import { runAppNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000 });

/** Run App as the editor saves it with "Map Automatically": no values, the schema it loaded. */
const autoMappedNode = async (appId: string) => await runAppNode(ctx.engine, appId, 'autoMapInputData');

test("sends the item's fields that name inputs (by name, key or id) and nothing else", async () => {
	const node = await autoMappedNode('app_portrait');
	ctx.sim.resetCounters();
	const { items, error } = await ctx.engine.run([node], {
		input: [
			// "prompt" is Prompt's key, "Location" a name, "prm_3" Style's id; the rest is the item's own.
			{ prompt: 'a lighthouse at dusk', Location: 'Park', prm_3: 'Cinematic', customerId: 42, notes: 'not an input' },
			{ Prompt: 'a red bicycle', 'Model  Ethnicity': 'Any' },
		],
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json.status)).toEqual(['completed', 'completed']);
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({
		Prompt: 'a lighthouse at dusk',
		Location: 'Park',
		Style: 'Cinematic',
	});
	expect(ctx.sim.runs.get(items[1].json.runId as string)?.inputs).toEqual({ Prompt: 'a red bicycle', 'Model  Ethnicity': 'Any' });
});

test('an item without a required input fails before any request, naming the input', async () => {
	const node = await autoMappedNode('app_portrait');
	ctx.sim.resetCounters();
	const result = await ctx.engine.run([node], { input: [{ prompt: 'fine' }, { topic: 'no prompt here', Location: 'Urban' }] });
	expect(result.status).toBe('error');
	expect(result.error?.message).toMatch(/Input "Prompt" is required by this app and has no default/);
	expect(result.error?.context?.itemIndex).toBe(1);
	expect(ctx.sim.counters.requests['POST /v1/apps/:appId/runs'] ?? 0).toBe(0);
});

test('values are checked as usual: a wrong choice names the valid ones', async () => {
	const node = await autoMappedNode('app_portrait');
	const result = await ctx.engine.run([node], { input: [{ Prompt: 'x', Location: 'Mars' }] });
	expect(result.error?.message).toMatch(/"Mars" is not one of its choices\. Choose one of: "Studio", "Urban", "Park"/);
	expect(ctx.sim.counters.runsStarted).toBe(0);
});

test('two fields that mean the same input with different values are refused, naming both', async () => {
	const node = await autoMappedNode('app_portrait');
	const result = await ctx.engine.run([node], { input: [{ Prompt: 'one', prompt: 'two' }] });
	expect(result.error?.message).toMatch(/Input "Prompt" is given twice, as "Prompt" and as "prompt"/);
	expect(ctx.sim.counters.runsStarted).toBe(0);
});

test('numbers and booleans of the item are sent as text', async () => {
	const node = await autoMappedNode('app_caption');
	const { items, error } = await ctx.engine.run([node], { input: [{ Topic: 2026, Tone: 'Formal', active: true }] });
	expect(error).toBeUndefined();
	expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ Topic: '2026', Tone: 'Formal' });
});
