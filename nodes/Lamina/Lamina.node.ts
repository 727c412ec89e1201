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

import * as account from './actions/account';
import * as app from './actions/app';
import * as asset from './actions/asset';
import * as content from './actions/content';
import * as intelligence from './actions/intelligence';
import * as model from './actions/model';
import * as publishing from './actions/publishing';
import * as run from './actions/run';
import { router } from './actions/router';
import { resumeRunApp } from './actions/run/resume';
import { searchApps, searchModels } from './methods/listSearch';
import { getAppOutputs, getModelUrlParams, getPublishingChannels, getUrlInputs } from './methods/loadOptions';
import { getAppInputs, getModelParams } from './methods/resourceMapping';
import { LATEST_VERSION, NODE_VERSIONS } from './actions/versions';

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
		// 1.1: the panel of issue 17 (one Inputs choice, Max Wait Time with a unit, pickers, Output); see CHANGELOG.
		version: NODE_VERSIONS,
		defaultVersion: LATEST_VERSION,
		// The operation as the user picked it ("Run App"), not the raw values ("create: run").
		subtitle:
			'={{ ({"account.get":"Get Account","app.discover":"Discover Apps","app.estimate":"Estimate Cost","app.get":"Get App","app.getAll":"Get Many Apps","app.getWorkflow":"Get Workflow","asset.upload":"Upload File","content.brainstorm":"Brainstorm Concepts","content.create":"Create From Brief","content.plan":"Plan From Brief","content.runPlan":"Run Plan","content.score":"Score Content","intelligence.getBrandContext":"Get Brand Context","intelligence.getRecommendations":"Get Recommendations","intelligence.getTrends":"Get Trends","intelligence.predict":"Predict Performance","model.generateImage":"Generate Image","model.generateVideo":"Generate Video","model.get":"Get Model","model.getAll":"Get Many Models","publishing.getChannels":"Get Channels","publishing.getHistory":"Get History","publishing.publish":"Publish","publishing.transferAsset":"Transfer Asset","run.cancel":"Cancel Run","run.create":"Run App","run.get":"Get Run","run.getAll":"Get Many Runs","run.refine":"Refine Run","run.wait":"Wait for Run"})[$parameter["resource"] + "." + $parameter["operation"]] }}',
		description: 'Run Lamina AI apps and image and video models, collect their results, and publish them to social channels',
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
					{ name: 'Account', value: 'account', description: 'Who the API key belongs to: user, workspace, memberships' },
					{ name: 'App', value: 'app', description: 'The AI apps of your Lamina workspace' },
					{ name: 'Asset', value: 'asset', description: 'Files uploaded to Lamina, to use as app inputs' },
					{
						name: 'Content',
						value: 'content',
						description: 'Content from a brief: Lamina picks the app and drafts its inputs',
					},
					{
						name: 'Intelligence',
						value: 'intelligence',
						description: "The brand's context, trends and recommendations, and predictions for a concept",
					},
					{
						name: 'Model',
						value: 'model',
						description: 'Image and video models picked by ID: generate directly, or read what a model takes',
					},
					{ name: 'Publishing', value: 'publishing', description: 'Post to the social channels connected in Lamina' },
					{ name: 'Run', value: 'run', description: 'Runs of an app: start, wait, look up, cancel' },
				],
				default: 'run',
			},
			...account.description,
			...app.description,
			...asset.description,
			...content.description,
			...intelligence.description,
			...publishing.description,
			...model.description,
			...run.description,
		],
	};

	methods = {
		listSearch: { searchApps, searchModels },
		loadOptions: { getAppOutputs, getModelUrlParams, getPublishingChannels, getUrlInputs },
		resourceMapping: { getAppInputs, getModelParams },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeRunApp.call(this);
	}
}
