/** Estimate, Discover, Account and Feedback (refining a finished run). */
import { runSteps } from './apps';
import { findApp } from './appRoutes';
import { discover, estimateFor } from './credits';
import { HttpError, isPlainObject, readObjectBody, sendJson, type RequestContext } from './http';
import { launchRun } from './launch';
import { publicRun } from './runs';
import type { SimState } from './state';

export function estimateApp(ctx: RequestContext, sim: SimState): void {
	sendJson(ctx, 200, { data: estimateFor(sim, findApp(sim, ctx.params.appId)) });
}

export async function discoverApps(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	if (typeof body.intent !== 'string' || body.intent.trim() === '') {
		throw new HttpError(400, 'VALIDATION_ERROR', '"intent" is required', ['"intent": must be a non-empty string']);
	}
	const constraints = isPlainObject(body.constraints) ? body.constraints : {};
	const maxCredits = constraints.maxCredits;
	if (maxCredits !== undefined && (typeof maxCredits !== 'number' || maxCredits < 0)) {
		throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid constraints', ['"constraints.maxCredits": must be a number ≥ 0']);
	}
	const limit = body.limit === undefined ? 5 : Number(body.limit);
	if (!Number.isInteger(limit) || limit < 1 || limit > 20) {
		throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid limit', ['"limit": must be an integer from 1 to 20']);
	}
	const outputFormat = typeof constraints.outputFormat === 'string' && constraints.outputFormat ? constraints.outputFormat : undefined;
	sendJson(ctx, 200, { data: discover(sim, { intent: body.intent, maxCredits: maxCredits as number | undefined, outputFormat, limit }) });
}

export function getAccount(ctx: RequestContext, sim: SimState): void {
	const active = sim.memberships.find((m) => m.workspaceId === sim.workspaceId);
	sendJson(ctx, 200, {
		data: {
			user: { ...sim.user },
			workspace: active ? { id: active.workspaceId, name: active.name, slug: active.slug, role: active.role } : null,
			memberships: sim.memberships.map((m) => ({ ...m })),
		},
	});
}

/**
 * Refines a completed run: Lamina re-runs the app's generating steps with the feedback as a new
 * run (billed like any run; the original keeps its outputs), answered queued with its own runId.
 */
export async function refineRun(ctx: RequestContext, sim: SimState): Promise<void> {
	const original = sim.runs.get(ctx.params.runId);
	if (!original) throw new HttpError(404, 'NOT_FOUND', `Run "${ctx.params.runId}" not found`);
	const body = await readObjectBody(ctx.req);
	if (typeof body.feedback !== 'string' || body.feedback.trim() === '') {
		throw new HttpError(400, 'VALIDATION_ERROR', '"feedback" is required', ['"feedback": must be a non-empty string']);
	}
	if (original.status !== 'completed') {
		throw new HttpError(400, 'VALIDATION_ERROR', `Only a completed run can be refined; this one is ${original.status}`, [
			`"runId": run is ${original.status}, not completed`,
		]);
	}
	const app = findApp(sim, original.appId);
	const run = launchRun(sim, app, { inputs: original.inputs, outputs: original.requestedOutputs, webhook: original.webhookUrl, source: 'api' });
	run.refinedFrom = original.runId;
	run.feedback = body.feedback;
	const refinedNodes = runSteps(app)
		.filter((step) => step.type !== 'outputNode')
		.map((step) => ({ nodeId: step.id, reason: `Feedback: ${body.feedback as string}` }));
	const { outputs } = publicRun(run, false);
	sendJson(ctx, 200, {
		data: {
			runId: run.runId,
			status: run.status,
			summary: `Refining ${refinedNodes.length} step${refinedNodes.length === 1 ? '' : 's'} of run ${original.runId}`,
			refinedNodes,
			outputs,
			errorMessage: null,
		},
	});
}
