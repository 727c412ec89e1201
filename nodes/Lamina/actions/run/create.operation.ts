import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { cancelSignalOf } from '../../transport/cancellation';
import { isHttpUrl } from '../../shared/inputValidation';
import { downloadOutputsAsBinary } from '../../transport/download';
import { uploadBinaryAsAsset } from '../../transport/upload';
import type { BinaryNaming } from '../../shared/mediaFiles';
import { isTerminal, normaliseRun } from '../../shared/runShape';
import { createLimiter } from '../../shared/limiter';
import type { LaminaApp } from '../../shared/types';
import type { AppFetcher } from '../../transport/appDefinitions';
import { appLocator, getAppId } from '../appLocator';
import { checkEveryItem } from '../checkEveryItem';
import {
	checkedInputs,
	checkFileInputs,
	inputValues,
	markedUnknownToDefinition,
	readInputs,
	unknownToDefinition,
	type FileInput,
	type FileInputsOption,
	type GivenInputs,
} from './runInputs';
import { asNodeError, errorItem } from '../perItem';
import { RunBatch } from './runBatch';
import { sendStart } from './startedRuns';
import {
	checkMaxWait,
	type WaitModeTexts,
	waitModeFields,
	includeProgressOption,
	maxWaitFields,
	maxWaitOption,
	maxWaitSecondsOf,
	outputLabels,
	progressTimeline,
	runItem,
	simplifyOption,
	WAITED_APP_KEY,
	WAITED_RUN_KEY,
} from './common';
import { FROM_V1_1, ONLY_V1 } from '../versions';
import { runFailedError } from './waitForRun';
import { checkBalanceOption, creditRefusals, maxCreditsOption } from './creditCheck';

const show = { resource: ['run'], operation: ['create'] };

const WAIT_TEXTS: WaitModeTexts = {
	completion: "Output each run's results once it finishes",
	webhook: 'Pause this execution until Lamina calls back with the finished run (one item; Lamina must reach n8n)',
	none: 'Output the queued run at once; collect it later with "Wait for Run" or a Lamina Trigger',
};

const MAP_EACH_INPUT: INodePropertyOptions = {
	name: 'Map Each Input',
	value: 'fields',
	description: 'One field per app input, loaded from the app',
};
const MAP_AUTOMATICALLY: INodePropertyOptions = {
	name: 'Map Automatically',
	value: 'auto',
	description: "Use the incoming item's fields that are named like the app's inputs",
};
const USING_JSON: INodePropertyOptions = {
	name: 'Using JSON',
	value: 'json',
	description: 'An object of input name → value; handy for expressions and AI agents',
};

/** Inputs: in version 1 the resource mapper had its own "Map Automatically" beside this choice; from 1.1 it is one choice. */
function inputsChoice(options: INodePropertyOptions[], versions: typeof ONLY_V1): INodeProperties {
	return {
		displayName: 'Inputs',
		name: 'inputMode',
		type: 'options',
		noDataExpression: true,
		options,
		default: 'fields',
		displayOptions: { show: { ...show, ...versions } },
	};
}

function inputValuesMapper(supportAutoMap: boolean, versions: typeof ONLY_V1): INodeProperties {
	return {
		displayName: 'Input Values',
		name: 'inputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			// Files as Inputs changes which inputs need a value here.
			loadOptionsDependsOn: ['appId.value', 'options.fileInputs'],
			resourceMapper: {
				resourceMapperMethod: 'getAppInputs',
				mode: 'add',
				// n8n's own heading would read "Values to Send": name it as the field is named.
				valuesLabel: 'Input Values',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap,
				noFieldsError: 'No inputs to show yet: choose an app above. (An app without inputs needs none: just run it.)',
			},
		},
		displayOptions: { show: { ...show, inputMode: ['fields'], ...versions } },
	};
}

/** Options that apply only while the node waits for the run in this execution. */
const WHEN_WAITING = { '/waitMode': ['wait'] };

const INPUTS_JSON_HINT = 'Input names as the app lists them: Lamina → App → Get shows each input and its choices';

