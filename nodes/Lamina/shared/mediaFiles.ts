/** Which run outputs are files, and what to call them in n8n: names, MIME types, media kinds. */
import { isHttpUrl } from './inputValidation';
import type { LaminaRunOutput } from './types';

export type MediaKind = 'image' | 'video' | 'audio';
export const MEDIA_KINDS: MediaKind[] = ['image', 'video', 'audio'];

export type BinaryNaming = 'label' | 'index';

const MIME_BY_EXTENSION: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	avif: 'image/avif',
	heic: 'image/heic',
	svg: 'image/svg+xml',
	mp4: 'video/mp4',
	m4v: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	m4a: 'audio/mp4',
	ogg: 'audio/ogg',
	aac: 'audio/aac',
	flac: 'audio/flac',
};

const EXTENSION_BY_MIME: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/avif': 'avif',
	'image/heic': 'heic',
	'image/svg+xml': 'svg',
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/webm': 'webm',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/mp4': 'm4a',
	'audio/ogg': 'ogg',
	'audio/aac': 'aac',
	'audio/flac': 'flac',
};

const DEFAULT_MIME: Record<MediaKind, string> = { image: 'image/png', video: 'video/mp4', audio: 'audio/mpeg' };

/** Storage services often label every file like this: it says nothing about the content. */
const GENERIC_MIME = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/binary', 'application/unknown']);

export const FALLBACK_PREFIX = 'data';

/** The lower-case extension of a file name or URL path ('png'), if it has one. */
export function extensionOf(name: string): string | undefined {
	const base = name.split(/[/\\]/).pop() ?? '';
	const match = /\.([A-Za-z0-9]{1,8})$/.exec(base);
	return match ? match[1].toLowerCase() : undefined;
}

function urlPath(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return '';
	}
}

/** 'image/png; charset=x' → 'image/png'. */
export function bareMimeType(value: unknown): string {
	const text = Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '';
	return text.split(';')[0].trim().toLowerCase();
}

export function mediaKindOfMime(mimeType: string | undefined): MediaKind | undefined {
	const kind = bareMimeType(mimeType).split('/')[0];
	return MEDIA_KINDS.includes(kind as MediaKind) ? (kind as MediaKind) : undefined;
}

export function mimeTypeOfExtension(extension: string | undefined): string | undefined {
	return extension ? MIME_BY_EXTENSION[extension.toLowerCase()] : undefined;
}

export function extensionOfMime(mimeType: string): string | undefined {
	const bare = bareMimeType(mimeType);
	if (EXTENSION_BY_MIME[bare]) return EXTENSION_BY_MIME[bare];
	const subtype = bare.split('/')[1];
	return subtype && /^[a-z0-9]{1,8}$/.test(subtype) ? subtype : undefined;
}

function isMediaKind(value: unknown): value is MediaKind {
	return MEDIA_KINDS.includes(value as MediaKind);
}

/** A label as a binary property name: `$binary.Hero_Image` works in expressions. */
export function safePropertyName(label: string): string {
	const name = label.replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/^_+|_+$/g, '');
	return /^\p{N}/u.test(name) ? `_${name}` : name;
}

/** A label as part of a file name: no path separators or characters file systems refuse. */
function safeFileBase(label: string): string {
	return label.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').trim().replace(/^\.+/, '');
}

export interface PlannedDownload {
	/** Position in the run's outputs. */
	index: number;
	label: string;
	url: string;
	/** From the output's type, or its URL's extension; undefined when neither says. */
	kind?: MediaKind;
	propertyName: string;
}

/**
 * The outputs to attach as files: completed (by `status`, since `type` can lag), with an http(s)
 * URL as value, and not text. Property names follow `naming`, deduplicated in output order.
 */
export function planDownloads(
	outputs: LaminaRunOutput[] | undefined,
	options: { naming: BinaryNaming; prefix?: string },
): PlannedDownload[] {
	const prefix = options.prefix?.trim() || FALLBACK_PREFIX;
	const taken = new Set<string>();
	const planned: PlannedDownload[] = [];
	for (const [index, output] of (outputs ?? []).entries()) {
		if (output.status !== undefined && output.status !== 'completed') continue;
		if (output.type === 'text' || typeof output.value !== 'string' || !isHttpUrl(output.value)) continue;
		const label = typeof output.label === 'string' && output.label.trim() !== '' ? output.label : `Output ${index + 1}`;
		const url = output.value.trim();
		const kind = isMediaKind(output.type) ? output.type : mediaKindOfMime(mimeTypeOfExtension(extensionOf(urlPath(url))));
		const wanted = options.naming === 'index' ? `${prefix}${index}` : safePropertyName(label) || `${prefix}${index}`;
		let propertyName = wanted;
		for (let n = 2; taken.has(propertyName); n++) propertyName = `${wanted}_${n}`;
		taken.add(propertyName);
		planned.push({ index, label, url, kind, propertyName });
	}
	return planned;
}

/** The server's Content-Type when it names a real type, else the URL's extension, else the output's kind. */
export function chooseMimeType(contentType: unknown, url: string, kind?: MediaKind): string {
	const given = bareMimeType(contentType);
	if (!GENERIC_MIME.has(given)) return given;
	return mimeTypeOfExtension(extensionOf(urlPath(url))) ?? (kind ? DEFAULT_MIME[kind] : 'application/octet-stream');
}

/**
 * The file name in the URL when it has an extension and says something (`hero shot.png`), else the
 * label with the URL's or the type's extension (`Hero Image.png` for `…/0.png` or `…/abc123`).
 */
export function chooseFileName(url: string, label: string, mimeType: string): string {
	let last = urlPath(url).split('/').pop() ?? '';
	try {
		last = decodeURIComponent(last);
	} catch {
		// Keep it encoded.
	}
	const fromUrl = safeFileBase(last);
	const urlExtension = extensionOf(fromUrl);
	const stem = urlExtension ? fromUrl.slice(0, -urlExtension.length - 1) : '';
	if (urlExtension && !/^\d*$/.test(stem)) return fromUrl;
	const base = safeFileBase(label) || 'output';
	const extension = extensionOf(base) ? undefined : (urlExtension ?? extensionOfMime(mimeType));
	return extension ? `${base}.${extension}` : base;
}

/** What n8n knows about a binary file, as far as uploading it is concerned. */
export interface BinaryFacts {
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
}

/** image, video or audio: the override first, then the MIME type, then the file extension. */
export function mediaKindOfFile(facts: BinaryFacts, override?: MediaKind): MediaKind | undefined {
	if (override) return override;
	return (
		mediaKindOfMime(facts.mimeType) ??
		mediaKindOfMime(mimeTypeOfExtension(facts.fileExtension ?? extensionOf(facts.fileName ?? '')))
	);
}

/** The Content-Type to send: the file's own when specific, else one from its extension or kind. */
export function uploadContentType(facts: BinaryFacts, kind: MediaKind): string {
	const own = bareMimeType(facts.mimeType);
	if (!GENERIC_MIME.has(own)) return own;
	return mimeTypeOfExtension(facts.fileExtension ?? extensionOf(facts.fileName ?? '')) ?? DEFAULT_MIME[kind];
}

/** The file name Lamina gets: the binary's own, with an extension matching its type when it has none. */
export function uploadFileName(facts: BinaryFacts, propertyName: string, contentType: string): string {
	const base = safeFileBase(facts.fileName ?? '') || safeFileBase(propertyName) || 'upload';
	if (extensionOf(base)) return base;
	const extension = facts.fileExtension?.replace(/^\./, '') || extensionOfMime(contentType);
	return extension ? `${base}.${extension}` : base;
}
