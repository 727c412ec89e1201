/**
 * The node panel as n8n's editor computes it from the node descriptions (NodeHelpers, the same
 * code the editor and the engine run): which fields and which Options a user sees for what they
 * picked, per node version. Version 1 is what saved workflows hold and keeps its panel and
 * defaults; version 1.1 is what a new node gets.
 */
import type { INode, INodeParameters, INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { LaminaApi } from '../../credentials/LaminaApi.credentials';
import { Lamina } from '../../nodes/Lamina/Lamina.node';
import { LaminaTrigger } from '../../nodes/LaminaTrigger/LaminaTrigger.node';

const lamina = new Lamina().description;
const trigger = new LaminaTrigger().description;

const RUN_APP = { resource: 'run', operation: 'create' };

function nodeOf(description: INodeTypeDescription, typeVersion: number, parameters: INodeParameters): INode {
	return { id: 'n', name: 'Node', type: description.name, typeVersion, position: [0, 0], parameters };
}

/** The parameters with the defaults n8n fills in for what is shown, as the editor and the engine see them. */
function resolved(description: INodeTypeDescription, version: number, parameters: INodeParameters): INodeParameters {
	const node = nodeOf(description, version, parameters);
	return NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description) ?? {};
}

/** The top-level fields shown, each once (a field defined per version or mode counts once). */
function shownFields(description: INodeTypeDescription, version: number, parameters: INodeParameters): INodeProperties[] {
	const values = resolved(description, version, parameters);
	const node = nodeOf(description, version, values);
	return description.properties.filter((property) => NodeHelpers.displayParameter(values, property, node, description));
}

function shown(description: INodeTypeDescription, version: number, parameters: INodeParameters): string[] {
	return [...new Set(shownFields(description, version, parameters).map((property) => property.name))];
}

function field(description: INodeTypeDescription, version: number, parameters: INodeParameters, name: string): INodeProperties {
	const found = shownFields(description, version, parameters).filter((property) => property.name === name);
	expect(found).toHaveLength(1);
	return found[0];
}

/** What the "Add Option" list of a collection offers, as the editor checks it (with the node's values as root). */
function optionsList(description: INodeTypeDescription, version: number, parameters: INodeParameters, collection = 'options'): string[] {
	const values = resolved(description, version, parameters);
	const node = nodeOf(description, version, values);
	const property = field(description, version, parameters, collection);
	const children = (property.options ?? []) as INodeProperties[];
	const offered = children.filter((child) =>
		NodeHelpers.displayParameterPath({ parameters: values }, child, `parameters.${collection}`, node, description),
	);
	return [...new Set(offered.map((child) => child.displayName))];
}

const choices = (property: INodeProperties) => (property.options as INodePropertyOptions[]).map((option) => option.name);

describe('versions', () => {
	test('both nodes offer version 1 (saved workflows) and 1.1, and new nodes get 1.1', () => {
		for (const description of [lamina, trigger]) {
			expect(description.version).toEqual([1, 1.1]);
			expect(description.defaultVersion).toBe(1.1);
		}
	});
});

