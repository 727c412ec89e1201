import type { IDisplayOptions } from 'n8n-workflow';

/**
 * Node versions. Saved workflows hold version 1 and keep its panel and defaults; new nodes get
 * the latest. Parameters whose default or shape changed are shown per version (`@version`).
 */
export const NODE_VERSIONS = [1, 1.1];
export const LATEST_VERSION = 1.1;

/** Shown on nodes saved as version 1 only. */
export const ONLY_V1: IDisplayOptions['show'] = { '@version': [1] };
/** Shown on version 1.1 and later. */
export const FROM_V1_1: IDisplayOptions['show'] = { '@version': [{ _cnd: { gte: 1.1 } }] };

/** Whether a node runs with version 1's parameters (a workflow saved before 1.1). */
export function isVersion1(node: { typeVersion: number }): boolean {
	return node.typeVersion < 1.1;
}
