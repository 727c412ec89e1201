import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	ResourceMapperValue,
} from 'n8n-workflow';
import { jsonParse, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { isHttpUrl, validateRunInputs } from '../../shared/inputValidation';
import { isTerminal, normaliseRun } from '../../shared/runShape';
import { createLimiter } from '../../shared/limiter';
import type { LaminaApp } from '../../shared/types';
import { appLocator, getAppId } from '../appLocator';
import { asNodeError, errorItem } from '../perItem';
import { DEFAULT_MAX_WAIT_SECONDS, maxWaitOption, runItem, simplifyOption } from './common';
import { runFailedError, waitForRun } from './waitForRun';

const show = { resource: ['run'], operation: ['create'] };

export const description: INodeProperties[] = [
	appLocator({ show }, 'The Lamina app to run. Its inputs appear below once it is chosen.'),
	{
		displayName: 'Inputs',
		name: 'inputMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Map Each Input',
				value: 'fields',
				description: 'One field per app input, loaded from the app',
			},
			{
				name: 'Using JSON',
				value: 'json',
				description: 'An object of input name → value; handy for expressions and AI agents',
			},
		],
		default: 'fields',
		displayOptions: { show },
	},
	{
		displayName: 'Input Values',
		name: 'inputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['appId.value'],
			resourceMapper: {
				resourceMapperMethod: 'getAppInputs',
				mode: 'add',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				noFieldsError: 'This app has no inputs: just run it.',
			},
		},
		displayOptions: { show: { ...show, inputMode: ['fields'] } },
	},
	{
		displayName: 'Inputs (JSON)',
		name: 'inputsJson',
		type: 'json',
		default: '{\n  "Prompt": ""\n}',
		description:
			'Input names exactly as the app lists them (see Get App), e.g. {"Prompt": "a red bicycle", "Location": "Studio"}. Option inputs take one of their labels.',
		displayOptions: { show: { ...show, inputMode: ['json'] } },
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
				description: "Output each run's results once it finishes (Lamina's long-poll, no polling loop)",
			},
			{
				name: 'Wait for Webhook',
				value: 'webhook',
				description:
					'Lamina calls this execution back when the run ends; nothing is held open meanwhile and the wait survives an n8n restart (one item per execution)',
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
	{ ...maxWaitOption(['create']), displayOptions: { show: { ...show, waitMode: ['wait', 'webhook'] } } },
	simplifyOption(['create']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Concurrent Starts',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description:
					'How many items start their run at the same time. Started runs are all awaited together, so this bounds requests, not results.',
			},
			{
				displayName: 'Only These Outputs',
				name: 'outputs',
				type: 'string',
				default: '',
				placeholder: 'e.g. Hero Image, Caption',
				description: 'Comma-separated output labels to produce (default: all of the app’s outputs)',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/lamina',
				description:
					'Lamina POSTs the finished run to this URL, for example the production URL of a Lamina Trigger node',
			},
		],
	},
];

/** Lamina's webhook body names no app: tag the URL so a Lamina Trigger can filter and report it. */
export function tagWebhookUrl(webhookUrl: string, appId: string): string {
	const url = new URL(webhookUrl);
	url.searchParams.set('laminaAppId', appId);
	return url.toString();
}

interface CreateOptions {
	concurrency?: number;
	outputs?: string;
	webhookUrl?: string;
}

interface PreparedRun {
	app: LaminaApp;
	body: IDataObject;
	qs: IDataObject;
}

function readInputs(this: IExecuteFunctions, itemIndex: number): Record<string, unknown> {
	const mode = this.getNodeParameter('inputMode', itemIndex, 'fields') as string;
	if (mode === 'json') {
		const raw = this.getNodeParameter('inputsJson', itemIndex, '{}') as unknown;
		const parsed =
			typeof raw === 'string'
				? jsonParse<unknown>(raw || '{}', {
						errorMessage: 'Inputs (JSON) is not valid JSON. Write an object like {"Prompt": "a red bicycle"}.',
					})
				: raw;
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new NodeOperationError(this.getNode(), 'Inputs (JSON) must be an object of input name → value', {
				description: 'For example {"Prompt": "a red bicycle", "Location": "Studio"}.',
				itemIndex,
			});
		}
		return parsed as Record<string, unknown>;
	}
	const mapped = this.getNodeParameter('inputs', itemIndex, { value: null }) as ResourceMapperValue;
	return { ...(mapped?.value ?? {}) };
}

