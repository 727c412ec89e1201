/** The simulator's credits, estimates, account, discovery and refinement, over real HTTP. */
import { request } from 'undici';

import { APPS, startLaminaSimulator, type LaminaSimulator } from './simulator';

async function call(sim: LaminaSimulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
	const response = await request(`${sim.url}${path}`, {
		method: method as 'GET',
		headers: { 'x-api-key': sim.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return { status: response.statusCode, json: (await response.body.json()) as any };
}

function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	return new Promise((resolve, reject) => {
		const check = () => {
			if (predicate()) return resolve();
			if (Date.now() > deadline) return reject(new Error('condition not met in time'));
			setTimeout(check, 10);
		};
		check();
	});
}

describe('Lamina simulator: credits', () => {
	let sim: LaminaSimulator;
	beforeAll(async () => {
		sim = await startLaminaSimulator({ runDurationMs: 100, credits: 100 });
	});
	afterAll(() => sim.close());

	test('an estimate breaks the cost down by the workflow steps and says whether the balance covers it', async () => {
		sim.setBalance(100);
		const { status, json } = await call(sim, 'POST', `/v1/apps/${APPS.video}/estimate`);
		expect(status).toBe(200);
		// Product Video: Upscale (2) then Animate (20).
		expect(json.data).toEqual({
			appId: APPS.video,
			name: 'Product Video',
			estimatedCredits: { expected: 22, min: 17, max: 33 },
			breakdown: [
				{ nodeId: 'step-1-1', nodeType: 'upscaleNode', credits: 2 },
				{ nodeId: 'step-2-1', nodeType: 'videoGeneratorNode', credits: 20 },
			],
			currentBalance: 100,
			affordable: true,
		});
		sim.setBalance(10);
		expect((await call(sim, 'POST', `/v1/apps/${APPS.video}/estimate`)).json.data).toMatchObject({ currentBalance: 10, affordable: false });
		expect((await call(sim, 'POST', '/v1/apps/app_nope/estimate')).status).toBe(404);
	});

	test('a run debits its expected cost; one the balance cannot pay is refused (402, not retryable) and starts nothing', async () => {
		sim.setBalance(10);
		sim.setAppCredits(APPS.portrait, 6);
		const started = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { inputs: { Prompt: 'x' } });
		expect(started.status).toBe(202);
		expect(sim.balance).toBe(4);
		const runsBefore = sim.runs.size;
		const refused = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { inputs: { Prompt: 'x' } });
		expect(refused.status).toBe(402);
		expect(refused.json).toMatchObject({ code: 'INSUFFICIENT_CREDITS', retryable: false, details: { balance: 4, required: 6 } });
		expect(sim.runs.size).toBe(runsBefore);
		sim.setInsufficientCreditsStatus(403);
		expect((await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { inputs: { Prompt: 'x' } })).status).toBe(403);
		sim.setInsufficientCreditsStatus(402);
		sim.setAppCredits(APPS.portrait, undefined);
	});

	test('the account names the user, the key’s workspace and every membership; another workspace is refused', async () => {
		const { status, json } = await call(sim, 'GET', '/v1/account');
		expect(status).toBe(200);
		expect(json.data).toEqual({
			user: { id: 'usr_test', email: 'owner@example.com' },
			workspace: { id: sim.workspaceId, name: 'Test Studio', slug: 'test-studio', role: 'owner' },
			memberships: [
				{ workspaceId: sim.workspaceId, name: 'Test Studio', slug: 'test-studio', role: 'owner' },
				{ workspaceId: 'ws_other', name: 'Other Agency', slug: 'other-agency', role: 'member' },
			],
		});
		expect((await call(sim, 'GET', '/v1/account', undefined, { 'x-workspace-id': 'ws_other' })).status).toBe(403);
		expect((await call(sim, 'GET', '/v1/account', undefined, { 'x-workspace-id': sim.workspaceId })).status).toBe(200);
	});

	test('discover ranks apps for an intent, with why and their cost, within the constraints', async () => {
		const { status, json } = await call(sim, 'POST', '/v1/apps/discover', { intent: 'a looping product video' });
		expect(status).toBe(200);
		expect(json.data.matches[0]).toMatchObject({ appId: APPS.video, relevanceScore: expect.any(Number), estimatedCredits: 22 });
		expect(json.data.matches[0].whyMatch).toMatch(/product/);
		expect(json.data.intent).toEqual({ medium: 'video', summary: 'a looping product video' });
		const scores = json.data.matches.map((m: { relevanceScore: number }) => m.relevanceScore);
		expect([...scores].sort((a, b) => b - a)).toEqual(scores);

		const cheap = await call(sim, 'POST', '/v1/apps/discover', { intent: 'product video', constraints: { maxCredits: 10 } });
		expect(cheap.json.data.matches.every((m: { estimatedCredits: number }) => m.estimatedCredits <= 10)).toBe(true);
		const images = await call(sim, 'POST', '/v1/apps/discover', { intent: 'product photos', constraints: { outputFormat: 'image' }, limit: 1 });
		expect(images.json.data.matches).toHaveLength(1);
		expect((await call(sim, 'POST', '/v1/apps/discover', { intent: '  ' })).status).toBe(400);
	});

	test('feedback refines a completed run as a new, billed run; an unfinished run or empty feedback is refused', async () => {
		sim.setBalance(100);
		const started = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { inputs: { Prompt: 'a violinist' } });
		const runId = started.json.data.runId as string;
		expect((await call(sim, 'POST', `/v1/runs/${runId}/feedback`, { feedback: 'warmer' })).status).toBe(400);
		await waitFor(() => sim.runs.get(runId)?.status === 'completed');
		expect((await call(sim, 'POST', `/v1/runs/${runId}/feedback`, { feedback: '' })).status).toBe(400);
		const before = sim.balance;
		const refined = await call(sim, 'POST', `/v1/runs/${runId}/feedback`, { feedback: 'Make the light warmer' });
		expect(refined.status).toBe(200);
		expect(refined.json.data).toMatchObject({
			status: 'queued',
			summary: expect.stringContaining(runId),
			refinedNodes: [{ nodeId: 'generator-1', reason: 'Feedback: Make the light warmer' }],
			errorMessage: null,
		});
		const newId = refined.json.data.runId as string;
		expect(newId).not.toBe(runId);
		expect(sim.runs.get(newId)).toMatchObject({ refinedFrom: runId, feedback: 'Make the light warmer', inputs: { Prompt: 'a violinist' } });
		expect(sim.balance).toBe(before - sim.estimate(APPS.portrait).estimatedCredits.expected);
		await waitFor(() => sim.runs.get(newId)?.status === 'completed');
		expect((await call(sim, 'POST', '/v1/runs/run_nope/feedback', { feedback: 'x' })).status).toBe(404);
	});

	test('runs list pages with offset', async () => {
		const all = await call(sim, 'GET', '/v1/runs?limit=100');
		const second = await call(sim, 'GET', '/v1/runs?limit=1&offset=1');
		expect(second.json.data[0].runId).toBe(all.json.data[1].runId);
		expect(second.json.pagination).toMatchObject({ total: all.json.data.length, limit: 1, offset: 1 });
	});
});
