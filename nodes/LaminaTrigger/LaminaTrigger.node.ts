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

import type { CredentialRejection } from '../Lamina/transport/credentialRejection';
import { answerDelivery, receiveLaminaDelivery } from '../Lamina/transport/delivery';
import { shapeRun } from '../Lamina/shared/runShape';
import { deliveredRun } from '../Lamina/shared/runKinds';
import type { LaminaRun } from '../Lamina/shared/types';
import { getApps } from '../Lamina/methods/loadOptions';
import { FROM_V1_1, LATEST_VERSION, NODE_VERSIONS, ONLY_V1 } from '../Lamina/actions/versions';
import { confirmRun, runIsOfApp } from './confirmRun';
import { PROBLEM_KEY, rejectedCredentialError, reportRejectedCredential } from './credentialProblem';
import {
	AcceptedDeliveries,
	deliveryKey,
	hasSeenDelivery,
	MAX_REMEMBERED_DELIVERIES,
	recordDeliveries,
} from './deliveryLog';
import { onlyTheseApps, switchValue, TRIGGER_SUBTITLE, type TriggerSwitch } from './triggerSettings';

/** Deliveries accepted by this process, so two retries arriving together start one execution. */
const acceptedHere = new AcceptedDeliveries(10_000);
/** Runs whose delivery is being confirmed with Lamina right now (per trigger). */
const confirming = new Set<string>();

/**
 * Whether a confirmed run passes Only These Apps: its workflow ID as Lamina reports it, or an app
 * that Lamina lists the run under (then that is the run's app). Undefined when it does not pass.
 */
async function matchConfirmedRun(
	this: IWebhookFunctions,
	run: LaminaRun,
	ids: string[],
): Promise<{ appId?: string } | undefined> {
	const ownAppId = typeof run.appId === 'string' ? run.appId : undefined;
	if (run.workflowId !== undefined && ids.includes(run.workflowId)) return { appId: ownAppId };
	if (ownAppId !== undefined) return ids.includes(ownAppId) ? { appId: ownAppId } : undefined;
	for (const id of ids) {
		if (await runIsOfApp.call(this, run, id)) return { appId: id };
	}
	return undefined;
}

/** Verify Signature or Confirm Runs, wherever this node's version keeps it. */
function triggerSwitch(context: IWebhookFunctions, name: TriggerSwitch): boolean {
	const options = context.getNodeParameter('options', {}) as Partial<Record<TriggerSwitch, boolean>>;
	return switchValue(context.getNodeParameter(name, null), options, name);
}

/** One trigger: the same node name in another workflow is another trigger. */
function triggerOf(context: IWebhookFunctions): string {
	return `${context.getWorkflow().id ?? ''}:${context.getNode().name}`;
}

const CONFIRM_RUNS =
	'Whether to ask Lamina about each delivered run with this node’s credential, so that only runs your workspace can see start the workflow';
const VERIFY_SIGNATURE = 'Whether to accept only calls signed by Lamina';
const VERIFY_SIGNATURE_IN_OPTIONS =
	'Whether to accept only calls signed by Lamina. Off, anyone who learns this URL can start the workflow: for debugging only.';
const UNVERIFIED_WARNING =
	'Signature checks are off: anyone who learns this URL can start this workflow with made-up runs. Turn them back on unless you are debugging.';

