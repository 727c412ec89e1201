/**
 * Content → Run Plan: dispatches a plan from Plan from Brief as it stands (POST /v1/content/run),
 * without the router choosing again: an app plan runs its app with the drafted inputs, a recipe
 * plan starts a freestyle run; either is then waited for as its kind is.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { cancelSignalOf } from '../../transport/cancellation';
import { isTerminal, normaliseRun } from '../../shared/runShape';
import { DEFAULT_MAX_WAIT_SECONDS, maxWaitOption, runItem } from '../run/common';
import type { RunBatch } from '../run/runBatch';
import { sendStart } from '../run/startedRuns';
import { runFailedError } from '../run/waitForRun';

const show = { resource: ['content'], operation: ['runPlan'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Plan',
		name: 'plan',
		type: 'json',
		required: true,
		default: '={{ $json }}',
		description: 'The plan from Content → Plan from Brief (its whole item): status "plan", mode "app" (selectedApp, draftedInputs) or "recipe" (recipe)',
		displayOptions: { show },
	},
	{
		displayName: 'Input Overrides',
		name: 'inputOverrides',
		type: 'json',
		default: '{}',
		description: "Answers to the plan's askUser questions and any changed inputs, by name, e.g. {\"Location\": \"Urban\"}; they replace the drafted ones",
		displayOptions: { show },
	},
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Wait for Completion', value: 'wait', description: "Output the run's results once it finishes" },
			{ name: "Don't Wait", value: 'none', description: 'Output the queued run at once; collect it later with Run → "Wait for Run"' },
		],
		default: 'wait',
		displayOptions: { show },
	},
	{ ...maxWaitOption(['runPlan']), displayOptions: { show: { ...show, waitMode: ['wait'] } } },
];

function objectOf(this: IExecuteFunctions, raw: unknown, field: string, itemIndex: number): IDataObject {
	const value = typeof raw === 'string' ? jsonParse<unknown>(raw.trim() || '{}', { errorMessage: `${field} is not valid JSON` }) : raw;
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(this.getNode(), `${field} must be an object`, {
			description: field === 'Plan' ? 'Map the item of Plan from Brief, e.g. {{ $json }}.' : 'For example {"Location": "Urban"}, or {} for none.',
			itemIndex,
		});
	}
	return value as IDataObject;
}

export interface PreparedPlan {
	body: IDataObject;
	kind: 'app' | 'freestyle';
	modality?: 'image' | 'video';
	context: IDataObject;
}

/** The dispatch body, checked before anything is sent: a plan that can run, every askUser answered. */
export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedPlan {
	const plan = objectOf.call(this, this.getNodeParameter('plan', itemIndex, {}), 'Plan', itemIndex);
	const overrides = objectOf.call(this, this.getNodeParameter('inputOverrides', itemIndex, '{}'), 'Input Overrides', itemIndex);
	if (plan.status !== 'plan') {
		throw new NodeOperationError(this.getNode(), `This plan can't be run: its status is "${String(plan.status ?? 'missing')}", not "plan"`, {
			description:
				plan.status === 'needs_clarification'
					? 'Lamina needs the brief clarified: answer its clarifications in the brief and plan again.'
					: 'Map the item of Content → Plan from Brief whose status is "plan".',
			itemIndex,
		});
	}
	const asks = (Array.isArray(plan.askUser) ? plan.askUser : []) as IDataObject[];
	const unanswered = asks.filter((ask) => typeof ask.name === 'string' && (overrides[ask.name] === undefined || overrides[ask.name] === ''));
	if (unanswered.length) {
		throw new NodeOperationError(this.getNode(), `The plan asks for ${unanswered.map((ask) => `"${String(ask.name)}"`).join(', ')}, and Input Overrides has no answer`, {
			description: `${unanswered.map((ask) => `${String(ask.name)}: ${String(ask.question ?? '')}`).join(' ')} Put the answers in Input Overrides, e.g. {"${String(unanswered[0].name)}": "..."}.`,
			itemIndex,
		});
	}
	if (plan.mode === 'recipe') {
		const recipe = (plan.recipe ?? {}) as IDataObject;
		const modality = (recipe.modality ?? plan.modality) === 'video' ? 'video' : 'image';
		const variants = Array.isArray(recipe.variants) ? (recipe.variants as IDataObject[]) : [];
		if (!variants.length) {
			throw new NodeOperationError(this.getNode(), 'The recipe plan has no variants', { description: 'Map the whole item of Plan from Brief.', itemIndex });
		}
		// Answers go into each variant's prompt-free params, as the CLI's --input does for a recipe file.
		const withAnswers = Object.keys(overrides).length ? variants.map((v) => ({ ...v, imageParams: { ...((v.imageParams as IDataObject) ?? {}), ...overrides } })) : variants;
		return {
			body: { mode: 'freestyle', freestyleRecipe: { modality, variants: withAnswers }, numVariants: withAnswers.length },
			kind: 'freestyle',
			modality,
			context: { recipe },
		};
	}
	const selectedApp = (plan.selectedApp ?? {}) as IDataObject;
	if (typeof selectedApp.appId !== 'string' || !selectedApp.appId) {
		throw new NodeOperationError(this.getNode(), 'The app plan names no app (selectedApp.appId)', { description: 'Map the whole item of Plan from Brief.', itemIndex });
	}
	const inputs = { ...((plan.draftedInputs as IDataObject) ?? {}), ...overrides };
	return {
		body: { mode: 'app', appId: selectedApp.appId, inputs, ...(Array.isArray(plan.selectedOutputs) ? { outputs: plan.selectedOutputs } : {}) },
		kind: 'app',
		context: { selectedApp, draftedInputs: inputs },
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, prepared: PreparedPlan, batch: RunBatch): Promise<IDataObject | undefined> {
	if (batch.failed) return undefined;
	const appId = prepared.kind === 'app' ? String(prepared.body.appId) : undefined;
	const data = (await sendStart(this, itemIndex, appId, () =>
		laminaData.call(this, {
			method: 'POST',
			path: '/v1/content/run',
			body: prepared.body,
			startsRun: true,
			itemIndex,
			unsentSignal: cancelSignalOf(batch.waiting),
		}),
	)) as IDataObject;
	const runId = String(data?.runId ?? '');
	const queued = normaliseRun({ ...data, runId, status: typeof data?.status === 'string' ? data.status : 'queued', kind: prepared.kind });
	batch.runs.add(itemIndex, runId, queued.status);
	if (this.getNodeParameter('waitMode', itemIndex, 'wait') !== 'wait') return { ...runItem(queued, { appId, simplify: false }), ...prepared.context };
	const maxWaitSeconds = this.getNodeParameter('maxWaitSeconds', itemIndex, DEFAULT_MAX_WAIT_SECONDS) as number;
	const { run, timedOut } = await batch.wait(itemIndex, runId, { maxWaitMs: maxWaitSeconds * 1000, kind: prepared.kind, modality: prepared.modality });
	if (isTerminal(run) && run.status !== 'completed') throw runFailedError(this, run, itemIndex);
	return { ...runItem(run, { appId, simplify: false, timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined }), ...prepared.context };
}
