/**
 * Model → Generate Image / Generate Video: one model run per item with a model picked by id, its
 * parameters from the model's paramSchema, every rule checked before anything starts, waited for
 * by polling at the modality's cadence (the run kinds' one wait), downloaded like Run App's outputs.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';
import { jsonParse, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { cancelSignalOf } from '../../transport/cancellation';
import { downloadOutputsAsBinary } from '../../transport/download';
import { modelFetcher, type ModelModality } from '../../transport/modelDefinitions';
import { autoMapInputs } from '../../shared/inputValidation';
import type { BinaryNaming } from '../../shared/mediaFiles';
import { checkModelParams, paramValues, type LaminaModel } from '../../shared/modelParams';
import { runOfKind } from '../../shared/runKinds';
import { isTerminal } from '../../shared/runShape';
import { checked, checkEveryItem } from '../checkEveryItem';
import { asNodeError } from '../perItem';
import { checkMaxWait, DEFAULT_MAX_WAIT_SECONDS, maxWaitFields, maxWaitSecondsOf, runItem, waitModeFields, type WaitModeTexts } from '../run/common';
import { ONLY_V1 } from '../versions';
import { callbackUrlFor, keepRunIdInExecution } from '../run/create.operation';
import { forEachRunItem, RunBatch } from '../run/runBatch';
import { sendStart } from '../run/startedRuns';
import { runFailedError } from '../run/waitForRun';
import { checkModelFiles, uploadModelFiles, withPendingFiles, type ModelFileInput, type ModelFilesOption } from './modelFiles';
import { modelLocator } from './modelLocator';

export const GENERATE_OPERATIONS: Record<string, ModelModality> = { generateImage: 'image', generateVideo: 'video' };
const show = { resource: ['model'], operation: Object.keys(GENERATE_OPERATIONS) };

const WAIT_TEXTS: WaitModeTexts = {
	completion: 'Output each run once it finishes (polled about every second at first for images, every few seconds for video)',
	webhook: 'Lamina calls this execution back when the run ends (webhookUrl); nothing is held open meanwhile (one item per execution)',
	none: 'Output the queued run at once; collect it later with Run → "Wait for Run"',
};

export const description: INodeProperties[] = [
	modelLocator(
		{ show },
		"The model to generate with; its parameters appear below once chosen. An AI agent reads them with Model → Get first and passes them as JSON.",
	),
	{
		displayName: 'Parameters',
		name: 'paramMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Map Each Parameter', value: 'fields', description: "One field per parameter of the model's schema" },
			{ name: 'Map Automatically', value: 'auto', description: "The incoming item's fields that are named like one of the model's parameters" },
			{ name: 'Using JSON', value: 'json', description: 'An object of parameter name → value; handy for expressions and AI agents' },
		],
		default: 'fields',
		displayOptions: { show },
	},
	{
		displayName: 'Parameter Values',
		name: 'params',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['modelId.value'],
			resourceMapper: {
				resourceMapperMethod: 'getModelParams',
				mode: 'add',
				// n8n's own heading would read "Values to Send"; Map Automatically is a Parameters choice above.
				valuesLabel: 'Parameter Values',
				fieldWords: { singular: 'parameter', plural: 'parameters' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'No parameters to show yet: choose a model above.',
			},
		},
		displayOptions: { show: { ...show, paramMode: ['fields'] } },
	},
	{
		displayName: 'Parameters (JSON)',
		name: 'paramsJson',
		type: 'json',
		default: '{\n  "prompt": ""\n}',
		description:
			"Parameter names exactly as the model's paramSchema lists them (see Model → Get), the prompt among them, e.g. {\"prompt\": \"a red bicycle\", \"aspectRatio\": \"16:9\"}",
		displayOptions: { show: { ...show, paramMode: ['json'] } },
	},
	...waitModeFields(show, WAIT_TEXTS),
	{
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		description:
			'How long the execution waits for Lamina’s call. When it runs out, n8n goes on with this node’s input item; the run is not cancelled, and its ID stays in the execution’s custom data as laminaRunId.',
		displayOptions: { show: { ...show, waitMode: ['webhook'], ...ONLY_V1 } },
	},
	...maxWaitFields('webhook', { ...show, waitMode: ['webhook'] }),
	{
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		description:
			'How long to wait for the run to finish. When it runs out, the item carries the run ID and status so Run → "Wait for Run" can pick it up later; the run is not cancelled.',
		displayOptions: { show: { ...show, waitMode: ['wait'], ...ONLY_V1 } },
	},
	...maxWaitFields('completion', { ...show, waitMode: ['wait'] }),
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description: 'Whether to return only runId, status, outputsByLabel and the URL instead of the whole run',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Concurrent Runs',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description: 'How many items start and wait for their run at the same time',
			},
			{
				displayName: 'Download Outputs',
				name: 'downloadOutputs',
				type: 'boolean',
				default: false,
				description: 'Whether to attach the finished image or video as a file (n8n binary data). Applies when waiting for completion.',
			},
			{
				displayName: 'Downloaded Field Prefix',
				name: 'binaryPrefix',
				type: 'string',
				default: 'data',
				description: 'With names by position: the binary field is this prefix plus 0',
			},
			{
				displayName: 'Downloaded File Names',
				name: 'binaryNaming',
				type: 'options',
				options: [
					{ name: 'By Output Label (Output)', value: 'label' },
					{ name: 'By Position (E.g. Data0)', value: 'index' },
				],
				default: 'index',
				description: 'How Download Outputs names the binary field',
			},
			{
				displayName: 'Files as Inputs',
				name: 'fileInputs',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add File Input',
				default: {},
				description: 'Upload a file of the incoming item to Lamina and use it for a URL parameter (instead of a public URL)',
				options: [
					{
						displayName: 'File Input',
						name: 'files',
						values: [
							{
								displayName: 'Parameter Name or ID',
								name: 'param',
								type: 'options',
								typeOptions: { loadOptionsMethod: 'getModelUrlParams', loadOptionsDependsOn: ['modelId.value'] },
								default: '',
								description:
									'The model’s URL parameter that gets the file (a list of URLs gets it as its one URL). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
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
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/lamina',
				description: 'Lamina POSTs the finished run to this URL, e.g. the production URL of a Lamina Trigger node',
			},
		],
	},
];

interface GenerateOptions {
	concurrency?: number;
	fileInputs?: ModelFilesOption;
	downloadOutputs?: boolean;
	binaryNaming?: BinaryNaming;
	binaryPrefix?: string;
	webhookUrl?: string;
}

interface PreparedGeneration {
	model: LaminaModel;
	body: IDataObject;
	/** Files of the item to upload just before the run starts. */
	files: ModelFileInput[];
}

