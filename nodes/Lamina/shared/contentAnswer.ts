/**
 * Lamina's answers to a brief (POST /v1/content/create), every generation's shape, read into one
 * form: either a run was started, or Lamina needs something from a person before it can start one.
 */
import type { IDataObject } from 'n8n-workflow';

export interface ContentQuestion {
	/** The input the question is about, when it is about one. */
	name?: string;
	question: string;
}

export type ContentAnswer =
	| {
			kind: 'run';
			runId: string;
			/** The run's status as far as the answer says ('queued' unless told otherwise). */
			runStatus: string;
			selectedApp?: IDataObject;
			draftedInputs?: IDataObject;
			warnings: IDataObject[];
			extra: IDataObject;
			/** Which kind of run was started: a freestyle run in recipe mode (no app fit), else an app run. */
			runKind: 'app' | 'freestyle';
			/** Recipe mode: the model recipe Lamina planned and its modality. */
			recipe?: IDataObject;
			modality?: 'image' | 'video';
	  }
	| {
			kind: 'needs_input';
			questions: ContentQuestion[];
			selectedApp?: IDataObject;
			draftedInputs?: IDataObject;
			note?: string;
			/** Recipe mode: no app fits, and the planned recipe needs these answers. */
			recipe?: IDataObject;
	  }
	| { kind: 'needs_clarification'; questions: ContentQuestion[] }
	| { kind: 'unmatched'; reason?: string }
	| { kind: 'unknown'; status: string; raw: IDataObject };

/** Statuses of the answer itself; a run's own statuses (queued, running...) pass through. */
const STARTED_STATUSES = new Set(['ran', 'dispatched', 'started']);

function asObject(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** askUser `{ name, question }` (SDK 0.5.6+), the planner's `{ key, askUser, purpose }`, or plain strings. */
function readQuestions(list: unknown, fallback: (name: string) => string): ContentQuestion[] {
	if (!Array.isArray(list)) return [];
	return list
		.map((entry): ContentQuestion | undefined => {
			if (typeof entry === 'string') return text(entry) ? { question: entry.trim() } : undefined;
			const item = asObject(entry);
			if (!item) return undefined;
			const name = text(item.name) ?? text(item.key);
			const question =
				text(item.question) ?? text(item.askUser) ?? text(item.purpose) ?? text(item.description) ?? (name ? fallback(name) : undefined);
			if (!question) return undefined;
			return name ? { name, question } : { question };
		})
		.filter((q): q is ContentQuestion => q !== undefined);
}

const askFor = (name: string) => `What should "${name}" be?`;

export function readContentAnswer(raw: unknown): ContentAnswer {
	const answer = asObject(raw) ?? {};
	const status = text(answer.status)?.toLowerCase() ?? '';
	const runId = text(answer.runId) ?? text(answer.executionId);
	const selectedApp = asObject(answer.selectedApp);
	const draftedInputs = asObject(answer.draftedInputs) ?? asObject(answer.drafted);
	// The older SDK's shape: no run, and a `needsInput: { message, missing: [...] }`.
	const needsInput = asObject(answer.needsInput);

	if (status === 'needs_input' || (!runId && needsInput)) {
		const questions = [
			...readQuestions(answer.askUser, askFor),
			...readQuestions(needsInput?.missing, (name) => `Please provide "${name}".`),
		];
		const recipe = asObject(answer.recipe);
		return {
			kind: 'needs_input',
			questions,
			selectedApp,
			draftedInputs,
			note: text(needsInput?.message),
			...(recipe ? { recipe } : {}),
		};
	}
	if (status === 'needs_clarification') {
		return { kind: 'needs_clarification', questions: readQuestions(answer.clarifications ?? answer.questions, askFor) };
	}
	if (status === 'unmatched') return { kind: 'unmatched', reason: text(answer.reason) };
	if (runId) {
		const extra: IDataObject = {};
		for (const key of ['workflowId', 'workflowName', 'mode']) if (answer[key] !== undefined) extra[key] = answer[key];
		const mode = text(answer.mode)?.toLowerCase();
		// Recipe (or freestyle) mode started a freestyle run: its status is at /v1/freestyle/{id}.
		const freestyle = mode === 'recipe' || mode === 'freestyle';
		if (freestyle) {
			for (const key of ['picks', 'numVariants', 'submittedCount', 'failedCount']) if (answer[key] !== undefined) extra[key] = answer[key];
		}
		const recipe = asObject(answer.recipe);
		const modality = answer.modality === 'video' ? 'video' : answer.modality === 'image' ? 'image' : undefined;
		return {
			kind: 'run',
			runId,
			runStatus: !status || STARTED_STATUSES.has(status) ? 'queued' : status,
			selectedApp,
			draftedInputs,
			warnings: Array.isArray(answer.warnings) ? (answer.warnings as IDataObject[]) : [],
			extra,
			runKind: freestyle ? 'freestyle' : 'app',
			...(recipe ? { recipe } : {}),
			...(modality ? { modality } : {}),
		};
	}
	return { kind: 'unknown', status: status || 'unknown', raw: answer };
}

function sentence(questions: ContentQuestion[]): string {
	return questions.map((q) => q.question.replace(/\s+$/, '')).join(' ');
}

/**
 * The output item for an answer that started no run: what Lamina needs, in words a person or an
 * AI agent can act on, with the app Lamina picked and the inputs it drafted so far.
 */
export function contentResultItem(answer: Exclude<ContentAnswer, { kind: 'run' }>, brief: string): IDataObject {
	switch (answer.kind) {
		case 'needs_input': {
			const asked = sentence(answer.questions) || answer.note || 'some inputs are missing.';
			const appHint = answer.selectedApp?.appId ? ` and App set to "${String(answer.selectedApp.appId)}"` : '';
			if (answer.recipe) {
				return {
					status: 'needs_input',
					mode: 'recipe',
					message: `Lamina needs more information: ${asked}`,
					questions: answer.questions as unknown as IDataObject[],
					recipe: answer.recipe,
					brief,
					nextStep: `No app fits this brief, so Lamina planned a model recipe. Answer the questions, then run again with the answers in "Input Overrides" (keyed by name, e.g. {"${answer.questions[0]?.name ?? 'imageUrl'}": "..."}).`,
				};
			}
			return {
				status: 'needs_input',
				message: `Lamina needs more information: ${asked}`,
				questions: answer.questions as unknown as IDataObject[],
				selectedApp: answer.selectedApp ?? null,
				draftedInputs: answer.draftedInputs ?? {},
				brief,
				nextStep: `Answer the questions, then run again with the answers in "Input Overrides" (keyed by input name, e.g. {"${answer.questions[0]?.name ?? 'Prompt'}": "..."})${appHint}.`,
			};
		}
		case 'needs_clarification':
			return {
				status: 'needs_clarification',
				message: `Lamina needs the brief clarified: ${sentence(answer.questions) || 'it is too vague to pick an app.'}`,
				questions: answer.questions as unknown as IDataObject[],
				brief,
				nextStep: 'Add the answers to the brief and run again.',
			};
		case 'unmatched':
			return {
				status: 'unmatched',
				message: `No Lamina app matches this brief${answer.reason ? `: ${answer.reason}` : '.'}`,
				reason: answer.reason ?? null,
				brief,
				nextStep: 'Rephrase the brief (say whether you want an image, a video or text), or choose an app with "App".',
			};
		default:
			return {
				status: answer.status,
				message: `Lamina answered "${answer.status}" and started no run`,
				answer: answer.raw,
				brief,
			};
	}
}
