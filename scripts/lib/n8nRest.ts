import type { Owner } from './n8nRuntime';

/** n8n's internal REST API as the signed-in owner (n8n ties its auth cookie to a browser id header). */
export class N8nRestClient {
	protected cookie = '';

	constructor(
		protected readonly url: string,
		protected readonly browserId: string,
	) {}

	async login(owner: Owner): Promise<void> {
		const response = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': this.browserId },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
			signal: AbortSignal.timeout(15_000),
		});
		const cookie = /n8n-auth=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
		if (!response.ok || !cookie) throw new Error(`POST /rest/login answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		this.cookie = cookie;
	}

	/** The headers that make a request the signed-in owner's (for downloads this client does not wrap). */
	authHeaders(): Record<string, string> {
		return { cookie: this.cookie, 'browser-id': this.browserId };
	}

	async get<T>(pathAndQuery: string, options: { timeoutMs?: number } = {}): Promise<T> {
		const response = await fetch(`${this.url}/rest${pathAndQuery}`, {
			headers: { cookie: this.cookie, 'browser-id': this.browserId },
			signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`GET /rest${pathAndQuery} answered ${response.status}: ${text.slice(0, 300)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	async post<T>(path: string, body: unknown, options: { timeoutMs?: number } = {}): Promise<T> {
		const response = await fetch(`${this.url}/rest${path}`, {
			method: 'POST',
			headers: { cookie: this.cookie, 'browser-id': this.browserId, 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`POST /rest${path} answered ${response.status}: ${text.slice(0, 300)}`);
		return (JSON.parse(text) as { data: T }).data;
	}
}
