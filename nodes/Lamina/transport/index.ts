import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../../../credentials/LaminaApi.credentials';
import { readShortBody } from './bodyGuard';
import { cancelledError, cancelSignalOf, pause, throwIfCancelled } from './cancellation';
import { describeLaminaError } from './laminaError';
import { headerOf, networkErrorCode, type FullResponse } from './network';
import { decideRetry, parseRetryAfter } from './retryPolicy';
import { rateLimitPacer } from './rateLimitPacer';

export const CREDENTIAL_TYPE = 'laminaApi';

export type LaminaContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface LaminaRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** A POST that starts a run: repeated only after 429 or 503, so it never starts twice. */
	startsRun?: boolean;
	/** What the request is about (`app "x"`, `run "y"`), used in not-found and access errors. */
	subject?: string;
	itemIndex?: number;
	timeoutMs?: number;
	maxAttempts?: number;
	/** Statuses returned to the caller instead of becoming an error (e.g. 404 to detect a missing route). */
	acceptStatuses?: number[];
	/**
	 * A 2xx body comes back as n8n's response stream, unread (an event stream); any other answer is
	 * read and parsed as usual. `timeoutMs` bounds only the wait for the headers then.
	 */
	stream?: boolean;
	/** A long-poll: its answer (and so its RateLimit-* headers) may come minutes later. */
	heldOpen?: boolean;
	/**
	 * How long Lamina may keep answering 429 before this request fails (default 10 minutes). A 429
	 * is a pacing signal: the request waits for the window and goes again, without using an attempt.
	 */
	rateLimitPatienceMs?: number;
	/**
	 * Someone waits for this answer now (an editor lookup, a webhook's check; by default, any
	 * context that is not a node execution): it goes ahead of a running batch's queue, and fails
	 * after INTERACTIVE_QUEUE_MS rather than wait for a busy window.
	 */
	interactive?: boolean;
	/**
	 * Drops the request if this fires while it still waits for a slot (it was never sent). For a
	 * run-starting POST whose batch has failed: once sent, it is not aborted (its run must be known).
	 */
	unsentSignal?: AbortSignal;
	headers?: Record<string, string>;
}

export interface LaminaResponse<T> {
	statusCode: number;
	headers: Record<string, unknown>;
	body: T;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RATE_LIMIT_PATIENCE_MS = 10 * 60_000;
/** Lamina waits 15 s for a webhook's answer; an editor lookup should not hang longer either. */
const INTERACTIVE_QUEUE_MS = 8_000;

/** Editor lookups, webhooks and webhook hooks have no input items: nobody batches there. */
function isInteractive(context: LaminaContext): boolean {
	return typeof (context as Partial<IExecuteFunctions>).getInputData !== 'function';
}

function queuedTooLongError(context: LaminaContext, waitedMs: number, itemIndex?: number): NodeApiError {
	const error = new NodeApiError(
		context.getNode(),
		{ message: 'rate limit busy', laminaCode: 'RATE_LIMITED' },
		{
			message: `Lamina's rate limit is taken by other requests of this n8n right now (waited ${Math.round(waitedMs / 1000)} s)`,
			description: 'A large batch is using the requests Lamina allows per minute. Try again in a minute, or when the batch is done.',
			httpCode: '429',
			itemIndex,
		},
	);
	error.context.laminaCode = 'RATE_LIMITED';
	return error;
}

/** The credential's base URL without trailing slashes, or a clear error naming the field. */
export function normaliseBaseUrl(raw: unknown): string | undefined {
	const text = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '') : '';
	if (text === '') return DEFAULT_BASE_URL;
	try {
		const url = new URL(text);
		return url.protocol === 'http:' || url.protocol === 'https:' ? text : undefined;
	} catch {
		return undefined;
	}
}

