/** The simulator's shared state, handed to every route handler. */
import type { AssetStore } from './assets';
import type { PublishingStore } from './publishing';
import type { SimModel } from './models';
import type { RequestContext } from './http';
import type { RunStore } from './runs';
import type { TimerSet } from './timers';
import type { AppBehaviour, LoggedRequest, SimApp, SimCounters, StreamBehaviour, WebhookDelivery } from './types';
import type { SigningKeys, WebhookSender } from './webhooks';

export interface ResolvedOptions {
	runDurationMs: number;
	timeScale: number;
	legacy: boolean;
	streamPingMs: number;
	streamTimeoutMs: number;
}

export interface SimState {
	/** Set once the server listens. */
	url: string;
	apiKey: string;
	workspaceId: string;
	options: ResolvedOptions;
	apps: Map<string, SimApp>;
	/** The model registry (GET /v1/models/...), by id. */
	models: Map<string, SimModel>;
	/** Per-app overrides of the default behaviour. */
	behaviours: Map<string, Partial<AppBehaviour>>;
	counters: SimCounters;
	requestLog: LoggedRequest[];
	timers: TimerSet;
	runs: RunStore;
	/** Runs started through the old `/api/...` paths: their webhooks carry `executionId`. */
	legacyRuns: Set<string>;
	keys: SigningKeys;
	webhooks: WebhookSender;
	deliveries: WebhookDelivery[];
	assets: AssetStore;
	/** Uploads are read at about this many bytes a second; undefined: as fast as they come. */
	uploadBytesPerSecond?: number;
	/** Long-polls and streams still open: close() ends each. */
	openResponses: Set<() => void>;
	/** How streams write (wire format, drops, silence). */
	stream: StreamBehaviour;
	/** Streams still to drop under `stream.drops`; undefined: every stream drops. */
	streamDropsLeft?: number;
	/** Routes answering 404 as unknown paths, as counters name them. */
	missingRoutes: Set<string>;
	/** The workspace's credits: each run started is billed its expected cost. */
	balance: number;
	/** Per-app expected cost set by a test, instead of the cost of its steps. */
	appCredits: Map<string, number>;
	/** How the server refuses a run the balance can't pay: 402 (default) or 403. */
	insufficientCreditsStatus: number;
	user: { id: string; email: string | null };
	/** Every workspace of the key's user; the key's own is `workspaceId`. */
	memberships: SimMembership[];
	/** Connected channels, posts and per-channel failures. */
	publishing: PublishingStore;
	/** A new workspace: no channels, no history, sparse intelligence. */
	emptyWorkspace: boolean;
}

export interface SimMembership {
	workspaceId: string;
	name: string | null;
	slug: string | null;
	role: string | null;
}

export type Handler = (ctx: RequestContext, sim: SimState) => void | Promise<void>;

export interface RouteDef {
	method: string;
	/** Path with :params, e.g. '/v1/apps/:appId'. */
	path: string;
	/** How counters and faults name the route, when not the path itself (e.g. '/files/...'). */
	name?: string;
	handler: Handler;
	/** API route: rate limited and needs the API key. */
	api: boolean;
}

/** The app's behaviour: defaults from the options, overridden per app. */
export function behaviourFor(sim: SimState, appId: string): AppBehaviour {
	return { durationMs: sim.options.runDurationMs, ...(sim.behaviours.get(appId) ?? {}) };
}
