/**
 * Model runs (POST /v1/generate/image|video, GET /v1/generate/runs/:runId) and freestyle runs
 * (started by the content router in recipe mode, GET /v1/freestyle/:runId). Both live in the run
 * store beside app runs, with their own kind, so /v1/runs does not know them (404), as on Lamina.
 */
import { HttpError, isPlainObject, readObjectBody, sendJson, type RequestContext } from './http';
import { parseWebhookUrl } from './launch';
import { findModel, validateAgainst, withDefaults, type Modality, type SimModel } from './models';
import { publicRun } from './runs';
import { behaviourFor, type SimState } from './state';
import type { SimApp, SimRun } from './types';

/** The app-like pipeline a model run goes through: one step, one output. */
function modelApp(model: SimModel): SimApp {
	return {
		appId: `model_${model.id}`,
		name: model.displayName,
		description: '',
		modality: model.modality,
		parameters: [],
		outputs: [{ index: 0, label: 'Output', type: model.modality }],
		pipeline: [[{ type: 'generate', label: model.displayName }]],
	};
}

/** A model run's status, as the SDK's LaminaAtomicRunStatus: one output, singular. */
export function atomicRun(run: SimRun): Record<string, unknown> {
	const output = run.outputs[0];
	return {
		runId: run.runId,
		status: run.status,
		model: run.model ?? null,
		resolvedParams: run.resolvedParams ?? {},
		output: output && output.status === 'completed' ? { type: output.kind, url: output.value } : null,
		errorMessage: run.errorMessage,
		startedAt: run.startedAt,
		completedAt: run.completedAt,
		createdAt: run.createdAt,
	};
}

export async function startGeneration(ctx: RequestContext, sim: SimState): Promise<void> {
	const modality = ctx.params.modality as Modality;
	if (modality !== 'image' && modality !== 'video') throw new HttpError(404, 'NOT_FOUND', `Unknown route /v1/generate/${modality}`);
	const body = await readObjectBody(ctx.req);
	if (typeof body.model !== 'string' || body.model === '') {
		throw new HttpError(400, 'VALIDATION_ERROR', '"model" is required', ['model: is required']);
	}
	const model = findModel(sim, body.model);
	if (model.modality !== modality) {
		throw new HttpError(400, 'VALIDATION_ERROR', `"${model.id}" is a ${model.modality} model`, [
			`model: use /v1/generate/${model.modality} for ${model.id}`,
		]);
	}
	const params = body.params ?? {};
	if (!isPlainObject(params)) throw new HttpError(400, 'VALIDATION_ERROR', '"params" must be an object', ['params: must be an object']);
	const values = { ...params, ...(body.prompt !== undefined ? { prompt: body.prompt } : {}) };
	const problems = validateAgainst(model.paramSchema, values);
	if (problems.length) throw new HttpError(400, 'VALIDATION_ERROR', `Invalid params for ${model.id}`, problems);
	const webhookUrl = parseWebhookUrl(typeof body.webhookUrl === 'string' ? body.webhookUrl : null);
	const app = modelApp(model);
	const resolvedParams = withDefaults(model.paramSchema, values);
	sim.counters.runsStarted += 1;
	const run = sim.runs.start(app, behaviourFor(sim, app.appId), {
		inputs: values,
		resolvedInputs: resolvedParams,
		outputs: app.outputs!,
		webhookUrl,
		source: 'api',
		kind: 'model',
		model: model.id,
		resolvedParams,
	});
	sendJson(ctx, 202, { data: { runId: run.runId, status: 'queued', model: model.id, resolvedParams } });
}

function findKind(sim: SimState, runId: string, kind: 'model' | 'freestyle'): SimRun {
	const run = sim.runs.get(runId);
	if (!run || run.kind !== kind) throw new HttpError(404, 'NOT_FOUND', `Run "${runId}" not found`);
	return run;
}

export function getGenerationRun(ctx: RequestContext, sim: SimState): void {
	sendJson(ctx, 200, { data: atomicRun(findKind(sim, ctx.params.runId, 'model')) });
}

/** A freestyle run's status is an app run's shape: one output per variant. */
export function freestyleRun(run: SimRun): Record<string, unknown> {
	const { workflowId: _workflowId, workflowName: _workflowName, ...rest } = publicRun(run, false);
	return rest;
}

export function getFreestyleRun(ctx: RequestContext, sim: SimState): void {
	sendJson(ctx, 200, { data: freestyleRun(findKind(sim, ctx.params.runId, 'freestyle')) });
}

/** The app id freestyle runs behave as (tests: setAppBehaviour(FREESTYLE_APP_ID, { fail })). */
export const FREESTYLE_APP_ID = 'freestyle';

/** Starts a freestyle run: one output per variant of the recipe. */
export function launchFreestyle(sim: SimState, modality: Modality, variants: number, prompt: string): SimRun {
	const outputs = Array.from({ length: variants }, (_, index) => ({ index, label: `Variant ${index + 1}`, type: modality }));
	const app: SimApp = {
		appId: FREESTYLE_APP_ID,
		name: 'Freestyle',
		description: '',
		modality,
		parameters: [],
		outputs,
		pipeline: [outputs.map((o) => ({ type: 'generate', label: o.label }))],
	};
	sim.counters.runsStarted += 1;
	return sim.runs.start(app, behaviourFor(sim, app.appId), {
		inputs: { prompt },
		resolvedInputs: { prompt },
		outputs,
		webhookUrl: null,
		source: 'content',
		kind: 'freestyle',
	});
}
