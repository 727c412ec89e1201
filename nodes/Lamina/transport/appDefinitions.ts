/**
 * App definitions (an app's parameters and outputs), fetched through the transport and kept for a
 * few minutes per n8n process, per credential, so a one-item run costs a start and a wait only.
 */
import { createHash } from 'node:crypto';

import { deepCopy } from 'n8n-workflow';

import { CREDENTIAL_TYPE, laminaData, normaliseBaseUrl, type LaminaContext } from './index';
import type { LaminaApp } from '../shared/types';

/** App definitions change rarely: reuse them across executions for a few minutes. */
const DEFINITION_TTL_MS = 5 * 60_000;
const MAX_DEFINITIONS = 500;

interface Definition {
	app: Promise<LaminaApp>;
	fetchedAt: number;
	/** Whose request it is: only that execution may get its error (its cancel, its network). */
	owner: LaminaContext;
}
const definitions = new Map<string, Definition>();

export interface AppFetcher {
	(appId: string, itemIndex?: number): Promise<LaminaApp>;
	/** Fetches the definition again (e.g. Lamina rejected inputs that matched the cached one). */
	refresh(appId: string, itemIndex?: number): Promise<LaminaApp>;
	/**
	 * The definition fetched again if this execution used one cached before it began, once per
	 * app (items asking together share the request); undefined when it is as fresh as that.
	 */
	refreshStale(appId: string, itemIndex?: number): Promise<LaminaApp | undefined>;
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
 * A definition in flight for another execution is awaited, but its failure is not taken over:
 * this execution then asks for itself. Every caller gets its own deep copy, so what a downstream
 * node does to an output item can't change the cached definition.
 */
export function appFetcher(context: LaminaContext, { fresh = false } = {}): AppFetcher {
	const request = (key: string, appId: string, itemIndex: number | undefined): Promise<LaminaApp> => {
		const app = laminaData.call(context, {
			method: 'GET',
			path: `/v1/apps/${encodeURIComponent(appId)}`,
			subject: `app "${appId}"`,
			itemIndex,
		}) as Promise<LaminaApp>;
		if (definitions.size >= MAX_DEFINITIONS) definitions.clear();
		const entry: Definition = { app, fetchedAt: Date.now(), owner: context };
		definitions.set(key, entry);
		app.catch(() => {
			if (definitions.get(key) === entry) definitions.delete(key);
		});
		return app;
	};
	const createdAt = Date.now();
	/** When the definition this execution last used of each app was fetched. */
	const usedFetchedAt = new Map<string, number>();
	const load = async (appId: string, itemIndex: number | undefined, force: boolean): Promise<LaminaApp> => {
		const key = await definitionKey(context, appId, itemIndex);
		const cached = definitions.get(key);
		if (cached && !force && Date.now() - cached.fetchedAt < DEFINITION_TTL_MS) {
			const use = async () => {
				const app = deepCopy(await cached.app);
				usedFetchedAt.set(appId, Math.max(usedFetchedAt.get(appId) ?? -Infinity, cached.fetchedAt));
				return app;
			};
			if (cached.owner === context) return await use();
			try {
				return await use();
			} catch {
				// Another execution's request failed (it was stopped, say): not this one's error.
			}
		}
		const requestedAt = Date.now();
		const app = deepCopy(await request(key, appId, itemIndex));
		usedFetchedAt.set(appId, Math.max(usedFetchedAt.get(appId) ?? -Infinity, requestedAt));
		return app;
	};
	const fetched = new Set<string>();
	const fetchApp = ((appId: string, itemIndex?: number) => {
		const force = fresh && !fetched.has(appId);
		fetched.add(appId);
		return load(appId, itemIndex, force);
	}) as AppFetcher;
	fetchApp.refresh = (appId: string, itemIndex?: number) => load(appId, itemIndex, true);
	const staleRefreshes = new Map<string, Promise<LaminaApp>>();
	fetchApp.refreshStale = async (appId: string, itemIndex?: number) => {
		let refreshing = staleRefreshes.get(appId);
		if (!refreshing) {
			if ((usedFetchedAt.get(appId) ?? -Infinity) >= createdAt) return undefined;
			refreshing = load(appId, itemIndex, true);
			staleRefreshes.set(appId, refreshing);
		}
		return deepCopy(await refreshing);
	};
	return fetchApp;
}
