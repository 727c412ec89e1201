import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
			placeholder: 'lma_...',
			description:
				'Your Lamina workspace API key (starts with lma_). Create one in Lamina under Settings → API Keys.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.uselamina.ai',
			required: true,
			description:
				'Leave as is unless Lamina gave you another address (for example a staging server or a local simulator)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '/v1/apps',
			qs: { limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Lamina did not accept this API key. Check that it is copied whole (it starts with lma_) and has not been revoked.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'This API key cannot access the workspace. Use a key from the right Lamina workspace.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Lamina API at this Base URL. Use https://app.uselamina.ai unless Lamina gave you another address.',
				},
			},
		],
	};
}
