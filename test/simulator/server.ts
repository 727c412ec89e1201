/** The HTTP front door: counting, faults, rate limit, auth, then the route; plus startLaminaSimulator. */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { APPS, FAILING_APP_ERROR, fixtureApps } from './apps';
import { AssetStore } from './assets';
import { estimateFor } from './credits';
import { FaultList } from './faults';
import { fixtureChannels, PublishingStore } from './publishing';
import { atomicRun, freestyleRun } from './generate';
import { FIXTURE_MODELS } from './models';
import { codeForStatus, HttpError, sendError, sendJson, sendText, type ErrorCode, type RequestContext } from './http';
import { RateLimiter } from './rateLimit';
import { matchRoute, ROUTE_NAMES, routeName } from './routes';
import { publicRun, RunStore } from './runs';
import type { SimState } from './state';
import { TimerSet } from './timers';
import type { AppBehaviour, Fault, LaminaSimulator, LoggedRequest, SimApp, SimRun, SimulatorOptions, WebhookDelivery } from './types';
import { SigningKeys, WebhookSender } from './webhooks';

const FAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
	RESOURCE_UNAVAILABLE: 'Service temporarily unavailable, try again shortly',
	INTERNAL_ERROR: 'Internal server error',
	RATE_LIMITED: 'Too many requests',
	NOT_FOUND: 'Not found',
	FORBIDDEN: 'Forbidden',
	AUTH_INVALID_KEY: 'Invalid API key',
	VALIDATION_ERROR: 'Invalid request',
};

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const value = headers[name];
	return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** Sends the right 401/403 and returns false when the request may not proceed. */
function authorise(ctx: RequestContext, sim: SimState): boolean {
	const headers = ctx.req.headers;
	const key = headerValue(headers, 'x-api-key') ?? /^Bearer\s+(\S+)/i.exec(headerValue(headers, 'authorization') ?? '')?.[1];
	if (!key) {
		sendError(ctx, 401, 'AUTH_MISSING_KEY', 'Missing API key: send x-api-key or Authorization: Bearer');
		return false;
	}
	if (key !== sim.apiKey) {
		sendError(ctx, 401, 'AUTH_INVALID_KEY', 'Invalid API key');
		return false;
	}
	const workspace = headerValue(headers, 'x-workspace-id');
	if (workspace && workspace !== sim.workspaceId) {
		sendError(ctx, 403, 'FORBIDDEN', `This API key does not belong to workspace "${workspace}"`);
		return false;
	}
	return true;
}

/** Returns true when the fault answered (or dropped) the request itself. */
async function applyFault(ctx: RequestContext, fault: Fault, sim: SimState): Promise<boolean> {
	if (fault.delayMs) await sim.timers.sleep(fault.delayMs);
	if (fault.reset) {
		ctx.req.socket.destroy();
		return true;
	}
	if (fault.status === undefined && fault.body === undefined) return false;
	const status = fault.status ?? 500;
	const headers = fault.headers ?? {};
	if (fault.body !== undefined) {
		if (typeof fault.body === 'string') sendText(ctx, status, fault.body, headers);
		else sendJson(ctx, status, fault.body, headers);
		return true;
	}
	const code = codeForStatus(status);
	const retryAfterHeader = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
	const retryAfter = status === 429 ? Number(retryAfterHeader ?? 1) || 1 : undefined;
	sendError(ctx, status, code, FAULT_MESSAGES[code] ?? `HTTP ${status}`, { headers, retryAfter });
	return true;
}