export async function getBaseUrl(this: LaminaContext, itemIndex?: number): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE, itemIndex ?? 0);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl);
	if (!baseUrl) {
		throw new NodeOperationError(
			this.getNode(),
			`The Base URL in the Lamina API credential is not a valid http(s) URL: "${String(credentials.baseUrl)}"`,
			{
				description: `Set Base URL to ${DEFAULT_BASE_URL} (or the address Lamina gave you).`,
				itemIndex,
			},
		);
	}
	return baseUrl;
}


/** Where a 3xx answer points, as an absolute URL. */
function redirectTarget(response: FullResponse | undefined, requestUrl: string): string | undefined {
	if (!response || response.statusCode < 300 || response.statusCode >= 400) return undefined;
	const location = headerOf(response.headers, 'location');
	if (typeof location !== 'string' || location === '') return undefined;
	try {
		return new URL(location, requestUrl).toString();
	} catch {
		return location;
	}
}

/** The path and query of a request as the server sees it, e.g. `/v1/apps?limit=1`. */
function requestPathOf(options: IHttpRequestOptions): string {
	const url = new URL(options.url);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
	}
	return `${url.pathname}${url.search}`;
}

/**
 * The single door to Lamina's HTTP API: authentication through the credential, bounded retries
 * (Retry-After honoured), pacing by RateLimit-* headers, and errors a user can act on.
 */
