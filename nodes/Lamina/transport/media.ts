/**
 * Files in and out of Lamina: run outputs downloaded as n8n binary data, and n8n binary data
 * uploaded as Lamina assets. Both stream (a 200 MB video never sits in memory when n8n keeps
 * binary data on disk) and both go through `httpRequestWithAuthentication`, whose credential
 * attaches the API key only for Lamina's own origin, never for a CDN or a storage URL.
 */
import type {
	IBinaryData,
	IBinaryKeyData,
	IExecuteFunctions,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, laminaData } from './index';
import {
	chooseFileName,
	chooseMimeType,
	mediaKindOfFile,
	MEDIA_KINDS,
	planDownloads,
	uploadContentType,
	uploadFileName,
	type BinaryNaming,
	type MediaKind,
	type PlannedDownload,
} from '../shared/mediaFiles';
import type { LaminaRun } from '../shared/types';

export type { BinaryNaming, MediaKind } from '../shared/mediaFiles';

export interface DownloadOptions {
	/** 'label': `Hero_Image`; 'index': `${prefix}${position in run.outputs}` (data0, data1...). */
	naming: BinaryNaming;
	/** Prefix of index names; empty means 'data'. */
	prefix: string;
}

export interface UploadedAsset {
	assetUrl: string;
	assetId: string;
	filename: string;
	mediaType: string;
}

export interface CheckedBinary {
	propertyName: string;
	binary: IBinaryData;
	mediaType: MediaKind;
	/** The Content-Type the upload sends. */
	contentType: string;
	/** The file name Lamina gets (with an extension). */
	filename: string;
}

export interface CheckBinaryLabels {
	/** How the calling node's UI names the binary property field; default "Input Binary Field". */
	field?: string;
	/** How it names the media type override, if it has one; default "Media Type". */
	mediaTypeField?: string;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

type PreparableData = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

const MAX_ATTEMPTS = 3;
const MAX_REDIRECTS = 5;
/**
 * How long a download may take to answer with its headers; the body then streams with no time
 * limit of its own (n8n's request helper hands it over as a plain stream with no socket to
 * watch, so a body that stalls is left to the execution's timeout and cancel).
 */
const DOWNLOAD_HEADERS_TIMEOUT_MS = 120_000;
/**
 * An upload's timeout runs until the storage answers, i.e. over the whole body: allow for a
 * slow link (128 KB/s) on top of a minute, never less than two minutes.
 */
const SLOWEST_UPLOAD_BYTES_PER_SECOND = 128 * 1024;
function uploadTimeoutMs(bytes: number): number {
	return Math.max(120_000, 60_000 + Math.ceil((bytes / SLOWEST_UPLOAD_BYTES_PER_SECOND) * 1000));
}

const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ECONNREFUSED',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'an invalid URL';
	}
}

function headerOf(headers: Record<string, unknown> | undefined, name: string): unknown {
	const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers?.[key];
}

/** Closes a response or file stream we are not going to read. */
function discard(body: unknown): void {
	const stream = body as { destroy?: () => void } | undefined;
	if (stream && typeof stream.destroy === 'function') stream.destroy();
}

/** A network error's code (ECONNRESET...), looked for along the cause chain; never the error itself, which can hold request headers. */
function failureCode(error: unknown): string {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : '';
	if (/aborted|socket hang up|premature close/i.test(message)) return 'ECONNRESET';
	return 'NETWORK_ERROR';
}

function isRetryableStatus(statusCode: number): boolean {
	return statusCode === 429 || statusCode >= 500;
}

async function backOff(attempt: number): Promise<void> {
	await sleep(500 * 2 ** (attempt - 1));
}

/** Why one attempt at a transfer failed, and whether another attempt may succeed. */
interface Failure {
	reason: string;
	retryable: boolean;
	httpCode?: number;
}

type Attempt<T> = { value: T; failure?: undefined } | { value?: undefined; failure: Failure };

function networkFailure(error: unknown): Failure {
	const code = failureCode(error);
	return { reason: `network error ${code}`, retryable: RETRYABLE_NETWORK_CODES.has(code) };
}