/** The parameter values as the user gave them: mapped fields, JSON, or the item's own fields (Map Automatically). */
function givenValues(this: IExecuteFunctions, model: LaminaModel, itemIndex: number): Record<string, unknown> {
	if (this.getNodeParameter('paramMode', itemIndex, 'fields') === 'json') {
		const raw = this.getNodeParameter('paramsJson', itemIndex, '{}') as unknown;
		const parsed =
			typeof raw === 'string'
				? jsonParse<unknown>(raw || '{}', { errorMessage: 'Parameters (JSON) is not valid JSON. Write an object like {"prompt": "a red bicycle"}.' })
				: raw;
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
			throw new NodeOperationError(this.getNode(), 'Parameters (JSON) must be an object of parameter name → value', {
				description: 'For example {"prompt": "a red bicycle", "aspectRatio": "16:9"}.',
				itemIndex,
			});
		}
		return parsed as Record<string, unknown>;
	}
	// Map Automatically: the Parameters choice (the mapper is hidden then), or the mapper's own mode as saved before.
	const auto = this.getNodeParameter('paramMode', itemIndex, 'fields') === 'auto';
	const mapped = auto ? undefined : (this.getNodeParameter('params', itemIndex, undefined) as ResourceMapperValue | undefined);
	if (auto || mapped?.mappingMode === 'autoMapInputData') {
		// The incoming item's fields that name one of the model's parameters.
		const parameters = Object.keys(model.paramSchema ?? {}).map((name) => ({ id: name, name, type: 'text' }));
		return autoMapInputs(parameters, this.getInputData()[itemIndex]?.json ?? {});
	}
	return { ...(mapped?.value ?? {}) };
}

