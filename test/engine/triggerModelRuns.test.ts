/** The Lamina Trigger with a model run's delivery: the same item shape as every run, confirmed at the model run's endpoint. */
import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { MODELS } from '../simulator';
import { useSimulator } from '../support/context';
import { triggerNode, until } from '../support/trigger';

const ctx = useSimulator({ runDurationMs: 100, timeScale: 0.01, rateLimitPerMinute: 10_000 });
let endpoint: TriggerEndpoint;
afterEach(async () => endpoint?.close());

async function modelRunDeliveredTo(url: string): Promise<string> {
	const response = await fetch(`${ctx.sim.url}/v1/generate/image`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': ctx.sim.apiKey },
		body: JSON.stringify({ model: MODELS.imagen, prompt: 'a fox', webhookUrl: url }),
	});
	const { runId } = ((await response.json()) as { data: { runId: string } }).data;
	await until(() => ctx.sim.webhookDeliveries.some((d) => d.runId === runId && d.status !== undefined && d.status < 300), `a delivery of ${runId}`);
	await endpoint.settled();
	return runId;
}

test.each([
	['confirmed with Lamina', true],
	['not confirmed', false],
])('a model run delivered (%s) starts the workflow with kind "model" and its output as outputs[0]', async (_, confirmRuns) => {
	endpoint = await startTriggerEndpoint(ctx.engine, triggerNode({ confirmRuns }));
	const runId = await modelRunDeliveredTo(endpoint.url);
	expect(endpoint.executions).toHaveLength(1);
	expect(endpoint.executions[0][0].json).toMatchObject({
		runId,
		kind: 'model',
		status: 'completed',
		model: MODELS.imagen,
		outputs: [{ label: 'Output', type: 'image', value: expect.stringContaining(`/files/${runId}/0.png`) }],
	});
	if (confirmRuns) expect(ctx.sim.counters.requests['GET /v1/generate/runs/:runId']).toBe(1);
});