function statusFailure(statusCode: number): Failure {
	return { reason: `HTTP ${statusCode}`, retryable: isRetryableStatus(statusCode), httpCode: statusCode };
}

/**
 * GET `url` as a stream, following redirects by hand: each hop is a new request, so the
 * credential decides afresh whether that origin gets the key (a redirect from Lamina to a CDN
 * would otherwise carry it along).
 */
async function openStream(this: IExecuteFunctions, url: string): Promise<Attempt<FullResponse>> {
	let current = url;
	for (let hop = 0; ; hop++) {
		let response: FullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				method: 'GET',
				url: current,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: DOWNLOAD_HEADERS_TIMEOUT_MS,
			})) as FullResponse;
		} catch (error) {
			return { failure: networkFailure(error) };
		}
		const location = headerOf(response.headers, 'location');
		if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string' && location) {
			discard(response.body);
			if (hop >= MAX_REDIRECTS) return { failure: { reason: `more than ${MAX_REDIRECTS} redirects`, retryable: false } };
			try {
				current = new URL(location, current).toString();
			} catch {
				return { failure: { reason: 'a redirect to an invalid address', retryable: false } };
			}
			continue;
		}
		if (response.statusCode >= 300) {
			discard(response.body);
			return { failure: statusFailure(response.statusCode) };
		}
		return { value: response };
	}
}

async function downloadAttempt(this: IExecuteFunctions, planned: PlannedDownload): Promise<Attempt<IBinaryData>> {
	const opened = await openStream.call(this, planned.url);
	if (opened.failure) return opened;
	const response = opened.value;
	const mimeType = chooseMimeType(headerOf(response.headers, 'content-type'), planned.url, planned.kind);
	const fileName = chooseFileName(planned.url, planned.label, mimeType);
	// Tells a broken connection (worth another try) from n8n failing to store the file.
	let streamError: unknown;
	const stream = response.body as { on?: (event: string, listener: (error: unknown) => void) => void } | undefined;
	stream?.on?.('error', (error) => (streamError ??= error));
	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(response.body as PreparableData, fileName, mimeType);
	} catch (error) {
		discard(response.body);
		if (streamError !== undefined) {
			return { failure: { reason: `the connection broke during the download (${failureCode(streamError)})`, retryable: true } };
		}
		const message = error instanceof Error ? error.message : String(error);
		return { failure: { reason: `n8n could not store the file: ${message}`, retryable: false } };
	}
	const expected = Number(headerOf(response.headers, 'content-length'));
	if (Number.isFinite(expected) && expected > 0 && binary.bytes !== undefined && binary.bytes !== expected) {
		return { failure: { reason: `only ${binary.bytes} of ${expected} bytes arrived`, retryable: true } };
	}
	return { value: binary };
}

function throwIfCancelled(context: IExecuteFunctions, itemIndex: number): void {
	if (context.getExecutionCancelSignal?.()?.aborted) {
		throw new NodeOperationError(context.getNode(), 'The execution was cancelled', { itemIndex });
	}
}

async function downloadOne(
	this: IExecuteFunctions,
	planned: PlannedDownload,
	itemIndex: number,
): Promise<IBinaryData> {
	for (let attempt = 1; ; attempt++) {
		const result = await downloadAttempt.call(this, planned);
		if (!result.failure) return result.value;
		throwIfCancelled(this, itemIndex);
		if (result.failure.retryable && attempt < MAX_ATTEMPTS) {
			await backOff(attempt);
			continue;
		}
		const host = hostOf(planned.url);
		const message = `Could not download output "${planned.label}" from ${host}: ${result.failure.reason}`;
		throw new NodeApiError(this.getNode(), { message } as JsonObject, {
			message,
			description:
				`Tried ${attempt} time${attempt > 1 ? 's' : ''}. Output files are kept for a limited time: if the run is old, run the app again. ` +
				'Otherwise check that n8n can reach that host.',
			httpCode: result.failure.httpCode ? String(result.failure.httpCode) : undefined,
			itemIndex,
		});
	}
}

