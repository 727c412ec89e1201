/**
 * Turns what Lamina answered (either error-body form, plain text, or no answer at all) into a
 * message that says what happened and a description that says what to do. Pure: unit-tested.
 */
import { DEFAULT_BASE_URL } from '../../../credentials/LaminaApi.credentials';

export interface LaminaFailure {
	statusCode?: number;
	body?: unknown;
	networkErrorCode?: string;
	baseUrl: string;
	/** What the request was about, e.g. `app "app_123"`, for NOT_FOUND and FORBIDDEN. */
	subject?: string;
	attempts: number;
	/** A 3xx answer's Location, resolved against the request URL. */
	redirectTo?: string;
	/** The path and query that was asked for, to tell which base URL a redirect points at. */
	requestPath?: string;
	/** A 429: how long Lamina kept refusing this request before the node gave up. */
	rateLimitedForMs?: number;
}

export interface DescribedLaminaError {
	message: string;
	description: string;
	code: string;
	requestId?: string;
	httpCode?: string;
	retryable: boolean;
	details: string[];
}

const CODE_BY_STATUS: Record<number, string> = {
	400: 'VALIDATION_ERROR',
	401: 'AUTH_INVALID_KEY',
	403: 'FORBIDDEN',
	404: 'NOT_FOUND',
	429: 'RATE_LIMITED',
	500: 'INTERNAL_ERROR',
	502: 'RESOURCE_UNAVAILABLE',
	503: 'RESOURCE_UNAVAILABLE',
	504: 'RESOURCE_UNAVAILABLE',
};

const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	ETIMEDOUT: 'no answer in time',
	ECONNABORTED: 'no answer in time',
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was reset',
};

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** `details` comes as an array of strings or as `{ code, message, details: { errors: [...] } }`. */
export function flattenValidationDetails(details: unknown): string[] {
	if (details === undefined || details === null) return [];
	if (typeof details === 'string') return [details];
	if (Array.isArray(details)) return details.flatMap((entry) => flattenValidationDetails(entry));
	const record = asRecord(details);
	if (!record) return [String(details)];
	const nested = asRecord(record.details)?.errors ?? record.errors;
	if (Array.isArray(nested) && nested.length > 0) {
		return nested.map((entry) => {
			const error = asRecord(entry);
			if (!error) return String(entry);
			const field = typeof error.field === 'string' ? `"${error.field}": ` : '';
			const message = error.message ?? error.error ?? JSON.stringify(error);
			return `${field}${String(message)}`;
		});
	}
	if (typeof record.message === 'string') return [record.message];
	if (typeof record.field === 'string') return [`"${record.field}": ${String(record.error ?? 'invalid')}`];
	return [JSON.stringify(record)];
}

function bodyText(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	if (Buffer.isBuffer(body)) return body.toString('utf8').trim() || undefined;
	const error = asRecord(body)?.error;
	if (typeof error === 'string') return error;
	const message = asRecord(error)?.message ?? asRecord(body)?.message;
	return typeof message === 'string' ? message : undefined;
}

