/**
 * One run model for Lamina's three kinds of run (app, model, freestyle): Get Run, Wait for Run and
 * Cancel take any run ID, and Create from Brief in recipe mode waits on the freestyle run it started.
 */
import type { IDataObject } from 'n8n-workflow';

import { laminaNode } from '../harness/engine';
import { BRIEF_MARKERS, MODELS } from '../simulator';
import { useSimulator } from '../support/context';
import { runOp } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 300, rateLimitPerMinute: 10_000 });
const requests = () => ctx.sim.counters.requests;

/** Starts a model run straight at the simulator, as another client (or an earlier execution) would. */
async function startModelRun(params: IDataObject = {}, prompt = 'a red bicycle'): Promise<string> {
	const response = await fetch(`${ctx.sim.url}/v1/generate/image`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': ctx.sim.apiKey },
		body: JSON.stringify({ model: MODELS.imagen, prompt, params }),
	});
	expect(response.status).toBe(202);
	return ((await response.json()) as { data: { runId: string } }).data.runId;
}

async function startFreestyleRun(): Promise<string> {
	const response = await fetch(`${ctx.sim.url}/v1/content/create`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': ctx.sim.apiKey },
		body: JSON.stringify({ brief: `a poster ${BRIEF_MARKERS.recipe}`, numVariants: 2 }),
	});
	return ((await response.json()) as { data: { runId: string } }).data.runId;
}

const until = async (runId: string, status: string) => {
	for (let i = 0; i < 100 && ctx.sim.runs.get(runId)?.status !== status; i++) await new Promise((r) => setTimeout(r, 20));
};

describe('Get Run', () => {
	test('a model run ID: the model run, its single output as outputs[0]', async () => {
		const runId = await startModelRun({ aspectRatio: '16:9' });
		await until(runId, 'completed');
		ctx.sim.resetCounters();
		const { items, error } = await ctx.engine.run([runOp('get', { runId })]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(item).toMatchObject({
			runId,
			kind: 'model',
			status: 'completed',
			model: MODELS.imagen,
			resolvedParams: { prompt: 'a red bicycle', aspectRatio: '16:9' },
			errorMessage: null,
			outputsByLabel: { Output: expect.stringContaining(`/files/${runId}/0.png`) },
		});
		expect(item.outputs).toEqual([{ label: 'Output', type: 'image', value: expect.stringContaining('/0.png'), status: 'completed' }]);
		expect('appId' in item).toBe(false);
		expect('output' in item).toBe(false);
		// The app run's endpoint first (404: not this kind), then the model run's.
		expect(requests()['GET /v1/runs/:runId']).toBe(1);
		expect(requests()['GET /v1/generate/runs/:runId']).toBe(1);
	});

	test('a freestyle run ID: one output per variant', async () => {
		const runId = await startFreestyleRun();
		await until(runId, 'completed');
		const { items, error } = await ctx.engine.run([runOp('get', { runId })]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ runId, kind: 'freestyle', status: 'completed' });
		expect(Object.keys(items[0].json.outputsByLabel as IDataObject)).toEqual(['Variant 1', 'Variant 2']);
		expect(requests()['GET /v1/freestyle/:runId']).toBe(1);
	});

	test('an app run costs one request, as before, and says kind "app"', async () => {
		const { items: started } = await ctx.engine.run([
			laminaNode({ resource: 'run', operation: 'create', appId: { __rl: true, mode: 'id', value: 'app_portrait' }, inputMode: 'json', inputsJson: '{"Prompt": "x"}', waitMode: 'none' }),
		]);
		ctx.sim.resetCounters();
		const { items } = await ctx.engine.run([runOp('get', { runId: started[0].json.runId })]);
		// Get Run's app run shape as before (Lamina's run has no appId), plus its kind.
		expect(items[0].json).toMatchObject({ kind: 'app', appId: null, workflowId: 'wf_portrait' });
		expect(requests()).toEqual({ 'GET /v1/runs/:runId': 1 });
	});

	test('an ID no kind knows: not found, having asked every kind', async () => {
		const { error } = await ctx.engine.run([runOp('get', { runId: 'run_nope' })]);
		expect(error?.message).toBe('Lamina could not find run "run_nope"');
		expect(error?.description).toContain('Lamina has no app run, model run or freestyle run with ID "run_nope".');
		expect(requests()['GET /v1/generate/runs/:runId']).toBe(1);
		expect(requests()['GET /v1/freestyle/:runId']).toBe(1);
	});
});

