import { dateInTimeZone } from '../../nodes/Lamina/shared/zonedTime';

const iso = (text: string, zone: string) => dateInTimeZone(text, zone).toISOString();

describe('dateInTimeZone', () => {
	test('a date-time without an offset is the zone’s wall clock, in winter and in summer', () => {
		expect(iso('2026-01-15T12:00:00', 'America/New_York')).toBe('2026-01-15T17:00:00.000Z');
		expect(iso('2026-07-01T12:00', 'America/New_York')).toBe('2026-07-01T16:00:00.000Z');
		expect(iso('2026-01-15 12:00:00.25', 'Asia/Kolkata')).toBe('2026-01-15T06:30:00.250Z');
		expect(iso('2026-01-15T12:00:00', 'UTC')).toBe('2026-01-15T12:00:00.000Z');
	});

	test('a date alone is the zone’s midnight', () => {
		expect(iso('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
		expect(iso('2026-03-08', 'Asia/Tokyo')).toBe('2026-03-07T15:00:00.000Z');
	});

	test('Z or an offset is kept, whatever the zone', () => {
		expect(iso('2026-01-15T12:00:00Z', 'Asia/Kolkata')).toBe('2026-01-15T12:00:00.000Z');
		expect(iso('2026-01-15T12:00:00+02:00', 'America/New_York')).toBe('2026-01-15T10:00:00.000Z');
		expect(iso('2026-01-15T12:00:00.000-03:00', 'Asia/Tokyo')).toBe('2026-01-15T15:00:00.000Z');
	});

	test('daylight saving: a repeated hour is its first, a skipped one moves an hour on', () => {
		expect(iso('2026-11-01T01:30:00', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
		expect(iso('2026-03-08T02:30:00', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
		expect(iso('2026-03-29T02:30:00', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
		expect(iso('2026-10-25T02:30:00', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
	});

	test('what is no date stays no date', () => {
		for (const text of ['soon', '2026-02-30', '2026-01-15T25:00:00', '']) {
			expect(Number.isNaN(dateInTimeZone(text, 'America/New_York').getTime())).toBe(true);
		}
	});
});
