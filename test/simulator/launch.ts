/** Validating and starting a run: shared by Start Run and Content Create. */
import { producedOutputs } from './apps';
import { chargeRun } from './credits';
import { HttpError, isPlainObject } from './http';
import { validateInputs, validationDetails, type InputProblem } from './inputs';
import { behaviourFor, type SimState } from './state';
import type { SimApp, SimAppOutput, SimRun } from './types';

export interface LaunchRequest {
	inputs: unknown;
	outputs?: unknown;
	webhook?: string | null;
	source: 'api' | 'content';
}

/** A webhook URL must be absolute http(s); an empty one means none. */
export function parseWebhookUrl(raw: string | null | undefined): string | null {
	if (raw === null || raw === undefined || raw === '') return null;
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw new HttpError(400, 'WEBHOOK_INVALID_URL', `Webhook URL must be a valid http or https URL, got "${raw}"`);
	}
	return raw;
}

function selectOutputs(app: SimApp, requested: unknown): { outputs: SimAppOutput[]; problems: InputProblem[]; labels?: string[] } {
	const all = producedOutputs(app);
	if (requested === undefined || requested === null) return { outputs: all, problems: [] };
	if (!Array.isArray(requested) || !requested.every((r) => typeof r === 'string')) {
		return { outputs: all, problems: [{ field: 'outputs', message: 'must be an array of output labels' }] };
	}
	const labels = requested as string[];
	if (labels.length === 0) return { outputs: all, problems: [], labels };
	const wanted = labels.map((r) => r.toLowerCase());
	const known = all.map((o) => o.label.toLowerCase());
	const problems = labels
		.filter((r) => !known.includes(r.toLowerCase()))
		.map((r) => ({ field: 'outputs', message: `unknown output "${r}". Must be among: ${all.map((o) => o.label).join(', ')}` }));
	return { outputs: all.filter((o) => wanted.includes(o.label.toLowerCase())), problems, labels };
}

export function launchRun(sim: SimState, app: SimApp, request: LaunchRequest): SimRun {
	const webhookUrl = parseWebhookUrl(request.webhook);
	const rawInputs = request.inputs ?? {};
	if (!isPlainObject(rawInputs)) {
		throw new HttpError(400, 'VALIDATION_ERROR', '"inputs" must be an object', ['"inputs" must be an object']);
	}
	const { resolved, problems } = validateInputs(app, rawInputs);
	const selection = selectOutputs(app, request.outputs);
	const allProblems = [...problems, ...selection.problems];
	if (allProblems.length > 0) {
		throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid inputs', validationDetails(app, allProblems));
	}
	chargeRun(sim, app);
	sim.counters.runsStarted += 1;
	return sim.runs.start(app, behaviourFor(sim, app.appId), {
		inputs: rawInputs,
		resolvedInputs: resolved,
		outputs: selection.outputs,
		requestedOutputs: selection.labels,
		webhookUrl,
		source: request.source,
	});
}