function bodyString(body: unknown, key: string): string | undefined {
	const value = asRecord(body)?.[key];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Lamina's API never redirects, and following one would carry the API key to wherever it points:
 * say where it points, and which Base URL that means (the redirect with the asked-for path cut off).
 */
function describeRedirect(failure: LaminaFailure, statusCode: number): DescribedLaminaError {
	const target = failure.redirectTo;
	const path = failure.requestPath ?? '';
	const suggested = target && path && target.endsWith(path) ? target.slice(0, -path.length).replace(/\/+$/, '') : undefined;
	const where = target ? `redirects to ${target}` : `answers with a redirect (HTTP ${statusCode}) without saying where`;
	return {
		message: `The Base URL ${failure.baseUrl} ${where}; put ${suggested ?? 'that address'} in the credential`,
		description:
			`Lamina's API does not redirect, so the request was not followed and the API key was not sent there. ` +
			`Open the Lamina API credential and set Base URL to ${suggested ?? 'the address Lamina gave you'}. (Code: REDIRECT)`,
		code: 'REDIRECT',
		httpCode: String(statusCode),
		retryable: false,
		details: [],
	};
}

export function describeLaminaError(failure: LaminaFailure): DescribedLaminaError {
	const { statusCode, body, baseUrl, subject } = failure;
	const tried = failure.attempts > 1 ? ` (tried ${failure.attempts} times)` : '';

	if (statusCode === undefined) {
		const code = failure.networkErrorCode ?? 'NETWORK_ERROR';
		// Plain words, not the code: n8n replaces messages containing ECONNREFUSED & co. with generic ones.
		const what = NETWORK_WORDS[code] ?? 'the connection failed';
		return {
			message: `Could not reach Lamina at ${baseUrl}: ${what}${tried}`,
			description:
				(code === 'ENOTFOUND' || code === 'ECONNREFUSED'
					? `Check the Base URL in the Lamina API credential (normally ${DEFAULT_BASE_URL}) and that this n8n can reach it.`
					: 'The connection failed before Lamina answered. Check the network, then run the node again.') +
				` (Code: ${code})`,
			code,
			retryable: true,
			details: [],
		};
	}

	if (statusCode >= 300 && statusCode < 400) return describeRedirect(failure, statusCode);

	const code = bodyString(body, 'code') ?? CODE_BY_STATUS[statusCode] ?? `HTTP_${statusCode}`;
	const requestId = bodyString(body, 'requestId');
	const lamina = bodyText(body);
	const details = flattenValidationDetails(asRecord(body)?.details);
	const retryableFlag = asRecord(body)?.retryable;
	const retryable = typeof retryableFlag === 'boolean' ? retryableFlag : statusCode >= 500 || statusCode === 429;
	const about = subject ? ` ${subject}` : '';

	let message: string;
	let advice: string;
	switch (true) {
		case statusCode === 401 || code.startsWith('AUTH_INVALID') || code === 'AUTH_MISSING_KEY':
			message = 'Lamina rejected the API key';
			advice =
				'Open the Lamina API credential and paste a valid key from your Lamina workspace (it starts with lma_). A revoked key must be replaced.';
			break;
		case statusCode === 403:
			message = `Lamina refused access${about}: ${lamina ?? 'forbidden'}`;
			advice = 'Use an API key from the workspace that owns this app, or ask its owner to share the app.';
			break;
		case statusCode === 404:
			message = `Lamina could not find${about || ' what was asked for'}`;
			advice = subject?.startsWith('app')
				? 'Pick the app from the list, or copy its ID from the app page in Lamina.'
				: subject?.startsWith('run')
					? 'Check the run ID: it comes from the Run App output (runId) or from List Runs.'
					: `Check the IDs you passed, and that the Base URL (${baseUrl}) is Lamina's API.`;
			break;
		case code === 'WEBHOOK_INVALID_URL':
			message = `Lamina rejected the webhook URL: ${lamina ?? 'invalid URL'}`;
			advice = 'Pass a full http(s) URL that Lamina can reach, for example a Lamina Trigger node’s production URL.';
			break;
		case statusCode === 400 || code === 'VALIDATION_ERROR':
			message = `Lamina rejected the request: ${details.length ? details.join('; ') : (lamina ?? 'invalid input')}`;
			advice = 'Fix the inputs named above and run the node again.';
			break;
		case statusCode === 429:
			message =
				failure.rateLimitedForMs !== undefined
					? `Lamina kept refusing this request for its rate limit (for ${Math.round(failure.rateLimitedForMs / 1000)} s)`
					: `Lamina's rate limit was reached${tried}`;
			advice =
				'The node paces itself to Lamina’s limit (about 100 requests a minute per IP) and waits as long as Max Wait Time for it. Something else is using the same limit: other workflows or processes calling Lamina from this IP. Run fewer at once, or raise Max Wait Time.';
			break;
		default:
			message = `Lamina is unavailable right now (HTTP ${statusCode}${lamina ? `: ${lamina}` : ''})${tried}`;
			advice = retryable
				? 'This is on Lamina’s side and usually passes. Run the node again in a minute.'
				: 'Run the node again; if it keeps failing, contact Lamina support with the request ID.';
	}

	const reference = [`Code: ${code}`, requestId ? `Request ID: ${requestId}` : undefined]
		.filter(Boolean)
		.join(' · ');
	return {
		message,
		description: `${advice} (${reference})`,
		code,
		requestId,
		httpCode: String(statusCode),
		retryable,
		details,
	};
}

/** Network failures that happen before a request reaches the server: nothing was received. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a request that starts a run may have started it although it failed. Lamina refused it
 * (4xx, a redirect) or did not accept it (429, 503) only when it says so; a server error, a
 * reset or a timeout after the request went out leave it open.
 */
export function startMayHaveHappened(failure: { statusCode?: number; networkErrorCode?: string }): boolean {
	const { statusCode } = failure;
	if (statusCode === undefined) return !NOT_SENT_CODES.has(failure.networkErrorCode ?? '');
	return statusCode >= 500 && statusCode !== 503;
}

/** Lamina's clock and ours may differ: the check looks back a little further than the request. */
const SINCE_MARGIN_MS = 60_000;

export interface UncertainStart {
	/** The failure as described for any request. */
	message: string;
	description: string;
	/** The app whose run it may be; unknown for a brief (Lamina picks the app). */
	appId?: string;
	/** `Date.now()` when the request was sent. */
	sentAt: number;
}

/**
 * What to tell a user when a start may or may not have started a run: how to check, and never a
 * blind "run it again", which could start (and bill) a second run.
 */
export function describeUncertainStart(start: UncertainStart): { message: string; description: string; since: string } {
	const since = new Date(Math.floor((start.sentAt - SINCE_MARGIN_MS) / 1000) * 1000).toISOString();
	const reference = /\((Code: [^)]*)\)\s*$/.exec(start.description)?.[0];
	const filters = start.appId ? `App ID "${start.appId}" and Since ${since}` : `Since ${since}`;
	return {
		message: `${start.message}; the run may have started`,
		description:
			'Lamina may have received the request before it failed, so it was not sent again: a second start could run (and bill) it twice. ' +
			`Check whether it started with Run → Get Many, Filters ${filters} (no Status filter): a run listed there is collected with "Wait for Run" (its runId). ` +
			'Start it again only if none is listed.' +
			(reference ? ` ${reference}` : ''),
		since,
	};
}
