import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, WebhookContext } from 'n8n-core';
import type { IDataObject, INodeExecutionData, IWebhookData, IWorkflowBase } from 'n8n-workflow';

import type { Engine, WorkflowNode } from './engine';

export interface TriggerEndpoint {
	url: string;
	/** Items of every execution the trigger started. */
	executions: INodeExecutionData[][];
	responses: Array<{ status: number; body: unknown }>;
	/** The workflow's static data as n8n would persist it. */
	staticData: IDataObject;
	close(): Promise<void>;
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

/**
 * A real HTTP endpoint for a trigger node, doing what n8n's webhook server does: keep the raw
 * body, parse JSON, call the node's `webhook()` through n8n-core's WebhookContext, and start an
 * execution only when it returns workflow data. Static data persists across requests (and can
 * be handed to a new endpoint to play an n8n restart).
 */
export async function startTriggerEndpoint(
	engine: Engine,
	node: WorkflowNode,
	staticData: IDataObject = {},
): Promise<TriggerEndpoint> {
	const executions: INodeExecutionData[][] = [];
	const responses: TriggerEndpoint['responses'] = [];
	const workflow = engine.workflow([node], {}, staticData);
	const fullNode = workflow.getNode(node.name)!;
	const nodeType = engine.nodeTypes.getByNameAndVersion(fullNode.type, fullNode.typeVersion);

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
			const context = new WebhookContext(workflow, fullNode, additionalData, 'webhook', webhookData, [], null);
			const result = await nodeType.webhook!.call(context);
			if (result.workflowData) executions.push(result.workflowData[0]);
			if (!result.noWebhookResponse) res.status(200).json({ message: 'Workflow was started' });
		} catch (error) {
			if (!res.headersSent) res.status(500).json({ error: (error as Error).message });
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/lamina`,
		executions,
		responses,
		staticData: workflow.staticData,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
