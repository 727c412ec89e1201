/**
 * Content → Create from Brief through n8n's real engine: every answer shape Lamina gives
 * (older queued, newer ran / needs_input / needs_clarification / unmatched), waiting, failures.
 */
import type { IDataObject } from 'n8n-workflow';

import { laminaNode } from '../harness/engine';
import { BRIEF_MARKERS, startLaminaSimulator } from '../simulator';
import { useSimulator } from '../support/context';
import { locator } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 300, rateLimitPerMinute: 10_000 });

const briefNode = (brief: string, parameters: IDataObject = {}, extra: IDataObject = {}) =>
	laminaNode({ resource: 'content', operation: 'create', brief, ...parameters }, extra);

const requests = () => ctx.sim.counters.requests;

describe('a brief that starts a run', () => {
	test('newer answer (ran): waits and returns the run like Run App, plus the app Lamina chose', async () => {
		const { status, items, error } = await ctx.engine.run([briefNode('a red bicycle by the sea')]);
		expect(error).toBeUndefined();
		expect(status).toBe('success');
		const item = items[0].json;
		expect(item).toMatchObject({
			status: 'completed',
			appId: 'app_portrait',
			errorMessage: null,
			selectedApp: { appId: 'app_portrait', name: 'Portrait Studio', rationale: expect.any(String) },
			draftedInputs: { Prompt: 'a red bicycle by the sea' },
			warnings: [],
		});
		expect(item.runId).toMatch(/^run_/);
		expect((item.outputsByLabel as IDataObject).Caption).toContain('a red bicycle by the sea');
		expect(item.outputs).toHaveLength(2);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(ctx.sim.runs.get(item.runId as string)?.source).toBe('content');
		// Lamina's long-poll, not a polling loop.
		expect(requests()['GET /v1/runs/:runId/wait']).toBe(1);
		expect(requests()['GET /v1/runs/:runId'] ?? 0).toBe(0);
	});

	test('older answer ({ runId, status: "queued" }): waits all the same', async () => {
		const { items, error } = await ctx.engine.run([briefNode(`a lighthouse ${BRIEF_MARKERS.legacy}`)]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'completed', runId: expect.stringMatching(/^run_/), selectedApp: null });
	});

	test('an old server generation (executionId) works too', async () => {
		const legacy = await startLaminaSimulator({ runDurationMs: 200, rateLimitPerMinute: 10_000, legacy: true });
		try {
			ctx.engine.setCredentials('laminaApi', { apiKey: legacy.apiKey, baseUrl: legacy.url });
			const { items, error } = await ctx.engine.run([briefNode('a lighthouse')]);
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ status: 'completed', runId: expect.stringMatching(/^run_/) });
			expect('executionId' in items[0].json).toBe(false);
		} finally {
			await legacy.close();
		}
	});

	test("Don't Wait returns the queued run with the chosen app at once", async () => {
		const { items } = await ctx.engine.run([briefNode('a red bicycle', { waitMode: 'none' })]);
		expect(items[0].json).toMatchObject({
			status: 'queued',
			runId: expect.stringMatching(/^run_/),
			appId: 'app_portrait',
			selectedApp: { appId: 'app_portrait' },
		});
		expect(requests()['GET /v1/runs/:runId/wait'] ?? 0).toBe(0);
	});

	test('the app, overrides and other fields are sent; unknown overrides come back as warnings', async () => {
		const node = briefNode('spring sale', {
			appId: locator('app_ad_copy'),
			additionalFields: {
				platform: 'linkedin',
				modality: 'text',
				templateId: 'tpl_1',
				brandProfileId: 'bp_1',
				campaignId: 'cmp_1',
				inputs: '{"Platform": "LinkedIn", "Colour": "red"}',
			},
		});
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			status: 'completed',
			appId: 'app_ad_copy',
			warnings: [{ field: 'Colour', message: expect.stringMatching(/not an input/) }],
		});
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ Product: 'spring sale', Platform: 'LinkedIn' });
	});

	test('a run that fails is an error saying why; under Continue On Fail an error item with the run id', async () => {
		const failing = briefNode('anything', { appId: locator('app_fails') });
		const result = await ctx.engine.run([failing]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Lamina run run_\S+ failed: Model crashed: out of memory$/);

		const { items } = await ctx.engine.run([briefNode('anything', { appId: locator('app_fails') }, { continueOnFail: true })]);
		expect(items[0].json).toMatchObject({ error: expect.stringMatching(/failed/), runId: expect.stringMatching(/^run_/), status: 'failed' });
	});

	test('when the wait runs out the item keeps the run for "Wait for Run"', async () => {
		ctx.sim.setAppBehaviour('app_portrait', { durationMs: 2500 });
		try {
			const { items } = await ctx.engine.run([briefNode('slow one', { maxWaitSeconds: 1 })]);
			expect(items[0].json).toMatchObject({ waitTimedOut: true, runId: expect.stringMatching(/^run_/), selectedApp: { appId: 'app_portrait' } });
			expect(items[0].json.note).toMatch(/Wait for Run/);
		} finally {
			ctx.sim.setAppBehaviour('app_portrait', { durationMs: 300 });
		}
	});
});

