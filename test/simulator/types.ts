/** Public shapes of the Lamina simulator: what tests, the demo and the benchmarks program against. */
import type { SimChannel, SimPost } from './publishing';

export interface SimulatorOptions {
	/** Default 0: a random free port. */
	port?: number;
	/** Default 'lma_test_' + random hex. */
	apiKey?: string;
	/** Default 'ws_test'. */
	workspaceId?: string;
	/** Default 100; 0 or Infinity disables rate limiting. */
	rateLimitPerMinute?: number;
	/** Default 60000. */
	rateLimitWindowMs?: number;
	/** Default duration of a run, default 1500. */
	runDurationMs?: number;
	/** Multiplies webhook retry delays (5 s, 30 s, 2 min) and the 15 s delivery timeout; default 1. */
	timeScale?: number;
	/** Old server generation: `executionId` instead of `runId`, bare `{ error }` bodies, 429 as plain text. */
	legacy?: boolean;
	/** SSE keep-alive `ping` interval, default 15000 (an addition so tests need not wait 15 s). */
	streamPingMs?: number;
	/** SSE `timeout` event after this long, default 600000 (an addition, as above). */
	streamTimeoutMs?: number;
	/**
	 * Routes this server does not have, as counters name them (e.g. 'GET /v1/runs/:runId/wait' for
	 * a server older than the long-poll): they answer 404 as an unknown path does.
	 */
	missingRoutes?: string[];
	/** The workspace's credit balance, default 1 000 000 (no test runs out unless it means to). */
	credits?: number;
	/** Status of the insufficient-credits refusal, default 402 (Lamina's is assumed 402 or 403). */
	insufficientCreditsStatus?: 402 | 403;
	/** Start as a new workspace: no channels, no publish history, sparse intelligence (default false). */
	emptyWorkspace?: boolean;
}

/** How `GET /v1/runs/:runId/stream` writes its events (tests vary the wire format and its faults). */
export interface StreamBehaviour {
	/** RUN as sent in events: bare, or wrapped in `{ data: RUN }`. Default bare (wrapped on the old generation). */
	runShape?: 'bare' | 'wrapped';
	/** Line ending of every field and event; default 'lf'. */
	lineEnding?: 'lf' | 'crlf' | 'cr';
	/** Write each event in pieces of this many bytes, one piece per tick, so chunks split anywhere. */
	chunkBytes?: number;
	/** A comment line (`: ...`) before each event, as proxies and keep-alives send. */
	comments?: boolean;
	/** Each event's JSON spread over several `data:` lines (the spec joins them with a line feed). */
	multiLineData?: boolean;
	/** An `id:` field with every event. */
	ids?: boolean;
	/** Drop the connection (no final event) once this many run events were sent on a stream. */
	dropAfterEvents?: number;
	/** How many streams drop that way; default every stream. */
	drops?: number;
	/** Send the headers, then nothing at all (no events, no pings), until the client leaves. */
	silent?: boolean;
}

/** A node of an app's workflow graph, as `GET /v1/apps/:appId/workflow` lists it. */
export interface SimWorkflowNode {
	id: string;
	type: string;
	label: string;
}

export interface SimWorkflowEdge {
	source: string;
	target: string;
}

export interface SimWorkflow {
	nodes: SimWorkflowNode[];
	edges: SimWorkflowEdge[];
}

/** A processing step of a fixture pipeline (between the input nodes and the output nodes). */
export interface SimPipelineStep {
	type: string;
	label: string;
}

export type ParameterType = 'text' | 'options' | 'url';

export interface SimParameter {
	id: string;
	key?: string;
	name: string;
	type: ParameterType;
	required: boolean;
	description?: string;
	options?: Array<string | { label: string; value: string }>;
	default?: unknown;
	accept?: Array<'image' | 'video'>;
	multiple?: boolean;
}

export type OutputType = 'image' | 'video' | 'audio' | 'text';

export interface SimAppOutput {
	index: number;
	label: string;
	type: OutputType;
}

