/** Generated media bytes, streamed in chunks so a 200 MB file never sits in memory. */
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/** A few real magic bytes so sniffers recognise the file type. */
const MAGIC: Record<string, Buffer> = {
	png: Buffer.from('89504e470d0a1a0a', 'hex'),
	mp4: Buffer.from('000000186674797069736f6d', 'hex'),
	mp3: Buffer.from('494433040000', 'hex'),
};

export const CONTENT_TYPES: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	m4a: 'audio/mp4',
};

export function contentTypeFor(filename: string, fallback = 'application/octet-stream'): string {
	const ext = filename.toLowerCase().split('.').pop() ?? '';
	return CONTENT_TYPES[ext] ?? fallback;
}

export interface Pacing {
	/** About this many bytes a second; default as fast as the client reads. */
	bytesPerSecond?: number;
	/** Stop after this many bytes without ending the stream. */
	stallAfterBytes?: number;
	/** How the pacing waits (the simulator's timers, so close() ends them). */
	sleep: (ms: number) => Promise<void>;
}

/** Exactly `total` bytes: the extension's magic bytes, then filler; paced or stalled when asked. */
export function generatedMedia(total: number, extension: string, pacing?: Pacing): Readable {
	const filler = Buffer.alloc(CHUNK, 0x5a);
	const magic = (MAGIC[extension] ?? Buffer.alloc(0)).subarray(0, total);
	let sent = 0;
	const stallAt = pacing?.stallAfterBytes ?? Infinity;
	const paced = pacing?.bytesPerSecond ? CHUNK / pacing.bytesPerSecond : 0;
	return new Readable({
		highWaterMark: CHUNK,
		read() {
			if (sent >= stallAt) return; // never pushes again: the client sees the body stall
			if (paced > 0 && sent > 0) {
				void pacing!.sleep(paced * 1000).then(() => this.push(nextChunk()));
				return;
			}
			this.push(nextChunk());
		},
	});

	function nextChunk(): Buffer | null {
		if (sent >= total) return null;
		if (sent === 0 && magic.length > 0) {
			sent += magic.length;
			return Buffer.from(magic);
		}
		const size = Math.min(CHUNK, total - sent, stallAt - sent);
		sent += size;
		return filler.subarray(0, size);
	}
}