export const description: INodeProperties[] = [
	appLocator({ show }, 'The Lamina app to run. Its inputs appear below once it is chosen.'),
	inputsChoice([MAP_EACH_INPUT, USING_JSON], ONLY_V1),
	inputsChoice([MAP_EACH_INPUT, MAP_AUTOMATICALLY, USING_JSON], FROM_V1_1),
	inputValuesMapper(true, ONLY_V1),
	inputValuesMapper(false, FROM_V1_1),
	{
		displayName:
			'The incoming item’s fields that are named like the app’s inputs (by name, key or ID) are sent; its other fields are not',
		name: 'autoMapNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, inputMode: ['auto'] } },
	},
	{
		displayName: 'Inputs (JSON)',
		name: 'inputsJson',
		type: 'json',
		default: '{\n  "Prompt": ""\n}',
		description:
			'Input names exactly as the app lists them (see Get App), e.g. {"Prompt": "a red bicycle", "Location": "Studio"}. Option inputs take one of their labels.',
		displayOptions: { show: { ...show, inputMode: ['json'], ...ONLY_V1 } },
	},
	{
		displayName: 'Inputs (JSON)',
		name: 'inputsJson',
		type: 'json',
		default: '{}',
		placeholder: '{"Prompt": "a red bicycle", "Location": "Studio"}',
		hint: INPUTS_JSON_HINT,
		description: 'An object of input name → value, e.g. {"Prompt": "a red bicycle"}. Option inputs take one of their labels.',
		displayOptions: { show: { ...show, inputMode: ['json'], ...FROM_V1_1 } },
	},
	...waitModeFields(show, WAIT_TEXTS),
	{ ...maxWaitOption(['create']), displayOptions: { show: { ...show, waitMode: ['wait'], ...ONLY_V1 } } },
	{
		...maxWaitOption(['create']),
		description:
			'How long the execution waits for Lamina’s call. After that n8n goes on with the input item; the run goes on.',
		displayOptions: { show: { ...show, waitMode: ['webhook'], ...ONLY_V1 } },
	},
	...maxWaitFields('completion', { ...show, waitMode: ['wait'] }),
	...maxWaitFields('webhook', { ...show, waitMode: ['webhook'] }),
	{
		displayName:
			'In this mode a failed or cancelled run does not stop the workflow: it comes out as an item with an error field. Check {{ $json.error }} in an If node.',
		name: 'webhookFailureNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, waitMode: ['webhook'] } },
	},
	simplifyOption(['create']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			checkBalanceOption,
			{
				displayName: 'Concurrent Starts',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description: 'How many items start their run at the same time',
				displayOptions: { hide: { '/waitMode': ['webhook'] } },
			},
			{
				displayName: 'Download Outputs',
				name: 'downloadOutputs',
				type: 'boolean',
				default: false,
				description: 'Whether to attach each finished image, video or audio output as a file (binary data); text stays in JSON',
				displayOptions: { show: WHEN_WAITING },
			},
			{
				displayName: 'Downloaded Field Names',
				name: 'binaryNaming',
				type: 'options',
				options: [
					{ name: 'By Output Label', value: 'label', description: 'Named after the output’s label: Hero_Image for "Hero Image"' },
					{ name: 'By Position', value: 'index', description: 'The prefix plus the output’s position: data0, data1, …' },
				],
				default: 'label',
				description: 'How the binary fields that hold the downloaded files are named',
				displayOptions: { show: { ...WHEN_WAITING, downloadOutputs: [true] } },
			},
			{
				// Version 1 also used the prefix for a label that can't be a field name: keep it shown there.
				displayName: 'Downloaded Field Prefix',
				name: 'binaryPrefix',
				type: 'string',
				default: 'data',
				description: 'The binary fields are named this prefix plus the output’s position: data0, data1, …',
				displayOptions: { show: { ...WHEN_WAITING, downloadOutputs: [true], ...ONLY_V1 } },
			},
			{
				displayName: 'Downloaded Field Prefix',
				name: 'binaryPrefix',
				type: 'string',
				default: 'data',
				description: 'The binary fields are named this prefix plus the output’s position: data0, data1, …',
				displayOptions: { show: { ...WHEN_WAITING, downloadOutputs: [true], binaryNaming: ['index'], ...FROM_V1_1 } },
			},
			{
				displayName: 'Files as Inputs',
				name: 'fileInputs',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add File Input',
				default: {},
				description:
					'Upload a file of the incoming item to Lamina and use it for a URL input (instead of a public URL)',
				options: [
					{
						displayName: 'File Input',
						name: 'files',
						values: [
							{
								displayName: 'Input Name or ID',
								name: 'input',
								type: 'options',
								typeOptions: { loadOptionsMethod: 'getUrlInputs', loadOptionsDependsOn: ['appId.value'] },
								default: '',
								description:
									'The app’s URL input that gets the file. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
							},
							{
								displayName: 'Input Binary Field',
								name: 'binaryPropertyName',
								type: 'string',
								default: 'data',
								description: 'The binary field of the incoming item that holds the file',
							},
						],
					},
				],
			},
			{ ...includeProgressOption, displayOptions: { show: WHEN_WAITING } },
			{
				displayName: 'Only These Output Names or IDs',
				name: 'outputs',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getAppOutputs', loadOptionsDependsOn: ['appId.value'] },
				default: [],
				description:
					'The app’s outputs to produce; none chosen means all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				displayOptions: { show: FROM_V1_1 },
			},
			maxCreditsOption,
			{
				displayName: 'Only These Outputs',
				name: 'outputs',
				type: 'string',
				default: '',
				placeholder: 'e.g. Hero Image, Caption',
				description: 'Comma-separated output labels to produce (default: all of the app’s outputs)',
				displayOptions: { show: ONLY_V1 },
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/lamina',
				description: 'Lamina POSTs the finished run to this URL, e.g. a Lamina Trigger node’s production URL',
				// Wait for Webhook points Lamina at this execution itself.
				displayOptions: { hide: { '/waitMode': ['webhook'] } },
			},
		],
	},
];