describe('a brief that needs a person (or an agent) first: a result, not an error', () => {
	test('needs_input: the questions, the app chosen and the inputs drafted so far', async () => {
		const { status, items, error } = await ctx.engine.run([briefNode(`portrait ${BRIEF_MARKERS.needsInput}`)]);
		expect(error).toBeUndefined();
		expect(status).toBe('success');
		expect(items[0].json).toMatchObject({
			status: 'needs_input',
			message: 'Lamina needs more information: What should the prompt be?',
			questions: [{ name: 'Prompt', question: 'What should the prompt be?' }],
			selectedApp: { appId: 'app_portrait', name: 'Portrait Studio' },
			draftedInputs: {},
			nextStep: expect.stringMatching(/Input Overrides.*"Prompt"/),
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(ctx.sim.counters.runsStarted).toBe(0);
	});

	test('needs_input for a file the brief cannot give, then answered through Input Overrides', async () => {
		const asked = await ctx.engine.run([briefNode('a looping video of our shoe', { appId: locator('app_video') })]);
		expect(asked.items[0].json).toMatchObject({
			status: 'needs_input',
			questions: [{ name: 'Product Image', question: expect.stringMatching(/link to the product image/) }],
		});

		const answered = await ctx.engine.run([
			briefNode('a looping video of our shoe', {
				appId: locator('app_video'),
				additionalFields: { inputs: { 'Product Image': 'https://example.com/shoe.png' } },
			}),
		]);
		expect(answered.error).toBeUndefined();
		expect(answered.items[0].json).toMatchObject({ status: 'completed', appId: 'app_video' });
		expect(ctx.sim.counters.runsStarted).toBe(1);
	});

	test('needs_clarification: the questions to answer in the brief', async () => {
		const { items, error } = await ctx.engine.run([briefNode(`something nice ${BRIEF_MARKERS.clarify}`)]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			status: 'needs_clarification',
			message: 'Lamina needs the brief clarified: Which product should the content feature? Which platform is it for?',
			questions: [{ question: 'Which product should the content feature?' }, { question: 'Which platform is it for?' }],
		});
	});

	test('unmatched: why no app fits', async () => {
		const { items, error } = await ctx.engine.run([briefNode(`a 3D printed house ${BRIEF_MARKERS.unmatched}`)]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			status: 'unmatched',
			message: expect.stringMatching(/^No Lamina app matches this brief: No app in this workspace can make that/),
			reason: expect.any(String),
		});
	});

	test('several items, each with its own answer, in order', async () => {
		const node = briefNode('={{ $json.brief }}');
		const input = [
			{ brief: 'a red bicycle' },
			{ brief: `x ${BRIEF_MARKERS.unmatched}` },
			{ brief: `y ${BRIEF_MARKERS.clarify}` },
			{ brief: `z ${BRIEF_MARKERS.needsInput}` },
		];
		const { items } = await ctx.engine.run([node], { input });
		expect(items.map((i) => i.json.status)).toEqual(['completed', 'unmatched', 'needs_clarification', 'needs_input']);
		expect(items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});
});

describe('refused before any request', () => {
	test('an empty brief: n8n itself refuses the required field', async () => {
		await expect(ctx.engine.run([briefNode('')])).rejects.toThrow(/Parameter "Brief" is required/);
		expect(requests()).toEqual({});
	});

	test.each([
		['only spaces', '   \n '],
		['an expression that gives nothing', '={{ $json.missing }}'],
	])('a brief that is %s', async (_, brief) => {
		const { status, error } = await ctx.engine.run([briefNode(brief)]);
		expect(status).toBe('error');
		expect(error?.message).toBe('The brief is empty');
		expect(error?.description).toMatch(/Write in "Brief" what you want/);
		expect(requests()).toEqual({});
	});

	test('one empty brief among many: nothing is sent', async () => {
		const { error } = await ctx.engine.run([briefNode('={{ $json.brief }}')], {
			input: [{ brief: 'a' }, { brief: '' }, { brief: 'c' }],
		});
		expect(error?.message).toBe('The brief is empty');
		expect(error?.context?.itemIndex).toBe(1);
		expect(requests()).toEqual({});
	});

	test('Input Overrides that are not a JSON object', async () => {
		const notJson = await ctx.engine.run([briefNode('x', { additionalFields: { inputs: '{Location: Urban' } })]);
		expect(notJson.error?.message).toMatch(/Input Overrides is not valid JSON/);
		const list = await ctx.engine.run([briefNode('x', { additionalFields: { inputs: '["Urban"]' } })]);
		expect(list.error?.message).toBe('Input Overrides must be an object of input name → value');
		expect(requests()).toEqual({});
	});
});

test('a brief never starts twice: a 500 on the create is not repeated', async () => {
	ctx.sim.injectFault({ route: 'POST /v1/content/create', status: 500, times: 1 });
	const { error } = await ctx.engine.run([briefNode('a red bicycle')]);
	expect(error?.message).toMatch(/Lamina is unavailable right now \(HTTP 500/);
	expect(requests()['POST /v1/content/create']).toBe(1);
});