export interface SimApp {
	appId: string;
	name: string;
	description: string;
	isPublic?: boolean;
	modality?: string;
	thumbnail?: { url: string; type: string };
	inputSummary?: string;
	capabilities?: string[];
	parameters: SimParameter[];
	/** Advertised outputs (newer servers); runs produce these. */
	outputs?: SimAppOutput[];
	/** What runs produce when `outputs` is not advertised (older servers). Never shown by the API. */
	produces?: SimAppOutput[];
	/** How a VALIDATION_ERROR lists its details for this app: both forms exist in the wild. */
	detailsStyle?: 'strings' | 'object';
	/**
	 * The steps between inputs and outputs, stage by stage (a stage's steps run side by side);
	 * default one generator named after the app. Runs advance through them node by node.
	 */
	pipeline?: SimPipelineStep[][];
	/** The workflow graph exactly as Get Workflow answers it (tests: cycles, dangling edges, big graphs). */
	workflow?: SimWorkflow;
}

export interface AppBehaviour {
	durationMs: number;
	/** errorMessage: the run fails. */
	fail?: string;
	/** Size of the media files served for outputs (default 2048). */
	outputBytes?: number;
	/** Output indexes that end with status 'error' while the run completes. */
	failOutputs?: number[];
	/** Serve output files at about this many bytes a second (default: as fast as possible). */
	outputBytesPerSecond?: number;
	/** Send this many bytes of each output file, then nothing more, keeping the connection open. */
	outputStallAfterBytes?: number;
	/** With `fail`: the step (node label) the run fails at; default the last step before the outputs. */
	failAtStep?: string;
}

export interface Fault {
	method?: string;
	/** A route pattern as in counters ('GET /v1/apps' or '/v1/apps/:appId/runs'), or a concrete path prefix. */
	route?: string;
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	delayMs?: number;
	/** Destroy the socket without answering. */
	reset?: boolean;
	/**
	 * Let the route do its work first (a run started, a post published), then answer with this
	 * fault instead of the route's answer: the answer is lost after the request took effect.
	 */
	afterRoute?: boolean;
	/** Default 1; Infinity allowed. */
	times?: number;
}

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type OutputStatus = 'pending' | 'completed' | 'error' | 'cancelled';

export interface SimOutput {
	id: string;
	/** Index in the app's outputs; also names the served file. */
	index: number;
	label: string;
	/** What the output becomes once produced. */
	kind: OutputType;
	/** What the API shows: 'pending' until produced. */
	type: OutputType | 'pending';
	value: string | null;
	status: OutputStatus;
	error: string | null;
}

export interface RunProgress {
	percent: number;
	completedNodes: number;
	totalNodes: number;
	/** The workflow node being worked on now. */
	currentNode?: SimWorkflowNode;
}

export interface SimRun {
	runId: string;
	/** Which of Lamina's three kinds of run (default app): each has its own status endpoint. */
	kind?: 'app' | 'model' | 'freestyle';
	/** Model runs: the model id and every field sent, prompt included. */
	model?: string;
	resolvedParams?: Record<string, unknown>;
	appId: string;
	workflowId: string;
	workflowName: string;
	/** The inputs exactly as the client sent them. */
	inputs: Record<string, unknown>;
	/** Inputs keyed by parameter name, defaults applied. */
	resolvedInputs: Record<string, unknown>;
	/** Output labels the client asked for, if any. */
	requestedOutputs?: string[];
	webhookUrl: string | null;
	source: 'api' | 'content';
	status: RunStatus;
	outputs: SimOutput[];
	errorMessage: string | null;
	progress?: RunProgress;
	createdAt: string;
	startedAt: string | null;
	completedAt: string | null;
	/** The app's behaviour when the run started. */
	behaviour: AppBehaviour;
	/** Creation order, for newest-first listing when timestamps tie. */
	seq: number;
	/** A refinement (POST /v1/runs/:runId/feedback): the run it refines, and the feedback. */
	refinedFrom?: string;
	feedback?: string;
}

export interface WebhookDelivery {
	url: string;
	runId: string;
	/** 1..4 */
	attempt: number;
	/** Filled in when the receiver answers. */
	status?: number;
	/** Filled in when the attempt fails without an answer (network error, timeout). */
	error?: string;
	/** Date.now() when the attempt was sent. */
	at: number;
	headers: Record<string, string>;
	body: string;
}

