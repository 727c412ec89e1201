/** The Lamina simulator itself, over real HTTP: other tests trust it to play Lamina faithfully. */
import { createPublicKey, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from 'undici';

import { APPS, startLaminaSimulator, type LaminaSimulator, type SigningJwk } from './simulator';
import { expectStory } from './support/story';

interface Answer {
	status: number;
	headers: Record<string, string>;
	text: string;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface CallOptions {
	body?: unknown;
	headers?: Record<string, string>;
	/** false: send no API key. */
	key?: string | false;
}

async function call(sim: LaminaSimulator, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
	const headers: Record<string, string> = { ...(options.headers ?? {}) };
	if (options.key !== false) headers['x-api-key'] = options.key ?? sim.apiKey;
	let body: string | undefined;
	if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['content-type'] = 'application/json';
	}
	const response = await request(`${sim.url}${path}`, { method: method as 'GET', headers, body });
	const text = await response.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers)) flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
	return { status: response.statusCode, headers: flat, text, json };
}

const portraitInputs = { Prompt: 'a violinist at dusk' };

async function startPortrait(sim: LaminaSimulator, extra: Record<string, unknown> = {}, query = ''): Promise<string> {
	const answer = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs${query}`, {
		body: { inputs: portraitInputs, ...extra },
	});
	expect(answer.status).toBe(202);
	return answer.json.data.runId;
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

interface SseEvent {
	event: string;
	data: string;
}

async function readStream(sim: LaminaSimulator, runId: string): Promise<SseEvent[]> {
	const response = await request(`${sim.url}/v1/runs/${runId}/stream`, { headers: { 'x-api-key': sim.apiKey } });
	expect(response.headers['content-type']).toContain('text/event-stream');
	let buffer = '';
	for await (const chunk of response.body) buffer += chunk.toString();
	return buffer
		.split('\n\n')
		.filter((block) => block.trim() !== '')
		.map((block) => ({
			event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
			data: /^data: (.*)$/m.exec(block)?.[1] ?? '',
		}));
}

describe('Lamina simulator', () => {
	let sim: LaminaSimulator;

	beforeAll(async () => {
		sim = await startLaminaSimulator({ runDurationMs: 100, rateLimitPerMinute: 0 });
	});
	afterAll(() => sim.close());
	afterEach(() => sim.clearFaults());

	describe('auth', () => {
		it('answers 401 AUTH_MISSING_KEY without a key, with a request id in body and header', async () => {
			const answer = await call(sim, 'GET', '/v1/apps', { key: false });
			expect(answer.status).toBe(401);
			expect(answer.json).toMatchObject({ code: 'AUTH_MISSING_KEY', retryable: false });
			expect(answer.json.requestId).toMatch(/^[0-9a-f-]{36}$/);
			expect(answer.headers['x-request-id']).toBe(answer.json.requestId);
		});

		it('answers 401 AUTH_INVALID_KEY for a wrong key', async () => {
			const answer = await call(sim, 'GET', '/v1/apps', { key: 'lma_wrong' });
			expect(answer.status).toBe(401);
			expect(answer.json.code).toBe('AUTH_INVALID_KEY');
		});

		it('accepts Authorization: Bearer', async () => {
			const answer = await call(sim, 'GET', '/v1/apps', { key: false, headers: { authorization: `Bearer ${sim.apiKey}` } });
			expect(answer.status).toBe(200);
		});

		it('answers 403 FORBIDDEN when x-workspace-id does not match', async () => {
			expect((await call(sim, 'GET', '/v1/apps', { headers: { 'x-workspace-id': 'ws_other' } })).json.code).toBe('FORBIDDEN');
			expect((await call(sim, 'GET', '/v1/apps', { headers: { 'x-workspace-id': sim.workspaceId } })).status).toBe(200);
		});
	});

	describe('apps', () => {
		it('lists apps without parameters, filters by search and honours limit', async () => {
			const all = await call(sim, 'GET', '/v1/apps');
			expect(all.json.data.length).toBeGreaterThanOrEqual(8);
			expect(all.json.data[0]).not.toHaveProperty('parameters');
			expect(all.json.data.find((a: { appId: string }) => a.appId === APPS.portrait)).toMatchObject({
				name: 'Portrait Studio',
				modality: 'image',
			});

			const search = await call(sim, 'GET', '/v1/apps?search=PORTRAIT');
			expect(search.json.data.map((a: { appId: string }) => a.appId)).toEqual([APPS.portrait]);
			const byDescription = await call(sim, 'GET', '/v1/apps?search=looping');
			expect(byDescription.json.data.map((a: { appId: string }) => a.appId)).toEqual([APPS.video]);

			expect((await call(sim, 'GET', '/v1/apps?limit=3')).json.data).toHaveLength(3);
			expect((await call(sim, 'GET', '/v1/apps?limit=500')).json.code).toBe('VALIDATION_ERROR');
		});

		it('gets an app with parameters of both server generations', async () => {
			const portrait = (await call(sim, 'GET', `/v1/apps/${APPS.portrait}`)).json.data;
			expect(portrait.parameters.map((p: { name: string }) => p.name)).toEqual([
				'Prompt',
				'Location',
				'Style',
				'Model  Ethnicity',
				'Reference Image',
			]);
			expect(portrait.parameters[2].options).toContain('Standard ');
			expect(portrait.outputs).toEqual([
				{ index: 0, label: 'Hero Image', type: 'image' },
				{ index: 1, label: 'Caption', type: 'text' },
			]);

			const caption = (await call(sim, 'GET', `/v1/apps/${APPS.caption}`)).json.data;
			expect(caption).not.toHaveProperty('outputs');
			expect(caption.parameters[0]).not.toHaveProperty('key');
			expect(caption.parameters[1].options[0]).toEqual({ label: 'Friendly', value: 'friendly' });

			const missing = await call(sim, 'GET', '/v1/apps/app_nope');
			expect(missing.status).toBe(404);
			expect(missing.json.code).toBe('NOT_FOUND');
		});

		it('returns the workflow graph', async () => {
			const graph = (await call(sim, 'GET', `/v1/apps/${APPS.video}/workflow`)).json.data;
			expect(graph).toMatchObject({ appId: APPS.video, name: 'Product Video' });
			expect(graph.nodes.length).toBeGreaterThan(2);
			expect(graph.edges[0]).toEqual({ source: expect.any(String), target: expect.any(String) });
			// Its pipeline: inputs → Upscale → Animate → the output, each stage feeding the next.
			const labels = (ids: string[]) => ids.map((id) => graph.nodes.find((n: { id: string }) => n.id === id).label);
			const into = (label: string) =>
				labels(graph.edges.filter((e: { target: string }) => labels([e.target])[0] === label).map((e: { source: string }) => e.source));
			expect(into('Upscale')).toEqual(['Product Image', 'Duration']);
			expect(into('Animate')).toEqual(['Upscale']);
			expect(into('Video')).toEqual(['Animate']);
		});

		it('answers an app’s own graph as given (tests use cycles and dangling edges); a missing route answers 404', async () => {
			const workflow = { nodes: [{ id: 'a', type: 'llmNode', label: 'A' }], edges: [{ source: 'a', target: 'a' }, { source: 'a', target: 'gone' }] };
			sim.addApp({ appId: 'app_graph', name: 'Graph', description: 'x', parameters: [], workflow });
			expect((await call(sim, 'GET', '/v1/apps/app_graph/workflow')).json.data).toEqual({ appId: 'app_graph', name: 'Graph', ...workflow });
			sim.setMissingRoutes(['GET /v1/apps/:appId/workflow']);
			try {
				const missing = await call(sim, 'GET', '/v1/apps/app_graph/workflow');
				expect(missing.status).toBe(404);
				expect(missing.json).toMatchObject({ code: 'NOT_FOUND', error: 'No route for GET /v1/apps/app_graph/workflow' });
				expect((await call(sim, 'GET', '/v1/apps/app_graph')).status).toBe(200);
			} finally {
				sim.setMissingRoutes([]);
			}
		});
	});

	describe('runs', () => {
		it('starts a run and waits until it completes with real outputs', async () => {
			const started = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { body: { inputs: portraitInputs } });
			expect(started.status).toBe(202);
			expect(started.json.data).toMatchObject({ status: 'queued', workflowName: 'Portrait Studio', webhookUrl: null });
			expect(started.json.data.outputs).toEqual([
				expect.objectContaining({ label: 'Hero Image', type: 'pending', status: 'pending', value: null }),
				expect.objectContaining({ label: 'Caption', type: 'pending', status: 'pending', value: null }),
			]);
			const runId = started.json.data.runId;
			expect(runId).toMatch(/^run_/);

			const waited = await call(sim, 'GET', `/v1/runs/${runId}/wait?timeout=5`);
			expect(waited.json.timeout).toBe(false);
			const run = waited.json.data;
			expect(run).toMatchObject({ runId, status: 'completed', errorMessage: null });
			expect(run.startedAt).toEqual(expect.any(String));
			expect(run.completedAt).toEqual(expect.any(String));
			expect(run.outputs[0]).toMatchObject({ type: 'image', status: 'completed', error: null });
			expect(run.outputs[0].value).toBe(`${sim.url}/files/${runId}/0.png`);
			expect(run.outputs[1]).toMatchObject({ type: 'text', value: 'Caption for: a violinist at dusk' });

			const file = await request(run.outputs[0].value);
			const bytes = Buffer.from(await file.body.arrayBuffer());
			expect(file.statusCode).toBe(200);
			expect(file.headers['content-type']).toBe('image/png');
			expect(bytes.length).toBe(2048);
			expect(bytes.subarray(1, 4).toString()).toBe('PNG');
			expect(sim.runs.get(runId)?.resolvedInputs).toMatchObject({ Prompt: 'a violinist at dusk', Location: 'Studio', Style: 'Standard ' });
			expect((await call(sim, 'GET', `/v1/runs/${runId}`)).json.data.status).toBe('completed');
		});

		it('streams large output files without buffering them', async () => {
			sim.setAppBehaviour(APPS.video, { outputBytes: 20 * 1024 * 1024 });
			try {
				const started = await call(sim, 'POST', `/v1/apps/${APPS.video}/runs`, {
					body: { inputs: { 'Product Image': 'https://example.com/shoe.png' } },
				});
				const run = (await call(sim, 'GET', `/v1/runs/${started.json.data.runId}/wait?timeout=5`)).json.data;
				const file = await request(run.outputs[0].value);
				expect(file.headers['content-type']).toBe('video/mp4');
				expect(file.headers['content-length']).toBe(String(20 * 1024 * 1024));
				let received = 0;
				for await (const chunk of file.body) received += chunk.length;
				expect(received).toBe(20 * 1024 * 1024);
			} finally {
				sim.setAppBehaviour(APPS.video, { outputBytes: undefined });
			}
		});

		it('resolves input keys by key, then name, then id, and accepts the trailing-space label', async () => {
			const answer = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, {
				body: { inputs: { prompt: 'by key', prm_2: 'Urban', Style: 'Standard ', 'Model  Ethnicity': 'Any' } },
			});
			expect(answer.status).toBe(202);
			expect(sim.runs.get(answer.json.data.runId)?.resolvedInputs).toEqual({
				Prompt: 'by key',
				Location: 'Urban',
				Style: 'Standard ',
				'Model  Ethnicity': 'Any',
			});
		});

		it('rejects bad inputs with details as an array of strings', async () => {
			const answer = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, {
				body: { inputs: { Prompt: 'x', Location: 'Mars', Style: 'Standard', Mood: 'happy', 'Reference Image': 'file:///etc/passwd' } },
			});
			expect(answer.status).toBe(400);
			expect(answer.json.code).toBe('VALIDATION_ERROR');
			expect(answer.json.details).toEqual(
				expect.arrayContaining([
					'"Location": invalid option "Mars". Must be one of: Studio, Urban, Park',
					expect.stringContaining('"Style": invalid option "Standard"'),
					expect.stringContaining('"Mood": unknown input'),
					expect.stringContaining('"Reference Image": must be a publicly reachable http(s) URL'),
				]),
			);
			const missing = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { body: { inputs: {} } });
			expect(missing.json.details).toEqual(['"Prompt": is required']);
			expect(sim.counters.runsStarted).toBeGreaterThan(0);
		});

		it('rejects bad inputs to app_video with the object form of details', async () => {
			const answer = await call(sim, 'POST', `/v1/apps/${APPS.video}/runs`, { body: { inputs: { Duration: '7s' } } });
			expect(answer.status).toBe(400);
			expect(answer.json.details).toMatchObject({
				code: expect.any(String),
				message: expect.any(String),
				details: {
					errors: expect.arrayContaining([
						{ field: 'Product Image', message: 'is required' },
						{ field: 'Duration', message: 'invalid option "7s". Must be one of: 5s, 10s' },
					]),
				},
			});
		});

		it('rejects a bad webhook URL and unknown apps', async () => {
			const bad = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs?webhook=${encodeURIComponent('ftp://x.example')}`, {
				body: { inputs: portraitInputs },
			});
			expect(bad.status).toBe(400);
			expect(bad.json.code).toBe('WEBHOOK_INVALID_URL');
			const unknown = await call(sim, 'POST', '/v1/apps/app_nope/runs', { body: { inputs: {} } });
			expect(unknown.status).toBe(404);
		});

		it('old-generation apps accept names and labels, and produce their hidden outputs', async () => {
			const answer = await call(sim, 'POST', `/v1/apps/${APPS.caption}/runs`, {
				body: { inputs: { Topic: 'autumn sale', Tone: 'Friendly' } },
			});
			const run = (await call(sim, 'GET', `/v1/runs/${answer.json.data.runId}/wait?timeout=5`)).json.data;
			expect(run.outputs).toEqual([expect.objectContaining({ label: 'Caption', type: 'text', value: 'Caption for: autumn sale' })]);
			const byValue = await call(sim, 'POST', `/v1/apps/${APPS.caption}/runs`, { body: { inputs: { Tone: 'friendly' } } });
			expect(byValue.json.details).toEqual(['"Tone": invalid option "friendly". Must be one of: Friendly, Formal']);
		});

		it('produces only the requested outputs, matched case-insensitively', async () => {
			const runId = await startPortrait(sim, { outputs: ['caption'] });
			const run = (await call(sim, 'GET', `/v1/runs/${runId}/wait?timeout=5`)).json.data;
			expect(run.outputs.map((o: { label: string }) => o.label)).toEqual(['Caption']);
		});

		it('fails runs of the glitchy app with errorMessage and output errors', async () => {
			const answer = await call(sim, 'POST', `/v1/apps/${APPS.fails}/runs`, { body: { inputs: { Prompt: 'anything' } } });
			const run = (await call(sim, 'GET', `/v1/runs/${answer.json.data.runId}/wait?timeout=5`)).json.data;
			expect(run).toMatchObject({ status: 'failed', errorMessage: 'Model crashed: out of memory' });
			expect(run.outputs[0]).toMatchObject({ status: 'error', error: 'Generation failed', type: 'pending', value: null });
		});

		it('answers wait with timeout: true while the run is still going, and 400 for a bad timeout', async () => {
			sim.setAppBehaviour(APPS.portrait, { durationMs: 5000 });
			try {
				const runId = await startPortrait(sim);
				const waited = await call(sim, 'GET', `/v1/runs/${runId}/wait?timeout=1`);
				expect(waited.status).toBe(200);
				expect(waited.json.timeout).toBe(true);
				expect(['queued', 'running']).toContain(waited.json.data.status);
				expect((await call(sim, 'GET', `/v1/runs/${runId}/wait?timeout=121`)).json.code).toBe('VALIDATION_ERROR');
				expect((await call(sim, 'GET', `/v1/runs/${runId}/wait?timeout=0`)).status).toBe(400);
				await call(sim, 'POST', `/v1/runs/${runId}/cancel`);
			} finally {
				sim.setAppBehaviour(APPS.portrait, { durationMs: 100 });
			}
		});

		it('streams progress then complete, and one event for a finished run', async () => {
			const runId = await startPortrait(sim);
			const events = await readStream(sim, runId);
			expect(events.at(-1)?.event).toBe('complete');
			expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThanOrEqual(2);
			expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ runId, status: 'completed' });
			const progress = events.map((e) => JSON.parse(e.data)).find((r) => r.status === 'running');
			expect(progress.progress).toMatchObject({ percent: expect.any(Number) });

			const again = await readStream(sim, runId);
			expect(again.map((e) => e.event)).toEqual(['complete']);

			const failed = await call(sim, 'POST', `/v1/apps/${APPS.fails}/runs`, { body: { inputs: { Prompt: 'x' } } });
			const failedEvents = await readStream(sim, failed.json.data.runId);
			expect(failedEvents.at(-1)?.event).toBe('error');
		});

		it('advances node by node: each step a progress event naming the next node, outputs ready as their node finishes', async () => {
			sim.setAppBehaviour(APPS.video, { durationMs: 400 });
			try {
				const started = await call(sim, 'POST', `/v1/apps/${APPS.video}/runs`, { body: { inputs: { 'Product Image': 'https://x.test/p.png' } } });
				const events = await readStream(sim, started.json.data.runId);
				const runs = events.map((e) => JSON.parse(e.data));
				expectStory(
					events.map((e, i) => [e.event, runs[i].progress?.currentNode?.label, runs[i].progress?.completedNodes]),
					[
						['progress', undefined, undefined],
						['progress', 'Upscale', 0],
						['progress', 'Animate', 1],
						['progress', 'Video', 2],
						['complete', undefined, undefined],
					],
				);
				expect(runs.at(-2).outputs[0].status).toBe('pending');
				expect(runs.at(-1).outputs[0]).toMatchObject({ status: 'completed', type: 'video' });

				const catalog = await call(sim, 'POST', `/v1/apps/${APPS.catalog}/runs`, { body: { inputs: { 'Product Images': 'https://x.test/p.png' } } });
				const shots = (await readStream(sim, catalog.json.data.runId)).map((e) => JSON.parse(e.data));
				const front = shots.findIndex((r) => r.outputs[0].status === 'completed');
				expect(shots[front].status).toBe('running');
				expect(shots[front].outputs[1].status).toBe('pending');
			} finally {
				sim.setAppBehaviour(APPS.video, { durationMs: 100 });
			}
		});

		it('a failing run fails at its failing step; outputs made before it stay made', async () => {
			sim.setAppBehaviour(APPS.catalog, { fail: 'Out of credits', failAtStep: 'Angle Shot' });
			try {
				const started = await call(sim, 'POST', `/v1/apps/${APPS.catalog}/runs`, { body: { inputs: { 'Product Images': 'https://x.test/p.png' } } });
				const runs = (await readStream(sim, started.json.data.runId)).map((e) => JSON.parse(e.data));
				expect(runs.at(-2).progress.currentNode.label).toBe('Angle Shot');
				expect(runs.at(-1)).toMatchObject({ status: 'failed', errorMessage: 'Out of credits' });
				expect(runs.at(-1).outputs.map((o: { status: string }) => o.status)).toEqual(['error', 'error']);
			} finally {
				sim.setAppBehaviour(APPS.catalog, { fail: undefined, failAtStep: undefined });
			}
		});

		it('lists runs newest first with filters and pagination', async () => {
			const first = await startPortrait(sim);
			const second = await startPortrait(sim);
			const page = await call(sim, 'GET', `/v1/runs?appId=${APPS.portrait}&limit=1`);
			expect(page.json.data).toHaveLength(1);
			expect(page.json.data[0]).toMatchObject({ runId: second, source: 'api' });
			expect(page.json.data[0]).not.toHaveProperty('outputs');
			expect(page.json.pagination).toMatchObject({ limit: 1, offset: 0 });
			expect(page.json.pagination.total).toBeGreaterThanOrEqual(2);
			const next = await call(sim, 'GET', `/v1/runs?appId=${APPS.portrait}&limit=1&offset=1`);
			expect(next.json.data[0].runId).toBe(first);

			const failedOnly = await call(sim, 'GET', '/v1/runs?status=failed');
			expect(failedOnly.json.data.every((r: { status: string }) => r.status === 'failed')).toBe(true);
			const future = await call(sim, 'GET', `/v1/runs?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
			expect(future.json.data).toEqual([]);
			expect((await call(sim, 'GET', '/v1/runs?limit=101')).status).toBe(400);
			expect((await call(sim, 'GET', '/v1/runs?since=yesterday')).status).toBe(400);
		});

		it('cancels idempotently and answers 404 for unknown runs', async () => {
			sim.setAppBehaviour(APPS.portrait, { durationMs: 2000 });
			try {
				const runId = await startPortrait(sim);
				const cancelled = await call(sim, 'POST', `/v1/runs/${runId}/cancel`);
				expect(cancelled.json.data).toEqual({ runId, status: 'cancelled' });
				expect((await call(sim, 'POST', `/v1/runs/${runId}/cancel`)).json.data.status).toBe('cancelled');
				const run = (await call(sim, 'GET', `/v1/runs/${runId}`)).json.data;
				expect(run.outputs.every((o: { status: string }) => o.status === 'cancelled')).toBe(true);
			} finally {
				sim.setAppBehaviour(APPS.portrait, { durationMs: 100 });
			}
			const done = await startPortrait(sim);
			await call(sim, 'GET', `/v1/runs/${done}/wait?timeout=5`);
			expect((await call(sim, 'POST', `/v1/runs/${done}/cancel`)).json.data.status).toBe('completed');
			expect((await call(sim, 'GET', '/v1/runs/run_nope')).status).toBe(404);
			expect((await call(sim, 'POST', '/v1/runs/run_nope/cancel')).status).toBe(404);
		});
	});

	describe('faults', () => {
		it('answers an injected status with the right error body, then recovers', async () => {
			sim.injectFault({ route: 'GET /v1/apps', status: 503 });
			const failed = await call(sim, 'GET', '/v1/apps');
			expect(failed.status).toBe(503);
			expect(failed.json).toMatchObject({ code: 'RESOURCE_UNAVAILABLE', retryable: true });
			expect((await call(sim, 'GET', '/v1/apps')).status).toBe(200);
		});

		it('applies a fault a given number of times, before auth, and counts the requests', async () => {
			sim.resetCounters();
			sim.injectFault({ method: 'POST', route: '/v1/apps/:appId/runs', status: 500, times: 2 });
			expect((await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { body: { inputs: portraitInputs }, key: 'lma_wrong' })).json.code).toBe(
				'INTERNAL_ERROR',
			);
			expect((await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { body: { inputs: portraitInputs } })).status).toBe(500);
			expect((await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { body: { inputs: portraitInputs } })).status).toBe(202);
			expect(sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(3);
			expect(sim.counters.runsStarted).toBe(1);
		});

		it('answers 429 faults with Retry-After, and custom bodies as given', async () => {
			sim.injectFault({ route: '/v1/apps', status: 429, headers: { 'Retry-After': '7' } });
			const limited = await call(sim, 'GET', '/v1/apps');
			expect(limited.headers['retry-after']).toBe('7');
			expect(limited.json).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 7 });
			sim.injectFault({ route: `/v1/apps/${APPS.portrait}`, status: 502, body: '<html>Bad gateway</html>' });
			const gateway = await call(sim, 'GET', `/v1/apps/${APPS.portrait}`);
			expect(gateway.status).toBe(502);
			expect(gateway.text).toBe('<html>Bad gateway</html>');
		});

		it('resets the socket, and delays', async () => {
			sim.injectFault({ route: 'GET /v1/apps/:appId', reset: true });
			await expect(call(sim, 'GET', `/v1/apps/${APPS.portrait}`)).rejects.toThrow();
			sim.injectFault({ route: 'GET /v1/apps/:appId', delayMs: 150 });
			const began = Date.now();
			expect((await call(sim, 'GET', `/v1/apps/${APPS.portrait}`)).status).toBe(200);
			expect(Date.now() - began).toBeGreaterThanOrEqual(140);
		});

		it('keeps an Infinity fault until cleared; a route equal to a pattern is that route only, else a path prefix', async () => {
			sim.injectFault({ route: '/v1/runs/', status: 500, times: Infinity });
			expect((await call(sim, 'GET', '/v1/runs/run_x')).status).toBe(500);
			expect((await call(sim, 'POST', '/v1/runs/run_x/cancel')).status).toBe(500);
			expect((await call(sim, 'GET', '/v1/runs')).status).toBe(200);
			sim.clearFaults();
			expect((await call(sim, 'GET', '/v1/runs/run_x')).status).toBe(404);
			sim.injectFault({ route: '/v1/runs', status: 500 });
			expect((await call(sim, 'GET', '/v1/runs/run_x')).status).toBe(404);
			expect((await call(sim, 'GET', '/v1/runs')).status).toBe(500);
		});
	});

	describe('content', () => {
		const create = (brief: unknown, extra: Record<string, unknown> = {}) =>
			call(sim, 'POST', '/v1/content/create', { body: { brief, ...extra } });

		it('runs a brief and reports the app it chose', async () => {
			const answer = await create('a portrait of a chef');
			expect(answer.status).toBe(202);
			expect(answer.json.data).toMatchObject({
				status: 'ran',
				mode: 'app',
				selectedApp: { appId: APPS.portrait, name: 'Portrait Studio', rationale: expect.any(String) },
				draftedInputs: { Prompt: 'a portrait of a chef' },
				warnings: [],
			});
			const run = (await call(sim, 'GET', `/v1/runs/${answer.json.data.runId}/wait?timeout=5`)).json.data;
			expect(run.status).toBe('completed');
		});

		it('answers every other shape by marker, and 400 for an empty brief', async () => {
			expect((await create('[needs_input] something')).json.data).toMatchObject({
				status: 'needs_input',
				askUser: [{ name: 'Prompt', question: expect.any(String) }],
				selectedApp: { appId: APPS.portrait },
			});
			expect((await create('[clarify] stuff')).json.data).toMatchObject({
				status: 'needs_clarification',
				clarifications: [{ question: expect.any(String) }, { question: expect.any(String) }],
			});
			expect((await create('[unmatched] a sculpture')).json.data).toEqual({ status: 'unmatched', reason: expect.any(String) });
			const old = (await create('[legacy] a cat')).json.data;
			expect(Object.keys(old).sort()).toEqual(['runId', 'status', 'workflowId', 'workflowName']);
			expect(old.status).toBe('queued');
			expect((await create('')).json.code).toBe('VALIDATION_ERROR');
			expect((await create('a video', { appId: APPS.video })).json.data).toMatchObject({
				status: 'needs_input',
				askUser: [{ name: 'Product Image' }],
			});
		});

		it('answers a batch per item', async () => {
			const answer = await call(sim, 'POST', '/v1/content/batch', {
				body: { items: [{ brief: 'a dog' }, { brief: '' }, { brief: '[unmatched] x' }] },
			});
			expect(answer.json.data).toEqual([
				{ index: 0, status: 'ran', runId: expect.stringMatching(/^run_/) },
				{ index: 1, status: 'error', error: expect.any(String) },
				{ index: 2, status: 'unmatched' },
			]);
			expect((await call(sim, 'POST', '/v1/content/batch', { body: { items: [] } })).status).toBe(400);
		});
	});

	describe('assets', () => {
		it('hands out upload URLs that take a PUT without an API key', async () => {
			const answer = await call(sim, 'POST', '/v1/assets/upload-urls', {
				body: { files: [{ filename: 'shoe.jpg', mediaType: 'image' }] },
			});
			expect(answer.status).toBe(200);
			const upload = answer.json.data.uploads[0];
			expect(upload).toMatchObject({ filename: 'shoe.jpg', mediaType: 'image', contentTypeHint: 'image/jpeg' });
			expect(upload.uploadUrl).toBe(`${sim.url}/uploads/${upload.assetId}`);
			expect(Date.parse(upload.expiresAt)).toBeGreaterThan(Date.now());

			const uploadsBefore = sim.counters.uploads;
			const put = await request(upload.uploadUrl, {
				method: 'PUT',
				headers: { 'content-type': 'image/jpeg' },
				body: Buffer.alloc(5000, 1),
			});
			await put.body.dump();
			expect(put.statusCode).toBe(200);
			expect(sim.counters.uploads).toBe(uploadsBefore + 1);
			expect(sim.uploadedAssets.get(upload.assetId)).toEqual({ filename: 'shoe.jpg', contentType: 'image/jpeg', bytes: 5000 });

			const served = await request(upload.assetUrl);
			expect(served.headers['content-type']).toBe('image/jpeg');
			expect((await served.body.arrayBuffer()).byteLength).toBe(5000);

			const bad = await call(sim, 'POST', '/v1/assets/upload-urls', { body: { files: [{ filename: 'a.txt', mediaType: 'text' }] } });
			expect(bad.status).toBe(400);
		});
	});

	describe('old /api paths', () => {
		it('answer with executionId', async () => {
			const started = await call(sim, 'POST', `/api/apps/${APPS.portrait}/executions`, { body: { inputs: portraitInputs } });
			expect(started.status).toBe(202);
			const id = started.json.data.executionId;
			expect(started.json.data).not.toHaveProperty('runId');
			expect((await call(sim, 'GET', `/api/executions/${id}`)).json.data.executionId).toBe(id);
			expect((await call(sim, 'GET', '/api/apps', { key: 'lma_wrong' })).json).toEqual({ error: 'Invalid API key' });
		});
	});
});

describe('Lamina simulator: rate limit', () => {
	let sim: LaminaSimulator;
	beforeEach(async () => {
		sim = await startLaminaSimulator({ rateLimitPerMinute: 5, runDurationMs: 50 });
	});
	afterEach(() => sim.close());

	it('answers 429 with Retry-After and RateLimit-* headers, counting but never starting runs', async () => {
		const ok = await call(sim, 'GET', '/v1/apps');
		expect(ok.headers['ratelimit-limit']).toBe('5');
		expect(ok.headers['ratelimit-remaining']).toBe('4');
		for (let i = 0; i < 4; i++) await call(sim, 'GET', '/v1/apps');
		const limited = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { body: { inputs: portraitInputs } });
		expect(limited.status).toBe(429);
		expect(limited.json).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
		expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(limited.json.retryAfter).toBe(Number(limited.headers['retry-after']));
		expect(limited.headers['ratelimit-remaining']).toBe('0');
		expect(limited.headers['ratelimit-reset']).toBeDefined();
		expect(sim.counters.requests['POST /v1/apps/:appId/runs']).toBe(1);
		expect(sim.counters.runsStarted).toBe(0);
	});

	it('opens a new window when it passes, and setRateLimit resets it', async () => {
		sim.setRateLimit(2, 200);
		await call(sim, 'GET', '/v1/apps');
		await call(sim, 'GET', '/v1/apps');
		const limited = await call(sim, 'GET', '/v1/apps');
		expect(limited.status).toBe(429);
		// A compressed window reports its reset to the millisecond, never more than the window.
		const retryAfter = Number(limited.headers['retry-after']);
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(0.2);
		expect(limited.headers['ratelimit-reset']).toBe(limited.headers['retry-after']);
		await new Promise((resolve) => setTimeout(resolve, 220));
		expect((await call(sim, 'GET', '/v1/apps')).status).toBe(200);
		sim.setRateLimit(0);
		for (let i = 0; i < 5; i++) expect((await call(sim, 'GET', '/v1/apps')).status).toBe(200);
	});

	it("reports RateLimit-Reset in whole seconds at Lamina's real minute", async () => {
		sim.setRateLimit(3, 60_000);
		const first = await call(sim, 'GET', '/v1/apps');
		expect(first.headers['ratelimit-reset']).toBe('60');
		expect(first.headers['ratelimit-limit']).toBe('3');
		sim.setRateLimit(0);
	});

	it('does not limit storage paths', async () => {
		sim.setRateLimit(1);
		await call(sim, 'GET', '/v1/apps');
		expect((await call(sim, 'GET', '/v1/apps')).status).toBe(429);
		const file = await request(`${sim.url}/files/run_x/0.png`);
		await file.body.dump();
		expect(file.statusCode).toBe(404);
	});
});

describe('Lamina simulator: legacy server generation', () => {
	let sim: LaminaSimulator;
	beforeAll(async () => {
		sim = await startLaminaSimulator({ legacy: true, runDurationMs: 50, rateLimitPerMinute: 3 });
	});
	afterAll(() => sim.close());

	it('uses executionId, bare error bodies and a plain-text 429', async () => {
		const started = await call(sim, 'POST', `/v1/apps/${APPS.portrait}/runs`, { body: { inputs: portraitInputs } });
		const id = started.json.data.executionId;
		expect(id).toMatch(/^run_/);
		expect(started.json.data).not.toHaveProperty('runId');
		const waited = await call(sim, 'GET', `/v1/runs/${id}/wait?timeout=5`);
		expect(waited.json.data).toMatchObject({ executionId: id, status: 'completed', timeout: false });
		expect((await call(sim, 'GET', '/v1/apps', { key: 'lma_wrong' })).json).toEqual({ error: 'Invalid API key' });
		const limited = await call(sim, 'GET', '/v1/apps');
		expect(limited.status).toBe(429);
		expect(limited.json).toBeUndefined();
		expect(limited.headers['content-type']).toContain('text/plain');
		expect(limited.headers['retry-after']).toBeDefined();
		expect(sim.getRun(id)).toMatchObject({ executionId: id });
	});
});

describe('Lamina simulator: streams as configured', () => {
	let sim: LaminaSimulator;
	beforeAll(async () => {
		sim = await startLaminaSimulator({ runDurationMs: 300, rateLimitPerMinute: 0 });
	});
	afterAll(() => sim.close());
	afterEach(() => sim.setStreamBehaviour({}));

	async function raw(runId: string): Promise<{ text: string; chunks: number; error?: string }> {
		const response = await request(`${sim.url}/v1/runs/${runId}/stream`, { headers: { 'x-api-key': sim.apiKey } });
		const parts: Buffer[] = [];
		try {
			for await (const chunk of response.body) parts.push(chunk as Buffer);
		} catch (error) {
			return { text: Buffer.concat(parts).toString(), chunks: parts.length, error: (error as Error).message };
		}
		return { text: Buffer.concat(parts).toString(), chunks: parts.length };
	}

	it('CRLF, comments, ids, wrapped RUNs, JSON over several data: lines, in small pieces', async () => {
		sim.setStreamBehaviour({ lineEnding: 'crlf', comments: true, ids: true, runShape: 'wrapped', multiLineData: true, chunkBytes: 50 });
		const { text, chunks } = await raw(await startPortrait(sim));
		expect(text.startsWith(': the run is still being worked on\r\nevent: progress\r\nid: 1\r\ndata: {\r\ndata:  "data": {\r\n')).toBe(true);
		expect(text).not.toMatch(/[^\r]\n/);
		expect(text.endsWith('\r\n\r\n')).toBe(true);
		expect(text).toMatch(/event: complete\r\nid: \d+\r\n/);
		expect(chunks).toBeGreaterThan(text.length / 50 / 2);
	});

	it('drops the first N streams after so many events, without a final event', async () => {
		sim.setStreamBehaviour({ dropAfterEvents: 1, drops: 1 });
		sim.setAppBehaviour(APPS.portrait, { durationMs: 1000 });
		try {
			const runId = await startPortrait(sim);
			const dropped = await raw(runId);
			expect(dropped.text.match(/^event: /gm)).toEqual(['event: ']);
			expect(dropped.error).toBeDefined();
			const whole = await raw(runId);
			expect(whole.error).toBeUndefined();
			expect(whole.text).toMatch(/event: complete\n/);
		} finally {
			sim.setAppBehaviour(APPS.portrait, { durationMs: 300 });
		}
	});

	it('a silent stream sends its headers and nothing else', async () => {
		sim.setStreamBehaviour({ silent: true });
		const runId = await startPortrait(sim);
		const response = await request(`${sim.url}/v1/runs/${runId}/stream`, { headers: { 'x-api-key': sim.apiKey } });
		expect(response.headers['content-type']).toContain('text/event-stream');
		const first = Promise.race([
			(async () => {
				for await (const chunk of response.body) return chunk;
			})(),
			new Promise((resolve) => setTimeout(() => resolve('nothing'), 600)),
		]);
		expect(await first).toBe('nothing');
		response.body.destroy();
	});
});

describe('Lamina simulator: streams by the clock', () => {
	let sim: LaminaSimulator;
	beforeAll(async () => {
		sim = await startLaminaSimulator({ runDurationMs: 10_000, streamPingMs: 40, streamTimeoutMs: 150, rateLimitPerMinute: 0 });
	});
	afterAll(() => sim.close());

	it('pings and then ends with a timeout event', async () => {
		const runId = await startPortrait(sim);
		const events = await readStream(sim, runId);
		expect(events.some((e) => e.event === 'ping')).toBe(true);
		expect(events.at(-1)).toEqual({ event: 'timeout', data: expect.stringContaining('message') });
	});

	it('close() ends open long-polls and streams', async () => {
		const other = await startLaminaSimulator({ runDurationMs: 10_000, rateLimitPerMinute: 0 });
		const runId = await startPortrait(other);
		const pending = call(other, 'GET', `/v1/runs/${runId}/wait?timeout=60`).catch((e: Error) => e);
		await new Promise((resolve) => setTimeout(resolve, 50));
		const began = Date.now();
		await other.close();
		await pending;
		expect(Date.now() - began).toBeLessThan(1000);
	});
});

describe('Lamina simulator: webhooks', () => {
	interface Received {
		headers: http.IncomingHttpHeaders;
		body: string;
	}
	let sim: LaminaSimulator;
	let receiver: http.Server;
	let receiverUrl: string;
	let received: Received[];
	/** Status codes to answer in turn; 'hang' never answers; after the list, 200. */
	let plan: Array<number | 'hang'>;

	beforeAll(async () => {
		receiver = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
				const next = plan.shift() ?? 200;
				if (next === 'hang') return;
				res.writeHead(next).end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterAll(async () => {
		receiver.closeAllConnections();
		await new Promise((resolve) => receiver.close(resolve));
	});
	beforeEach(async () => {
		received = [];
		plan = [];
		sim = await startLaminaSimulator({ runDurationMs: 50, timeScale: 0.01, rateLimitPerMinute: 0 });
	});
	afterEach(() => sim.close());

	const verifyWith = (keys: SigningJwk[], headers: Record<string, string | string[] | undefined>, body: string) =>
		keys.some((jwk) =>
			verify(
				null,
				Buffer.from(`${String(headers['x-lamina-webhook-timestamp'])}.${body}`),
				createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' }),
				Buffer.from(String(headers['x-lamina-webhook-signature']), 'hex'),
			),
		);

	it('serves the signing key unwrapped and delivers a signed webhook that verifies', async () => {
		const keyAnswer = await call(sim, 'GET', '/v1/webhooks/signing-key');
		expect(keyAnswer.json.keys).toEqual([
			{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: 'lamina-webhook-v1', use: 'sig', alg: 'EdDSA' },
		]);
		expect(Buffer.from(keyAnswer.json.keys[0].x, 'base64url')).toHaveLength(32);
		expect(sim.counters.signingKeyFetches).toBe(1);

		const runId = await startPortrait(sim, {}, `?webhook=${encodeURIComponent(receiverUrl)}`);
		expect(sim.runs.get(runId)?.webhookUrl).toBe(receiverUrl);
		await waitFor(() => received.length === 1 && sim.webhookDeliveries[0]?.status === 200);
		const [delivery] = received;
		expect(delivery.headers['content-type']).toBe('application/json');
		expect(delivery.headers['x-lamina-webhook-request-id']).toBe(runId);
		expect(delivery.headers['x-lamina-webhook-user-id']).toEqual(expect.any(String));
		expect(Math.abs(Number(delivery.headers['x-lamina-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
		expect(JSON.parse(delivery.body).data).toMatchObject({ runId, status: 'completed' });
		expect(verifyWith(keyAnswer.json.keys, delivery.headers, delivery.body)).toBe(true);
		expect(verifyWith(keyAnswer.json.keys, delivery.headers, delivery.body.replace('completed', 'failed'))).toBe(false);
		expect(sim.webhookDeliveries).toHaveLength(1);
		expect(sim.webhookDeliveries[0]).toMatchObject({ url: receiverUrl, runId, attempt: 1, status: 200, body: delivery.body });
	});

	it('retries after failures on the scaled schedule with the same request id and fresh signatures', async () => {
		plan = [500, 500];
		const runId = await startPortrait(sim, {}, `?webhook=${encodeURIComponent(receiverUrl)}`);
		await waitFor(() => sim.webhookDeliveries.length === 3 && sim.webhookDeliveries[2].status === 200);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(sim.webhookDeliveries.map((d) => [d.attempt, d.status])).toEqual([
			[1, 500],
			[2, 500],
			[3, 200],
		]);
		const [a, b, c] = sim.webhookDeliveries;
		expect(b.at - a.at).toBeGreaterThanOrEqual(45); // 5 s × 0.01
		expect(c.at - b.at).toBeGreaterThanOrEqual(295); // 30 s × 0.01
		expect(received.map((r) => r.headers['x-lamina-webhook-request-id'])).toEqual([runId, runId, runId]);
		expect(new Set(received.map((r) => r.body)).size).toBe(1);
		for (const r of received) expect(verifyWith(sim.signingKeys(), r.headers, r.body)).toBe(true);
	});

	it('gives up after 4 attempts when the receiver never answers', async () => {
		await sim.close();
		sim = await startLaminaSimulator({ runDurationMs: 20, timeScale: 0.002, rateLimitPerMinute: 0 });
		plan = ['hang', 'hang', 'hang', 'hang'];
		await startPortrait(sim, {}, `?webhook=${encodeURIComponent(receiverUrl)}`);
		await waitFor(() => sim.webhookDeliveries.length === 4 && sim.webhookDeliveries[3].error !== undefined);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(sim.webhookDeliveries).toHaveLength(4);
		expect(sim.webhookDeliveries.every((d) => d.status === undefined && /no answer/.test(d.error ?? ''))).toBe(true);
		receiver.closeAllConnections();
	});

	it('delivers for failed and cancelled runs too', async () => {
		sim.setAppBehaviour(APPS.portrait, { durationMs: 5000 });
		const runId = await startPortrait(sim, {}, `?webhook=${encodeURIComponent(receiverUrl)}`);
		await call(sim, 'POST', `/v1/runs/${runId}/cancel`);
		await waitFor(() => received.length === 1);
		expect(JSON.parse(received[0].body).data.status).toBe('cancelled');
	});

	it('rotates keys: old signatures stop verifying unless the old key is kept', async () => {
		const body = JSON.stringify({ data: { runId: 'run_forged', status: 'completed' } });
		const oldKeys = sim.signingKeys();
		const oldHeaders = sim.signWebhook(body, 1_700_000_000);
		expect(oldHeaders).toMatchObject({ 'X-Lamina-Webhook-Timestamp': '1700000000', 'X-Lamina-Webhook-Request-Id': 'run_forged' });
		const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
		expect(verifyWith(oldKeys, lower(oldHeaders), body)).toBe(true);

		sim.rotateSigningKey({ keepOld: true });
		const both = (await call(sim, 'GET', '/v1/webhooks/signing-key')).json.keys;
		expect(both.map((k: SigningJwk) => k.kid)).toEqual(['lamina-webhook-v2', 'lamina-webhook-v1']);
		const newHeaders = lower(sim.signWebhook(body));
		expect(verifyWith(oldKeys, newHeaders, body)).toBe(false);
		expect(verifyWith(both, newHeaders, body)).toBe(true);
		expect(verifyWith(both, lower(oldHeaders), body)).toBe(true);

		sim.rotateSigningKey();
		const latest = sim.signingKeys();
		expect(latest.map((k) => k.kid)).toEqual(['lamina-webhook-v3']);
		expect(verifyWith(latest, lower(oldHeaders), body)).toBe(false);
	});
});