/** Everything that can be checked without starting a run: app, inputs, options. */
async function prepareRun(
	this: IExecuteFunctions,
	itemIndex: number,
	fetchApp: (appId: string, itemIndex?: number) => Promise<LaminaApp>,
	options: CreateOptions,
): Promise<PreparedRun> {
	const appId = getAppId.call(this, itemIndex);
	const given = readInputs.call(this, itemIndex);
	const app = await fetchApp(appId, itemIndex);
	const { inputs, problems } = validateRunInputs(app.parameters ?? [], given);
	if (problems.length) {
		const [first, ...rest] = problems;
		throw new NodeOperationError(
			this.getNode(),
			rest.length ? `${first.message} (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : first.message,
			{
				description: `Inputs of "${app.name}" that need fixing:\n- ${problems.map((p) => p.message).join('\n- ')}`,
				itemIndex,
			},
		);
	}

	const qs: IDataObject = {};
	const webhookUrl = options.webhookUrl?.trim();
	if (this.getNodeParameter('waitMode', itemIndex, 'wait') === 'webhook') {
		if (webhookUrl) {
			throw new NodeOperationError(this.getNode(), 'Webhook URL cannot be set with Wait Mode "Wait for Webhook"', {
				description: 'That mode points Lamina at this execution. Clear Options → Webhook URL, or pick another Wait Mode.',
				itemIndex,
			});
		}
		// n8n signs the resume URL; Lamina calls it back with the finished run.
		qs.webhook = this.getSignedResumeUrl({ laminaAppId: app.appId });
	} else if (webhookUrl) {
		if (!isHttpUrl(webhookUrl)) {
			throw new NodeOperationError(this.getNode(), `Webhook URL is not an http(s) URL: "${webhookUrl}"`, {
				description: 'Use a full URL such as a Lamina Trigger node’s production URL, or clear the option.',
				itemIndex,
			});
		}
		qs.webhook = tagWebhookUrl(webhookUrl, app.appId);
	}
	const body: IDataObject = { inputs: inputs as IDataObject };
	const wanted = (options.outputs ?? '').split(',').map((label) => label.trim()).filter(Boolean);
	if (wanted.length) {
		const known = (app.outputs ?? []).map((output) => output.label);
		const unknown = known.length ? wanted.filter((label) => !known.some((k) => k.toLowerCase() === label.toLowerCase())) : [];
		if (unknown.length) {
			throw new NodeOperationError(this.getNode(), `"${unknown[0]}" is not an output of "${app.name}"`, {
				description: `Only These Outputs takes labels from: ${known.map((k) => `"${k}"`).join(', ')}.`,
				itemIndex,
			});
		}
		body.outputs = wanted;
	}
	return { app, body, qs };
}

/**
 * Run App for all items: every item is checked first (nothing starts if an input is wrong),
 * runs start under a bounded number of concurrent requests, and started runs are awaited
 * together, so 50 two-second runs take about two seconds, not a hundred.
 */
export async function execute(
	this: IExecuteFunctions,
	itemCount: number,
	fetchApp: (appId: string, itemIndex?: number) => Promise<LaminaApp>,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[][] = new Array(itemCount);
	const prepared: Array<PreparedRun | undefined> = new Array(itemCount);

	const webhookMode = this.getNodeParameter('waitMode', 0, 'wait') === 'webhook';
	if (webhookMode && itemCount > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Wait Mode "Wait for Webhook" takes one item; this node received ${itemCount}`,
			{
				description:
					'n8n resumes a waiting execution once. For many items use "Wait for Completion", or "Don\'t Wait" with Options → Webhook URL set to a Lamina Trigger’s URL.',
			},
		);
	}

	const firstOptions = this.getNodeParameter('options', 0, {}) as CreateOptions;
	const startLimit = createLimiter(Math.max(1, Math.floor(firstOptions.concurrency ?? 5)));
	// Check every item before starting anything; each distinct app is fetched once.
	await Promise.all(
		Array.from({ length: itemCount }, async (_, itemIndex) => {
			try {
				const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
				prepared[itemIndex] = await startLimit(() => prepareRun.call(this, itemIndex, fetchApp, options));
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (!continueOnFail) throw nodeError;
				results[itemIndex] = [errorItem(nodeError, itemIndex)];
			}
		}),
	);

	const started: string[] = [];
	let stopStarting: NodeApiError | NodeOperationError | undefined;
	await Promise.all(
		prepared.map(async (run, itemIndex) => {
			if (!run) return;
			try {
				const queued = await startLimit(async () => {
					if (stopStarting) return undefined;
					const data = await laminaData.call(this, {
						method: 'POST',
						path: `/v1/apps/${encodeURIComponent(run.app.appId)}/runs`,
						qs: run.qs,
						body: run.body,
						startsRun: true,
						subject: `app "${run.app.appId}"`,
						itemIndex,
					});
					return normaliseRun(data);
				});
				if (!queued) return;
				started[itemIndex] = queued.runId;

				const waitMode = this.getNodeParameter('waitMode', itemIndex, 'wait') as string;
				const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
				if (waitMode === 'webhook') {
					const maxWaitSeconds = this.getNodeParameter('maxWaitSeconds', itemIndex, DEFAULT_MAX_WAIT_SECONDS) as number;
					await this.putExecutionToWait(new Date(Date.now() + maxWaitSeconds * 1000));
				}
				if (waitMode !== 'wait') {
					results[itemIndex] = [{ json: runItem(queued, { appId: run.app.appId, simplify }), pairedItem: { item: itemIndex } }];
					return;
				}
				const maxWaitSeconds = this.getNodeParameter('maxWaitSeconds', itemIndex, DEFAULT_MAX_WAIT_SECONDS) as number;
				const { run: finished, timedOut } = await waitForRun.call(this, queued.runId, {
					maxWaitMs: maxWaitSeconds * 1000,
					itemIndex,
					pollIntervalMs: run.app.modality === 'video' ? 12_000 : 4_000,
				});
				if (isTerminal(finished) && finished.status !== 'completed') {
					throw runFailedError(this, finished, itemIndex);
				}
				results[itemIndex] = [
					{
						json: runItem(finished, {
							appId: run.app.appId,
							simplify,
							timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined,
						}),
						pairedItem: { item: itemIndex },
					},
				];
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (continueOnFail) {
					results[itemIndex] = [errorItem(nodeError, itemIndex)];
					return;
				}
				stopStarting ??= nodeError;
			}
		}),
	);

	if (stopStarting) {
		const others = started
			.map((runId, itemIndex) => (runId ? `item ${itemIndex}: ${runId}` : undefined))
			.filter(Boolean);
		if (others.length) {
			stopStarting.description = `${stopStarting.description ?? ''}\nRuns that did start keep running in Lamina (use "Wait for Run" to collect them): ${others.join(', ')}`.trim();
		}
		throw stopStarting;
	}
	return results.flat();
}
