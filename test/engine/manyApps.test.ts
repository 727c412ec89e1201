/**
 * A workspace with more apps than Lamina lists in one answer (at most 100, and no offset):
 * Get Many asks for the largest page, and the app picker finds any app by searching on Lamina.
 */
import type { INodeListSearchResult, INodeType } from 'n8n-workflow';

import { callEditorMethod, laminaNode } from '../harness/engine';
import { fixtureApps } from '../simulator';
import { useSimulator } from '../support/context';

const ctx = useSimulator({ rateLimitPerMinute: 10_000 });
const EXTRA_APPS = 130;

beforeAll(() => {
	const template = fixtureApps().find((app) => app.appId === 'app_caption')!;
	for (let i = 1; i <= EXTRA_APPS; i++) {
		ctx.sim.addApp({ ...template, appId: `app_extra_${i}`, name: `Extra App ${i}`, description: `Number ${i} of many` });
	}
});

const listApps = (parameters: Record<string, unknown>) => laminaNode({ resource: 'app', operation: 'getAll', ...parameters });

test('Return All asks for Lamina’s largest page and says when there may be more', async () => {
	const { items, run, error } = await ctx.engine.run([listApps({ returnAll: true })]);
	expect(error).toBeUndefined();
	expect(items).toHaveLength(100);
	expect(new Set(items.map((item) => item.json.appId)).size).toBe(100);
	const hints = run.data.resultData.runData.Lamina[0].hints ?? [];
	expect(hints.map((hint) => hint.message)).toEqual([expect.stringMatching(/at most 100 apps at once.*Search/)]);
});

test('a Limit above 100 gets 100 instead of an error from Lamina', async () => {
	const { items, error } = await ctx.engine.run([listApps({ limit: 150 })]);
	expect(error).toBeUndefined();
	expect(items).toHaveLength(100);
});

test('Return All says once what happens beyond 100; Limit stops at 100', async () => {
	const { properties } = (ctx.engine.nodes.get('n8n-nodes-lamina.lamina') as INodeType).description;
	const forAppList = properties.filter(
		(p) => (p.displayOptions as { show?: { resource?: string[] } } | undefined)?.show?.resource?.includes('app'),
	);
	const limit = forAppList.find((p) => p.name === 'limit')!;
	expect(limit.typeOptions).toMatchObject({ minValue: 1, maxValue: 100 });
	expect(forAppList.find((p) => p.name === 'returnAll')!.hint).toMatch(/at most 100 apps.*no paging.*Search/);
	// Said once: Limit shows under Return All, so the same hint there would be read twice.
	expect(limit.hint).toBeUndefined();
});

test('the app picker finds an app beyond the first 100 by searching on Lamina', async () => {
	const node = laminaNode({ resource: 'run', operation: 'create' });
	const unfiltered = await callEditorMethod<INodeListSearchResult>(ctx.engine, node, 'listSearch', 'searchApps');
	expect(unfiltered.results.map((result) => result.value)).not.toContain(`app_extra_${EXTRA_APPS}`);
	const found = await callEditorMethod<INodeListSearchResult>(ctx.engine, node, 'listSearch', 'searchApps', `Extra App ${EXTRA_APPS}`);
	expect(found.results).toEqual([
		{
			name: `Extra App ${EXTRA_APPS}`,
			value: `app_extra_${EXTRA_APPS}`,
			description: `Number ${EXTRA_APPS} of many`,
			url: `${ctx.sim.url}/apps/app_extra_${EXTRA_APPS}`,
		},
	]);
});
