import { RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IExecuteFunctions,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { Engine } from './engine';

/** lodash's `get` for a dotted key, as n8n's credentials tester reads a rule's key. */
function get(value: unknown, key: string): unknown {
	return key.split('.').reduce<unknown>((current, part) => (current && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined), value);
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * What n8n's "Test credential" button does: run the credential's `test.request` through a
 * declarative routing node with the credential applied, then map failures through its `rules`.
 */
export async function testCredential(
	engine: Engine,
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const credentialType = engine.credentialTypes.get(type);
	const test = credentialType?.test as ICredentialTestRequest | undefined;
	if (!test) throw new Error(`Credential type ${type} has no test`);

	const nodeType: INodeType = {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['input'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: type, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' },
			],
		},
	};
	nodeType.execute = async function (this: IExecuteFunctions) {
		const routing = new RoutingNode(this as never, nodeType);
		return (await routing.runNode()) ?? [];
	};

	const testEngine = new Engine(new Map([...engine.nodes, ['test.credentialTest', nodeType]]), engine.credentialTypes, {
		credentials: { [type]: data },
	});
	const result = await testEngine.run([
		{ name: 'Test', type: 'test.credentialTest', parameters: {}, credentials: { [type]: { id: 'c', name: 'c' } } },
	]);
	if (!result.error) {
		// As n8n's credentials tester: a rule on the success body turns a 2xx into an error.
		const json = result.items[0]?.json as unknown;
		for (const rule of test.rules ?? []) {
			if (rule.type === 'responseSuccessBody' && get(json, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		return { status: 'OK', message: 'Connection tested successfully' };
	}

	const httpCode = Number(result.error.httpCode ?? (result.error as { cause?: { response?: { status?: number } } }).cause?.response?.status);
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseCode' && rule.properties.value === httpCode) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'Error', message: result.error.message };
}
