/**
 * Runs the benchmarks in bench/ (`npm run bench`) and prints their rows as one table.
 *
 *   node -r ts-node/register/transpile-only bench/run.ts [--only NAME]... [--full]
 *
 *   --only NAME   run only the bench files whose name (without `.bench.ts`) contains NAME
 *                 (case-insensitive; repeatable; `--only=NAME` works too)
 *   --full        left in process.argv for benches that have a quick and a full mode
 *
 * Every `bench/*.bench.ts` exports `async function run(): Promise<BenchRow[]>` (see types.ts).
 * Files run one by one in name order. Benchmarks report, tests judge: a MISS still exits 0;
 * the exit code is 1 only when a bench crashed (threw, or exported no `run`), 2 on bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { BenchFn, BenchRow } from './types';

const SUFFIX = '.bench.ts';

interface Args {
	only: string[];
}

function parseArgs(argv: string[]): Args {
	const only: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--only') {
			const value = argv[++i];
			if (!value) usage('--only needs a bench name');
			only.push(value);
		} else if (arg.startsWith('--only=')) {
			only.push(arg.slice('--only='.length));
		}
		// Other flags (--full, ...) belong to the benches, which read process.argv themselves.
	}
	return { only };
}

function usage(message: string): never {
	console.error(`${message}\nUsage: bench/run.ts [--only NAME]... [--full]`);
	process.exit(2);
}

function discover(only: string[]): string[] {
	const names = fs
		.readdirSync(__dirname)
		.filter((file) => file.endsWith(SUFFIX))
		.map((file) => file.slice(0, -SUFFIX.length))
		.sort();
	if (!only.length) return names;
	const wanted = only.map((o) => o.toLowerCase().replace(/\.bench(\.ts)?$/, ''));
	return names.filter((name) => wanted.some((w) => name.toLowerCase().includes(w)));
}

function fmt(n: number | undefined): string {
	if (n === undefined || Number.isNaN(n)) return '-';
	if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
	const abs = Math.abs(n);
	if (abs === 0) return '0';
	if (abs < 1) return n.toFixed(3);
	if (abs < 10) return n.toFixed(2);
	if (abs < 100) return n.toFixed(1);
	return n.toFixed(0);
}

function withUnit(n: number | undefined, unit: string): string {
	const text = fmt(n);
	return text === '-' || !unit ? text : `${text} ${unit}`;
}

interface Line {
	bench: string;
	row: BenchRow;
}

function printTable(lines: Line[]): void {
	const header = ['bench', 'name', 'ours', 'baseline/polling', 'ratio ours/base', 'target', 'result', 'note'];
	const cells = lines.map(({ bench, row }) => {
		const ours = row.ours ?? row.value;
		const ratio = row.ours !== undefined && row.baseline !== undefined && row.baseline !== 0 ? row.ours / row.baseline : undefined;
		return [
			bench,
			row.name,
			withUnit(ours, row.unit),
			withUnit(row.baseline, row.unit),
			fmt(ratio),
			row.target ?? '-',
			row.ok === undefined ? 'info' : row.ok ? 'OK' : 'MISS',
			row.note ?? '',
		];
	});
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const last = header.length - 1;
	const render = (cols: string[]) =>
		cols.map((c, i) => (i === last ? c : i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ').trimEnd();
	console.log(render(header));
	console.log(widths.map((w, i) => '-'.repeat(i === last ? Math.min(w, 40) : w)).join('-|-'));
	for (const c of cells) console.log(render(c));
}

async function main(): Promise<number> {
	const args = parseArgs(process.argv.slice(2));
	const benches = discover(args.only);
	if (!benches.length) usage(args.only.length ? `No bench matches --only ${args.only.join(', ')}` : 'No bench/*.bench.ts found');

	const lines: Line[] = [];
	const crashed: Array<{ bench: string; error: unknown }> = [];
	const started = Date.now();
	for (const [index, bench] of benches.entries()) {
		const t0 = Date.now();
		console.log(`\n=== [${index + 1}/${benches.length}] ${bench} ===`);
		try {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(path.join(__dirname, bench + SUFFIX)) as { run?: BenchFn };
			if (typeof mod.run !== 'function') throw new Error(`${bench}${SUFFIX} does not export async function run()`);
			const rows = await mod.run();
			for (const row of rows) lines.push({ bench, row });
			console.log(`=== ${bench}: ${rows.length} row(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s ===`);
		} catch (error) {
			crashed.push({ bench, error });
			console.error(`=== ${bench} CRASHED after ${((Date.now() - t0) / 1000).toFixed(1)} s ===`);
			console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		}
	}

	console.log('');
	if (lines.length) printTable(lines);
	const ok = lines.filter((l) => l.row.ok === true).length;
	const miss = lines.filter((l) => l.row.ok === false).length;
	const info = lines.length - ok - miss;
	const crashText = crashed.length ? `, ${crashed.length} bench(es) CRASHED (${crashed.map((c) => c.bench).join(', ')})` : '';
	console.log(
		`\nSummary: ${benches.length} bench(es), ${lines.length} row(s): ${ok} OK, ${miss} MISS, ${info} info${crashText}; ` +
			`${((Date.now() - started) / 1000).toFixed(1)} s total.` +
			(miss ? ' (A MISS is reported, not failed: benchmarks report, tests judge.)' : ''),
	);
	return crashed.length ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