describe('Run App → Options shows only what applies to the Wait Mode', () => {
	test.each([1, 1.1])('version %s: Download Outputs and Include Progress only with Wait for Completion', (version) => {
		expect(optionsList(lamina, version, { ...RUN_APP, waitMode: 'wait' })).toEqual(
			expect.arrayContaining(['Download Outputs', 'Include Progress', 'Webhook URL']),
		);
		for (const waitMode of ['webhook', 'none']) {
			const offered = optionsList(lamina, version, { ...RUN_APP, waitMode });
			expect(offered).not.toContain('Download Outputs');
			expect(offered).not.toContain('Include Progress');
			expect(offered).toContain('Files as Inputs');
		}
	});

	test.each([1, 1.1])('version %s: Webhook URL is not offered in Wait for Webhook mode (the mode sets its own)', (version) => {
		expect(optionsList(lamina, version, { ...RUN_APP, waitMode: 'webhook' })).not.toContain('Webhook URL');
		expect(optionsList(lamina, version, { ...RUN_APP, waitMode: 'none' })).toContain('Webhook URL');
	});

	test('the naming of downloaded fields shows once Download Outputs is on; the prefix only for names by position (1.1)', () => {
		const download = (options: INodeParameters) => optionsList(lamina, 1.1, { ...RUN_APP, waitMode: 'wait', options });
		expect(download({})).not.toContain('Downloaded Field Names');
		expect(download({ downloadOutputs: true })).toContain('Downloaded Field Names');
		expect(download({ downloadOutputs: true })).not.toContain('Downloaded Field Prefix');
		expect(download({ downloadOutputs: true, binaryNaming: 'label' })).not.toContain('Downloaded Field Prefix');
		expect(download({ downloadOutputs: true, binaryNaming: 'index' })).toContain('Downloaded Field Prefix');
		// Version 1 also uses the prefix for a label that can't be a field name: shown with either naming.
		expect(optionsList(lamina, 1, { ...RUN_APP, waitMode: 'wait', options: { downloadOutputs: true } })).toContain('Downloaded Field Prefix');
	});

	test('the naming choices say what they produce, in the case the fields really have', () => {
		const naming = ((field(lamina, 1.1, RUN_APP, 'options').options ?? []) as INodeProperties[]).find((child) => child.name === 'binaryNaming')!;
		expect(choices(naming)).toEqual(['By Output Label', 'By Position']);
		const descriptions = (naming.options as INodePropertyOptions[]).map((option) => option.description);
		expect(descriptions[0]).toContain('Hero_Image');
		expect(descriptions[1]).toContain('data0, data1');
	});

	test('a hidden option saved in an older workflow is dropped when the node is loaded, not applied', () => {
		const values = resolved(lamina, 1, { ...RUN_APP, waitMode: 'none', options: { downloadOutputs: true, concurrency: 3 } });
		expect(values.options).toEqual({ concurrency: 3 });
	});
});

describe('Run App → Inputs: one choice', () => {
	test('1.1: Map Each Input, Map Automatically or Using JSON; the input mapper has no mode switch of its own', () => {
		expect(choices(field(lamina, 1.1, RUN_APP, 'inputMode'))).toEqual(['Map Each Input', 'Map Automatically', 'Using JSON']);
		const mapper = field(lamina, 1.1, RUN_APP, 'inputs');
		expect(mapper.typeOptions?.resourceMapper?.supportAutoMap).toBe(false);
		expect(shown(lamina, 1.1, { ...RUN_APP, inputMode: 'auto' })).toEqual(expect.arrayContaining(['autoMapNotice']));
		expect(shown(lamina, 1.1, { ...RUN_APP, inputMode: 'auto' })).not.toContain('inputs');
		expect(shown(lamina, 1.1, { ...RUN_APP, inputMode: 'auto' })).not.toContain('inputsJson');
	});

	test('version 1 keeps its panel: two choices and the mapper’s own Map Automatically', () => {
		expect(choices(field(lamina, 1, RUN_APP, 'inputMode'))).toEqual(['Map Each Input', 'Using JSON']);
		expect(field(lamina, 1, RUN_APP, 'inputs').typeOptions?.resourceMapper?.supportAutoMap).toBe(true);
	});

	test('Inputs (JSON) starts empty in 1.1 and points to Get App; version 1 keeps {"Prompt": ""}', () => {
		const json = field(lamina, 1.1, { ...RUN_APP, inputMode: 'json' }, 'inputsJson');
		expect(json.default).toBe('{}');
		expect(json.hint).toMatch(/App → Get/);
		expect(field(lamina, 1, { ...RUN_APP, inputMode: 'json' }, 'inputsJson').default).toBe('{\n  "Prompt": ""\n}');
	});
});

