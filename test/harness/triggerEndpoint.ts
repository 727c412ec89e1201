import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, WebhookContext } from 'n8n-core';
import type { IDataObject, INodeExecutionData, IRunExecutionData, IWebhookData, IWorkflowBase } from 'n8n-workflow';

import type { Engine, WorkflowNode } from './engine';

export interface TriggerEndpoint {
	url: string;
	/** What the trigger node put out in every execution a delivery started (when it ended). */
	executions: INodeExecutionData[][];
	responses: Array<{ status: number; body: unknown }>;
	/** The workflow's static data as n8n's database holds it. */
	readonly staticData: IDataObject;
	/** Resolves when every execution started so far has ended; rejects with the first that failed. */
	settled(): Promise<void>;
	/** Waits until every execution started so far has ended, and hands over (and forgets) the errors of those that failed. */
	failedExecutions(): Promise<Error[]>;
	/** Lets running executions end (as n8n does when it shuts down), then stops listening. */
	close(): Promise<void>;
	/**
	 * The waiting execution a resume call is for (Run App's Wait for Webhook): its run data, as
	 * n8n loads it from the database and hands to the node's webhook().
	 */
	waitingExecution?: IRunExecutionData;
}

type ExpressLikeResponse = http.ServerResponse & {
	status(code: number): ExpressLikeResponse;
	json(body: unknown): void;
	send(body: unknown): void;
};

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

const copy = (data: IDataObject): IDataObject => JSON.parse(JSON.stringify(data)) as IDataObject;

/**
 * A real HTTP endpoint for a trigger node, doing what n8n 2.40's webhook server does (live-webhooks,
 * webhook-helpers, workflow-runner):
 * - each call loads the workflow and its static data from the "database" (`staticData` here), keeps
 *   the raw body, parses JSON and calls the node's `webhook()` through n8n-core's WebhookContext;
 * - when `webhook()` starts nothing, static data it changed is saved;
 * - when it returns workflow data and answered the call itself (`noWebhookResponse`), static data it
 *   changed is saved first (n8n saves as the answer is out, before it queues the execution); when it
 *   leaves the answer to n8n, the call's static-data changes are dropped (n8n clears their "changed"
 *   mark as it prepares the execution) and the call is answered once the execution started. Either
 *   way the execution runs in n8n's engine with static data loaded afresh, starting at the trigger
 *   node with those items; what it changed is saved when it ends (the workflowExecuteAfter hook).
 * For a node that is not a trigger (Run App waiting for its webhook) the call resumes a waiting
 * execution instead: what `webhook()` put out is recorded as that node's output.
 * Hand `staticData` to a new endpoint (in fresh modules) to play an n8n restart.
 */
export async function startTriggerEndpoint(
	engine: Engine,
	node: WorkflowNode,
	storedStaticData: IDataObject = {},
	/** 'manual' plays the editor's "Listen for test event" (n8n calls the test URL in manual mode). */
	mode: 'webhook' | 'manual' = 'webhook',
): Promise<TriggerEndpoint> {
	const executions: INodeExecutionData[][] = [];
	const responses: TriggerEndpoint['responses'] = [];
	const running = new Set<Promise<void>>();
	const failures: Error[] = [];
	let database = copy(storedStaticData);
	// Assigned once listening; the handler reads what the test set on it since.
	let endpoint: TriggerEndpoint | undefined;
	/** A waiting execution resumes once (Run App's Wait for Webhook). */
	let resumed = false;

	const server = http.createServer(async (req, rawRes) => {
		const res = rawRes as ExpressLikeResponse;
		res.status = (code: number) => {
			res.statusCode = code;
			return res;
		};
		res.json = (body: unknown) => {
			responses.push({ status: res.statusCode, body });
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(body));
		};
		res.send = (body: unknown) => {
			responses.push({ status: res.statusCode, body });
			res.end(typeof body === 'string' ? body : JSON.stringify(body));
		};
		try {
			const rawBody = await readBody(req);
			const request = req as http.IncomingMessage & { rawBody: Buffer; body: unknown; query: IDataObject };
			request.rawBody = rawBody;
			try {
				request.body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
			} catch {
				request.body = rawBody.toString('utf8');
			}
			request.query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);

			const workflow = engine.workflow([node], {}, copy(database));
			const fullNode = workflow.getNode(node.name)!;
			const nodeType = engine.nodeTypes.getByNameAndVersion(fullNode.type, fullNode.typeVersion);

			const hooks = new ExecutionLifecycleHooks('webhook', 'hook', {} as IWorkflowBase);
			const additionalData = engine.additionalData(hooks, 'hook');
			additionalData.httpRequest = request as never;
			additionalData.httpResponse = res as never;
			const webhookData = {
				httpMethod: 'POST',
				node: fullNode.name,
				path: 'lamina',
				webhookDescription: nodeType.description.webhooks![0],
				workflowId: workflow.id,
				workflowExecuteAdditionalData: additionalData,
			} as IWebhookData;
			const isTrigger = nodeType.description.group.includes('trigger');
			if (!isTrigger && resumed) {
				// n8n's waiting-webhooks answer a call for an execution that already went on with 409.
				res.status(409).json({ error: 'The execution has finished already.' });
				return;
			}
			const waiting = isTrigger ? null : (endpoint?.waitingExecution ?? null);
			const context = new WebhookContext(workflow, fullNode, additionalData, mode, webhookData, [], waiting);
			const result = await nodeType.webhook!.call(context);
			if (result.workflowData && !isTrigger) {
				// A waiting execution's resume call (Run App's Wait for Webhook): what webhook() put out
				// becomes the waiting node's output; nothing starts afresh.
				executions.push(result.workflowData[0]);
				resumed = true;
			} else if (result.workflowData) {
				if (result.noWebhookResponse && workflow.staticData.__dataChanged === true) {
					database = copy(workflow.staticData);
				}
				const execution = engine
					.run([node], { mode, inputItems: result.workflowData[0], staticData: copy(database) })
					.then(
						({ items, error, newStaticData }) => {
							// n8n saves no static data for manual executions.
							if (newStaticData && mode !== 'manual') database = copy(newStaticData);
							if (error) failures.push(error);
							else executions.push(items);
						},
						(error: Error) => {
							failures.push(error);
						},
					)
					.finally(() => running.delete(execution));
				running.add(execution);
			} else if (workflow.staticData.__dataChanged === true) {
				database = copy(workflow.staticData);
			}
			if (!result.noWebhookResponse) res.status(200).json({ message: 'Workflow was started' });
		} catch (error) {
			if (!res.headersSent) res.status(500).json({ error: (error as Error).message });
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const ended = async () => {
		while (running.size) await Promise.all(running);
	};
	const settled = async () => {
		await ended();
		if (failures.length) throw failures[0];
	};
	endpoint = {
		url: `http://127.0.0.1:${port}/webhook/lamina`,
		executions,
		responses,
		get staticData() {
			return copy(database);
		},
		settled,
		failedExecutions: async () => {
			await ended();
			return failures.splice(0);
		},
		close: async () => {
			await settled();
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			});
		},
	};
	return endpoint;
}
