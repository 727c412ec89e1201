/**
 * A cached app definition that predates a change of the app (a new input, a new option label)
 * is fetched again, once, before an input it doesn't know is refused.
 */
import { fixtureApps } from '../simulator';
import { useSimulator } from '../support/context';
import { runAppJsonNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000 });

describe('a cached app definition that predates a change of the app', () => {
	const original = () => fixtureApps().find((app) => app.appId === 'app_portrait')!;
	const changed = (appId: string) => {
		const app = original();
		return {
			...app,
			appId,
			parameters: [
				...app.parameters.map((p) => (p.name === 'Location' ? { ...p, options: ['Studio', 'Urban', 'Park', 'Beach'] } : p)),
				{ id: 'prm_6', key: 'mood', name: 'Mood', type: 'text' as const, required: false },
			],
		};
	};

	test('is fetched again, once, before a new input or option label is refused', async () => {
		ctx.sim.addApp({ ...original(), appId: 'app_changing' });
		await ctx.engine.run([runAppJsonNode('app_changing', '{"Prompt": "a"}')]); // caches the definition
		ctx.sim.addApp(changed('app_changing')); // Lamina adds an input and an option
		ctx.sim.resetCounters();
		const input = Array.from({ length: 3 }, () => ({}));
		const { items, error } = await ctx.engine.run([runAppJsonNode('app_changing', '{"Prompt": "b", "Location": "Beach", "Mood": "calm"}')], { input });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId']).toBe(1);
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ Prompt: 'b', Location: 'Beach', Mood: 'calm' });
	});

	test('an input the fresh definition does not know either is refused, after one lookup, and nothing starts', async () => {
		ctx.sim.addApp({ ...original(), appId: 'app_unchanged' });
		await ctx.engine.run([runAppJsonNode('app_unchanged', '{"Prompt": "a"}')]);
		ctx.sim.resetCounters();
		const input = Array.from({ length: 3 }, () => ({}));
		const { error } = await ctx.engine.run([runAppJsonNode('app_unchanged', '{"Prompt": "b", "Mood": "calm"}')], { input });
		expect(error?.message).toMatch(/This app has no input "Mood"/);
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId']).toBe(1);
		expect(ctx.sim.counters.runsStarted).toBe(0);
	});

	test('a definition fetched by this execution is not fetched again for a refusal', async () => {
		ctx.sim.addApp({ ...original(), appId: 'app_new_here' });
		const { error } = await ctx.engine.run([runAppJsonNode('app_new_here', '{"Prompt": "b", "Mood": "calm"}')]);
		expect(error?.message).toMatch(/This app has no input "Mood"/);
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId']).toBe(1);
	});
});