/**
 * Attaches each completed media output of `run` (image, video, audio; chosen by the output's
 * status, so text stays in the JSON) to the item as n8n binary data, one property per output.
 * Downloads stream straight into n8n's binary data store, one output at a time.
 *
 * Property names: naming 'index' gives `${prefix}${i}` with i the output's position in
 * `run.outputs` (data0, data1...); naming 'label' gives the label as a safe name
 * ('Hero Image' → 'Hero_Image'), deduplicated ('Hero_Image_2').
 * Throws a NodeApiError naming the output and the file's host when a download fails.
 */
export async function downloadOutputsAsBinary(
	this: IExecuteFunctions,
	run: LaminaRun,
	itemIndex: number,
	options: DownloadOptions,
): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	for (const planned of planDownloads(run.outputs, options)) {
		binary[planned.propertyName] = await downloadOne.call(this, planned, itemIndex);
	}
	return binary;
}

function describeKinds(): string {
	return MEDIA_KINDS.join(', ').replace(/, ([^,]+)$/, ' or $1');
}

/**
 * Checks, with no request, that item `itemIndex` has a file Lamina can take in
 * `binaryPropertyName`, and works out its media type, Content-Type and file name.
 * Throws a NodeOperationError that names the field and lists the item's binary properties.
 */
export function checkBinaryProperty(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	mediaTypeHint?: MediaKind,
	labels: CheckBinaryLabels = {},
): CheckedBinary {
	const field = labels.field ?? 'Input Binary Field';
	const mediaTypeField = labels.mediaTypeField ?? 'Media Type';
	const fail = (message: string, description: string) =>
		new NodeOperationError(this.getNode(), message, { description, itemIndex });

	const propertyName = (binaryPropertyName ?? '').trim();
	if (!propertyName) {
		throw fail(`"${field}" is empty`, `Enter the name of the binary field that holds the file (n8n's usual name is "data").`);
	}
	const available = Object.keys(this.getInputData()[itemIndex]?.binary ?? {});
	if (!available.length) {
		throw fail(
			`This item has no file: there is no binary field "${propertyName}" (nor any other)`,
			`"${field}" names a file of the incoming item. Put a node that outputs a file before this one, ` +
				'for example HTTP Request with Response Format "File", or Read/Write Files from Disk.',
		);
	}
	if (!available.includes(propertyName)) {
		throw fail(
			`This item has no binary field "${propertyName}"`,
			`Its binary fields are: ${available.map((name) => `"${name}"`).join(', ')}. Set "${field}" to one of them.`,
		);
	}
	if (mediaTypeHint !== undefined && !MEDIA_KINDS.includes(mediaTypeHint)) {
		throw fail(`"${mediaTypeField}" must be ${describeKinds()}, not "${String(mediaTypeHint)}"`, `Choose ${describeKinds()}.`);
	}
	const binary = this.getInputData()[itemIndex].binary![propertyName];
	const facts = { mimeType: binary.mimeType, fileName: binary.fileName, fileExtension: binary.fileExtension };
	const mediaType = mediaKindOfFile(facts, mediaTypeHint);
	if (!mediaType) {
		throw fail(
			`The file in binary field "${propertyName}" is ${binary.mimeType ? `"${binary.mimeType}"` : 'of unknown type'}, which Lamina does not take`,
			`Lamina takes ${describeKinds()} files. If this file is one of them, set "${mediaTypeField}" to say which.`,
		);
	}
	if (binary.bytes === 0 || (!binary.id && !binary.data)) {
		throw fail(`The file in binary field "${propertyName}" is empty`, 'Check the node that produced the file.');
	}
	const contentType = uploadContentType(facts, mediaType);
	return { propertyName, binary, mediaType, contentType, filename: uploadFileName(facts, propertyName, contentType) };
}

interface UploadSlot {
	filename?: string;
	mediaType?: string;
	contentTypeHint?: string;
	uploadUrl?: string;
	assetUrl?: string;
	assetId?: string;
}

