/** Request context and the response helpers every route uses (error body shapes live here). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	url: URL;
	params: Record<string, string>;
	requestId: string;
	/** Answer as the old server generation: `executionId`, bare `{ error }`, plain-text 429. */
	legacy: boolean;
}

export type ErrorCode =
	| 'AUTH_MISSING_KEY'
	| 'AUTH_INVALID_KEY'
	| 'AUTH_INVALID_CONTEXT'
	| 'AUTH_FAILED'
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'VALIDATION_ERROR'
	| 'RATE_LIMITED'
	| 'WEBHOOK_INVALID_URL'
	| 'RESOURCE_UNAVAILABLE'
	| 'INTERNAL_ERROR'
	| 'INSUFFICIENT_CREDITS';

const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
	'AUTH_FAILED',
	'RATE_LIMITED',
	'RESOURCE_UNAVAILABLE',
	'INTERNAL_ERROR',
]);

/** The error code a bare HTTP status most likely carries (used by injected faults). */
export function codeForStatus(status: number): ErrorCode {
	switch (status) {
		case 400:
			return 'VALIDATION_ERROR';
		case 401:
			return 'AUTH_INVALID_KEY';
		case 403:
			return 'FORBIDDEN';
		case 404:
			return 'NOT_FOUND';
		case 429:
			return 'RATE_LIMITED';
		case 503:
			return 'RESOURCE_UNAVAILABLE';
		default:
			return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
	}
}

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		message: string,
		readonly details?: unknown,
	) {
		super(message);
	}
}

export function isOpen(res: ServerResponse): boolean {
	return !res.headersSent && !res.destroyed && !res.writableEnded;
}

export function sendJson(
	ctx: RequestContext,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	if (!isOpen(ctx.res)) return;
	const text = JSON.stringify(body);
	ctx.res.writeHead(status, {
		...headers,
		'content-type': 'application/json; charset=utf-8',
		'content-length': String(Buffer.byteLength(text)),
	});
	ctx.res.end(text);
}

export function sendText(
	ctx: RequestContext,
	status: number,
	text: string,
	headers: Record<string, string> = {},
): void {
	if (!isOpen(ctx.res)) return;
	ctx.res.writeHead(status, {
		'content-type': 'text/plain; charset=utf-8',
		...headers,
		'content-length': String(Buffer.byteLength(text)),
	});
	ctx.res.end(text);
}

export interface ErrorExtras {
	details?: unknown;
	retryAfter?: number;
	headers?: Record<string, string>;
}

/** `{ error, code, retryable, requestId, retryAfter?, details? }`, or the old bare `{ error }`. */
export function sendError(
	ctx: RequestContext,
	status: number,
	code: ErrorCode,
	message: string,
	extras: ErrorExtras = {},
): void {
	const headers = { ...(extras.headers ?? {}) };
	if (extras.retryAfter !== undefined) headers['retry-after'] = String(extras.retryAfter);
	if (ctx.legacy) {
		if (status === 429) return sendText(ctx, status, 'Too many requests, please try again later.', headers);
		return sendJson(ctx, status, { error: message }, headers);
	}
	const body: Record<string, unknown> = {
		error: message,
		code,
		retryable: RETRYABLE.has(code),
		requestId: ctx.requestId,
	};
	if (extras.retryAfter !== undefined) body.retryAfter = extras.retryAfter;
	if (extras.details !== undefined) body.details = extras.details;
	sendJson(ctx, status, body, headers);
}

const MAX_JSON_BODY = 1024 * 1024;

/** The JSON request body; an empty body is `{}`. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_JSON_BODY) throw new HttpError(400, 'VALIDATION_ERROR', 'Request body is larger than 1 MB');
		chunks.push(chunk as Buffer);
	}
	const text = Buffer.concat(chunks).toString('utf8').trim();
	if (text === '') return {};
	try {
		return JSON.parse(text);
	} catch {
		throw new HttpError(400, 'VALIDATION_ERROR', 'Request body is not valid JSON');
	}
}

/** A plain object body, or a 400 saying so. */
export async function readObjectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
	const body = await readJsonBody(req);
	if (!isPlainObject(body)) throw new HttpError(400, 'VALIDATION_ERROR', 'Request body must be a JSON object');
	return body;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer query parameter within [min, max], its default when absent, or a 400. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
	const raw = url.searchParams.get(name);
	if (raw === null || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new HttpError(400, 'VALIDATION_ERROR', `"${name}" must be an integer from ${min} to ${max}`, [
			`"${name}" must be an integer from ${min} to ${max}, got "${raw}"`,
		]);
	}
	return value;
}

/** `runId`, or `executionId` for the old server generation. */
export function runIdField(legacy: boolean): 'runId' | 'executionId' {
	return legacy ? 'executionId' : 'runId';
}
