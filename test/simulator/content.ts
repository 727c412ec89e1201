/** Content from a brief: every answer shape of both server generations, chosen by markers in the brief. */
import { APPS } from './apps';
import { findApp } from './appRoutes';
import { HttpError, isPlainObject, readObjectBody, runIdField, sendJson, type RequestContext } from './http';
import { isAbsent, mustBeSupplied, resolveParameter } from './inputs';
import { launchFreestyle } from './generate';
import { launchRun } from './launch';
import { MODELS } from './models';
import type { SimState } from './state';
import type { SimApp, SimParameter } from './types';

export const BRIEF_MARKERS = {
	needsInput: '[needs_input]',
	clarify: '[clarify]',
	unmatched: '[unmatched]',
	legacy: '[legacy]',
	/** No app fits: Lamina plans a model recipe and starts a freestyle run. */
	recipe: '[recipe]',
	/** A recipe that needs a value from a person first (needs_input, mode recipe). */
	recipeNeedsInput: '[recipe_needs_input]',
} as const;

interface BriefAnswer {
	/** A run was started (answer 202). */
	started: boolean;
	data: Record<string, unknown>;
}

interface Draft {
	inputs: Record<string, unknown>;
	warnings: Array<{ field: string; message: string }>;
}

/** The client's inputs by parameter name, plus the brief as the first text input. */
function draftInputs(app: SimApp, brief: string, given: unknown): Draft {
	const inputs: Record<string, unknown> = {};
	const warnings: Draft['warnings'] = [];
	if (isPlainObject(given)) {
		for (const [key, value] of Object.entries(given)) {
			const parameter = resolveParameter(app, key);
			if (parameter) inputs[parameter.name] = value;
			else warnings.push({ field: key, message: `not an input of ${app.name}; ignored` });
		}
	}
	const textParameter = app.parameters.find((p) => p.type === 'text');
	if (textParameter && inputs[textParameter.name] === undefined) inputs[textParameter.name] = brief;
	return { inputs, warnings };
}

function question(parameter: SimParameter): string {
	return parameter.type === 'url'
		? `Please give a link to the ${parameter.name.toLowerCase()} to use.`
		: `What should the ${parameter.name.toLowerCase()} be?`;
}

function answerBrief(sim: SimState, body: Record<string, unknown>, legacy: boolean): BriefAnswer {
	const brief = body.brief;
	if (typeof brief !== 'string' || brief.trim() === '') {
		throw new HttpError(400, 'VALIDATION_ERROR', '"brief" is required', ['"brief" is required and must be non-empty text']);
	}
	if (brief.includes(BRIEF_MARKERS.unmatched)) {
		return {
			started: false,
			data: { status: 'unmatched', reason: 'No app in this workspace can make that. Try describing an image, video or caption.' },
		};
	}
	if (brief.includes(BRIEF_MARKERS.clarify)) {
		return {
			started: false,
			data: {
				status: 'needs_clarification',
				clarifications: [{ question: 'Which product should the content feature?' }, { question: 'Which platform is it for?' }],
			},
		};
	}

	if (brief.includes(BRIEF_MARKERS.recipe) || brief.includes(BRIEF_MARKERS.recipeNeedsInput)) return answerWithRecipe(sim, body, brief);

	const app = findApp(sim, typeof body.appId === 'string' && body.appId !== '' ? body.appId : APPS.portrait);
	const selectedApp = { appId: app.appId, name: app.name, rationale: `${app.name} makes ${app.modality ?? 'text'} content like this brief asks for.` };
	const draft = draftInputs(app, brief, body.inputs);

	const asked = brief.includes(BRIEF_MARKERS.needsInput)
		? app.parameters.filter((p) => p.type === 'text').slice(0, 1)
		: app.parameters.filter((p) => mustBeSupplied(p) && isAbsent(draft.inputs[p.name]));
	if (asked.length > 0) {
		for (const p of asked) delete draft.inputs[p.name];
		return {
			started: false,
			data: {
				status: 'needs_input',
				selectedApp,
				draftedInputs: draft.inputs,
				askUser: asked.map((p) => ({ name: p.name, question: question(p) })),
			},
		};
	}

	const run = launchRun(sim, app, { inputs: draft.inputs, source: 'content', webhook: null });
	if (legacy) sim.legacyRuns.add(run.runId);
	const id = { [runIdField(legacy)]: run.runId, workflowId: run.workflowId, workflowName: run.workflowName };
	if (brief.includes(BRIEF_MARKERS.legacy)) return { started: true, data: { ...id, status: 'queued' } };
	return {
		started: true,
		data: { status: 'ran', mode: 'app', ...id, selectedApp, draftedInputs: draft.inputs, warnings: draft.warnings },
	};
}

/** The recipe the planner drafts when no app fits: one variant per requested image. */
function answerWithRecipe(sim: SimState, body: Record<string, unknown>, brief: string): BriefAnswer {
	const modality = body.modality === 'video' ? 'video' : 'image';
	const requested = typeof body.numVariants === 'number' ? body.numVariants : 1;
	const numVariants = Math.min(8, Math.max(1, Math.floor(requested)));
	const variants = Array.from({ length: numVariants }, (_, i) => ({
		imageModel: MODELS.everyField,
		imageParams: { aspectRatio: '1:1' },
		prompt: `${brief} (variant ${i + 1})`,
		styleHint: null,
	}));
	const recipe = { modality, reason: 'No app in this workspace fits; a model recipe does.', variants };
	if (brief.includes(BRIEF_MARKERS.recipeNeedsInput) && !isPlainObject(body.inputs)) {
		return {
			started: false,
			data: {
				status: 'needs_input',
				mode: 'recipe',
				recipe,
				modality,
				askUser: [{ name: 'productImage', question: 'Please give a link to the product photo to use.' }],
				warnings: [],
			},
		};
	}
	const run = launchFreestyle(sim, modality, numVariants, brief);
	return {
		started: true,
		data: {
			status: 'ran',
			mode: 'recipe',
			runId: run.runId,
			recipe,
			modality,
			picks: null,
			numVariants,
			submittedCount: numVariants,
			failedCount: 0,
			warnings: [],
		},
	};
}

export async function createContent(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const answer = answerBrief(sim, body, ctx.legacy);
	sendJson(ctx, answer.started ? 202 : 200, { data: answer.data });
}

export async function createContentBatch(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const items = body.items;
	if (!Array.isArray(items) || items.length < 1 || items.length > 10) {
		throw new HttpError(400, 'VALIDATION_ERROR', '"items" must be an array of 1 to 10 briefs', [
			'"items" must be an array of 1 to 10 content create bodies',
		]);
	}
	const idField = runIdField(ctx.legacy);
	const results = items.map((item, index) => {
		try {
			if (!isPlainObject(item)) throw new HttpError(400, 'VALIDATION_ERROR', 'item must be an object');
			const { data } = answerBrief(sim, item, ctx.legacy);
			const result: Record<string, unknown> = { index, status: data.status };
			if (typeof data[idField] === 'string') result[idField] = data[idField];
			return result;
		} catch (error) {
			return { index, status: 'error', error: error instanceof Error ? error.message : String(error) };
		}
	});
	sendJson(ctx, 200, { data: results });
}
