/**
 * Server-Sent Events (text/event-stream) parsed as the HTML standard says: lines end in CRLF, LF
 * or CR, `:` starts a comment, `event:`/`data:`/`id:` fields, several `data:` lines joined by a
 * line feed, a blank line dispatches, and a stream that ends mid-event drops that event. Bytes
 * may be cut anywhere, inside a character too. It keeps only the event being read. Pure: unit-tested.
 */
export interface ServerSentEvent {
	/** `message` when the event names no type. */
	type: string;
	data: string;
	/** The last event ID the stream set, if any (for `Last-Event-ID` when reconnecting). */
	id?: string;
}

/** An event (or a line) longer than this ends the stream as broken, so a stream can't fill memory. */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;

export class EventTooLarge extends Error {
	constructor() {
		super(`an event of the stream is larger than ${MAX_EVENT_CHARS / 1024 / 1024} MB`);
	}
}

export class EventStreamParser {
	private readonly decoder = new TextDecoder('utf-8');
	/** The line read so far (no line break yet). */
	private line = '';
	private data = '';
	private type = '';
	/** The last chunk ended in CR: an LF starting the next one belongs to it. */
	private afterCarriageReturn = false;
	private started = false;
	lastEventId = '';

	/** Characters held now: the unfinished line and event (tests show it never exceeds one event). */
	get heldChars(): number {
		return this.line.length + this.data.length + this.type.length;
	}

	/** Reads the next piece of the stream (bytes or text); yields each event it completes, in order. */
	*push(chunk: Uint8Array | string): Generator<ServerSentEvent> {
		let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
		if (text === '') return;
		if (!this.started) {
			this.started = true;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		}
		let at = this.afterCarriageReturn && text.startsWith('\n') ? 1 : 0;
		this.afterCarriageReturn = false;
		const breaks = new LineBreaks(text);
		while (at < text.length) {
			const end = breaks.next(at);
			if (end < 0) {
				this.line += text.slice(at);
				this.checkSize();
				return;
			}
			const line = this.line + text.slice(at, end);
			this.line = '';
			at = end + 1;
			if (text[end] === '\r') {
				if (at === text.length) this.afterCarriageReturn = true;
				else if (text[at] === '\n') at += 1;
			}
			const event = this.takeLine(line);
			if (event) yield event;
		}
	}

	/** The stream ended: an event without its closing blank line is dropped, as the standard says. */
	end(): void {
		this.line = '';
		this.data = '';
		this.type = '';
		this.afterCarriageReturn = false;
	}

	private takeLine(line: string): ServerSentEvent | undefined {
		if (line === '') return this.dispatch();
		if (line.startsWith(':')) return undefined;
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'event') this.type = value;
		else if (field === 'data') this.data += `${value}\n`;
		else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
		// `retry` and unknown fields: ignored (when to reconnect is the caller's decision).
		this.checkSize();
		return undefined;
	}

	private dispatch(): ServerSentEvent | undefined {
		const { data, type } = this;
		this.data = '';
		this.type = '';
		if (data === '') return undefined;
		return { type: type || 'message', data: data.slice(0, -1), ...(this.lastEventId ? { id: this.lastEventId } : {}) };
	}

	private checkSize(): void {
		if (this.heldChars > MAX_EVENT_CHARS) {
			this.end();
			throw new EventTooLarge();
		}
	}
}

/** The next CR or LF from a position on; each kind is searched for once per stretch, not per line. */
class LineBreaks {
	private lf = -2;
	private cr = -2;

	constructor(private readonly text: string) {}

	next(from: number): number {
		if (this.lf !== -1 && this.lf < from) this.lf = this.text.indexOf('\n', from);
		if (this.cr !== -1 && this.cr < from) this.cr = this.text.indexOf('\r', from);
		if (this.lf < 0) return this.cr;
		if (this.cr < 0) return this.lf;
		return Math.min(this.lf, this.cr);
	}
}
