/** Upload URLs for turning a file into a `url` input; PUT streams the bytes and keeps only small ones. */
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream';

import { HttpError, isPlainObject, readObjectBody, sendJson, type RequestContext } from './http';
import { contentTypeFor, generatedMedia } from './media';
import type { SimState } from './state';
import type { UploadedAsset } from './types';

const MEDIA_TYPES = ['image', 'video', 'audio'];
const FALLBACK_TYPE: Record<string, string> = { image: 'image/png', video: 'video/mp4', audio: 'audio/mpeg' };
const UPLOAD_URL_TTL_MS = 15 * 60 * 1000;
/** Uploads up to this size are kept to serve back; larger ones keep only their size. */
const KEEP_BYTES_UP_TO = 1024 * 1024;

interface PendingUpload {
	filename: string;
	mediaType: string;
	contentTypeHint: string;
}

export class AssetStore {
	readonly pending = new Map<string, PendingUpload>();
	readonly uploaded = new Map<string, UploadedAsset>();
	readonly kept = new Map<string, Buffer>();
}

export async function createUploadUrls(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const files = body.files;
	if (!Array.isArray(files) || files.length < 1 || files.length > 20) {
		throw new HttpError(400, 'VALIDATION_ERROR', '"files" must be an array of 1 to 20 files', [
			'"files" must be an array of 1 to 20 { filename, mediaType }',
		]);
	}
	const problems: string[] = [];
	files.forEach((file, i) => {
		if (!isPlainObject(file) || typeof file.filename !== 'string' || file.filename.trim() === '') {
			problems.push(`"files[${i}].filename" is required`);
		} else if (!MEDIA_TYPES.includes(String(file.mediaType))) {
			problems.push(`"files[${i}].mediaType": invalid value "${String(file.mediaType)}". Must be one of: ${MEDIA_TYPES.join(', ')}`);
		}
	});
	if (problems.length > 0) throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid files', problems);

	const expiresAt = new Date(Date.now() + UPLOAD_URL_TTL_MS).toISOString();
	const uploads = (files as Array<{ filename: string; mediaType: string }>).map(({ filename, mediaType }) => {
		const assetId = `ast_${randomBytes(8).toString('hex')}`;
		const contentTypeHint = contentTypeFor(filename, FALLBACK_TYPE[mediaType]);
		sim.assets.pending.set(assetId, { filename, mediaType, contentTypeHint });
		return {
			filename,
			mediaType,
			contentTypeHint,
			uploadUrl: `${sim.url}/uploads/${assetId}`,
			assetUrl: `${sim.url}/assets/${assetId}/${encodeURIComponent(filename)}`,
			assetId,
			expiresAt,
		};
	});
	sendJson(ctx, 200, { data: { uploads } });
}

/** Like a presigned storage URL: no API key, bytes counted as they stream past. */
export function receiveUpload(ctx: RequestContext, sim: SimState): void {
	sim.counters.uploads += 1;
	const assetId = ctx.params.assetId;
	const pending = sim.assets.pending.get(assetId);
	if (!pending) throw new HttpError(404, 'NOT_FOUND', `Upload "${assetId}" not found or expired`);
	const chunks: Buffer[] = [];
	let bytes = 0;
	const pace = sim.uploadBytesPerSecond;
	ctx.req.on('data', (chunk: Buffer) => {
		bytes += chunk.length;
		if (bytes <= KEEP_BYTES_UP_TO) chunks.push(chunk);
		else chunks.length = 0;
		if (pace) {
			// A slow storage: read on at its pace (reading also notices a client that went away).
			ctx.req.pause();
			void sim.timers.sleep((chunk.length / pace) * 1000).then(() => ctx.req.resume());
		}
	});
	ctx.req.on('end', () => {
		const contentType = String(ctx.req.headers['content-type'] ?? pending.contentTypeHint);
		sim.assets.uploaded.set(assetId, { filename: pending.filename, contentType, bytes });
		if (bytes <= KEEP_BYTES_UP_TO) sim.assets.kept.set(assetId, Buffer.concat(chunks));
		else sim.assets.kept.delete(assetId);
		ctx.res.writeHead(200, { etag: `"${assetId}-${bytes}"`, 'content-length': '0' });
		ctx.res.end();
	});
}

export function serveAsset(ctx: RequestContext, sim: SimState): void {
	const asset = sim.assets.uploaded.get(ctx.params.assetId);
	if (!asset) throw new HttpError(404, 'NOT_FOUND', 'Asset not found');
	ctx.res.writeHead(200, { 'content-type': asset.contentType, 'content-length': String(asset.bytes) });
	if (ctx.method === 'HEAD') return void ctx.res.end();
	const kept = sim.assets.kept.get(ctx.params.assetId);
	if (kept) return void ctx.res.end(kept);
	const extension = asset.filename.toLowerCase().split('.').pop() ?? '';
	pipeline(generatedMedia(asset.bytes, extension), ctx.res, () => {
		// Early client hang-ups are fine.
	});
}
