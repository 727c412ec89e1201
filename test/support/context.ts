import { startLaminaSimulator, type LaminaSimulator, type SimulatorOptions } from '../simulator';
import { createEngine, type Engine } from '../harness/engine';

export interface TestContext {
	sim: LaminaSimulator;
	engine: Engine;
}

/** A fresh simulator and an engine whose Lamina credential points at it, for one test file. */
export function useSimulator(options: SimulatorOptions = {}): TestContext {
	const context = {} as TestContext;
	beforeAll(async () => {
		context.sim = await startLaminaSimulator({ runDurationMs: 200, ...options });
		context.engine = await createEngine({
			credentials: { laminaApi: { apiKey: context.sim.apiKey, baseUrl: context.sim.url } },
		});
	});
	beforeEach(() => {
		context.sim.resetCounters();
		context.sim.clearFaults();
		context.engine.setCredentials('laminaApi', { apiKey: context.sim.apiKey, baseUrl: context.sim.url });
	});
	afterAll(async () => {
		await context.sim?.close();
	});
	return context;
}

/** Everything n8n would show or store of a result, as one string, to prove a secret is absent. */
export function everythingShown(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, v: unknown) => {
		if (v instanceof Error) {
			return { message: v.message, stack: v.stack, ...(v as unknown as Record<string, unknown>) };
		}
		if (v && typeof v === 'object') {
			if (seen.has(v)) return undefined;
			seen.add(v);
		}
		return v;
	});
}