/** Everything checked without starting a run: the model (fetched once), its modality, every parameter rule, the webhook. */
async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	modality: ModelModality,
	fetchModel: ReturnType<typeof modelFetcher>,
): Promise<PreparedGeneration> {
	// A wrong Max Wait Time must not leave a started run behind.
	checkMaxWait(this, itemIndex);
	const modelId = (this.getNodeParameter('modelId', itemIndex, '', { extractValue: true }) as string).trim();
	if (!modelId) {
		throw new NodeOperationError(this.getNode(), 'No model chosen', {
			description: `Pick a model in the "Model" field (from the list or by ID). Model → Get Many lists the ${modality} models.`,
			itemIndex,
		});
	}
	const model = await fetchModel(modelId, itemIndex);
	if (model.modality && model.modality !== modality) {
		const operation = model.modality === 'video' ? 'Generate Video' : 'Generate Image';
		throw new NodeOperationError(this.getNode(), `"${modelId}" is a ${model.modality} model, not an ${modality} model`, {
			description: `Use the operation "${operation}" for it, or pick one of the ${modality} models (Model → Get Many, Modality ${modality}).`,
			itemIndex,
		});
	}
	const schema = model.paramSchema ?? {};
	const given = paramValues(schema, givenValues.call(this, model, itemIndex));
	const options = this.getNodeParameter('options', itemIndex, {}) as GenerateOptions;
	const files = checkModelFiles.call(this, model, given, options.fileInputs, itemIndex);
	// A file counts as its parameter's value; its asset URL is known only after the upload.
	const values = withPendingFiles(given, files);
	const problems = checkModelParams(schema, values);
	if (problems.length) {
		const [first] = problems;
		throw new NodeOperationError(this.getNode(), `Parameter "${first.field}" of model "${modelId}" ${first.message}`, {
			description:
				(problems.length > 1 ? `Also: ${problems.slice(1).map((p) => `"${p.field}" ${p.message}`).join('; ')}. ` : '') +
				'Model → Get lists every parameter with its rules. Nothing was sent to Lamina.',
			itemIndex,
		});
	}
	const { prompt, ...params } = values;
	for (const file of files) delete params[file.param];
	const body: IDataObject = { model: modelId };
	if (prompt !== undefined) body.prompt = prompt as string;
	if (Object.keys(params).length) body.params = params as IDataObject;
	// In the body for model runs (app runs take it as ?webhook=); the resume is verified as Run App's (resume.ts).
	const callback = callbackUrlFor.call(this, itemIndex, modelId, options.webhookUrl);
	if (callback) body.webhookUrl = callback;
	return { model, body, files };
}

/** A start whose answer was lost: Run → Get Many lists app runs only, so it says how to check a model run. */
function uncertainModelStart(error: unknown): unknown {
	if (error instanceof NodeApiError && error.context.mayHaveStarted) {
		error.description =
			'Lamina may have received the request before it failed, so it was not sent again: a second start could run (and bill) it twice. ' +
			'Check the generations in your Lamina workspace before starting it again.';
	}
	return error;
}