describe('Wait for Run', () => {
	test('a model run ID: polled at its endpoint until it completes', async () => {
		const runId = await startModelRun();
		ctx.sim.resetCounters();
		const { items, error } = await ctx.engine.run([runOp('wait', { runId, maxWaitSeconds: 30 })]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ runId, kind: 'model', status: 'completed', outputs: [{ label: 'Output', type: 'image' }] });
		expect(requests()['GET /v1/runs/:runId/wait']).toBe(1);
		expect(requests()['GET /v1/generate/runs/:runId']).toBeGreaterThanOrEqual(2);
	});

	test('a freestyle run ID', async () => {
		const runId = await startFreestyleRun();
		const { items, error } = await ctx.engine.run([runOp('wait', { runId, maxWaitSeconds: 30 })]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ runId, kind: 'freestyle', status: 'completed' });
		expect(items[0].json.outputs).toHaveLength(2);
	});

	test('a failed model run fails the item, naming the run', async () => {
		ctx.sim.setAppBehaviour(`model_${MODELS.imagen}`, { fail: 'NSFW content detected' });
		try {
			const runId = await startModelRun();
			const { error } = await ctx.engine.run([runOp('wait', { runId, maxWaitSeconds: 30 })]);
			expect(error?.message).toBe(`Lamina run ${runId} failed: NSFW content detected`);
		} finally {
			ctx.sim.setAppBehaviour(`model_${MODELS.imagen}`, { fail: undefined });
		}
	});
});

describe('Cancel', () => {
	test('a model run: Lamina has no cancel for it, and the error says so', async () => {
		const runId = await startModelRun();
		const { error } = await ctx.engine.run([runOp('cancel', { runId })]);
		expect(error?.message).toMatch(new RegExp(`^Lamina can't cancel model runs: run ${runId} is a model run \\((queued|running)\\)$`));
		expect(error?.description).toContain('Only app runs');
		expect(ctx.sim.runs.get(runId)?.status).not.toBe('cancelled');
	});
});

describe('Create from Brief in recipe mode', () => {
	const briefNode = (brief: string, parameters: IDataObject = {}) => laminaNode({ resource: 'content', operation: 'create', brief, ...parameters });

	test('waits on the freestyle run Lamina started: outputs are its variants', async () => {
		const { items, error } = await ctx.engine.run([briefNode(`a launch poster ${BRIEF_MARKERS.recipe}`)]);
		expect(error).toBeUndefined();
		const item = items[0].json;
		expect(item).toMatchObject({
			kind: 'freestyle',
			status: 'completed',
			mode: 'recipe',
			recipe: { modality: 'image', variants: [{ imageModel: MODELS.everyField }] },
			numVariants: 1,
			outputsByLabel: { 'Variant 1': expect.stringContaining('/0.png') },
		});
		expect(requests()['GET /v1/freestyle/:runId']).toBeGreaterThanOrEqual(1);
		// The app run's endpoints don't know a freestyle run: never asked.
		expect(requests()['GET /v1/runs/:runId/wait'] ?? 0).toBe(0);
		expect(requests()['GET /v1/runs/:runId'] ?? 0).toBe(0);
	});

	test("Don't Wait: the queued freestyle run", async () => {
		const { items } = await ctx.engine.run([briefNode(`a poster ${BRIEF_MARKERS.recipe}`, { waitMode: 'none' })]);
		expect(items[0].json).toMatchObject({ kind: 'freestyle', status: 'queued', recipe: { modality: 'image' } });
	});

	test('needs_input in recipe mode: the questions and the planned recipe, no run', async () => {
		const { items, error } = await ctx.engine.run([briefNode(`a product shot ${BRIEF_MARKERS.recipeNeedsInput}`)]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			status: 'needs_input',
			mode: 'recipe',
			questions: [{ name: 'productImage', question: expect.any(String) }],
			recipe: { modality: 'image' },
		});
		expect(ctx.sim.counters.runsStarted).toBe(0);
	});
});
