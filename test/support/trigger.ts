import http from 'node:http';

import type { IDataObject } from 'n8n-workflow';

import { LAMINA_TRIGGER, type WorkflowNode } from '../harness/engine';
import type { TriggerEndpoint } from '../harness/triggerEndpoint';
import type { TestContext } from './context';
import { runAppJsonNode } from './runNodes';

export function triggerNode(parameters: IDataObject = {}): WorkflowNode {
	return {
		name: 'Lamina Trigger',
		type: LAMINA_TRIGGER,
		parameters: { statuses: ['completed', 'failed', 'cancelled'], appIds: '', verifySignature: true, ...parameters },
		credentials: { laminaApi: { id: 'cred-1', name: 'Lamina (simulator)' } },
	};
}

export async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Starts a run whose webhook is the endpoint, waits until Lamina got a 2xx and what it started has ended. */
export async function runWithWebhook(ctx: TestContext, endpoint: TriggerEndpoint, appId = 'app_portrait', inputs = '{"Prompt": "x"}') {
	const node = runAppJsonNode(appId, inputs, { waitMode: 'none', options: { webhookUrl: endpoint.url } });
	const { items, error } = await ctx.engine.run([node]);
	if (error) throw error;
	const runId = items[0].json.runId as string;
	await until(
		() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status !== undefined && d.status < 300),
		`a delivery of ${runId}`,
	);
	await endpoint.settled();
	return runId;
}

export async function post(url: string, body: string, headers: Record<string, string>) {
	const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
	return { status: response.status, body: (await response.json()) as IDataObject };
}

/** A receiver in front of the trigger, to play lost answers. */
export async function startRelay(handle: (raw: string, headers: Record<string, string>) => Promise<number>) {
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-lamina')) headers[k] = String(v);
			res.statusCode = await handle(Buffer.concat(chunks).toString('utf8'), headers);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/relay`,
		close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
	};
}
