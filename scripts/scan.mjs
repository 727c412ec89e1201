// `npm run scan`: the static analysis of n8n's community-package scanner (@n8n/scan-community-package),
// run locally on what this repository would publish, before it is published.
//
// n8n's own gate (`npx @n8n/scan-community-package n8n-nodes-lamina`) works on a *published* version:
// it checks the npm provenance statement, downloads the GitHub source the statement names and the
// tarball, and lints both with analyzePackage(). The provenance and download steps need the registry
// and GitHub; the linting does not, so this script runs the same analyzePackage() on the same two
// inputs made here:
//   1. the package as npm would publish it: `npm pack`, unpacked to a temporary folder, with the
//      scanner's tarball patterns (compiled `.js` files and the published package.json);
//   2. the sources, with the scanner's own source patterns (SOURCE_FILE_PATTERNS: package.json and
//      nodes/ and credentials/ `.ts`/`.js`/`.json`). analyzePackage() parses `.ts` and `.json` with
//      @typescript-eslint/parser, so the node and credential rules really run on the TypeScript.
// analyzePackage() ignores eslint-disable comments (allowInlineConfig: false) and adds `no-console`,
// so it is stricter than `npm run lint` in those two ways; its rule plugins are the versions the
// scanner pins, which may differ from the ones `npm run lint` uses.
//
// Needs dist/ (the `scan` npm script builds first). Exits 1 on any violation, or when a leg finds
// no file to analyse.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
	}
	return result.stdout;
}

/** Files under `dir` (not node_modules) whose path matches `test`, relative to `dir`. */
function listFiles(dir, test, prefix = '') {
	const found = [];
	for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
		const relative = path.posix.join(prefix, entry.name);
		if (entry.isDirectory()) {
			if (entry.name !== 'node_modules') found.push(...listFiles(dir, test, relative));
		} else if (test(relative)) {
			found.push(relative);
		}
	}
	return found;
}

/** Runs analyzePackage on one folder and prints what it found; true when it passed. */
async function scan(analyzePackage, title, dir, patterns, expectedFiles) {
	console.log(`\n==> ${title}\n    folder: ${dir}\n    patterns: ${patterns.join(', ')}\n    files: ${expectedFiles.length}`);
	if (expectedFiles.length === 0) {
		console.log('    FAILED: no file to analyse (the scan would check nothing)');
		return false;
	}
	const result = await analyzePackage(dir, patterns);
	if (result.passed && result.message === 'No files found to analyze') {
		console.log('    FAILED: analyzePackage found no file to analyse');
		return false;
	}
	if (result.passed) {
		console.log('    passed: no violations');
		return true;
	}
	// `details` is ESLint's stylish report: each file, then `line:column  error  message  rule`.
	console.log(`    FAILED: ${result.message}`);
	if (result.details) console.log(result.details);
	return false;
}

async function main() {
	if (!fs.existsSync(path.join(ROOT, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` first (`npm run scan` does).');
	}
	const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-scan-'));
	try {
		// scanner.mjs makes a folder in the system's temp folder as it loads and leaves it there:
		// load it with TMPDIR pointing into ours, which is removed at the end.
		const systemTmp = process.env.TMPDIR;
		process.env.TMPDIR = temp;
		const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
		if (systemTmp === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = systemTmp;
		const { analyzePackage, SOURCE_FILE_PATTERNS } = scanner;
		if (typeof analyzePackage !== 'function' || !Array.isArray(SOURCE_FILE_PATTERNS)) {
			throw new Error('@n8n/scan-community-package no longer exports analyzePackage and SOURCE_FILE_PATTERNS');
		}

		// 1. The tarball, as `npm publish` would upload it.
		const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', temp], ROOT));
		const tarball = path.join(temp, packed[0].filename);
		const packageDir = path.join(temp, 'package');
		fs.mkdirSync(packageDir);
		run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], ROOT);
		const tarballFiles = listFiles(packageDir, (f) => f.endsWith('.js') || f === 'package.json');
		const tarballOk = await scan(analyzePackage, `published package (${packed[0].filename}, ${packed[0].entryCount} files)`, packageDir, TARBALL_PATTERNS, tarballFiles);

		// 2. The sources.
		const sourceFiles = listFiles(
			ROOT,
			(f) => f === 'package.json' || (/^(nodes|credentials)\//.test(f) && /\.(js|ts|json)$/.test(f)),
		);
		const sourceOk = await scan(analyzePackage, 'sources', ROOT, SOURCE_FILE_PATTERNS, sourceFiles);

		console.log(tarballOk && sourceOk ? '\nscan passed: no violations' : '\nscan FAILED: see the violations above');
		return tarballOk && sourceOk;
	} finally {
		fs.rmSync(temp, { recursive: true, force: true });
	}
}

main().then(
	(ok) => {
		process.exitCode = ok ? 0 : 1;
	},
	(error) => {
		console.error(`scan failed: ${error instanceof Error ? error.message : error}`);
		process.exitCode = 1;
	},
);