export async function laminaRequest<T = unknown>(
	this: LaminaContext,
	request: LaminaRequest,
): Promise<LaminaResponse<T>> {
	const baseUrl = await getBaseUrl.call(this, request.itemIndex);
	const maxAttempts = request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
	const pacer = rateLimitPacer(baseUrl);
	const signal = cancelSignalOf(this);
	const patienceMs = request.rateLimitPatienceMs ?? DEFAULT_RATE_LIMIT_PATIENCE_MS;
	const interactive = request.interactive ?? isInteractive(this);
	/** When Lamina first answered this request with 429. */
	let refusedSince: number | undefined;

	for (let attempt = 1; ; attempt++) {
		const slot = await pacer.acquire({
			signal: request.unsentSignal && signal ? AbortSignal.any([signal, request.unsentSignal]) : (request.unsentSignal ?? signal),
			cancelled: () => cancelledError(this, request.itemIndex),
			heldOpen: request.heldOpen === true || request.stream === true,
			front: refusedSince !== undefined || interactive,
			...(interactive
				? { maxWaitMs: INTERACTIVE_QUEUE_MS, waitedTooLong: (ms: number) => queuedTooLongError(this, ms, request.itemIndex) }
				: {}),
		});
		// Nothing is sent once the execution is stopped (items still queued for a slot included).
		if (cancelSignalOf(this)?.aborted) {
			pacer.unanswered(slot);
			throw cancelledError(this, request.itemIndex);
		}
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${baseUrl}${request.path}`,
			qs: request.qs,
			body: request.body,
			headers: request.headers,
			...(request.stream ? { encoding: 'stream' as const, json: false } : { json: true }),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
			abortSignal: signal,
			// Lamina's API never redirects; following one would carry the key to another host.
			disableFollowRedirect: true,
		};

		let response: FullResponse | undefined;
		let failure: unknown;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				options,
			)) as FullResponse;
		} catch (error) {
			failure = error;
		}

		if (request.stream && response && response.statusCode >= 300) {
			response.body = await readShortBody(response.body, signal);
		}
		const retryAfterSeconds = response
			? (parseRetryAfter(headerOf(response.headers, 'retry-after')) ??
				parseRetryAfter((response.body as IDataObject | undefined)?.retryAfter))
			: undefined;
		if (response) {
			pacer.answered(slot, response.statusCode, response.headers, retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000);
		} else {
			pacer.unanswered(slot);
		}
		throwIfCancelled(this, request.itemIndex);
		if (response && response.statusCode < 300 && !request.stream && !isJsonBody(response.body)) {
			throw notLaminaError(this, baseUrl, response, request.itemIndex);
		}
		if (response && (response.statusCode < 300 || request.acceptStatuses?.includes(response.statusCode))) {
			return { statusCode: response.statusCode, headers: response.headers, body: response.body as T };
		}

		const body = response?.body;
		// A 429 means Lamina did not take the request: it waits in the pacer for the window and goes
		// again (a run-starting POST too), for as long as the request's patience allows.
		if (response?.statusCode === 429) {
			refusedSince ??= Date.now();
			if (Date.now() - refusedSince < patienceMs) {
				attempt -= 1;
				if (retryAfterSeconds === undefined) pacer.pauseFor(1_000);
				continue;
			}
		}
		const decision = decideRetry({
			attempt,
			maxAttempts,
			startsRun: request.startsRun === true,
			statusCode: response?.statusCode,
			retryAfterSeconds,
			retryableFlag: (body as IDataObject | undefined)?.retryable === true,
			networkErrorCode: response ? undefined : networkErrorCode(failure),
		});
		if (decision.retry && response?.statusCode !== 429) {
			await pause(this, decision.delayMs, request.itemIndex);
			continue;
		}

		const described = describeLaminaError({
			statusCode: response?.statusCode,
			body,
			networkErrorCode: response ? undefined : (networkErrorCode(failure) ?? 'NETWORK_ERROR'),
			baseUrl,
			subject: request.subject,
			attempts: attempt,
			redirectTo: redirectTarget(response, options.url),
			requestPath: requestPathOf(options),
			rateLimitedForMs: refusedSince === undefined ? undefined : Date.now() - refusedSince,
		});
		// Not `code`: NodeApiError would swap our message for its generic one for codes like ECONNREFUSED.
		const errorResponse: JsonObject = {
			message: described.message,
			laminaCode: described.code,
			...(described.requestId ? { requestId: described.requestId } : {}),
			...(described.details.length ? { details: described.details } : {}),
		};
		const error = new NodeApiError(this.getNode(), errorResponse, {
			message: described.message,
			description: described.description,
			httpCode: described.httpCode,
			itemIndex: request.itemIndex,
		});
		error.context.laminaCode = described.code;
		if (described.requestId) error.context.requestId = described.requestId;
		throw error;
	}
}

/** Lamina answers JSON: an object or array (an empty body is tolerated), never a page of text. */
function isJsonBody(body: unknown): boolean {
	if (body === undefined || body === null || body === '') return true;
	return typeof body === 'object' && !(body instanceof Uint8Array);
}

/** A 2xx that is not Lamina's JSON: a website, a captive portal or a proxy answers at the Base URL. */
function notLaminaError(context: LaminaContext, baseUrl: string, response: FullResponse, itemIndex?: number): NodeApiError {
	const contentType = String(headerOf(response.headers, 'content-type') ?? '').split(';')[0].trim();
	const what = /html/i.test(contentType) ? `a web page (${contentType})` : `something other than JSON (${contentType || 'no content type'})`;
	const error = new NodeApiError(
		context.getNode(),
		{ message: 'not Lamina', laminaCode: 'NOT_LAMINA_API' },
		{
			message: `The Base URL ${baseUrl} answered with ${what}, not Lamina's API`,
			description: `Set Base URL to ${DEFAULT_BASE_URL} (or the API address Lamina gave you) in the Lamina API credential. A website, a captive portal or a proxy's sign-in page answers there now.`,
			httpCode: String(response.statusCode),
			itemIndex,
		},
	);
	error.context.laminaCode = 'NOT_LAMINA_API';
	return error;
}

/** Lamina wraps successful bodies as `{ data }`; a few endpoints do not. */
export function unwrapData<T>(body: unknown): T {
	if (body && typeof body === 'object' && 'data' in (body as IDataObject)) {
		return (body as { data: T }).data;
	}
	return body as T;
}

export async function laminaData<T = unknown>(this: LaminaContext, request: LaminaRequest): Promise<T> {
	const response = await laminaRequest.call(this, request);
	return unwrapData<T>(response.body);
}
