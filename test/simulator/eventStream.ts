/**
 * Writes one Server-Sent Events response the way `sim.stream` says: line endings, comments,
 * multi-line data, ids, events cut into small pieces (so a client meets chunk boundaries
 * anywhere, inside a character too), and drops.
 */
import type { ServerResponse } from 'node:http';

import type { TimerSet } from './timers';
import type { StreamBehaviour } from './types';

const LINE_ENDINGS = { lf: '\n', crlf: '\r\n', cr: '\r' } as const;

export class EventWriter {
	private readonly pieces: Buffer[] = [];
	private writing = false;
	private ending = false;
	private dropping = false;
	private nextId = 1;

	constructor(
		private readonly res: ServerResponse,
		private readonly behaviour: StreamBehaviour,
		private readonly timers: TimerSet,
	) {}

	get open(): boolean {
		return !this.res.writableEnded && !this.res.destroyed;
	}

	/** One event: `event:`, maybe `id:`, then the JSON of `data` over one or more `data:` lines. */
	send(event: string, data: unknown): void {
		if (!this.open || this.ending) return;
		const eol = LINE_ENDINGS[this.behaviour.lineEnding ?? 'lf'];
		const json = this.behaviour.multiLineData ? JSON.stringify(data, null, 1) : JSON.stringify(data);
		const lines = [
			...(this.behaviour.comments ? [': the run is still being worked on'] : []),
			`event: ${event}`,
			...(this.behaviour.ids ? [`id: ${this.nextId++}`] : []),
			...json.split('\n').map((line) => `data: ${line}`),
		];
		this.write(Buffer.from(lines.join(eol) + eol + eol, 'utf8'));
	}

	/** Ends the response once everything written so far is out. */
	end(): void {
		this.ending = true;
		if (!this.writing) this.finish();
	}

	/** Breaks the connection (no final event, no clean end) once everything written so far is out. */
	drop(): void {
		this.dropping = true;
		this.end();
	}

	private finish(): void {
		if (!this.open) return;
		if (!this.dropping) return void this.res.end();
		// The socket sends what was written, then closes: the response stops short of its end.
		this.res.socket?.end();
	}

	private write(bytes: Buffer): void {
		const size = this.behaviour.chunkBytes;
		if (!size || size <= 0) {
			this.res.write(bytes);
			return;
		}
		for (let at = 0; at < bytes.length; at += size) this.pieces.push(bytes.subarray(at, at + size));
		if (!this.writing) this.flush();
	}

	/** One piece per tick: each reaches the client as its own chunk. */
	private flush(): void {
		const piece = this.pieces.shift();
		if (!piece || !this.open) {
			this.writing = false;
			if (this.ending) this.finish();
			return;
		}
		this.writing = true;
		this.res.write(piece);
		this.timers.after(1, () => this.flush());
	}
}
