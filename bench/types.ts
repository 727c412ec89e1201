/**
 * One line of a benchmark's report. Every `bench/*.bench.ts` exports
 * `async function run(): Promise<BenchRow[]>`; `bench/run.ts` prints the rows side by side.
 * Benchmarks report, they never assert: `ok` only marks a row OK or MISS in the table.
 */
export interface BenchRow {
	/** What was measured, e.g. "(a) time to result − run duration". */
	name: string;
	/** Our node's number. */
	ours?: number;
	/** The comparison's number (e.g. the documented polling loop). */
	baseline?: number;
	/** A single number when there is nothing to compare against. */
	value?: number;
	/** Unit of ours/baseline/value, e.g. "s", "req", "× D". */
	unit: string;
	/** The target as text, e.g. "≤ 0.25 s". */
	target?: string;
	/** Whether the target is met; undefined when the row has no target. */
	ok?: boolean;
	/** How it was measured, caveats, breakdowns. */
	note?: string;
}

/** What a bench file exports. */
export type BenchFn = () => Promise<BenchRow[]>;