/** The bytes to PUT: a fresh stream from n8n's binary store when the file lives there, else its buffer. */
async function openBody(
	this: IExecuteFunctions,
	checked: CheckedBinary,
	itemIndex: number,
): Promise<{ body: unknown; length: number }> {
	const { binary, propertyName } = checked;
	if (binary.id) {
		const length = binary.bytes ?? Number((await this.helpers.getBinaryMetadata(binary.id)).fileSize);
		return { body: await this.helpers.getBinaryStream(binary.id), length };
	}
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	return { body: buffer, length: buffer.length };
}

async function putAttempt(
	this: IExecuteFunctions,
	checked: CheckedBinary,
	uploadUrl: string,
	itemIndex: number,
): Promise<Failure | undefined> {
	const { body, length } = await openBody.call(this, checked, itemIndex);
	try {
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
			method: 'PUT',
			url: uploadUrl,
			body: body as IHttpRequestOptions['body'],
			headers: { 'Content-Type': checked.contentType, 'Content-Length': String(length) },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// No redirects: follow-redirects would keep the whole body in memory to replay it.
			disableFollowRedirect: true,
			timeout: uploadTimeoutMs(length),
		})) as FullResponse;
		return response.statusCode < 300 ? undefined : statusFailure(response.statusCode);
	} catch (error) {
		return networkFailure(error);
	} finally {
		discard(body);
	}
}

async function putFile(
	this: IExecuteFunctions,
	checked: CheckedBinary,
	uploadUrl: string,
	itemIndex: number,
): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		const failure = await putAttempt.call(this, checked, uploadUrl, itemIndex);
		if (!failure) return;
		throwIfCancelled(this, itemIndex);
		// The PUT is idempotent: sending the same bytes again is safe.
		if (failure.retryable && attempt < MAX_ATTEMPTS) {
			await backOff(attempt);
			continue;
		}
		const message = `Could not upload "${checked.filename}" to Lamina's storage (${hostOf(uploadUrl)}): ${failure.reason}`;
		throw new NodeApiError(this.getNode(), { message } as JsonObject, {
			message,
			description: `Tried ${attempt} time${attempt > 1 ? 's' : ''}. Upload URLs expire after a few minutes; run the node again.`,
			httpCode: failure.httpCode ? String(failure.httpCode) : undefined,
			itemIndex,
		});
	}
}

/**
 * Uploads the file in `binaryPropertyName` of item `itemIndex` to Lamina and returns the
 * `assetUrl` to use as a `url` input. Checks the file first (no request when it is missing or
 * not image/video/audio), asks Lamina for an upload URL, then PUTs the bytes there, streamed
 * from n8n's binary store when the file lives on disk. The PUT is retried on 5xx and broken
 * connections; asking for the upload URL is retried like any other Lamina request.
 */
export async function uploadBinaryAsAsset(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	mediaTypeHint?: MediaKind,
	labels?: CheckBinaryLabels,
): Promise<UploadedAsset> {
	const checked = checkBinaryProperty.call(this, itemIndex, binaryPropertyName, mediaTypeHint, labels);
	const data = (await laminaData.call(this, {
		method: 'POST',
		path: '/v1/assets/upload-urls',
		body: { files: [{ filename: checked.filename, mediaType: checked.mediaType }] },
		subject: `upload of "${checked.filename}"`,
		itemIndex,
	})) as { uploads?: UploadSlot[] } | undefined;
	const slot = Array.isArray(data?.uploads) ? data.uploads[0] : undefined;
	if (!slot || typeof slot.uploadUrl !== 'string' || typeof slot.assetUrl !== 'string') {
		throw new NodeApiError(
			this.getNode(),
			{ message: 'Lamina did not return an upload URL' } as JsonObject,
			{
				message: `Lamina did not return an upload URL for "${checked.filename}"`,
				description: 'Try again; if it keeps happening, tell Lamina support.',
				itemIndex,
			},
		);
	}
	await putFile.call(this, checked, slot.uploadUrl, itemIndex);
	return {
		assetUrl: slot.assetUrl,
		assetId: slot.assetId ?? '',
		filename: slot.filename ?? checked.filename,
		mediaType: slot.mediaType ?? checked.mediaType,
	};
}