function createHandler(sim: SimState, limiter: RateLimiter, faults: FaultList) {
	return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
		const requestId = randomUUID();
		res.setHeader('x-request-id', requestId);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = (req.method ?? 'GET').toUpperCase();
		const found = matchRoute(method, url.pathname);
		const name = found ? routeName(found.route) : undefined;
		const counterKey = `${method} ${name ?? url.pathname}`;
		sim.counters.requests[counterKey] = (sim.counters.requests[counterKey] ?? 0) + 1;
		const logged: LoggedRequest = { route: counterKey, path: url.pathname, receivedAt: Date.now() };
		sim.requestLog.push(logged);
		res.once('close', () => {
			logged.closedAt = Date.now();
			logged.completed = res.writableFinished;
		});

		const oldPath = url.pathname.startsWith('/api/');
		const ctx: RequestContext = {
			req,
			res,
			method,
			url,
			params: found?.params ?? {},
			requestId,
			legacy: sim.options.legacy || oldPath,
		};
		try {
			const fault = faults.take(method, name, url.pathname);
			if (fault?.afterRoute && found) {
				// The route does its work with its answer discarded; the fault then answers instead.
				await Promise.resolve(found.route.handler({ ...ctx, res: new http.ServerResponse(req) }, sim)).catch(() => undefined);
				if (await applyFault(ctx, fault, sim)) return;
			}
			if (fault && !fault.afterRoute && (await applyFault(ctx, fault, sim))) return;

			const isApi = found ? found.route.api : url.pathname.startsWith('/v1/') || oldPath;
			if (isApi) {
				const decision = limiter.take(req.socket.remoteAddress ?? 'unknown');
				for (const [header, value] of Object.entries(decision.headers)) res.setHeader(header, value);
				if (!decision.allowed) {
					sim.counters.rateLimited += 1;
					const seconds = decision.retryAfterSeconds;
					return sendError(ctx, 429, 'RATE_LIMITED', `Rate limit exceeded, retry in ${seconds} s`, { retryAfter: seconds });
				}
				if (!authorise(ctx, sim)) return;
			}
			if (!found || sim.missingRoutes.has(counterKey)) throw new HttpError(404, 'NOT_FOUND', `No route for ${method} ${url.pathname}`);
			await found.route.handler(ctx, sim);
		} catch (error) {
			if (error instanceof HttpError) {
				sendError(ctx, error.status, error.code, error.message, { details: error.details });
			} else {
				sendError(ctx, 500, 'INTERNAL_ERROR', `Internal server error: ${(error as Error)?.message ?? error}`);
			}
		}
	};
}

