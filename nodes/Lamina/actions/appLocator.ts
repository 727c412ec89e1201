import { createHash } from 'node:crypto';

import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, laminaData, normaliseBaseUrl, type LaminaContext } from '../transport';
import type { LaminaApp } from '../shared/types';

const APP_ID_REGEX = '[A-Za-z0-9_-]+';

/** The app picker: from a searchable list, by ID, or by the app's Lamina URL. */
export function appLocator(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'App',
		name: 'appId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an app...',
				typeOptions: { searchListMethod: 'searchApps', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. app_8f3a...',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `^${APP_ID_REGEX}$`,
							errorMessage: 'An app ID has only letters, digits, _ and -',
						},
					},
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://app.uselamina.ai/apps/app_8f3a...',
				extractValue: { type: 'regex', regex: `/apps/(${APP_ID_REGEX})` },
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `^https?://.+/apps/${APP_ID_REGEX}.*`,
							errorMessage: 'Paste the app page URL, which contains /apps/<app ID>',
						},
					},
				],
			},
		],
	};
}

export function getAppId(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('appId', itemIndex, '', { extractValue: true });
	const appId = typeof value === 'string' ? value.trim() : '';
	if (!appId) {
		throw new NodeOperationError(this.getNode(), 'No app chosen', {
			description: 'Pick an app in the "App" field (from the list, by ID or by URL).',
			itemIndex,
		});
	}
	return appId;
}

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