export class LaminaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lamina Trigger',
		name: 'laminaTrigger',
		icon: { light: 'file:lamina.svg', dark: 'file:lamina.dark.svg' },
		group: ['trigger'],
		// 1.1: Verify Signature and Confirm Runs under Options, Only These Apps picked from a list.
		version: NODE_VERSIONS,
		defaultVersion: LATEST_VERSION,
		subtitle: TRIGGER_SUBTITLE,
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
					'Give this node’s Production URL (under "Webhook URLs" above) to each run as its webhook, e.g. in the Lamina node’s Run App → Options → Webhook URL, and publish this workflow. Lamina must be able to reach that URL: set n8n’s WEBHOOK_URL to its public address.',
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
				displayOptions: { show: ONLY_V1 },
			},
			{
				displayName: 'Only These App Names or IDs',
				name: 'appIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getApps' },
				default: [],
				description:
					'Start the workflow only for runs of these apps; none chosen means any app. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				displayOptions: { show: FROM_V1_1 },
			},
			{
				displayName: 'Confirm Runs with Lamina',
				name: 'confirmRuns',
				type: 'boolean',
				default: true,
				description: CONFIRM_RUNS,
				displayOptions: { show: ONLY_V1 },
			},
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: true,
				description: VERIFY_SIGNATURE,
				displayOptions: { show: ONLY_V1 },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: FROM_V1_1 },
				options: [
					{
						displayName: 'Confirm Runs with Lamina',
						name: 'confirmRuns',
						type: 'boolean',
						default: true,
						description: CONFIRM_RUNS,
					},
					{
						displayName: 'Verify Signature',
						name: 'verifySignature',
						type: 'boolean',
						default: true,
						// n8n 1.x can't show a notice that depends on an option inside a collection (its
						// parameter resolution never ends and activation fails): the option warns itself.
						description: VERIFY_SIGNATURE_IN_OPTIONS,
					},
				],
			},
			{
				displayName: UNVERIFIED_WARNING,
				name: 'unverifiedWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { verifySignature: [false], ...ONLY_V1 } },
			},
		],
	};

	methods = { loadOptions: { getApps } };

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
		const verified = triggerSwitch(this, 'verifySignature');
		const trigger = triggerOf(this);
		const received = await receiveLaminaDelivery.call(this, verified);
		if ('credentialRejection' in received) {
			return reportRejectedCredential(this, trigger, received.credentialRejection, received.runId);
		}
		if (!received.ok) return received.response;
		const confirm = triggerSwitch(this, 'confirmRuns');
		const statuses = this.getNodeParameter('statuses', []) as string[];
		const appIds = onlyTheseApps(this.getNodeParameter('appIds', ''));
		const statusFilteredOut = (status: string) =>
			statuses.length > 0 && !statuses.includes(status)
				? answerDelivery(this, 200, { received: true, ignored: `status ${status} is filtered out` })
				: undefined;
		// A signed body is Lamina's word on the status: no need to ask about a run filtered out anyway.
		if (verified) {
			const ignored = statusFilteredOut(received.run.status);
			if (ignored) return ignored;
		}

		// "Listen for test event" takes whatever it is sent, so a delivery can be tried again.
		const manual = this.getMode() === 'manual';
		const runId = received.run.runId;
		const seen = (key: string) =>
			!manual && (acceptedHere.has(trigger, key) || hasSeenDelivery(this.getWorkflowStaticData('node'), key));
		// A retry of a delivery accepted already is answered without asking Lamina again.
		if (seen(deliveryKey(runId, received.run.status))) return answerDelivery(this, 200, { received: true, duplicate: true });
		// A repeat that arrives while the first is still being confirmed is asked to come again.
		if (!manual && confirming.has(`${trigger}|${runId}`)) {
			return answerDelivery(this, 503, { error: 'This delivery is being confirmed with Lamina; send it again later' });
		}

		// A model run's delivery (Generate Image/Video) has one `output`: shaped as every run is.
		let run = deliveredRun(received.run);
		let appId = received.appId;
		if (confirm) {
			confirming.add(`${trigger}|${runId}`);
			try {
				const confirmation = await confirmRun.call(this, runId);
				if ('credentialRejection' in confirmation) return reportRejectedCredential(this, trigger, confirmation.credentialRejection, runId);
				if (!confirmation.ok) return answerDelivery(this, confirmation.status, { error: confirmation.reason });
				run = confirmation.run;
				const ignored = statusFilteredOut(run.status);
				if (ignored) return ignored;
				if (appIds.length) {
					// The URL's laminaAppId is not signed: only what Lamina says about the run counts.
					const matched = await matchConfirmedRun.call(this, run, appIds);
					if (!matched) return answerDelivery(this, 200, { received: true, ignored: 'app is filtered out' });
					appId = matched.appId ?? appId;
				}
			} finally {
				confirming.delete(`${trigger}|${runId}`);
			}
		} else {
			const ignored = statusFilteredOut(run.status);
			if (ignored) return ignored;
			if (appIds.length && !appIds.some((id) => id === appId || id === run.workflowId)) {
				return answerDelivery(this, 200, { received: true, ignored: 'app is filtered out' });
			}
		}

		// Keyed by the status Lamina confirmed: a body saying another status is still this delivery.
		const key = deliveryKey(runId, run.status);
		if (seen(key)) return answerDelivery(this, 200, { received: true, duplicate: true });
		const shaped = shapeRun(run, appId);
		// Only webhook() puts a problem in an item; a run's body can't make execute() report one.
		delete shaped[PROBLEM_KEY];
		const workflowData = [this.helpers.returnJsonArray([shaped])];
		if (manual) return { workflowData };
		acceptedHere.add(trigger, key);
		// Recorded with what this process accepted lately, and answered here rather than by n8n: n8n
		// then saves the static data at once, before it queues the execution, and every n8n process
		// (webhook processes, workers, after a restart) finds the delivery in the database from then
		// on. Answered by n8n after queueing, the change would be lost: n8n 2.40 clears static data's
		// "changed" mark while it prepares the execution. (n8n 1.x answered "Immediately" webhooks
		// before queueing too.)
		recordDeliveries(this.getWorkflowStaticData('node'), acceptedHere.recent(trigger, MAX_REMEMBERED_DELIVERIES));
		return { ...answerDelivery(this, 200, { received: true }), workflowData };
	}

	/**
	 * The first step of the execution a delivery started: passes the run on, and records nothing
	 * (`webhook()` did); or fails with the problem webhook() hands it (a rejected credential). An
	 * execution saves its static data whole as it ends, from a copy taken when it was queued, so
	 * executions ending together on different queue-mode workers would overwrite each other's
	 * deliveries (measured: 10 of 20 kept; README, "Lamina Trigger").
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const problem = items[0]?.json[PROBLEM_KEY] as (CredentialRejection & { runId: string }) | undefined;
		if (problem) throw rejectedCredentialError(this, problem);
		return [items.map((item, index) => ({ ...item, pairedItem: { item: index } }))];
	}
}
