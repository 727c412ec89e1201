// `npm run lint:workflows` (part of `npm run lint`): checks every GitHub Actions workflow in
// .github/workflows against the workflow JSON schema (SchemaStore's github-workflow.json) with
// @action-validator/core, which also checks that `paths`/`paths-ignore` globs match files.
// Prints each problem with its file and location; exits 1 on any, or when there is no workflow.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { validateWorkflow } from '@action-validator/core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, '.github', 'workflows');

const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
if (files.length === 0) {
	console.error(`lint:workflows: no workflow files in ${path.relative(ROOT, DIR)}`);
	process.exit(1);
}

/**
 * A schema error with `oneOf` branches (a job is a normal job or a reusable-workflow call; `on` is a
 * string, a list or a map ...) nests each branch's errors under `states`. The branch meant is the
 * one of the right type with the fewest errors: its errors say what is actually wrong.
 */
function specificErrors(error) {
	if (!error.states?.length) return [error];
	let best;
	for (const state of error.states) {
		const leaves = state.errors.flatMap(specificErrors);
		const wrongType = leaves.some((e) => e.code === 'wrong_type' && e.path === error.path);
		const score = leaves.length + (wrongType ? 1000 : 0);
		if (!best || score < best.score) best = { score, leaves };
	}
	const seen = new Set();
	return best.leaves.filter((e) => {
		const key = `${e.path}|${e.title}|${e.detail}`;
		return !seen.has(key) && seen.add(key);
	});
}

const describe = (e) => `${e.title}${e.detail ? ` (${e.detail})` : ''} [${e.code}]`;

let problems = 0;
for (const file of files) {
	const relative = path.posix.join('.github/workflows', file);
	// The validator resolves `paths` globs against the working directory.
	process.chdir(ROOT);
	const { errors } = validateWorkflow(fs.readFileSync(path.join(DIR, file), 'utf8'));
	if (errors.length === 0) {
		console.log(`${relative}: ok`);
		continue;
	}
	problems += errors.length;
	console.error(`${relative}: ${errors.length} problem(s)`);
	for (const error of errors) {
		const where = error.location ? `line ${error.location.line}, column ${error.location.column}` : error.path || '(file)';
		console.error(`  ${where}: ${describe(error)}`);
		if (error.states?.length) {
			for (const inner of specificErrors(error).slice(0, 8)) console.error(`    ${inner.path}: ${describe(inner)}`);
		}
	}
}
process.exitCode = problems === 0 ? 0 : 1;