describe('Max Wait Time', () => {
	test('1.1: an amount and a unit, 10 minutes when waiting for completion, 45 minutes for a webhook', () => {
		const wait = resolved(lamina, 1.1, { ...RUN_APP, waitMode: 'wait' });
		expect([wait.maxWaitAmount, wait.maxWaitUnit, wait.maxWaitSeconds]).toEqual([10, 'minutes', undefined]);
		const webhook = resolved(lamina, 1.1, { ...RUN_APP, waitMode: 'webhook' });
		expect([webhook.webhookMaxWaitAmount, webhook.webhookMaxWaitUnit, webhook.maxWaitAmount]).toEqual([45, 'minutes', undefined]);
		expect(choices(field(lamina, 1.1, { ...RUN_APP, waitMode: 'wait' }, 'maxWaitUnit'))).toEqual(['Seconds', 'Minutes', 'Hours', 'Days']);
		expect(resolved(lamina, 1.1, { ...RUN_APP, waitMode: 'none' }).maxWaitAmount).toBeUndefined();
	});

	test('version 1 keeps Max Wait Time (Seconds), default 600, in both modes; Wait for Run and Create From Brief too', () => {
		for (const waitMode of ['wait', 'webhook']) {
			const values = resolved(lamina, 1, { ...RUN_APP, waitMode });
			expect([values.maxWaitSeconds, values.maxWaitAmount, values.webhookMaxWaitAmount]).toEqual([600, undefined, undefined]);
		}
		expect(resolved(lamina, 1, { resource: 'run', operation: 'wait' }).maxWaitSeconds).toBe(600);
		expect(resolved(lamina, 1.1, { resource: 'run', operation: 'wait' })).toMatchObject({ maxWaitAmount: 10, maxWaitUnit: 'minutes' });
		expect(resolved(lamina, 1, { resource: 'content', operation: 'create' }).maxWaitSeconds).toBe(600);
		expect(resolved(lamina, 1.1, { resource: 'content', operation: 'create' })).toMatchObject({ maxWaitAmount: 10, maxWaitUnit: 'minutes' });
	});
});

describe('pickers where the choices are known', () => {
	const child = (description: INodeTypeDescription, version: number, parameters: INodeParameters, collection: string, name: string) => {
		const values = resolved(description, version, parameters);
		const node = nodeOf(description, version, values);
		const found = ((field(description, version, parameters, collection).options ?? []) as INodeProperties[]).filter(
			(option) => option.name === name && NodeHelpers.displayParameterPath({ parameters: values }, option, `parameters.${collection}`, node, description),
		);
		expect(found).toHaveLength(1);
		return found[0];
	};

	test('Only These Outputs: 1.1 picks from the app’s outputs (loaded for the chosen app); version 1 keeps the text', () => {
		const picker = child(lamina, 1.1, RUN_APP, 'options', 'outputs');
		expect(picker).toMatchObject({ type: 'multiOptions', typeOptions: { loadOptionsMethod: 'getAppOutputs', loadOptionsDependsOn: ['appId.value'] } });
		expect(child(lamina, 1, RUN_APP, 'options', 'outputs')).toMatchObject({ type: 'string' });
	});

	test('Run → Get Many → App: 1.1 is the app picker (list with search, ID, URL); version 1 keeps the text', () => {
		const parameters = { resource: 'run', operation: 'getAll' };
		const picker = child(lamina, 1.1, parameters, 'filters', 'appId');
		expect(picker.type).toBe('resourceLocator');
		expect(picker.modes?.map((mode) => mode.name)).toEqual(['list', 'id', 'url']);
		expect(picker.modes?.[0].typeOptions).toMatchObject({ searchListMethod: 'searchApps', searchable: true });
		expect(child(lamina, 1, parameters, 'filters', 'appId').type).toBe('string');
	});

	test('the trigger’s Only These Apps: 1.1 picks from the workspace’s apps; version 1 keeps the text', () => {
		expect(field(trigger, 1.1, {}, 'appIds')).toMatchObject({ type: 'multiOptions', typeOptions: { loadOptionsMethod: 'getApps' } });
		expect(field(trigger, 1, {}, 'appIds').type).toBe('string');
	});
});

