/** Content → Plan from Brief (never dispatches) and Run Plan (dispatches that plan as it stands) through n8n's real engine. */
import type { IDataObject } from 'n8n-workflow';

import { laminaNode } from '../harness/engine';
import { BRIEF_MARKERS, MODELS } from '../simulator';
import { useSimulator } from '../support/context';

const ctx = useSimulator({ runDurationMs: 300, rateLimitPerMinute: 10_000 });
const requests = () => ctx.sim.counters.requests;
const planNode = (brief: string, parameters: IDataObject = {}) => laminaNode({ resource: 'content', operation: 'plan', brief, ...parameters }, { name: 'Plan' });
const runPlanNode = (parameters: IDataObject = {}) => laminaNode({ resource: 'content', operation: 'runPlan', ...parameters }, { name: 'Run Plan' });

test('Plan from Brief: an app plan with drafted inputs, nothing started', async () => {
	const { items, error } = await ctx.engine.run([planNode('a red bicycle')]);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({
		status: 'plan',
		mode: 'app',
		selectedApp: { appId: 'app_portrait' },
		draftedInputs: { Prompt: 'a red bicycle' },
		askUser: [],
		nextStep: expect.stringContaining('Run Plan'),
	});
	expect(ctx.sim.counters.runsStarted).toBe(0);
});

test('Plan from Brief, then Run Plan: the app plan runs as planned (no second plan) and is waited for', async () => {
	const { items, error } = await ctx.engine.run([planNode('a red bicycle'), runPlanNode({ plan: '={{ $json }}' })]);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ kind: 'app', status: 'completed', selectedApp: { appId: 'app_portrait' } });
	expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ Prompt: 'a red bicycle' });
	expect(requests()['POST /v1/content/plan']).toBe(1);
	expect(requests()['POST /v1/content/run']).toBe(1);
});

test('a recipe plan runs as a freestyle run, waited for at its endpoint', async () => {
	const { items, error } = await ctx.engine.run([
		planNode(`a poster ${BRIEF_MARKERS.recipe}`, { additionalFields: { numVariants: 2 } }),
		runPlanNode({ plan: '={{ $json }}' }),
	]);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ kind: 'freestyle', status: 'completed', recipe: { variants: [{ imageModel: MODELS.everyField }, {}] } });
	expect(items[0].json.outputs).toHaveLength(2);
	expect(requests()['GET /v1/freestyle/:runId']).toBeGreaterThanOrEqual(1);
	expect(requests()['GET /v1/runs/:runId/wait'] ?? 0).toBe(0);
});

test('Run Plan refuses, before dispatching, a plan whose questions are unanswered', async () => {
	const { error } = await ctx.engine.run([planNode(`a portrait ${BRIEF_MARKERS.needsInput}`), runPlanNode({ plan: '={{ $json }}' })]);
	expect(error?.message).toBe('The plan asks for "Location", and Input Overrides has no answer');
	expect(error?.description).toContain('Where should it be set?');
	expect(requests()['POST /v1/content/run'] ?? 0).toBe(0);
});

test('with the answer in Input Overrides it runs', async () => {
	const { items, error } = await ctx.engine.run([
		planNode(`a portrait ${BRIEF_MARKERS.needsInput}`),
		runPlanNode({ plan: '={{ $json }}', inputOverrides: '{"Location": "Urban"}', waitMode: 'none' }),
	]);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ kind: 'app', status: 'queued' });
	expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toMatchObject({ Location: 'Urban' });
});

test('a clarification is not a plan to run', async () => {
	const { error } = await ctx.engine.run([planNode(`something ${BRIEF_MARKERS.clarify}`), runPlanNode({ plan: '={{ $json }}' })]);
	expect(error?.message).toBe('This plan can\'t be run: its status is "needs_clarification", not "plan"');
	expect(requests()['POST /v1/content/run'] ?? 0).toBe(0);
});