/**
 * This execution's resume URL for Lamina to call. n8n 2.x checks the execution's resume token
 * (in `$execution.resumeUrl`) and routes to the waiting node by its ID in the path.
 */
export function resumeUrlFor(this: IExecuteFunctions, itemIndex: number, appId: string): string {
	const url = new URL(String(this.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex)));
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(this.getNode().id)}`;
	url.searchParams.set('laminaAppId', appId);
	return url.toString();
}

type CustomData = IExecuteFunctions['customData'];

/** The execution's custom data: `this.customData` in n8n 2.x; n8n 1.x has it only on `$execution`. */
function executionCustomData(context: IExecuteFunctions): CustomData {
	const own = (context as { customData?: CustomData }).customData;
	return own ?? (context.getWorkflowDataProxy(0).$execution as { customData: CustomData }).customData;
}

/**
 * If Max Wait Time passes before Lamina calls, n8n resumes the execution with this node's input
 * item (what it put out while waiting is dropped), so the run ID is kept in the execution's custom
 * data (`$execution.customData.get('laminaRunId')`, also shown in the executions list). The resume
 * call checks it too: only the run this execution waits for resumes it. The keys are reserved
 * before the run starts, so a workflow that already uses n8n's 10 custom data keys is told at once.
 */
export function keepRunIdInExecution(context: IExecuteFunctions, runId: string, appId: string, itemIndex: number): void {
	let problem: string | undefined;
	let customData: CustomData | undefined;
	try {
		customData = executionCustomData(context);
		customData.setAll({ [WAITED_RUN_KEY]: runId, [WAITED_APP_KEY]: appId });
	} catch (error) {
		problem = (error as Error).message;
	}
	// Past n8n's 10 keys a new key is dropped without a word: read it back.
	if (problem !== undefined || customData?.get(WAITED_RUN_KEY) !== runId) {
		throw new NodeOperationError(
			context.getNode(),
			'Wait Mode "Wait for Webhook" needs two of the execution’s custom data keys, and none are free',
			{
				description: `It keeps the run ID (${WAITED_RUN_KEY}) and app ID (${WAITED_APP_KEY}) there, and n8n keeps at most 10 keys per execution. Set fewer in earlier nodes, or use "Wait for Completion".${problem ? ` (${problem})` : ''}`,
				itemIndex,
			},
		);
	}
}

/**
 * Where Lamina calls back when the run ends: this execution's resume URL in Wait for Webhook
 * (keeping the run's place in custom data first), else Options → Webhook URL exactly as given
 * (whatever receives it may match or sign it exactly), else nowhere. App runs take it as
 * `?webhook=`, model runs as `webhookUrl` in the body. `subjectId`: the app or model run.
 */
export function callbackUrlFor(this: IExecuteFunctions, itemIndex: number, subjectId: string, webhookUrlOption: string | undefined): string | undefined {
	const webhookUrl = webhookUrlOption?.trim();
	if (this.getNodeParameter('waitMode', itemIndex, 'wait') === 'webhook') {
		if (webhookUrl) {
			throw new NodeOperationError(this.getNode(), 'Webhook URL cannot be set with Wait Mode "Wait for Webhook"', {
				description: 'That mode points Lamina at this execution. Clear Options → Webhook URL, or pick another Wait Mode.',
				itemIndex,
			});
		}
		const resumeUrl = resumeUrlFor.call(this, itemIndex, subjectId);
		keepRunIdInExecution(this, 'not started yet', subjectId, itemIndex);
		return resumeUrl;
	}
	if (!webhookUrl) return undefined;
	if (!isHttpUrl(webhookUrl)) {
		throw new NodeOperationError(this.getNode(), `Webhook URL is not an http(s) URL: "${webhookUrl}"`, {
			description: 'Use a full URL such as a Lamina Trigger node’s production URL, or clear the option.',
			itemIndex,
		});
	}
	return webhookUrl;
}

interface CreateOptions {
	concurrency?: number;
	downloadOutputs?: boolean;
	binaryNaming?: BinaryNaming;
	binaryPrefix?: string;
	fileInputs?: FileInputsOption;
	includeProgress?: boolean;
	/** Version 1: comma-separated labels; from 1.1: the labels picked. */
	outputs?: string | string[];
	webhookUrl?: string;
}

interface PreparedRun {
	app: LaminaApp;
	/** Files of the item to upload as assets just before the run starts. */
	files: FileInput[];
	/** The inputs as the user gave them, to check again against a refreshed definition. */
	given: Record<string, unknown>;
	body: IDataObject;
	qs: IDataObject;
	/** Wait for Completion: Lamina's 429s are waited out for as long as Max Wait Time (else the default). */
	rateLimitPatienceMs?: number;
}

/**
 * Starts one run. If Lamina rejects the inputs, the app definition may have changed since it
 * was cached: check them against a fresh one and, when that changes what we send, try once more
 * (a 400 means Lamina started nothing, so this cannot start a run twice). Files are uploaded
 * first, and nothing is started once the batch failed; a start that was sent is not aborted.
 */
async function startRun(this: IExecuteFunctions, batch: RunBatch, run: PreparedRun, itemIndex: number, fetchApp: AppFetcher) {
	const post = (body: IDataObject) =>
		sendStart(this, itemIndex, run.app.appId, () =>
			laminaData.call(this, {
				method: 'POST',
				path: `/v1/apps/${encodeURIComponent(run.app.appId)}/runs`,
				qs: run.qs,
				body,
				startsRun: true,
				subject: `app "${run.app.appId}"`,
				itemIndex,
				// Still queued for a slot when another item failed the node: never sent, nothing started.
				unsentSignal: cancelSignalOf(batch.waiting),
				rateLimitPatienceMs: run.rateLimitPatienceMs,
			}),
		);
	// Files become asset URLs just before the start; a retry below sends the same ones again.
	const assets: Record<string, string> = {};
	if (run.files.length) {
		const inputs = { ...(run.body.inputs as IDataObject) };
		for (const file of run.files) {
			const asset = await uploadBinaryAsAsset.call(batch.waiting, itemIndex, file.binaryPropertyName, file.mediaType, {
				field: 'Files as Inputs → Input Binary Field',
			});
			inputs[file.input] = asset.assetUrl;
			assets[file.requested] = asset.assetUrl;
		}
		run = { ...run, body: { ...run.body, inputs } };
	}
	if (batch.failed) return undefined;
	try {
		return normaliseRun(await post(run.body));
	} catch (error) {
		const rejected = asNodeError(this, error, itemIndex);
		if (rejected.context.laminaCode !== 'VALIDATION_ERROR') throw rejected;
		const fresh = await fetchApp.refresh(run.app.appId, itemIndex);
		// A file input the newer definition no longer has fails this check: then nothing is retried.
		const inputs = checkedInputs.call(this, fresh, { ...run.given, ...assets }, itemIndex);
		if (JSON.stringify(inputs) === JSON.stringify(run.body.inputs)) throw rejected;
		return normaliseRun(await post({ ...run.body, inputs: inputs as IDataObject }));
	}
}

/**
 * Everything that can be checked without starting a run: app, inputs, options. A refusal of
 * something the app definition doesn't list (an input, an option label, an output) is checked
 * against a fresh definition first: a cached one may predate the app's latest change.
 */
async function prepareRun(
	this: IExecuteFunctions,
	itemIndex: number,
	fetchApp: AppFetcher,
	options: CreateOptions,
): Promise<PreparedRun> {
	const appId = getAppId.call(this, itemIndex);
	const read = readInputs.call(this, itemIndex);
	checkMaxWait(this, itemIndex);
	const app = await fetchApp(appId, itemIndex);
	try {
		return prepareFor.call(this, app, read, itemIndex, options);
	} catch (error) {
		const refusal = asNodeError(this, error, itemIndex);
		if (!unknownToDefinition(refusal)) throw refusal;
		// A failed lookup leaves the refusal as it was.
		const fresh = await fetchApp.refreshStale(appId, itemIndex).catch(() => undefined);
		if (!fresh) throw refusal;
		return prepareFor.call(this, fresh, read, itemIndex, options);
	}
}

function prepareFor(this: IExecuteFunctions, app: LaminaApp, read: GivenInputs, itemIndex: number, options: CreateOptions): PreparedRun {
	const given = inputValues.call(this, read, app, itemIndex);
	const files = checkFileInputs.call(this, app, given, options.fileInputs, itemIndex);
	// A file counts as the input's value; its asset URL is known only after the upload.
	const placeholders = Object.fromEntries(files.map((file) => [file.input, 'https://upload.pending/asset']));
	const inputs = checkedInputs.call(this, app, { ...given, ...placeholders }, itemIndex);
	for (const file of files) delete inputs[file.input];
	const qs: IDataObject = {};
	const callback = callbackUrlFor.call(this, itemIndex, app.appId, options.webhookUrl);
	if (callback) qs.webhook = callback;
	const body: IDataObject = { inputs: inputs as IDataObject };
	const wanted = outputLabels(options.outputs);
	if (wanted.length) {
		const known = (app.outputs ?? []).map((output) => output.label);
		const unknown = known.length ? wanted.filter((label) => !known.some((k) => k.toLowerCase() === label.toLowerCase())) : [];
		if (unknown.length) {
			throw markedUnknownToDefinition(
				new NodeOperationError(this.getNode(), `"${unknown[0]}" is not an output of "${app.name}"`, {
					description: `Only These Outputs takes labels from: ${known.map((k) => `"${k}"`).join(', ')}.`,
					itemIndex,
				}),
			);
		}
		body.outputs = wanted;
	}
	const waiting = this.getNodeParameter('waitMode', itemIndex, 'wait') === 'wait';
	const rateLimitPatienceMs = waiting ? maxWaitSecondsOf(this, itemIndex, 'completion') * 1000 : undefined;
	return { app, files, given, body, qs, rateLimitPatienceMs };
}

/**
 * Run App for all items: every item is checked first (nothing starts if an input is wrong),
 * runs start under a bounded number of concurrent requests, and started runs are awaited
 * together, so 50 two-second runs take about two seconds, not a hundred.
 */
export async function execute(
	this: IExecuteFunctions,
	itemCount: number,
	fetchApp: AppFetcher,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array(itemCount);

	const webhookMode = this.getNodeParameter('waitMode', 0, 'wait') === 'webhook';
	if (webhookMode && this.getNode().type.endsWith('Tool')) {
		throw new NodeOperationError(this.getNode(), 'Wait Mode "Wait for Webhook" can’t be used by an AI Agent', {
			description:
				'It suspends the execution until Lamina calls back, but the agent needs the result now. Set Wait Mode to "Wait for Completion".',
		});
	}
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
	const checks = await checkEveryItem(this, itemCount, (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
		return startLimit(() => prepareRun.call(this, itemIndex, fetchApp, options));
	});
	const prepared = checks.map((check, itemIndex) => {
		if (!(check instanceof Error)) return check;
		results[itemIndex] = [errorItem(check, itemIndex)];
		return undefined;
	});
	// Max Credits per Run: every refusal is known before the first run starts.
	const refusals = await creditRefusals(this, prepared.map((run, itemIndex) => run && { itemIndex, app: run.app }), fetchApp);
	refusals.forEach((refusal, itemIndex) => {
		if (!refusal) return;
		if (!this.continueOnFail()) throw refusal;
		results[itemIndex] = [errorItem(refusal, itemIndex)];
		prepared[itemIndex] = undefined;
	});

	// Without Continue On Fail the first failure ends the node at once: the other waits and
	// downloads are stopped, and every run started is listed in the error.
	const batch = new RunBatch(this, 'started');
	const work = Promise.all(
		prepared.map(async (run, itemIndex) => {
			if (!run) return;
			try {
				const queued = await startLimit(async () => {
					if (batch.failed) return undefined;
					return await startRun.call(this, batch, run, itemIndex, fetchApp);
				});
				if (!queued) return;
				batch.runs.add(itemIndex, queued.runId, queued.status);

				const waitMode = this.getNodeParameter('waitMode', itemIndex, 'wait') as string;
				const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
				if (waitMode === 'webhook') {
					const maxWaitSeconds = maxWaitSecondsOf(this, itemIndex, 'webhook');
					keepRunIdInExecution(this, queued.runId, run.app.appId, itemIndex);
					await this.putExecutionToWait(new Date(Date.now() + maxWaitSeconds * 1000));
				}
				if (waitMode !== 'wait') {
					results[itemIndex] = [{ json: runItem(queued, { appId: run.app.appId, simplify }), pairedItem: { item: itemIndex } }];
					return;
				}
				const maxWaitSeconds = maxWaitSecondsOf(this, itemIndex, 'completion');
				const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
				const timeline = progressTimeline(options.includeProgress);
				const { run: finished, timedOut } = await batch.wait(itemIndex, queued.runId, {
					maxWaitMs: maxWaitSeconds * 1000,
					pollIntervalMs: run.app.modality === 'video' ? 12_000 : 4_000,
					timeline,
				});
				if (batch.failed) return;
				if (isTerminal(finished) && finished.status !== 'completed') {
					throw runFailedError(this, finished, itemIndex, timeline);
				}
				const binary =
					options.downloadOutputs && finished.status === 'completed'
						? await downloadOutputsAsBinary.call(batch.waiting, finished, itemIndex, {
								naming: options.binaryNaming ?? 'label',
								prefix: options.binaryPrefix ?? 'data',
							})
						: undefined;
				if (batch.failed) return;
				results[itemIndex] = [
					{
						json: runItem(finished, {
							appId: run.app.appId,
							simplify,
							timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined,
							timeline,
						}),
						...(binary && Object.keys(binary).length ? { binary } : {}),
						pairedItem: { item: itemIndex },
					},
				];
			} catch (error) {
				const item = batch.itemFailed(error, itemIndex);
				if (item) results[itemIndex] = [item];
			}
		}),
	);
	await batch.settle(work);
	return results.flat();
}
