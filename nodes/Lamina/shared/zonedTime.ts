/**
 * Dates as a user writes them in n8n: a date without an offset (what n8n's date picker stores,
 * e.g. `2026-11-01T09:30:00`) is a wall-clock time in the workflow's time zone, not the server's.
 */

/** An ISO date or date-time with no offset or `Z`: year, month, day, then optional h:m:s.fraction. */
const ISO_WITHOUT_OFFSET = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `utcMs`, in ms. */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
	const parts: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(new Date(utcMs))) parts[part.type] = Number(part.value);
	const wallAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
	return wallAsUtc - Math.floor(utcMs / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which `timeZone`'s clock shows the wall time `wallAsUtcMs` (that wall time read
 * as if it were UTC). The offsets a day before and after bracket any daylight-saving change: a
 * time shown twice (clocks going back) is its first; one skipped (clocks going forward) is read
 * with the offset before the change, so 02:30 becomes 03:30.
 */
function instantOfWallTime(wallAsUtcMs: number, timeZone: string): number {
	const before = wallAsUtcMs - zoneOffsetMs(timeZone, wallAsUtcMs - DAY_MS);
	const after = wallAsUtcMs - zoneOffsetMs(timeZone, wallAsUtcMs + DAY_MS);
	const shows = (instant: number) => instant + zoneOffsetMs(timeZone, instant) === wallAsUtcMs;
	const candidates = [before, after].filter(shows);
	return candidates.length ? Math.min(...candidates) : before;
}

/**
 * The instant `text` names: with an offset or `Z` as written; an ISO date or date-time without
 * one in `timeZone` (a date alone is its midnight there). Invalid Date when `text` is no date.
 * Other forms (`Nov 1 2026 09:30 GMT+0100`) are read as JavaScript reads them.
 */
export function dateInTimeZone(text: string, timeZone: string): Date {
	const trimmed = text.trim();
	const match = ISO_WITHOUT_OFFSET.exec(trimmed);
	if (!match) return new Date(trimmed);
	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0'] = match;
	const wallAsUtc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
	// A day or time out of range (2026-02-30, 25:00) is no date, as `new Date` would have said.
	const check = new Date(wallAsUtc);
	if (check.getUTCDate() !== Number(day) || check.getUTCHours() !== Number(hour) || check.getUTCMinutes() !== Number(minute)) return new Date(NaN);
	return new Date(instantOfWallTime(wallAsUtc, timeZone));
}
