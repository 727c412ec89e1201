/**
 * App definitions (an app's parameters and outputs), fetched through the transport and kept for a
 * few minutes per n8n process, per credential, so a one-item run costs a start and a wait only.
 */
import { createHash } from 'node:crypto';

import { CREDENTIAL_TYPE, laminaData, normaliseBaseUrl, type LaminaContext } from './index';
import type { LaminaApp } from '../shared/types';

/** App definitions change rarely: reuse them across executions for a few minutes. */
const DEFINITION_TTL_MS = 5 * 60_000;
const MAX_DEFINITIONS = 500;
const definitions = new Map<string, { app: Promise<LaminaApp>; fetchedAt: number }>();

export interface AppFetcher {
	(appId: string, itemIndex?: number): Promise<LaminaApp>;
	/** Fetches the definition again (e.g. Lamina rejected inputs that matched the cached one). */
	refresh(appId: string, itemIndex?: number): Promise<LaminaApp>;
}

async function definitionKey(context: LaminaContext, appId: string, itemIndex?: number): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE, itemIndex ?? 0);
	// Which apps a key sees depends on its workspace; a digest keeps the key itself out of memory maps.
	const keyDigest = createHash('sha256').update(String(credentials.apiKey ?? '')).digest('hex').slice(0, 16);
	return `${normaliseBaseUrl(credentials.baseUrl) ?? ''}|${keyDigest}|${appId}`;
}

/**
 * Fetches app definitions, each at most once per execution and, unless `fresh` (the editor),
 * at most every few minutes per n8n process, so a one-item run costs a start and a wait only.
 */
export function appFetcher(context: LaminaContext, { fresh = false } = {}): AppFetcher {
	const load = async (appId: string, itemIndex: number | undefined, force: boolean): Promise<LaminaApp> => {
		const key = await definitionKey(context, appId, itemIndex);
		const cached = definitions.get(key);
		if (cached && !force && Date.now() - cached.fetchedAt < DEFINITION_TTL_MS) return await cached.app;
		const app = laminaData.call(context, {
			method: 'GET',
			path: `/v1/apps/${encodeURIComponent(appId)}`,
			subject: `app "${appId}"`,
			itemIndex,
		}) as Promise<LaminaApp>;
		if (definitions.size >= MAX_DEFINITIONS) definitions.clear();
		definitions.set(key, { app, fetchedAt: Date.now() });
		app.catch(() => definitions.delete(key));
		return await app;
	};
	const fetched = new Set<string>();
	const fetchApp = ((appId: string, itemIndex?: number) => {
		const force = fresh && !fetched.has(appId);
		fetched.add(appId);
		return load(appId, itemIndex, force);
	}) as AppFetcher;
	fetchApp.refresh = (appId: string, itemIndex?: number) => load(appId, itemIndex, true);
	return fetchApp;
}
