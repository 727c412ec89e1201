import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as app from './actions/app';
import * as asset from './actions/asset';
import * as content from './actions/content';
import * as model from './actions/model';
import * as run from './actions/run';
import { router } from './actions/router';
import { resumeRunApp } from './actions/run/resume';
import { searchApps, searchModels } from './methods/listSearch';
import { getModelUrlParams, getUrlInputs } from './methods/loadOptions';
import { getAppInputs, getModelParams } from './methods/resourceMapping';

/** Run App's "Wait for Webhook" resumes through n8n's waiting-webhook URL of this node. */
const RESUME_WEBHOOKS: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: 'noData',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

export class Lamina implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lamina',
		name: 'lamina',
		icon: { light: 'file:lamina.svg', dark: 'file:lamina.dark.svg' },
		group: ['transform'],
		version: 1,
		// The operation as the user picked it ("Run App"), not the raw values ("create: run").
		subtitle:
			'={{ ({"app.get":"Get App","app.getAll":"Get Many Apps","app.getWorkflow":"Get Workflow","asset.upload":"Upload File","content.create":"Create from Brief","content.plan":"Plan from Brief","content.runPlan":"Run Plan","model.generateImage":"Generate Image","model.generateVideo":"Generate Video","model.get":"Get Model","model.getAll":"Get Many Models","run.cancel":"Cancel Run","run.create":"Run App","run.get":"Get Run","run.getAll":"Get Many Runs","run.wait":"Wait for Run"})[$parameter["resource"] + "." + $parameter["operation"]] }}',
		description: 'Run Lamina AI apps that make images, videos and text, and collect their results',
		defaults: { name: 'Lamina' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'laminaApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'App', value: 'app', description: 'The AI apps of your Lamina workspace' },
					{ name: 'Asset', value: 'asset', description: 'Files uploaded to Lamina, to use as app inputs' },
					{
						name: 'Content',
						value: 'content',
						description: 'Content from a brief: Lamina picks the app and drafts its inputs',
					},
					{
						name: 'Model',
						value: 'model',
						description: 'Image and video models picked by ID: generate directly, or read what a model takes',
					},
					{ name: 'Run', value: 'run', description: 'Runs of an app: start, wait, look up, cancel' },
				],
				default: 'run',
			},
			...app.description,
			...asset.description,
			...content.description,
			...model.description,
			...run.description,
		],
	};

	methods = {
		listSearch: { searchApps, searchModels },
		loadOptions: { getUrlInputs, getModelUrlParams },
		resourceMapping: { getAppInputs, getModelParams },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeRunApp.call(this);
	}
}
