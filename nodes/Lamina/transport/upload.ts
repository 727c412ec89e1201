/**
 * n8n binary data uploaded as Lamina assets: Lamina hands out an upload URL, the bytes are PUT
 * there (streamed from n8n's binary store when the file lives on disk), and the asset URL becomes
 * a `url` input. The PUT goes through `httpRequestWithAuthentication`, whose credential attaches
 * the API key only for Lamina's own origin, never for the storage host.
 */
import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf } from './cancellation';
import { CREDENTIAL_TYPE, laminaData } from './index';
import type { FullResponse } from './network';
import { discard, hostOf, networkFailure, statusFailure, triedTimes, withTransferRetries, type Attempt } from './transfer';
import {
	mediaKindOfFile,
	MEDIA_KINDS,
	uploadContentType,
	uploadFileName,
	type MediaKind,
} from '../shared/mediaFiles';

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

/**
 * An upload's timeout runs until the storage answers, i.e. over the whole body: allow for a
 * slow link (128 KB/s) on top of a minute, never less than two minutes.
 */
const SLOWEST_UPLOAD_BYTES_PER_SECOND = 128 * 1024;
function uploadTimeoutMs(bytes: number): number {
	return Math.max(120_000, 60_000 + Math.ceil((bytes / SLOWEST_UPLOAD_BYTES_PER_SECOND) * 1000));
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
): Promise<Attempt<true>> {
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
			abortSignal: cancelSignalOf(this),
		})) as FullResponse;
		return response.statusCode < 300 ? { value: true } : { failure: statusFailure(response.statusCode) };
	} catch (error) {
		return { failure: networkFailure(error) };
	} finally {
		discard(body);
	}
}

/** The PUT is idempotent: sending the same bytes again is safe, so it is retried like a download. */
async function putFile(
	this: IExecuteFunctions,
	checked: CheckedBinary,
	uploadUrl: string,
	itemIndex: number,
): Promise<void> {
	await withTransferRetries(this, itemIndex, () => putAttempt.call(this, checked, uploadUrl, itemIndex), {
		message: (failure) =>
			`Could not upload "${checked.filename}" to Lamina's storage (${hostOf(uploadUrl)}): ${failure.reason}`,
		description: (attempts) => `${triedTimes(attempts)} Upload URLs expire after a few minutes; run the node again.`,
	});
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
