/**
 * Lamina's three kinds of run, in one place: where each one's status lives, how it is waited for,
 * whether it can be cancelled, and how its answer becomes the run every operation outputs.
 *
 * | kind      | started by                               | status                    | wait              | cancel |
 * | app       | Run App, Create from Brief (app mode)    | /v1/runs/{id}             | /wait, /stream    | yes    |
 * | model     | Generate Image / Generate Video          | /v1/generate/runs/{id}    | polling           | none   |
 * | freestyle | Create from Brief (recipe mode)          | /v1/freestyle/{id}        | polling           | none   |
 */
import { normaliseRun, type RunKind } from './runShape';

export { kindOf, type RunKind } from './runShape';
import type { LaminaRun, LaminaRunOutput } from './types';

export interface RunKindSpec {
	kind: RunKind;
	/** How errors and notes name a run of this kind. */
	noun: string;
	/** What a request for such a run is about, in errors (an app run's is `run "x"`, as before kinds). */
	subject(runId: string): string;
	statusPath(runId: string): string;
	/** Lamina's long-poll and event stream (app runs only); the others are polled. */
	longPoll: boolean;
	/** Undefined: Lamina has no cancel for this kind. */
	cancelPath?(runId: string): string;
}

const id = (runId: string) => encodeURIComponent(runId);

export const RUN_KINDS: Record<RunKind, RunKindSpec> = {
	app: {
		kind: 'app',
		noun: 'app run',
		subject: (runId) => `run "${runId}"`,
		statusPath: (runId) => `/v1/runs/${id(runId)}`,
		longPoll: true,
		cancelPath: (runId) => `/v1/runs/${id(runId)}/cancel`,
	},
	model: {
		kind: 'model',
		noun: 'model run',
		subject: (runId) => `model run "${runId}"`,
		statusPath: (runId) => `/v1/generate/runs/${id(runId)}`,
		longPoll: false,
	},
	freestyle: {
		kind: 'freestyle',
		noun: 'freestyle run',
		subject: (runId) => `freestyle run "${runId}"`,
		statusPath: (runId) => `/v1/freestyle/${id(runId)}`,
		longPoll: false,
	},
};

/**
 * The order a run of unknown kind is looked for (a 404 means "not this kind"). App runs first,
 * unlike the CLI (generate first): a run ID given to Get/Wait/Cancel is most often an app run's,
 * which then costs one request, as before model runs existed.
 */
export const LOOKUP_ORDER: RunKind[] = ['app', 'model', 'freestyle'];

export type Modality = 'image' | 'video';

/**
 * Milliseconds to wait before poll number `poll` (0-based) of a polled run. Images take 2–60 s:
 * 1 s at first, then 1.5× longer each time up to 5 s. Videos take 30 s–5 min: 3 s up to 15 s.
 * Either way a result is seen within a few seconds of existing, with a handful of requests.
 */
export function pollDelayMs(modality: Modality | undefined, poll: number): number {
	const [first, max] = modality === 'video' ? [3_000, 15_000] : [1_000, 5_000];
	return Math.min(max, Math.round(first * 1.5 ** Math.max(0, poll)));
}

function asObject(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * A model run's status (one `output`, singular) as a run with `outputs[]`: its output becomes
 * `outputs[0]` (labelled "Output") once it has a URL, so downloads, Simplify and outputsByLabel
 * work as for app runs.
 */
function fromModelRun(raw: Record<string, unknown>): LaminaRun {
	const { output, ...rest } = raw;
	const single = asObject(output);
	const outputs: LaminaRunOutput[] =
		single && typeof single.url === 'string' && single.url !== ''
			? [{ label: 'Output', type: typeof single.type === 'string' ? single.type : 'image', value: single.url, status: 'completed' }]
			: [];
	return { ...normaliseRun(rest), outputs };
}

/** Lamina's answer for a run of `kind` as the one run shape, marked with its kind. */
export function runOfKind(kind: RunKind, raw: unknown): LaminaRun {
	const body = asObject(raw) ?? {};
	const run = kind === 'model' ? fromModelRun(body) : normaliseRun(body);
	return { ...run, kind };
}

/**
 * A run as a webhook delivers it (`{ data: <run status> }`): a model run's status has one
 * `output` and no `outputs[]`; an app or freestyle run's has `outputs[]` (shaped alike).
 */
export function deliveredRun(raw: unknown): LaminaRun {
	const body = asObject(raw) ?? {};
	const isModelRun = 'output' in body && !Array.isArray(body.outputs);
	return isModelRun ? runOfKind('model', body) : normaliseRun(body);
}
