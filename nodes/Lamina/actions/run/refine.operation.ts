import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { cancelSignalOf } from '../../transport/cancellation';
import { downloadOutputsAsBinary } from '../../transport/download';
import type { BinaryNaming } from '../../shared/mediaFiles';
import { isTerminal, normaliseRun } from '../../shared/runShape';
import { includeProgressOption, maxWaitOption, progressTimeline, runIdField, runItem, simplifyOption } from './common';
import { requireRunId } from './runId';
import type { RunBatch } from './runBatch';
import { sendStart } from './startedRuns';
import { runFailedError } from './waitForRun';

const show = { resource: ['run'], operation: ['refine'] };

export const description: INodeProperties[] = [
	runIdField(['refine'], 'The finished run to refine, e.g. the runId of a Run App item'),
	{
		displayName: 'Feedback',
		name: 'feedback',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		placeholder: 'e.g. Make the background warmer and crop tighter on the product',
		description: 'What to change, in plain words. Lamina re-runs the steps it concerns; this is billed like a run.',
		displayOptions: { show },
	},
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Wait for Completion',
				value: 'wait',
				description: "Output the refined run's results once it finishes (Lamina's long-poll, no polling loop)",
			},
			{
				name: "Don't Wait",
				value: 'none',
				description: 'Output the refinement at once; collect its run later with "Wait for Run" or a Lamina Trigger',
			},
		],
		default: 'wait',
		displayOptions: { show },
	},
	{ ...maxWaitOption(['refine']), displayOptions: { show: { ...show, waitMode: ['wait'] } } },
	simplifyOption(['refine']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { ...show, waitMode: ['wait'] } },
		options: [
			{
				displayName: 'Download Outputs',
				name: 'downloadOutputs',
				type: 'boolean',
				default: false,
				description: 'Whether to attach each finished image, video or audio output as a file (n8n binary data); text stays in JSON',
			},
			{
				displayName: 'Downloaded Field Prefix',
				name: 'binaryPrefix',
				type: 'string',
				default: 'data',
				description: 'With names by position: the binary fields are this prefix plus the output’s position',
			},
			{
				displayName: 'Downloaded File Names',
				name: 'binaryNaming',
				type: 'options',
				options: [
					{ name: 'By Output Label (E.g. Hero_Image)', value: 'label' },
					{ name: 'By Position (E.g. Data0, Data1)', value: 'index' },
				],
				default: 'label',
				description: 'How Download Outputs names the binary fields',
			},
			includeProgressOption,
		],
	},
];

export interface PreparedRefinement {
	runId: string;
	feedback: string;
}

/** Run ID and feedback, checked for every item before the first is sent. */
export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedRefinement {
	const runId = requireRunId.call(this, itemIndex);
	const feedback = String(this.getNodeParameter('feedback', itemIndex, '') ?? '').trim();
	if (!feedback) {
		throw new NodeOperationError(this.getNode(), 'Feedback is empty', {
			description: 'Write in "Feedback" what to change about the run, e.g. "Make the background warmer".',
			itemIndex,
		});
	}
	return { runId, feedback };
}

interface RefineOptions {
	downloadOutputs?: boolean;
	binaryNaming?: BinaryNaming;
	binaryPrefix?: string;
	includeProgress?: boolean;
}

/**
 * Sends the feedback (it starts work that is billed: repeated only when Lamina surely did not take
 * it) and, unless "Don't Wait", waits for the run Lamina answers with (a new run or the same one
 * refined) as Run App waits, as part of `batch`. The item says what Lamina refined and from which run.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	prepared: PreparedRefinement,
	batch: RunBatch,
): Promise<INodeExecutionData | undefined> {
	if (batch.failed) return undefined;
	const answer = (await sendStart(this, itemIndex, undefined, () =>
		laminaData.call(this, {
			method: 'POST',
			path: `/v1/runs/${encodeURIComponent(prepared.runId)}/feedback`,
			body: { feedback: prepared.feedback },
			startsRun: true,
			subject: `run "${prepared.runId}"`,
			itemIndex,
			// Still queued for a slot when another item failed the node: never sent, nothing started.
			unsentSignal: cancelSignalOf(batch.waiting),
		}),
	)) as IDataObject;
	const refined = normaliseRun({ ...answer, runId: answer.runId ?? answer.executionId ?? prepared.runId });
	batch.runs.add(itemIndex, refined.runId, refined.status);
	const refinement: IDataObject = {
		refinedFrom: prepared.runId,
		summary: answer.summary ?? null,
		refinedNodes: Array.isArray(answer.refinedNodes) ? answer.refinedNodes : [],
	};
	const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
	const waitMode = this.getNodeParameter('waitMode', itemIndex, 'wait') as string;
	if (waitMode !== 'wait') return { json: { ...runItem(refined, { simplify }), ...refinement } };

	const maxWaitSeconds = this.getNodeParameter('maxWaitSeconds', itemIndex) as number;
	const options = this.getNodeParameter('options', itemIndex, {}) as RefineOptions;
	const timeline = progressTimeline(options.includeProgress);
	const { run, timedOut } = await batch.wait(itemIndex, refined.runId, { maxWaitMs: maxWaitSeconds * 1000, timeline });
	if (batch.failed) return undefined;
	if (isTerminal(run) && run.status !== 'completed') throw runFailedError(this, run, itemIndex, timeline);
	const binary =
		options.downloadOutputs && run.status === 'completed'
			? await downloadOutputsAsBinary.call(batch.waiting, run, itemIndex, {
					naming: options.binaryNaming ?? 'label',
					prefix: options.binaryPrefix ?? 'data',
				})
			: undefined;
	if (batch.failed) return undefined;
	return {
		json: {
			...runItem(run, { simplify, timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined, timeline }),
			...refinement,
		},
		...(binary && Object.keys(binary).length ? { binary } : {}),
	};
}
