import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	Workflow,
} from 'n8n-workflow';
import { ICredentialsHelper } from 'n8n-workflow';

/**
 * Plays n8n's credential store for the engine: hands out decrypted data by type and applies a
 * credential type's `authenticate` exactly as n8n's CredentialsHelper does (generic objects are
 * expressions resolved against `$credentials`).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: Map<string, ICredentialType>,
		private readonly data: Map<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	/** Credentials stored under their own ID: a node naming that ID gets these instead. */
	private readonly byId = new Map<string, ICredentialDataDecryptedObject>();

	/** What the credential store holds for a type from now on (as when a user edits it). */
	set(type: string, data: ICredentialDataDecryptedObject): void {
		this.data.set(type, data);
	}

	/** A second credential of a type, for nodes that name `id` (two credentials in one process). */
	setById(id: string, data: ICredentialDataDecryptedObject): void {
		this.byId.set(id, data);
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.credentialTypes.get(typeName);
		if (!type?.authenticate) return requestOptions as IHttpRequestOptions;
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		if (type.authenticate.type === 'generic') {
			for (const [target, entries] of Object.entries(type.authenticate.properties)) {
				options[target] ??= {};
				for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
					const resolvedKey = this.resolve(key, credentials, workflow, node);
					options[target][resolvedKey as string] = this.resolve(value, credentials, workflow, node);
				}
			}
		}
		return options as unknown as IHttpRequestOptions;
	}

	private resolve(value: unknown, credentials: ICredentialDataDecryptedObject, workflow?: Workflow, node?: INode) {
		if (typeof value !== 'string' || !value.startsWith('=') || !workflow || !node) return value;
		return workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(_details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new Error(`getCredentials(${type}) is not used by this package`);
	}

	async getDecrypted(
		_additionalData: unknown,
		details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = (details.id ? this.byId.get(details.id) : undefined) ?? this.data.get(type);
		if (!data) throw new Error(`No test credentials of type ${type}`);
		// n8n fills unset fields with the credential type's defaults.
		const defaults = Object.fromEntries(
			(this.credentialTypes.get(type)?.properties ?? []).map((p) => [p.name, p.default]),
		);
		return { ...defaults, ...data } as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.get(type)?.properties ?? [];
	}
}