async function generate(
	this: IExecuteFunctions,
	itemIndex: number,
	modality: ModelModality,
	prepared: PreparedGeneration,
	batch: RunBatch,
): Promise<INodeExecutionData | undefined> {
	if (batch.failed) return undefined;
	let body = prepared.body;
	if (prepared.files.length) {
		const params = await uploadModelFiles.call(batch.waiting, itemIndex, (body.params as IDataObject) ?? {}, prepared.files);
		body = { ...body, params: params as IDataObject };
		if (batch.failed) return undefined;
	}
	const started = await sendStart(this, itemIndex, undefined, () =>
		laminaData.call(this, {
			method: 'POST',
			path: `/v1/generate/${modality}`,
			body,
			startsRun: true,
			subject: `model "${String(prepared.body.model)}"`,
			itemIndex,
			unsentSignal: cancelSignalOf(batch.waiting),
		}),
	).catch((error: unknown) => {
		throw uncertainModelStart(error);
	});
	const queued = runOfKind('model', started);
	batch.runs.add(itemIndex, queued.runId, queued.status);
	const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
	const waitMode = this.getNodeParameter('waitMode', itemIndex, 'wait') as string;
	if (waitMode === 'webhook') {
		const maxWaitSeconds = maxWaitSecondsOf(this, itemIndex, 'webhook');
		keepRunIdInExecution(this, queued.runId, String(prepared.body.model), itemIndex);
		await this.putExecutionToWait(new Date(Date.now() + maxWaitSeconds * 1000));
	}
	if (waitMode !== 'wait') {
		return { json: runItem(queued, { simplify }), pairedItem: { item: itemIndex } };
	}
	const maxWaitSeconds = maxWaitSecondsOf(this, itemIndex, 'completion');
	const { run, timedOut } = isTerminal(queued)
		? { run: queued, timedOut: false }
		: await batch.wait(itemIndex, queued.runId, { maxWaitMs: maxWaitSeconds * 1000, kind: 'model', modality });
	if (batch.failed) return undefined;
	if (isTerminal(run) && run.status !== 'completed') throw runFailedError(this, run, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as GenerateOptions;
	const binary =
		options.downloadOutputs && run.status === 'completed'
			? await downloadOutputsAsBinary.call(batch.waiting, run, itemIndex, {
					naming: options.binaryNaming ?? 'index',
					prefix: options.binaryPrefix ?? 'data',
				})
			: undefined;
	if (batch.failed) return undefined;
	return {
		json: runItem(run, { simplify, timedOutAfterSeconds: timedOut ? maxWaitSeconds : undefined }),
		...(binary && Object.keys(binary).length ? { binary } : {}),
		pairedItem: { item: itemIndex },
	};
}

/** Every item is checked first (0 runs start if one is wrong); then runs start and are awaited a few at a time. */
export async function execute(this: IExecuteFunctions, itemCount: number, operation: string): Promise<INodeExecutionData[]> {
	const modality = GENERATE_OPERATIONS[operation];
	if (this.getNodeParameter('waitMode', 0, 'wait') === 'webhook') {
		if (this.getNode().type.endsWith('Tool')) {
			throw new NodeOperationError(this.getNode(), 'Wait Mode "Wait for Webhook" can’t be used by an AI Agent', {
				description: 'It suspends the execution until Lamina calls back, but the agent needs the result now. Set Wait Mode to "Wait for Completion".',
			});
		}
		if (itemCount > 1) {
			throw new NodeOperationError(this.getNode(), `Wait Mode "Wait for Webhook" takes one item; this node received ${itemCount}`, {
				description: 'n8n resumes a waiting execution once. For many items use "Wait for Completion".',
			});
		}
	}
	const fetchModel = modelFetcher(this);
	const checks = await checkEveryItem(this, itemCount, (i) => prepare.call(this, i, modality, fetchModel));
	const options = this.getNodeParameter('options', 0, {}) as GenerateOptions;
	const batch = new RunBatch(this, 'started');
	return await forEachRunItem(batch, itemCount, Math.max(1, Math.floor(options.concurrency ?? 5)), async (i) => {
		try {
			return await generate.call(this, i, modality, checked(checks[i]), batch);
		} catch (error) {
			throw asNodeError(this, error, i);
		}
	});
}
