import { EventStreamParser, EventTooLarge, MAX_EVENT_CHARS, type ServerSentEvent } from '../../nodes/Lamina/shared/serverSentEvents';

function parse(...chunks: Array<string | Uint8Array>): ServerSentEvent[] {
	const parser = new EventStreamParser();
	const events = chunks.flatMap((chunk) => [...parser.push(chunk)]);
	parser.end();
	return events;
}

/** Every way of cutting `bytes` in two, and in three around each position. */
function everySplit(bytes: Buffer): Buffer[][] {
	const cuts: Buffer[][] = [];
	for (let i = 0; i <= bytes.length; i++) {
		cuts.push([bytes.subarray(0, i), bytes.subarray(i)]);
		if (i + 1 < bytes.length) cuts.push([bytes.subarray(0, i), bytes.subarray(i, i + 1), bytes.subarray(i + 1)]);
	}
	return cuts;
}

describe('Server-Sent Events parsing (as the HTML standard says)', () => {
	test('event and data fields; a blank line dispatches; type defaults to message', () => {
		expect(parse('event: progress\ndata: {"a":1}\n\ndata: plain\n\n')).toEqual([
			{ type: 'progress', data: '{"a":1}' },
			{ type: 'message', data: 'plain' },
		]);
	});

	test('several data lines are joined by a line feed; one space after the colon is dropped, no more', () => {
		expect(parse('data: {\ndata:  "a": 1\ndata:}\n\n')).toEqual([{ type: 'message', data: '{\n "a": 1\n}' }]);
	});

	test('comments, unknown fields and retry are ignored; a field without a colon has an empty value', () => {
		expect(parse(': keep-alive\nretry: 3000\nfoo: bar\nevent: ping\ndata\n\n')).toEqual([{ type: 'ping', data: '' }]);
	});

	test('CRLF, CR and LF all end lines, mixed in one stream', () => {
		const expected = [
			{ type: 'a', data: '1' },
			{ type: 'b', data: '2' },
			{ type: 'c', data: '3' },
		];
		expect(parse('event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n')).toEqual(expected);
	});

	test('an event without data is not dispatched, and does not leak its type into the next', () => {
		expect(parse('event: ping\n\ndata: x\n\n')).toEqual([{ type: 'message', data: 'x' }]);
	});

	test('a stream that ends mid-event drops that event', () => {
		expect(parse('data: whole\n\nevent: complete\ndata: {"status":"completed"}\n')).toEqual([{ type: 'message', data: 'whole' }]);
	});

	test('a leading byte-order mark is skipped; ids are remembered for Last-Event-ID', () => {
		const parser = new EventStreamParser();
		const events = [...parser.push('\uFEFFid: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n')];
		expect(events).toEqual([
			{ type: 'message', data: 'a', id: '7' },
			{ type: 'message', data: 'b', id: '7' },
			{ type: 'message', data: 'c' },
		]);
		expect(parser.lastEventId).toBe('');
	});

	test('chunk boundaries anywhere give the same events: inside a field, a CRLF, a multi-byte character', () => {
		const text = 'event: progress\r\ndata: {"label":"Café ☕ 🎬"}\r\n: note\r\n\r\nevent: complete\rdata: {"done":true}\r\r';
		const bytes = Buffer.from(text, 'utf8');
		const expected = parse(text);
		expect(expected).toEqual([
			{ type: 'progress', data: '{"label":"Café ☕ 🎬"}' },
			{ type: 'complete', data: '{"done":true}' },
		]);
		for (const pieces of everySplit(bytes)) expect(parse(...pieces)).toEqual(expected);
	});

	test('one byte at a time', () => {
		const text = 'event: a\r\ndata: é\r\n\r\n';
		expect(parse(...[...Buffer.from(text)].map((byte) => Uint8Array.of(byte)))).toEqual([{ type: 'a', data: 'é' }]);
	});

	test('holds no more than the event being read: a 200-event stream does not grow what it keeps', () => {
		const parser = new EventStreamParser();
		const event = (i: number) => `event: progress\ndata: ${JSON.stringify({ runId: 'run_1', status: 'running', progress: { completedNodes: i } })}\n\n`;
		const longest = Math.max(...Array.from({ length: 200 }, (_, i) => event(i).length));
		const stream = Array.from({ length: 200 }, (_, i) => event(i)).join('');
		let held = 0;
		let count = 0;
		for (let at = 0; at < stream.length; at += 37) {
			for (const parsed of parser.push(stream.slice(at, at + 37))) {
				count += 1;
				expect(JSON.parse(parsed.data).progress.completedNodes).toBe(count - 1);
			}
			held = Math.max(held, parser.heldChars);
		}
		expect(count).toBe(200);
		expect(held).toBeLessThanOrEqual(longest);
		expect(parser.heldChars).toBe(0);
	});

	test('an event larger than the bound ends the stream with an error instead of filling memory', () => {
		const parser = new EventStreamParser();
		const piece = 'x'.repeat(1024 * 1024);
		expect(() => {
			for (let i = 0; i <= MAX_EVENT_CHARS / piece.length; i++) [...parser.push(i === 0 ? `data: ${piece}` : piece)];
		}).toThrow(EventTooLarge);
		expect(parser.heldChars).toBe(0);
	});
});
