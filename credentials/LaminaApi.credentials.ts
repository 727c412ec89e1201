import type {
	ICredentialDataDecryptedObject,
	IAuthenticateRuleResponseCode,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** Lamina's API; the one place this address is written (the node's transport imports it). */
export const DEFAULT_BASE_URL = 'https://app.uselamina.ai';

function originOf(url: string | undefined): string | undefined {
	try {
		return url ? new URL(url).origin : undefined;
	} catch {
		return undefined;
	}
}

export class LaminaApi implements ICredentialType {
	name = 'laminaApi';

	displayName = 'Lamina API';

	icon: Icon = { light: 'file:lamina.svg', dark: 'file:lamina.dark.svg' };

	documentationUrl = 'https://github.com/uselamina/n8n-nodes-lamina#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. lma_...',
			description:
				'Your Lamina workspace API key (starts with lma_). Create one in Lamina under Settings → API Keys.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			required: true,
			description: 'Leave as is unless Lamina gave you another address',
		},
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'string',
			default: '',
			placeholder: 'e.g. ws_...',
			description:
				"Optional: the workspace this key must belong to (sent as x-workspace-id). Lamina refuses every request when the key is another workspace's, so a key pasted from the wrong workspace is caught by the credential test.",
		},
	];

	/**
	 * Sends the key only to Lamina's own API. Output files and upload URLs live on other hosts
	 * (CDNs, storage) and go through the same request helper, but must never see the key.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const laminaOrigin = originOf(String(credentials.baseUrl || DEFAULT_BASE_URL).trim());
		const target = originOf(requestOptions.baseURL ?? requestOptions.url) ?? originOf(requestOptions.url);
		if (target !== undefined && target !== laminaOrigin) return requestOptions;
		const workspaceId = typeof credentials.workspaceId === 'string' ? credentials.workspaceId.trim() : '';
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				'x-api-key': String(credentials.apiKey ?? ''),
				...(workspaceId ? { 'x-workspace-id': workspaceId } : {}),
			},
		};
	}

	/**
	 * GET /v1/account: who the key is, and a 403 when it is not the Workspace ID's. Declarative,
	 * because n8n uses a credential's `test` before any node's `testedBy`, and a function test gets
	 * only n8n's legacy request helper (no authenticate, no redirect guard): so no fallback to
	 * GET /v1/apps on a server without it; its 404 message says what that means.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '/v1/account',
			// Lamina's API never redirects; following one would carry the key to another host.
			disableFollowRedirect: true,
		},
		// n8n's type wants rules of one kind, but its credentials tester reads each rule by its own type.
		rules: [
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message:
						'This Base URL redirects to another address, so the test stopped there and the API key was not sent on. Set Base URL to the address Lamina’s API answers at itself.',
				},
			})),
			{
				// Lamina answers `{ data: {...} }`; a website or captive portal answering 200 has no `data`.
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'data',
					value: undefined,
					message: `This Base URL answers, but not as Lamina's API (no Lamina JSON came back; a website or a captive portal may answer there). Set Base URL to ${DEFAULT_BASE_URL} unless Lamina gave you another address.`,
				},
			},
			{
				type: 'responseCode' as const,
				properties: {
					value: 401,
					message:
						'Lamina did not accept this API key. Check that it is copied whole (it starts with lma_) and has not been revoked.',
				},
			},
			{
				type: 'responseCode' as const,
				properties: {
					value: 403,
					message:
						"This API key is not the Workspace ID's: Lamina refused it for that workspace. Use a key created in that workspace, or clear Workspace ID to use the key's own workspace.",
				},
			},
			{
				type: 'responseCode' as const,
				properties: {
					value: 404,
					message: `No Lamina API at this Base URL (GET /v1/account was not found). Use ${DEFAULT_BASE_URL} unless Lamina gave you another address. (A Lamina server older than the account endpoint answers this too; the node's operations still work there.)`,
				},
			},
		] as unknown as IAuthenticateRuleResponseCode[],
	};
}
