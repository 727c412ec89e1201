/**
 * Run → Get Many → Since: a date without an offset (what n8n's date picker stores) is a time in
 * the workflow's time zone (Settings → Timezone), not the server's; one with an offset or `Z`
 * keeps it. The n8n process here runs in UTC (or whatever the machine has): the workflow's zone
 * is chosen to differ from it.
 */
import { useSimulator } from '../support/context';
import { runAppJsonNode, runOp } from '../support/runNodes';

const ctx = useSimulator();

const processZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const zones = ['America/New_York', 'Asia/Kolkata'].filter((zone) => zone !== processZone);

/** `instant` as `timeZone`'s clock shows it, the way the date picker stores it: `2026-01-15T09:30:00`. */
const wallClock = (instant: number, timeZone: string) =>
	new Date(instant).toLocaleString('sv-SE', { timeZone, hour12: false }).replace(' ', 'T');

/** `instant` written with the offset `-03:00`. */
const withOffsetMinus3 = (instant: number) => `${new Date(instant - 3 * 3_600_000).toISOString().slice(0, 19)}-03:00`;

let runId: string;
let createdAt: number;
beforeAll(async () => {
	const { items, error } = await ctx.engine.run([runAppJsonNode('app_portrait', '{"Prompt": "x"}', { waitMode: 'none' })]);
	expect(error).toBeUndefined();
	runId = String(items[0].json.runId);
	createdAt = Date.parse(ctx.sim.runs.get(runId)!.createdAt);
	expect(createdAt).not.toBeNaN();
});

/** Whether Get Many with this Since lists the run, in a workflow whose time zone is `timezone`. */
async function listsTheRun(since: string, timezone: string): Promise<boolean> {
	const { items, error } = await ctx.engine.run([runOp('getAll', { returnAll: true, filters: { since, appId: 'app_portrait' } })], { timezone });
	expect(error).toBeUndefined();
	return items.some((item) => item.json.runId === runId);
}

describe.each(zones)('in a workflow whose time zone is %s', (zone) => {
	test('a Since without an offset is that zone’s time: a minute before the run lists it, a minute after does not', async () => {
		expect(await listsTheRun(wallClock(createdAt - 60_000, zone), zone)).toBe(true);
		expect(await listsTheRun(wallClock(createdAt + 60_000, zone), zone)).toBe(false);
	});

	test('a date alone is that zone’s midnight', async () => {
		const today = wallClock(createdAt, zone).slice(0, 10);
		const tomorrow = wallClock(createdAt + 86_400_000, zone).slice(0, 10);
		expect(await listsTheRun(today, zone)).toBe(true);
		expect(await listsTheRun(tomorrow, zone)).toBe(false);
	});

	test('a Since with Z or an offset keeps it', async () => {
		expect(await listsTheRun(new Date(createdAt - 60_000).toISOString(), zone)).toBe(true);
		expect(await listsTheRun(new Date(createdAt + 60_000).toISOString(), zone)).toBe(false);
		expect(await listsTheRun(withOffsetMinus3(createdAt - 60_000), zone)).toBe(true);
		expect(await listsTheRun(withOffsetMinus3(createdAt + 60_000), zone)).toBe(false);
	});
});

test('a Since that is no date names the field and the workflow’s time zone', async () => {
	const { error } = await ctx.engine.run([runOp('getAll', { filters: { since: '2026-02-30T10:00:00' } })], { timezone: 'Asia/Kolkata' });
	expect(error?.message).toBe('Since is not a date: "2026-02-30T10:00:00"');
	expect(error?.description).toContain('Asia/Kolkata');
});
