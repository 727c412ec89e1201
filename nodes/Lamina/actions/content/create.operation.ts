import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { contentResultItem, readContentAnswer } from '../../shared/contentAnswer';
import { isTerminal, normaliseRun } from '../../shared/runShape';
import { appLocator } from '../appLocator';
import { checkMaxWait, includeProgressOption, maxWaitFields, maxWaitOption, maxWaitSecondsOf, progressTimeline, runItem } from '../run/common';
import type { RunBatch } from '../run/runBatch';
import { sendStart } from '../run/startedRuns';
import { ONLY_V1 } from '../versions';
import { runFailedError } from '../run/waitForRun';

const show = { resource: ['content'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Brief',
		name: 'brief',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A bright launch post for our new trail running shoe, outdoors at sunrise',
		description:
			'What you want, in plain words. Lamina picks the app and drafts its inputs from this; if it needs more, the item says what.',
		displayOptions: { show },
	},
	{
		...appLocator(
			{ show },
			'Optional: the app to use. Leave empty to let Lamina choose one that fits the brief.',
		),
		required: false,
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
				description: "Output the run's results once it finishes",
			},
			{
				name: "Don't Wait",
				value: 'none',
				description: 'Output the queued run at once; collect it later with "Wait for Run" or a Lamina Trigger',
			},
		],
		default: 'wait',
		displayOptions: { show },
	},
	{ ...maxWaitOption(['create']), displayOptions: { show: { ...show, waitMode: ['wait'], ...ONLY_V1 } } },
	...maxWaitFields('completion', { ...show, waitMode: ['wait'] }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { ...show, waitMode: ['wait'] } },
		options: [includeProgressOption],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Brand Profile ID',
				name: 'brandProfileId',
				type: 'string',
				default: '',
				description: "The brand profile whose voice and guardrails to apply (from Lamina's brand settings)",
			},
			{
				displayName: 'Campaign ID',
				name: 'campaignId',
				type: 'string',
				default: '',
				description: 'The Lamina campaign this content belongs to',
			},
			{
				displayName: 'Input Overrides',
				name: 'inputs',
				type: 'json',
				default: '{}',
				description:
					'App inputs to use as given instead of drafting them, by input name, e.g. {"Location": "Urban"}. Also where the answers to a "needs_input" result go.',
			},
			{
				displayName: 'Modality',
				name: 'modality',
				type: 'options',
				options: [
					{ name: 'Audio', value: 'audio' },
					{ name: 'Image', value: 'image' },
					{ name: 'Text', value: 'text' },
					{ name: 'Video', value: 'video' },
				],
				default: 'image',
				description: 'The kind of content to make, when the brief does not make it clear',
			},
			{
				displayName: 'Platform',
				name: 'platform',
				type: 'string',
				default: '',
				placeholder: 'e.g. instagram',
				description: 'Where the content will be posted, so Lamina can fit format and tone to it',
			},
			{
				displayName: 'Template ID',
				name: 'templateId',
				type: 'string',
				default: '',
				description: 'A Lamina template to start from',
			},
		],
	},
];

interface AdditionalFields {
	brandProfileId?: string;
	campaignId?: string;
	inputs?: string | IDataObject;
	modality?: string;
	platform?: string;
	templateId?: string;
}

export interface PreparedBrief {
	body: IDataObject;
	brief: string;
	appId?: string;
}

function readOverrides(this: IExecuteFunctions, raw: unknown, itemIndex: number): IDataObject | undefined {
	const parsed =
		typeof raw === 'string'
			? raw.trim() === ''
				? {}
				: jsonParse<unknown>(raw, {
						errorMessage: 'Input Overrides is not valid JSON. Write an object like {"Location": "Urban"}.',
					})
			: raw;
	if (parsed === undefined || parsed === null) return undefined;
	if (typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(this.getNode(), 'Input Overrides must be an object of input name → value', {
			description: 'For example {"Location": "Urban", "Style": "Cinematic"}, or {} for none.',
			itemIndex,
		});
	}
	return Object.keys(parsed).length ? (parsed as IDataObject) : undefined;
}