function listen(server: http.Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

export async function startLaminaSimulator(options: SimulatorOptions = {}): Promise<LaminaSimulator> {
	const timers = new TimerSet();
	const keys = new SigningKeys();
	const deliveries: WebhookDelivery[] = [];
	const timeScale = options.timeScale ?? 1;
	const sim: SimState = {
		url: '',
		apiKey: options.apiKey ?? `lma_test_${randomBytes(12).toString('hex')}`,
		workspaceId: options.workspaceId ?? 'ws_test',
		options: {
			runDurationMs: options.runDurationMs ?? 1500,
			timeScale,
			legacy: options.legacy ?? false,
			streamPingMs: options.streamPingMs ?? 15_000,
			streamTimeoutMs: options.streamTimeoutMs ?? 600_000,
		},
		apps: new Map(fixtureApps().map((app) => [app.appId, app])),
		models: new Map(FIXTURE_MODELS.map((model) => [model.id, model])),
		behaviours: new Map<string, Partial<AppBehaviour>>([[APPS.fails, { fail: FAILING_APP_ERROR }]]),
		counters: { requests: {}, runsStarted: 0, rateLimited: 0, signingKeyFetches: 0, uploads: 0 },
		requestLog: [],
		timers,
		runs: new RunStore({ timers, baseUrl: () => sim.url, onTerminal: (run) => deliverWebhook(run) }),
		legacyRuns: new Set(),
		keys,
		webhooks: new WebhookSender({ timers, keys, timeScale, deliveries }),
		deliveries,
		assets: new AssetStore(),
		openResponses: new Set(),
		stream: {},
		missingRoutes: new Set(options.missingRoutes ?? []),
		balance: options.credits ?? 1_000_000,
		appCredits: new Map(),
		insufficientCreditsStatus: options.insufficientCreditsStatus ?? 402,
		user: { id: 'usr_test', email: 'owner@example.com' },
		memberships: [
			{ workspaceId: options.workspaceId ?? 'ws_test', name: 'Test Studio', slug: 'test-studio', role: 'owner' },
			{ workspaceId: 'ws_other', name: 'Other Agency', slug: 'other-agency', role: 'member' },
		],
		publishing: new PublishingStore(),
		emptyWorkspace: options.emptyWorkspace ?? false,
	};

	function deliverWebhook(run: SimRun): void {
		if (!run.webhookUrl) return;
		const legacy = sim.options.legacy || sim.legacyRuns.has(run.runId);
		const data = run.kind === 'model' ? atomicRun(run) : run.kind === 'freestyle' ? freestyleRun(run) : publicRun(run, legacy);
		sim.webhooks.deliver(run.webhookUrl, run.runId, JSON.stringify({ data }));
	}

	const limiter = new RateLimiter(options.rateLimitPerMinute ?? 100, options.rateLimitWindowMs ?? 60_000);
	const faults = new FaultList(ROUTE_NAMES);
	const server = http.createServer(createHandler(sim, limiter, faults));
	const port = await listen(server, options.port ?? 0);
	sim.url = `http://127.0.0.1:${port}`;

	let closing: Promise<void> | undefined;
	const simulator: LaminaSimulator = {
		url: sim.url,
		apiKey: sim.apiKey,
		workspaceId: sim.workspaceId,
		counters: sim.counters,
		webhookDeliveries: deliveries,
		requestLog: sim.requestLog,
		requestsUnder(prefix) {
			const counts: Record<string, number> = {};
			for (const entry of sim.requestLog) {
				if (entry.path === prefix || entry.path.startsWith(`${prefix}/`)) counts[entry.route] = (counts[entry.route] ?? 0) + 1;
			}
			return counts;
		},
		runs: sim.runs.runs,
		uploadedAssets: sim.assets.uploaded,
		resetCounters() {
			// In place: callers may hold the counters object.
			for (const key of Object.keys(sim.counters.requests)) delete sim.counters.requests[key];
			sim.counters.runsStarted = 0;
			sim.counters.rateLimited = 0;
			sim.counters.signingKeyFetches = 0;
			sim.counters.uploads = 0;
			sim.requestLog.length = 0;
		},
		injectFault: (fault) => faults.add(fault),
		clearFaults: () => faults.clear(),
		setAppBehaviour(appId, behaviour) {
			sim.behaviours.set(appId, { ...behaviourOverrides(appId), ...behaviour });
		},
		addApp(app: SimApp, behaviour?: Partial<AppBehaviour>) {
			sim.apps.set(app.appId, app);
			if (behaviour) sim.behaviours.set(app.appId, { ...behaviourOverrides(app.appId), ...behaviour });
		},
		setRateLimit: (perMinute, windowMs) => limiter.configure(perMinute, windowMs),
		setUploadPace(bytesPerSecond) {
			sim.uploadBytesPerSecond = bytesPerSecond;
		},
		setStreamBehaviour(behaviour) {
			sim.stream = { ...behaviour };
			sim.streamDropsLeft = behaviour.drops;
		},
		setMissingRoutes(routes) {
			sim.missingRoutes = new Set(routes);
		},
		rotateSigningKey: (opts) => keys.rotate(opts?.keepOld ?? false),
		signWebhook: (rawBody, timestamp) => keys.headersFor(rawBody, timestamp),
		signingKeys: () => keys.list(),
		get balance() {
			return sim.balance;
		},
		setBalance(credits) {
			sim.balance = credits;
		},
		setAppCredits(appId, credits) {
			if (credits === undefined) sim.appCredits.delete(appId);
			else sim.appCredits.set(appId, credits);
		},
		estimate(appId) {
			const app = sim.apps.get(appId);
			if (!app) throw new Error(`No app ${appId}`);
			return estimateFor(sim, app);
		},
		setInsufficientCreditsStatus(status) {
			sim.insufficientCreditsStatus = status;
		},
		getRun(runId) {
			const run = sim.runs.get(runId);
			return run ? publicRun(run, sim.options.legacy || sim.legacyRuns.has(runId)) : undefined;
		},
		get channels() {
			return sim.publishing.channels;
		},
		posts: sim.publishing.posts,
		postsPerChannel: sim.publishing.postsPerChannel,
		transfers: sim.publishing.transfers,
		setChannelFailure(accountId, error) {
			if (error === undefined) sim.publishing.failing.delete(accountId);
			else sim.publishing.failing.set(accountId, error);
		},
		setEmptyWorkspace(empty) {
			sim.emptyWorkspace = empty;
		},
		resetPublishing() {
			// In place: callers may hold these.
			const store = sim.publishing;
			store.posts.length = 0;
			store.transfers.length = 0;
			store.failing.clear();
			for (const key of Object.keys(store.postsPerChannel)) delete store.postsPerChannel[key];
			store.channels = fixtureChannels();
		},
		close() {
			closing ??= new Promise<void>((resolve) => {
				timers.stopAll();
				sim.webhooks.close();
				for (const end of [...sim.openResponses]) end();
				sim.openResponses.clear();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};

	function behaviourOverrides(appId: string): Partial<AppBehaviour> {
		return sim.behaviours.get(appId) ?? {};
	}

	return simulator;
}