export interface SigningJwk {
	kty: 'OKP';
	crv: 'Ed25519';
	x: string;
	kid: string;
	use: 'sig';
	alg: 'EdDSA';
}

/** One request the simulator received: when it came and when its connection closed. */
export interface LoggedRequest {
	/** As counters name it, e.g. 'GET /v1/runs/:runId/wait'. */
	route: string;
	/** The path asked for, e.g. '/v1/runs/run_1a2b/wait'. */
	path: string;
	receivedAt: number;
	/** When the response ended or the client went away; undefined while still open. */
	closedAt?: number;
	/** Whether the response was sent whole (false: the client closed it first). */
	completed?: boolean;
}

export interface SimCounters {
	requests: Record<string, number>;
	runsStarted: number;
	/** API requests answered 429 by the rate limit (not injected faults). */
	rateLimited: number;
	signingKeyFetches: number;
	uploads: number;
}

export interface UploadedAsset {
	filename: string;
	contentType: string;
	bytes: number;
}

export interface LaminaSimulator {
	/** 'http://127.0.0.1:PORT', no trailing slash. */
	url: string;
	apiKey: string;
	workspaceId: string;
	counters: SimCounters;
	resetCounters(): void;
	injectFault(fault: Fault): void;
	clearFaults(): void;
	setAppBehaviour(appId: string, behaviour: Partial<AppBehaviour>): void;
	addApp(app: SimApp, behaviour?: Partial<AppBehaviour>): void;
	setRateLimit(perMinute: number, windowMs?: number): void;
	/** Read uploads at about this many bytes a second (undefined: as fast as they come). */
	setUploadPace(bytesPerSecond?: number): void;
	/** How streams write from now on ({} for the plain default). */
	setStreamBehaviour(behaviour: StreamBehaviour): void;
	/** Routes that answer 404 from now on, as counters name them (see SimulatorOptions.missingRoutes). */
	setMissingRoutes(routes: string[]): void;
	rotateSigningKey(opts?: { keepOld?: boolean }): void;
	signWebhook(rawBody: string, timestamp?: number): Record<string, string>;
	signingKeys(): SigningJwk[];
	webhookDeliveries: WebhookDelivery[];
	/** Every request since the start (or the last resetCounters), oldest first. */
	requestLog: LoggedRequest[];
	/** The logged requests whose path starts with `prefix` (e.g. one run's: `/v1/runs/<id>`), counted by route. */
	requestsUnder(prefix: string): Record<string, number>;
	runs: Map<string, SimRun>;
	uploadedAssets: Map<string, UploadedAsset>;
	getRun(runId: string): object | undefined;
	/** The workspace's credits now (runs debit it when they start). */
	readonly balance: number;
	setBalance(credits: number): void;
	/** An app's expected cost per run (undefined: the cost of its workflow's steps). */
	setAppCredits(appId: string, credits: number | undefined): void;
	/** What POST /v1/apps/:appId/estimate answers now. */
	estimate(appId: string): { estimatedCredits: { expected: number; min: number; max: number }; currentBalance: number; affordable: boolean };
	setInsufficientCreditsStatus(status: 402 | 403): void;
	/** Connected channels (edit in place to change them). */
	channels: SimChannel[];
	/** Every publish attempt per channel, newest first (what history lists). */
	posts: SimPost[];
	/** Successful posts per channel ID since the start (or resetPublishing). */
	postsPerChannel: Record<string, number>;
	/** What transfer-asset was asked to copy. */
	transfers: Array<{ sourceUrl: string; mediaType: string; cdnUrl: string }>;
	/** Posts to this channel fail with `error` from now on; undefined: they succeed again. */
	setChannelFailure(accountId: string, error?: string): void;
	/** Answer as a new workspace (no channels, no history, sparse intelligence) or not. */
	setEmptyWorkspace(empty: boolean): void;
	/** Forgets posts, transfers and failures; channels back to the fixtures. */
	resetPublishing(): void;
	close(): Promise<void>;
}
