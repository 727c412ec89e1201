/**
 * The codex files (`*.node.json`) decide where n8n's nodes panel lists a node. n8n 2.x's panel
 * drops every node whose categories include "AI" from its searches unless its AI subcategory is
 * "Root Nodes" (AI sub-nodes only appear beside an AI root node), and files AI nodes under their
 * AI subcategory instead of "Action in an app". With "AI" the Lamina nodes could not be found by
 * searching "Lamina" at all, so they stay out of it; "AI" is an alias instead, so a search for it
 * still finds them. The editor check (`npm run test:editor`) proves this in the real panel.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[] };
};

/** The top-level categories n8n's own nodes use; one n8n does not know hides the node too. */
const N8N_CATEGORIES = [
	'Analytics',
	'Communication',
	'Core Nodes',
	'Data & Storage',
	'Development',
	'Finance & Accounting',
	'Marketing',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

const codexFiles = manifest.n8n.nodes.map((built) =>
	path.join(root, built.replace(/^dist\//, '').replace(/\.js$/, '.json')),
);

describe.each(codexFiles.map((file) => [path.basename(file), file]))('%s', (_name, file) => {
	const codex = JSON.parse(fs.readFileSync(file, 'utf8')) as {
		node: string;
		categories: string[];
		subcategories?: Record<string, string[]>;
		alias?: string[];
	};
	const nodeName = path.basename(file, '.node.json');

	test('names the node as n8n loads it from this package', () => {
		expect(codex.node).toBe(`${manifest.name}.${nodeName[0].toLowerCase()}${nodeName.slice(1)}`);
	});

	test('uses only categories that keep the node in the nodes panel and its search', () => {
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(N8N_CATEGORIES).toContain(category);
		expect(codex.subcategories?.AI).toBeUndefined();
	});

	test('is still found by a search for "AI"', () => {
		expect(codex.alias).toContain('AI');
	});
});