describe('Lamina Trigger', () => {
	test('1.1: Verify Signature and Confirm Runs are Options, on by default; Verify Signature warns what turning it off means', () => {
		expect(shown(trigger, 1.1, {})).toEqual(['usageNotice', 'statuses', 'appIds', 'options']);
		expect(optionsList(trigger, 1.1, {})).toEqual(['Confirm Runs with Lamina', 'Verify Signature']);
		const options = trigger.properties.find((p) => p.name === 'options')!;
		const verify = (options.options as INodeProperties[]).find((p) => p.name === 'verifySignature')!;
		expect(verify.description).toMatch(/anyone who learns this URL can start the workflow/);
		// No top-level parameter may depend on an option inside a collection: n8n 1.x can't resolve it.
		const dotted = trigger.properties.filter((p) => Object.keys(p.displayOptions?.show ?? {}).some((key) => key.includes('.')));
		expect(dotted.map((p) => p.name)).toEqual([]);
	});

	test('version 1 keeps them at the top, with its warning', () => {
		expect(shown(trigger, 1, {})).toEqual(['usageNotice', 'statuses', 'appIds', 'confirmRuns', 'verifySignature']);
		expect(shown(trigger, 1, { verifySignature: false })).toContain('unverifiedWarning');
	});

	test('its notice says Lamina must reach n8n (WEBHOOK_URL)', () => {
		const notice = trigger.properties.find((property) => property.name === 'usageNotice')!;
		expect(notice.displayName).toMatch(/WEBHOOK_URL/);
	});
});

describe('Output (Simplified / Raw / Selected Fields) for large answers', () => {
	test.each(['get', 'getWorkflow'])('App → %s: Simplified for new nodes, Raw for version 1; Fields only for Selected Fields', (operation) => {
		const parameters = { resource: 'app', operation };
		expect(choices(field(lamina, 1.1, parameters, 'output'))).toEqual(['Simplified', 'Raw', 'Selected Fields']);
		expect(resolved(lamina, 1.1, parameters).output).toBe('simplified');
		expect(resolved(lamina, 1, parameters).output).toBe('raw');
		expect(shown(lamina, 1.1, parameters)).not.toContain('fields');
		expect(shown(lamina, 1.1, { ...parameters, output: 'selected' })).toContain('fields');
	});
});

describe('plain words', () => {
	const allProperties = (properties: INodeProperties[]): INodeProperties[] =>
		properties.flatMap((property) => [
			property,
			...allProperties(((property.options ?? []) as INodeProperties[]).filter((option) => 'displayName' in option)),
			...((property.options ?? []) as Array<{ values?: INodeProperties[] }>).flatMap((option) => allProperties(option.values ?? [])),
		]);

	test('no field’s tooltip is longer than a plain sentence or two', () => {
		const long = [...allProperties(lamina.properties), ...allProperties(trigger.properties)]
			.filter((property) => (property.description ?? '').length > 200)
			.map((property) => `${property.name}: ${property.description!.length}`);
		expect(long).toEqual([]);
	});

	test('the credential’s Base URL says nothing of a simulator, and the key’s placeholder is an example', () => {
		const [apiKey, baseUrl] = new LaminaApi().properties;
		expect(baseUrl.description).not.toMatch(/simulator/i);
		expect(apiKey.placeholder).toMatch(/^e\.g\. /);
	});

	test('the Return All hint is said once, not again under Limit', () => {
		const parameters = { resource: 'app', operation: 'getAll' };
		expect(field(lamina, 1.1, parameters, 'returnAll').hint).toMatch(/at most 100 apps/);
		expect(field(lamina, 1.1, parameters, 'limit').hint).toBeUndefined();
	});

	test('Create From Brief is named the same in the Operation list and on the canvas', () => {
		const operation = lamina.properties.find((property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes('content'))!;
		const name = (operation.options as INodePropertyOptions[]).find((option) => option.value === 'create')!.name;
		expect(lamina.subtitle).toContain(`"content.create":"${name}"`);
	});
});
