/** POST /v1/content/plan (never dispatches: an app or a recipe plan) and POST /v1/content/run (dispatches a confirmed plan). */
import { APPS } from './apps';
import { findApp } from './appRoutes';
import { BRIEF_MARKERS } from './content';
import { launchFreestyle } from './generate';
import { HttpError, isPlainObject, readObjectBody, sendJson, type RequestContext } from './http';
import { launchRun } from './launch';
import { MODELS } from './models';
import type { SimState } from './state';

export async function planContent(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const brief = body.brief;
	if (typeof brief !== 'string' || brief.trim() === '') {
		throw new HttpError(400, 'VALIDATION_ERROR', '"brief" is required', ['"brief" is required and must be non-empty text']);
	}
	if (brief.includes(BRIEF_MARKERS.unmatched)) return sendJson(ctx, 200, { data: { status: 'unmatched', reason: 'No app or recipe fits.' } });
	if (brief.includes(BRIEF_MARKERS.clarify)) {
		return sendJson(ctx, 200, { data: { status: 'needs_clarification', clarifications: [{ question: 'Which platform is it for?' }] } });
	}
	if (brief.includes(BRIEF_MARKERS.recipe)) {
		const modality = body.modality === 'video' ? 'video' : 'image';
		const count = typeof body.numVariants === 'number' ? Math.min(8, Math.max(1, Math.floor(body.numVariants))) : 1;
		const variants = Array.from({ length: count }, (_, i) => ({ imageModel: MODELS.everyField, prompt: `${brief} (variant ${i + 1})`, styleHint: null }));
		return sendJson(ctx, 200, {
			data: { status: 'plan', mode: 'recipe', recipe: { modality, reason: 'No app fits.', variants }, modality, askUser: [], warnings: [] },
		});
	}
	const app = findApp(sim, typeof body.appId === 'string' && body.appId !== '' ? body.appId : APPS.portrait);
	const textParameter = app.parameters.find((p) => p.type === 'text');
	const draftedInputs: Record<string, unknown> = { ...(isPlainObject(body.inputs) ? body.inputs : {}) };
	if (textParameter && draftedInputs[textParameter.name] === undefined) draftedInputs[textParameter.name] = brief;
	sendJson(ctx, 200, {
		data: {
			status: 'plan',
			mode: 'app',
			selectedApp: { appId: app.appId, name: app.name, rationale: `${app.name} fits this brief.` },
			draftedInputs,
			askUser: brief.includes(BRIEF_MARKERS.needsInput) ? [{ name: 'Location', question: 'Where should it be set?' }] : [],
			warnings: [],
		},
	});
}

export async function runConfirmedPlan(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const webhook = typeof body.webhookUrl === 'string' ? body.webhookUrl : null;
	if (body.mode === 'app') {
		if (typeof body.appId !== 'string') throw new HttpError(400, 'VALIDATION_ERROR', '"appId" is required', ['appId: is required']);
		const run = launchRun(sim, findApp(sim, body.appId), { inputs: body.inputs, outputs: body.outputs, webhook, source: 'content' });
		return sendJson(ctx, 202, { data: { mode: 'app', runId: run.runId, appId: body.appId } });
	}
	if (body.mode === 'freestyle') {
		const recipe = body.freestyleRecipe;
		if (!isPlainObject(recipe) || !Array.isArray(recipe.variants) || recipe.variants.length === 0) {
			throw new HttpError(400, 'VALIDATION_ERROR', '"freestyleRecipe" needs variants', ['freestyleRecipe.variants: must be a non-empty array']);
		}
		const modality = recipe.modality === 'video' ? 'video' : 'image';
		const run = launchFreestyle(sim, modality, recipe.variants.length, 'confirmed plan');
		return sendJson(ctx, 202, { data: { mode: 'freestyle', runId: run.runId, numVariants: recipe.variants.length } });
	}
	throw new HttpError(400, 'VALIDATION_ERROR', '"mode" must be app or freestyle', ['mode: must be "app" or "freestyle"']);
}