/** Everything knowable without a request: a brief that says something, valid overrides, the body. */
export function prepare(this: IExecuteFunctions, itemIndex: number): PreparedBrief {
	const rawBrief = this.getNodeParameter('brief', itemIndex, '') as unknown;
	const brief = typeof rawBrief === 'string' ? rawBrief.trim() : String(rawBrief ?? '').trim();
	if (!brief) {
		throw new NodeOperationError(this.getNode(), 'The brief is empty', {
			description:
				'Write in "Brief" what you want Lamina to make, e.g. "A bright launch post for our new trail running shoe". If it comes from an expression, check that the expression gives text for this item.',
			itemIndex,
		});
	}
	checkMaxWait(this, itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as AdditionalFields;
	const chosen = this.getNodeParameter('appId', itemIndex, '', { extractValue: true }) as unknown;
	const appId = typeof chosen === 'string' && chosen.trim() !== '' ? chosen.trim() : undefined;

	const body: IDataObject = { brief };
	for (const key of ['platform', 'modality', 'templateId', 'brandProfileId', 'campaignId'] as const) {
		const value = fields[key];
		if (typeof value === 'string' && value.trim() !== '') body[key] = value.trim();
	}
	if (appId) body.appId = appId;
	const inputs = readOverrides.call(this, fields.inputs, itemIndex);
	if (inputs) body.inputs = inputs;
	return { body, brief, appId };
}

/**
 * Sends the brief. A started run is waited for (unless "Don't Wait") and output like Run App's,
 * plus the app Lamina picked, its drafted inputs and warnings. An answer that started no run
 * (needs_input, needs_clarification, unmatched) is an ordinary item saying what is needed.
 * Part of `batch`: nothing is sent once another item failed the node, and the wait stops then.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	prepared: PreparedBrief,
	batch: RunBatch,
): Promise<IDataObject | undefined> {
	if (batch.failed) return undefined;
	const data = await sendStart(this, itemIndex, prepared.appId, () =>
		laminaData.call(this, {
			method: 'POST',
			path: '/v1/content/create',
			body: prepared.body,
			// It may start a run: repeated only when Lamina surely did not accept it.
			startsRun: true,
			subject: prepared.appId ? `app "${prepared.appId}"` : undefined,
			itemIndex,
		}),
	);
	const answer = readContentAnswer(data);
	if (answer.kind !== 'run') return contentResultItem(answer, prepared.brief);
	batch.runs.add(itemIndex, answer.runId, answer.runStatus);

	const appId = (answer.selectedApp?.appId as string | undefined) ?? prepared.appId;
	const context: IDataObject = {
		selectedApp: answer.selectedApp ?? null,
		draftedInputs: answer.draftedInputs ?? {},
		warnings: answer.warnings,
		// Recipe mode: the model recipe Lamina planned; the run is a freestyle run, one output per variant.
		...(answer.recipe ? { recipe: answer.recipe } : {}),
	};
	const waitMode = this.getNodeParameter('waitMode', itemIndex, 'wait') as string;
	if (waitMode !== 'wait') {
		const queued = normaliseRun({ ...answer.extra, runId: answer.runId, status: answer.runStatus, kind: answer.runKind });
		return { ...runItem(queued, { appId, simplify: false }), ...context };
	}

	const maxWaitSeconds = maxWaitSecondsOf(this, itemIndex, 'completion');
	const options = this.getNodeParameter('options', itemIndex, {}) as { includeProgress?: boolean };
	const timeline = progressTimeline(options.includeProgress);
	const { run, timedOut } = await batch.wait(itemIndex, answer.runId, {
		maxWaitMs: maxWaitSeconds * 1000,
		timeline,
		kind: answer.runKind,
		modality: answer.modality,
	});
	if (isTerminal(run) && run.status !== 'completed') throw runFailedError(this, run, itemIndex, timeline);
	return {
		...(answer.runKind === 'freestyle' ? answer.extra : {}),
		...runItem(run, { appId, simplify: false, timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined, timeline }),
		...context,
	};
}
