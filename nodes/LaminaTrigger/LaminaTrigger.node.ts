import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { answerDelivery, receiveLaminaDelivery } from '../Lamina/transport/delivery';
import { shapeRun } from '../Lamina/shared/runShape';
import {
	AcceptedDeliveries,
	deliveryKey,
	hasSeenDelivery,
	MAX_REMEMBERED_DELIVERIES,
	recordDeliveries,
} from './deliveryLog';

/** Deliveries accepted by this process, so two retries arriving together start one execution. */
const acceptedHere = new AcceptedDeliveries(10_000);

/** One trigger: the same node name in another workflow is another trigger. */
function triggerOf(context: IWebhookFunctions | IExecuteFunctions): string {
	return `${context.getWorkflow().id ?? ''}:${context.getNode().name}`;
}

export class LaminaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lamina Trigger',
		name: 'laminaTrigger',
		icon: { light: 'file:lamina.svg', dark: 'file:lamina.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Runs: " + $parameter["statuses"].join(", ")}}',
		// n8n's nodes panel shows this for Lamina as a whole (the trigger's description wins there).
		description: 'Run Lamina AI apps that make images, videos and text, and start workflows when a run ends',
		defaults: { name: 'Lamina Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'laminaApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'lamina' },
		],
		properties: [
			{
				displayName:
					'Lamina has no webhook settings page: pass this node’s Production URL (under "Webhook URLs" above) as the webhook of each run, e.g. in the Lamina node’s Run App → Options → Webhook URL. Activate this workflow first. Every call is checked against Lamina’s signature.',
				name: 'usageNotice',
				type: 'notice',
				default: '',
			},
			{
				// "Trigger On" names the trigger's events in n8n's nodes panel ("When a run completes"...).
				displayName: 'Trigger On',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Run Cancelled', value: 'cancelled', action: 'When a run is cancelled' },
					{ name: 'Run Completed', value: 'completed', action: 'When a run completes' },
					{ name: 'Run Failed', value: 'failed', action: 'When a run fails' },
				],
				default: ['completed', 'failed', 'cancelled'],
				description: 'Start the workflow only for runs that ended this way',
			},
			{
				displayName: 'Only These Apps',
				name: 'appIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. app_8f3a..., app_21bc...',
				description:
					'Comma-separated app IDs (runs started by the Lamina node carry theirs) or workflow IDs; empty means runs of any app',
			},
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: true,
				description:
					'Whether to accept only calls signed by Lamina (Ed25519, checked against the key Lamina publishes)',
			},
			{
				displayName:
					'Signature checks are off: anyone who learns this URL can start this workflow with made-up runs. Turn them back on unless you are debugging.',
				name: 'unverifiedWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { verifySignature: [false] } },
			},
		],
	};

	// Lamina sets webhooks per run (`?webhook=`) and has nothing to register, list or delete.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const received = await receiveLaminaDelivery.call(this, this.getNodeParameter('verifySignature', true) as boolean);
		if (!received.ok) return received.response;
		const { run, appId } = received;

		const statuses = this.getNodeParameter('statuses', []) as string[];
		const appIds = String(this.getNodeParameter('appIds', '') ?? '')
			.split(',')
			.map((id) => id.trim())
			.filter(Boolean);
		if (statuses.length && !statuses.includes(run.status)) {
			return answerDelivery(this, 200, { received: true, ignored: `status ${run.status} is filtered out` });
		}
		if (appIds.length && !appIds.some((id) => id === appId || id === run.workflowId)) {
			return answerDelivery(this, 200, { received: true, ignored: 'app is filtered out' });
		}

		// "Listen for test event" takes whatever it is sent, so a delivery can be tried again.
		if (this.getMode() !== 'manual') {
			const trigger = triggerOf(this);
			const key = deliveryKey(run.runId, run.status);
			if (acceptedHere.has(trigger, key) || hasSeenDelivery(this.getWorkflowStaticData('node'), key)) {
				return answerDelivery(this, 200, { received: true, duplicate: true });
			}
			acceptedHere.add(trigger, key);
		}
		return { workflowData: [this.helpers.returnJsonArray([shapeRun(run, appId)])] };
	}

	/**
	 * Runs as the first step of the execution a delivery started, with the items `webhook()` put
	 * out, and passes them on. It records the delivery in the node's static data, which
	 * n8n saves when the execution ends, so a retry after an n8n restart starts nothing.
	 * (`webhook()` can't: n8n 2.40 drops its static-data changes when the call starts an execution.)
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (this.getMode() !== 'manual') {
			const trigger = triggerOf(this);
			const keys = items.map((item) => deliveryKey(item.json.runId, item.json.status));
			for (const key of keys) acceptedHere.add(trigger, key);
			recordDeliveries(this.getWorkflowStaticData('node'), [...acceptedHere.recent(trigger, MAX_REMEMBERED_DELIVERIES), ...keys]);
		}
		return [items.map((item, index) => ({ ...item, pairedItem: { item: index } }))];
	}
}
