/**
 * What the package keeps per n8n process (app definitions, Lamina's signing keys) is shared by
 * executions without one execution's failure, stop or edits reaching another.
 */
import path from 'node:path';

import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { laminaNode } from '../harness/engine';
import { startTriggerEndpoint, type TriggerEndpoint } from '../harness/triggerEndpoint';
import { fixtureApps } from '../simulator';
import { useSimulator } from '../support/context';
import { post, runWithWebhook, triggerNode, until } from '../support/trigger';
import { runAppJsonNode } from '../support/runNodes';

const ctx = useSimulator({ runDurationMs: 100, timeScale: 0.01, rateLimitPerMinute: 10_000 });
const endpoints: TriggerEndpoint[] = [];
afterEach(async () => {
	await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
});

/** The built package's signing-key limits (tests shorten them). */
const signingKeyLimits = (
	require(path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'Lamina', 'transport', 'signingKeys.js')) as {
		signingKeyLimits: { ttlMs: number; refetchCooldownMs: number };
	}
).signingKeyLimits;

const caption = () => fixtureApps().find((app) => app.appId === 'app_caption')!;

describe('app definitions', () => {
	test('one execution’s stop while a definition is in flight does not fail another that waits for it', async () => {
		ctx.sim.addApp({ ...caption(), appId: 'app_slow_definition' });
		ctx.sim.injectFault({ route: 'GET /v1/apps/:appId', delayMs: 1_000 });
		const first = ctx.engine.start([runAppJsonNode('app_slow_definition', '{"Topic": "a"}')]);
		await until(() => ctx.sim.requestLog.some((entry) => entry.route === 'GET /v1/apps/:appId'), 'the first definition request');
		const second = ctx.engine.start([runAppJsonNode('app_slow_definition', '{"Topic": "b"}')]);
		await new Promise((resolve) => setTimeout(resolve, 100));
		first.cancel();
		expect((await first.result).status).toBe('canceled');
		const { status, error, items } = await second.result;
		expect(error).toBeUndefined();
		expect(status).toBe('success');
		expect(items[0].json.status).toBe('completed');
	});

	test('a later node that edits Get App’s output can’t change the definition Run App uses', async () => {
		(ctx.engine.nodes as Map<string, INodeType>).set(EDIT_PARAMETERS_NODE, new EditParametersTestNode());
		ctx.sim.addApp({ ...caption(), appId: 'app_edited_downstream' });
		const getApp = laminaNode({ resource: 'app', operation: 'get', appId: { __rl: true, mode: 'id', value: 'app_edited_downstream' } });
		const edited = await ctx.engine.run([getApp, { name: 'Edit', type: EDIT_PARAMETERS_NODE, parameters: {} }]);
		expect((edited.items[0].json.parameters as Array<{ name: string }>)[0].name).toBe('Edited downstream');
		ctx.sim.resetCounters();
		const { items, error } = await ctx.engine.run([runAppJsonNode('app_edited_downstream', '{"Topic": "tea"}')]);
		expect(error).toBeUndefined();
		expect(ctx.sim.counters.requests['GET /v1/apps/:appId'] ?? 0).toBe(0); // the cached definition was used
		expect(ctx.sim.runs.get(items[0].json.runId as string)?.inputs).toEqual({ Topic: 'tea' });
	});
});

describe('signing keys', () => {
	test('are fetched again once they are an hour old', async () => {
		const saved = { ...signingKeyLimits };
		signingKeyLimits.ttlMs = 300;
		try {
			const endpoint = await startTriggerEndpoint(ctx.engine, triggerNode());
			endpoints.push(endpoint);
			await runWithWebhook(ctx, endpoint);
			const fetches = ctx.sim.counters.signingKeyFetches;
			await runWithWebhook(ctx, endpoint); // within the hour (here: 300 ms)
			expect(ctx.sim.counters.signingKeyFetches).toBe(fetches);
			await new Promise((resolve) => setTimeout(resolve, 400));
			await runWithWebhook(ctx, endpoint);
			expect(ctx.sim.counters.signingKeyFetches).toBe(fetches + 1);
			expect(endpoint.executions).toHaveLength(3);
		} finally {
			Object.assign(signingKeyLimits, saved);
		}
	});

	test('a forged call to one credential’s trigger does not hold back another credential’s key refetch', async () => {
		ctx.engine.credentialsHelper.setById('cred-2', { apiKey: ctx.sim.apiKey, baseUrl: ctx.sim.url });
		const first = await startTriggerEndpoint(ctx.engine, triggerNode());
		const second = await startTriggerEndpoint(ctx.engine, {
			...triggerNode(),
			name: 'Second Lamina Trigger',
			credentials: { laminaApi: { id: 'cred-2', name: 'Lamina (second credential)' } },
		});
		endpoints.push(first, second);
		// Both have the current key cached.
		await runWithWebhook(ctx, first);
		await runWithWebhook(ctx, second);

		ctx.sim.rotateSigningKey();
		// A forged call to the first trigger makes it refetch (and starts its cooldown).
		const forgedBody = JSON.stringify({ data: { runId: 'run_forged', status: 'completed' } });
		const forged = await post(first.url, forgedBody, { ...ctx.sim.signWebhook(forgedBody), 'X-Lamina-Webhook-Signature': 'ab'.repeat(64) });
		expect(forged.status).toBe(401);
		// A genuine call signed with the new key reaches the second trigger: it must refetch for itself.
		await runWithWebhook(ctx, second);
		expect(second.executions).toHaveLength(2);
	});
});

const EDIT_PARAMETERS_NODE = 'test.editParameters';

/** A test-only node that edits its input items in place, as a Code node's careless user might. */
class EditParametersTestNode implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Edit Parameters (test)',
		name: 'editParameters',
		group: ['transform'],
		version: 1,
		description: 'Test only: renames the first parameter of each app item, in place',
		defaults: { name: 'Edit' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		for (const item of items) {
			const parameters = item.json.parameters as Array<{ name: string }>;
			parameters[0].name = 'Edited downstream';
			parameters.push({ name: 'Added downstream' });
		}
		return [items];
	}
}
