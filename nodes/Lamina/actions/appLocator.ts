import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../../../credentials/LaminaApi.credentials';

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
				placeholder: `e.g. ${DEFAULT_BASE_URL}/apps/app_8f3a...`,
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

/**
 * The app ID in a picker's value found inside a collection (where n8n does not extract it), or in
 * the plain string version 1 kept there.
 */
export function appIdOf(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (!value || typeof value !== 'object') return '';
	const { mode, value: picked } = value as { mode?: string; value?: unknown };
	const text = typeof picked === 'string' ? picked.trim() : '';
	if (mode !== 'url') return text;
	return new RegExp(`/apps/(${APP_ID_REGEX})`).exec(text)?.[1] ?? text;
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
