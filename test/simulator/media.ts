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

/** Exactly `total` bytes: the extension's magic bytes, then filler. */
export function generatedMedia(total: number, extension: string): Readable {
	const filler = Buffer.alloc(CHUNK, 0x5a);
	const magic = (MAGIC[extension] ?? Buffer.alloc(0)).subarray(0, total);
	let sent = 0;
	return new Readable({
		highWaterMark: CHUNK,
		read() {
			if (sent >= total) return void this.push(null);
			if (sent === 0 && magic.length > 0) {
				sent += magic.length;
				return void this.push(Buffer.from(magic));
			}
			const size = Math.min(CHUNK, total - sent);
			sent += size;
			this.push(filler.subarray(0, size));
		},
	});
}
