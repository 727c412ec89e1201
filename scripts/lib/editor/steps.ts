/**
 * What a user does with the Lamina nodes in the n8n editor, one step at a time, each asserting
 * on what the page shows. Steps share one page and one new workflow, in order; `needs` names
 * the earlier steps whose result a step builds on.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { INodeProperties } from 'n8n-workflow';
import type { Page } from 'playwright-core';

import { LaminaApi } from '../../../credentials/LaminaApi.credentials';
import type { SimApp } from '../../../test/simulator/types';
import { MODEL_STEPS } from './modelSteps';
import { PUBLISHING_STEPS } from './publishingSteps';
import {
	addCollectionOption,
	backToCanvas,
	canvasNodes,
	clickPanelItem,
	credentialBanner,
	credentialName,
	dropdownChoices,
	executeOpenNode,
	fieldValue,
	fillField,
	mapperFields,
	ndvIsOpen,
	ndvTitle,
	nodesPanelHeading,
	normalise,
	openNewWorkflow,
	openNode,
	openNodeCredential,
	openNodesPanelAfter,
	openNodesPanelForTrigger,
	optionsCollectionChoices,
	outputPanelText,
	panelText,
	parameterInput,
	pickFromResourceLocator,
	pinOutput,
	resourceLocatorState,
	restCall,
	saveAndReload,
	searchNodesPanel,
	sel,
	selectChoice,
	shownParameters,
	toggleSwitch,
	waitUntil,
	type PanelResult,
} from './editorPage';

export const TRIGGER_NODE = 'Lamina Trigger';
/** The trigger's event picked in n8n's node details view (its "Trigger On" options are listed there). */
export const TRIGGER_ITEM = 'When a run completes';
export const RUN_APP_ACTION = 'Run an app';

export interface StepContext {
	page: Page;
	url: string;
	/** The app the steps pick and run (the simulator's Portrait Studio). */
	app: SimApp;
	/** What it searches the app list for, e.g. "port". */
	appSearch: string;
	/** The Lamina credential: its name in that n8n, a working key, and the Lamina API it is for (default Lamina's). */
	credential?: { name: string; apiKey: string; baseUrl?: string };
	/** Whether this check started that n8n itself (then it may remove what it imported, as for a new user). */
	ownsN8n?: boolean;
	/** Saves a screenshot named after the step and `label`; returns its path. */
	shot(label: string): Promise<string>;
	/** What steps hand on to later ones. */
	state: { laminaNode?: string; triggerNode?: string };
}

export interface EditorStep {
	id: string;
	title: string;
	needs: string[];
	run(ctx: StepContext): Promise<void>;
}

export class CheckFailed extends Error {}

function check(ok: boolean, message: string): asserts ok {
	if (!ok) throw new CheckFailed(message);
}

function names(results: PanelResult[]): string {
	return results.length ? results.map((result) => `"${result.name}"`).join(', ') : 'no results';
}

/** A required input with nothing to fall back on: n8n must mark it and keep it. */
function mustSupply(parameter: SimApp['parameters'][number]): boolean {
	return parameter.required === true && (parameter.default === undefined || parameter.default === '');
}

function optionChoices(parameter: SimApp['parameters'][number]): string[] {
	return (parameter.options ?? []).map((option) => normalise(typeof option === 'string' ? option : option.label));
}

/** The name n8n gave the Lamina Trigger it added (after its event, or "Lamina Trigger"). */
function triggerNodeName(ctx: StepContext): string {
	return ctx.state.triggerNode ?? TRIGGER_NODE;
}

function laminaNodeName(ctx: StepContext): string {
	if (!ctx.state.laminaNode) throw new CheckFailed('no Lamina node was added to the workflow');
	return ctx.state.laminaNode;
}

async function openLaminaNode(ctx: StepContext): Promise<void> {
	await openNode(ctx.page, laminaNodeName(ctx));
}

// ---------------------------------------------------------------------------------------------
// Step 1: the nodes panel
// ---------------------------------------------------------------------------------------------

export interface NodesPanelFindings {
	triggerHeading: string;
	triggerResults: PanelResult[];
	nextHeading: string;
	nextResults: PanelResult[];
	/** The name n8n gave the Lamina node it added (after its action, "Run an app"). */
	laminaNode: string;
	/** The name n8n gave the Lamina Trigger it added. */
	triggerNode: string;
}

/**
 * In a new workflow: searches "Lamina" in "What triggers this workflow?", adds the Lamina
 * Trigger, searches "Lamina" again from the trigger's plus and adds the Lamina node's "Run an
 * app". Throws CheckFailed when the panel does not offer them. Usable on any n8n with the package.
 */
export async function findAndAddLaminaNodes(page: Page, url: string, shot?: (label: string) => Promise<string>): Promise<NodesPanelFindings> {
	await openNewWorkflow(page, url);
	await openNodesPanelForTrigger(page);
	const triggerHeading = await nodesPanelHeading(page);
	check(triggerHeading === 'What triggers this workflow?', `the first nodes panel is headed "${triggerHeading}"`);
	const triggerResults = await searchNodesPanel(page, 'Lamina');
	await shot?.('trigger-search');
	// n8n lists a trigger under its app's name in this panel ("Lamina"), or by its own name.
	const triggerHit = triggerResults.find((result) => result.name === 'Lamina' || result.name === TRIGGER_NODE);
	check(!!triggerHit, `searching "Lamina" in "${triggerHeading}" lists ${names(triggerResults)}`);
	const beforeTrigger = (await canvasNodes(page)).map((node) => node.name);
	await clickPanelItem(page, triggerHit.name);
	if (!(await canvasHas(page, TRIGGER_NODE, 1_500))) {
		// The app's details view: its trigger events, then its actions.
		const details = await panelText(page);
		check(details.includes(TRIGGER_ITEM), `the Lamina entry in "${triggerHeading}" shows: ${details.slice(0, 400)}`);
		await clickPanelItem(page, TRIGGER_ITEM);
	}
	const triggerNode = await nodeAddedSince(page, beforeTrigger, 'the Lamina Trigger');
	await backToCanvas(page);

	await openNodesPanelAfter(page, triggerNode);
	const nextHeading = await nodesPanelHeading(page);
	check(nextHeading === 'What happens next?', `the panel from the trigger's plus is headed "${nextHeading}"`);
	const nextResults = await searchNodesPanel(page, 'Lamina');
	await shot?.('next-search');
	const nodeHit = nextResults.find((result) => result.name === 'Lamina');
	check(!!nodeHit, `searching "Lamina" in "${nextHeading}" lists ${names(nextResults)}`);
	await clickPanelItem(page, nodeHit.name);
	let actions = await panelText(page);
	if (!actions.includes(RUN_APP_ACTION)) {
		// With 30 actions the panel renders the first ones and the rest as it is scrolled.
		await page.locator(sel.nodeCreator).hover();
		actions = await waitUntil(
			`"${RUN_APP_ACTION}" among the actions`,
			async () => {
				await page.mouse.wheel(0, 600);
				return await panelText(page);
			},
			(text) => text.includes(RUN_APP_ACTION),
			10_000,
		).catch(() => panelText(page));
	}
	check(actions.includes(RUN_APP_ACTION), `the Lamina entry in "${nextHeading}" shows no "${RUN_APP_ACTION}": ${actions.slice(0, 400)}`);
	await shot?.('actions');
	const before = (await canvasNodes(page)).map((node) => node.name);
	await clickPanelItem(page, RUN_APP_ACTION);
	const laminaNode = await nodeAddedSince(page, before, 'the Lamina node');
	return { triggerHeading, triggerResults, nextHeading, nextResults, laminaNode, triggerNode };
}

/** The name of the one node on the canvas that was not among `before` (n8n names it after its action). */
async function nodeAddedSince(page: Page, before: string[], what: string): Promise<string> {
	const added = await waitUntil(
		`${what} on the canvas`,
		async () => (await canvasNodes(page)).filter((node) => !before.includes(node.name)),
		(nodes) => nodes.length === 1,
		10_000,
	);
	return added[0].name;
}

async function canvasHas(page: Page, name: string, timeoutMs: number): Promise<boolean> {
	try {
		await waitUntil(`"${name}" on the canvas`, async () => (await canvasNodes(page)).map((node) => node.name), (list) => list.includes(name), timeoutMs);
		return true;
	} catch {
		return false;
	}
}

const nodesPanel: EditorStep = {
	id: 'nodes-panel',
	title: 'nodes panel: "Lamina" finds Lamina Trigger and Lamina; both added, action Run App',
	needs: [],
	async run(ctx) {
		const found = await findAndAddLaminaNodes(ctx.page, ctx.url, ctx.shot);
		ctx.state.laminaNode = found.laminaNode;
		ctx.state.triggerNode = found.triggerNode;
		// Adding an action opens its node: it must be the Run App operation of a Lamina node.
		await waitUntil('the new node\'s panel', () => ndvIsOpen(ctx.page), (open) => open, 10_000);
		check((await fieldValue(ctx.page, 'resource')) === 'Run', `Resource shows "${await fieldValue(ctx.page, 'resource')}"`);
		check((await fieldValue(ctx.page, 'operation')) === 'Run App', `Operation shows "${await fieldValue(ctx.page, 'operation')}"`);
	},
};

const canvasSubtitle: EditorStep = {
	id: 'canvas-subtitle',
	title: 'canvas: the Lamina node\'s subtitle reads "Run App"',
	needs: ['nodes-panel'],
	async run(ctx) {
		await backToCanvas(ctx.page);
		const name = laminaNodeName(ctx);
		const onCanvas = (await canvasNodes(ctx.page)).find((node) => node.name === name);
		check(!!onCanvas, `no "${name}" on the canvas`);
		const subtitle = normalise(onCanvas.text.replace(name, ''));
		check(subtitle === 'Run App', `the canvas shows "${name}" with the subtitle "${subtitle}" (want "Run App")`);
	},
};

// ---------------------------------------------------------------------------------------------
// Step 2: the App list
// ---------------------------------------------------------------------------------------------

const appList: EditorStep = {
	id: 'app-list',
	title: 'App field (From list): search, pick; it shows the app\'s name (also reopened and reloaded)',
	needs: ['nodes-panel'],
	async run(ctx) {
		await openLaminaNode(ctx);
		const pick = await pickFromResourceLocator(ctx.page, 'appId', ctx.appSearch, ctx.app.name);
		check(pick.mode === 'From list', `the App field's mode is "${pick.mode}"`);
		const strays = pick.listed.filter((name) => !name.toLowerCase().includes(ctx.appSearch.toLowerCase()));
		check(strays.length === 0, `searching "${ctx.appSearch}" also lists ${strays.join(', ')}`);
		await ctx.shot('picked');
		check(pick.shown === ctx.app.name, `after picking, the App field shows "${pick.shown}" (want "${ctx.app.name}", not the ID ${ctx.app.appId})`);
		// And again once the node is closed and opened, and once the saved workflow is loaded afresh.
		await openLaminaNode(ctx);
		const again = await resourceLocatorState(ctx.page, 'appId');
		check(again.shown === ctx.app.name, `reopened, the App field shows "${again.shown}" (want "${ctx.app.name}")`);
		await saveAndReload(ctx.page);
		await openLaminaNode(ctx);
		const reloaded = await resourceLocatorState(ctx.page, 'appId');
		check(reloaded.shown === ctx.app.name, `after saving and reloading, the App field shows "${reloaded.shown}" (want "${ctx.app.name}")`);
	},
};

// ---------------------------------------------------------------------------------------------
// Step 3: one field per input
// ---------------------------------------------------------------------------------------------

const inputFields: EditorStep = {
	id: 'input-fields',
	title: 'Map Each Input: one field per app input under "Input Values", labelled with its name alone, with its choices, default and required mark',
	needs: ['app-list'],
	async run(ctx) {
		const { page, app } = ctx;
		if (!(await ndvIsOpen(page))) await openLaminaNode(ctx);
		check((await fieldValue(page, 'inputMode')) === 'Map Each Input', `Inputs shows "${await fieldValue(page, 'inputMode')}"`);
		const fields = await waitUntil('the app\'s input fields', () => mapperFields(page), (list) => list.length >= app.parameters.length);
		const problems: string[] = [];
		const heading = normalise(await page.locator(`${sel.ndv} [data-test-id="resource-mapper-container"]`).innerText());
		if (!heading.startsWith('Input Values')) problems.push(`the inputs are headed "${heading.slice(0, 40)}", not "Input Values"`);
		const ids = fields.map((field) => field.id);
		const expected = app.parameters.map((parameter) => parameter.name);
		if (JSON.stringify(ids) !== JSON.stringify(expected)) problems.push(`fields ${JSON.stringify(ids)}, want ${JSON.stringify(expected)}`);
		for (const parameter of app.parameters) {
			const field = fields.find((candidate) => candidate.id === parameter.name);
			if (!field) continue;
			const name = normalise(parameter.name);
			// Labels are saved into workflows: the name alone, as n8n's own mappers label their fields.
			// The label's row also holds n8n's Fixed / Expression switch (and a required star).
			if (field.label.replace(/\s*(Fixed Expression)?\s*\*?$/, '') !== name) problems.push(`"${parameter.name}" is labelled "${field.label}" (want "${name}")`);
			const required = mustSupply(parameter);
			if (required && !field.flagged) problems.push(`required "${name}" shows no required mark while empty`);
			if (required && field.removable) problems.push(`required "${name}" offers "Remove input"`);
			if (!required && field.flagged) problems.push(`"${name}" is not required but is marked`);
			const defaultValue = parameter.default === undefined ? undefined : normalise(String(parameter.default));
			const value = await fieldValue(page, parameter.name);
			if ((defaultValue ?? '') !== value) problems.push(`"${name}" holds "${value}", want "${defaultValue ?? ''}"`);
			if (parameter.type === 'options') {
				const choices = await dropdownChoices(page, `${sel.ndv} ${parameterInput(parameter.name)}`);
				const want = optionChoices(parameter);
				if (JSON.stringify(choices) !== JSON.stringify(want)) problems.push(`"${name}" offers ${JSON.stringify(choices)}, want ${JSON.stringify(want)}`);
			}
		}
		check(problems.length === 0, problems.join('; '));
	},
};

/** A parameter of the Lamina node's description, as the editor gets it (the first of that name). */
function laminaProperty(name: string): INodeProperties {
	// Named with its .ts: for "Lamina.node", Node's resolution would load the codex .json beside it.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Lamina } = require('../../../nodes/Lamina/Lamina.node.ts') as typeof import('../../../nodes/Lamina/Lamina.node');
	const property = new Lamina().description.properties.find((candidate) => candidate.name === name);
	if (!property) throw new CheckFailed(`the Lamina node has no parameter "${name}"`);
	return { ...property, displayName: normalise(property.displayName) };
}

// ---------------------------------------------------------------------------------------------
// Steps 4 and 5: running it
// ---------------------------------------------------------------------------------------------

export const MANUAL_PROMPT = 'a red bicycle against a brick wall';
export const ITEM_PROMPT = 'a lighthouse at dawn';

/** The simulator's runs caption their prompt: the caption tells which prompt the run got. */
function captionFor(prompt: string): string {
	return `Caption for: ${prompt}`;
}

/** The output panel once it shows this prompt's caption or an error (or, after a while, whatever it shows). */
async function runOutput(page: Page, prompt: string): Promise<string> {
	return await waitUntil(
		'the run in the output panel',
		() => outputPanelText(page),
		(text) => text.includes(captionFor(prompt)) || /Problem in node/.test(text),
		30_000,
	).catch(async () => await outputPanelText(page));
}

/** The JSON view shows every output (the table cuts them off at the panel's edge): for the screenshot. */
async function showOutputAsJson(page: Page, prompt: string): Promise<void> {
	await page.locator(`${sel.ndv} ${sel.outputPanel} [data-test-id="radio-button-json"]`).click();
	await waitUntil('the JSON view of the output', () => outputPanelText(page), (text) => text.includes(`"value": "${captionFor(prompt)}"`), 10_000);
}

function checkRunOutput(output: string, app: SimApp, prompt: string, not?: string): void {
	check(!/Problem in node/.test(output), `the output panel shows an error: ${output.slice(0, 600)}`);
	check(/\b1 item\b/.test(output), `the output panel does not show 1 item: ${output.slice(0, 600)}`);
	check(/\bcompleted\b/.test(output), `the output shows no completed run: ${output.slice(0, 600)}`);
	const labels = (app.outputs ?? []).map((out) => out.label).filter((label) => !output.includes(label));
	check(labels.length === 0, `the output lacks the app's outputs ${labels.join(', ')}: ${output.slice(0, 600)}`);
	check(output.includes(captionFor(prompt)), `the output has no "${captionFor(prompt)}": ${output.slice(0, 600)}`);
	if (not) check(!output.includes(captionFor(not)), `the output still shows the earlier prompt "${not}"`);
}

const execute: EditorStep = {
	id: 'execute',
	title: 'fill the fields, execute the node: its outputs show in the output panel',
	needs: ['app-list'],
	async run(ctx) {
		const { page, app } = ctx;
		// The trigger waits for a real delivery when run: give it one test item instead, as users do.
		await openNode(page, triggerNodeName(ctx));
		await pinOutput(page, [{ note: 'a test item from the editor check' }]);
		await openLaminaNode(ctx);
		const prompt = app.parameters.find((parameter) => parameter.type === 'text' && mustSupply(parameter));
		check(!!prompt, `${app.name} has no required text input to fill`);
		await fillField(page, `${sel.ndv} ${parameterInput(prompt.name)}`, MANUAL_PROMPT);
		// Each options input gets a choice other than its default.
		for (const parameter of app.parameters.filter((candidate) => candidate.type === 'options')) {
			const other = optionChoices(parameter).find((choice) => choice !== normalise(String(parameter.default ?? '')));
			if (other) await selectChoice(page, `${sel.ndv} ${parameterInput(parameter.name)}`, other);
		}
		await ctx.shot('filled');
		await executeOpenNode(page);
		checkRunOutput(await runOutput(page, MANUAL_PROMPT), app, MANUAL_PROMPT);
		await showOutputAsJson(page, MANUAL_PROMPT);
	},
};

const mapAutomatically: EditorStep = {
	id: 'map-automatically',
	title: 'Inputs → Map Automatically (one choice, no second switch in the mapper) with an upstream item named like the inputs: execute succeeds',
	needs: ['app-list'],
	async run(ctx) {
		const { page, app } = ctx;
		const item: Record<string, unknown> = { note: 'not an input of the app' };
		for (const parameter of app.parameters) {
			if (parameter.type === 'text' && mustSupply(parameter)) item[parameter.name] = ITEM_PROMPT;
			else if (parameter.type === 'options') item[parameter.name] = optionChoices(parameter).at(-1);
		}
		await openNode(page, triggerNodeName(ctx));
		await pinOutput(page, [item]);
		await ctx.shot('upstream-item');
		await openLaminaNode(ctx);
		await selectChoice(page, `${sel.ndv} ${parameterInput('inputMode')}`, 'Map Automatically');
		const want = laminaProperty('autoMapNotice').displayName;
		const notice = await waitUntil(
			'the Map Automatically notice',
			async () => normalise(await page.locator(`${sel.ndv} ${sel.nodeParameters}`).innerText()),
			(text) => text.includes(want),
			10_000,
		);
		check((await mapperFields(page)).length === 0, `Map Automatically still shows input fields: ${notice}`);
		check((await page.locator(`${sel.ndv} [data-test-id="mapping-mode-select"]`).count()) === 0, 'the input mapper still offers its own mapping mode');
		await ctx.shot('map-automatically');
		await executeOpenNode(page);
		checkRunOutput(await runOutput(page, ITEM_PROMPT), app, ITEM_PROMPT, MANUAL_PROMPT);
		await showOutputAsJson(page, ITEM_PROMPT);
	},
};

// ---------------------------------------------------------------------------------------------
// Step 6: the trigger
// ---------------------------------------------------------------------------------------------

function triggerNotice(): string {
	// Named with its .ts: for "LaminaTrigger.node", Node's resolution would load the codex .json beside it.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { LaminaTrigger } = require('../../../nodes/LaminaTrigger/LaminaTrigger.node.ts') as typeof import('../../../nodes/LaminaTrigger/LaminaTrigger.node');
	const notice = new LaminaTrigger().description.properties.find((property) => property.name === 'usageNotice');
	return normalise(notice?.displayName ?? '');
}

const triggerUrl: EditorStep = {
	id: 'trigger-url',
	title: 'Lamina Trigger: its production URL and the usage notice',
	needs: ['nodes-panel'],
	async run(ctx) {
		const { page } = ctx;
		await openNode(page, triggerNodeName(ctx));
		check((await ndvTitle(page)) === triggerNodeName(ctx), `the open panel is "${await ndvTitle(page)}"`);
		await page.locator(`${sel.ndv} [title="Click to display webhook URLs"]`).first().click();
		await page.locator(`${sel.ndv} [data-test-id="radio-button-production"]`).click();
		const origin = new URL(ctx.url).origin;
		const shown = await waitUntil(
			'the production URL',
			async () => normalise(await page.locator(`${sel.ndv} ${sel.nodeParameters}`).innerText()),
			(text) => /https?:\/\/\S+\/webhook\//.test(text),
			10_000,
		);
		const productionUrl = /https?:\/\/\S+\/webhook\/\S+/.exec(shown)?.[0] ?? '';
		check(
			new RegExp(`^${origin.replace(/[.]/g, '\\.')}/webhook/[0-9a-f-]{36}/lamina$`).test(productionUrl),
			`the production URL reads "${productionUrl}" (want ${origin}/webhook/<id>/lamina)`,
		);
		const notice = triggerNotice();
		check(notice.length > 0 && shown.includes(notice), `the usage notice is not shown in full; the panel shows: ${shown.slice(0, 800)}`);
	},
};

// ---------------------------------------------------------------------------------------------
// Step 7: the credential
// ---------------------------------------------------------------------------------------------

function wrongKeyMessage(): string {
	const rule = new LaminaApi().test.rules?.find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === 401);
	return rule?.type === 'responseCode' ? rule.properties.message : '';
}

const credentialTest: EditorStep = {
	id: 'credential-test',
	title: 'credential modal: the test succeeds with the simulator key, a wrong key gets Lamina\'s message',
	needs: ['nodes-panel'],
	async run(ctx) {
		const { page } = ctx;
		const credential = ctx.credential;
		check(!!credential, 'no credential (name and API key) was given to test');
		await openNode(page, triggerNodeName(ctx));
		const modal = await openNodeCredential(page);
		check((await credentialName(modal)) === credential.name, `the modal is for "${await credentialName(modal)}"`);
		await modal.getByRole('button', { name: 'Retry' }).click();
		const first = await credentialBanner(modal);
		check(first.startsWith('Connection tested successfully'), `with the simulator key the test says "${first}"`);
		await ctx.shot('success');

		const key = modal.locator('[data-test-id="parameter-input-apiKey"] input').first();
		await key.fill('lma_not_a_real_key_0000000000');
		await modal.locator('[data-test-id="credential-save-button"]').click();
		const failed = await waitUntil('the failed test', () => credentialBanner(modal), (text) => text.startsWith('Couldn'), 30_000);
		const details = modal.getByText('More details', { exact: true });
		if (await details.isVisible()) await details.click();
		const message = wrongKeyMessage();
		const shown = await waitUntil('the wrong-key message', async () => normalise(await modal.innerText()), (text) => text.includes(message), 10_000).catch(
			async () => normalise(await modal.innerText()),
		);
		await ctx.shot('wrong-key');
		check(message.length > 0 && shown.includes(message), `a wrong key shows "${failed}" without "${message}": ${shown.slice(0, 600)}`);

		// Put the working key back, so the credential is as it was.
		await key.fill(credential.apiKey);
		await modal.locator('[data-test-id="credential-save-button"]').click();
		const restored = await waitUntil('the test after restoring the key', () => credentialBanner(modal), (text) => text.startsWith('Connection tested successfully'), 30_000);
		check(restored.startsWith('Connection tested successfully'), `with the key put back the test says "${restored}"`);
	},
};

// ---------------------------------------------------------------------------------------------
// Step 8: the panel shows only what applies
// ---------------------------------------------------------------------------------------------

const WAIT_MODE = `${sel.ndv} ${parameterInput('waitMode')}`;

function missingFrom(list: string[], wanted: string[]): string[] {
	return wanted.filter((name) => !list.includes(name));
}

function presentIn(list: string[], unwanted: string[]): string[] {
	return unwanted.filter((name) => list.includes(name));
}

const panelOptions: EditorStep = {
	id: 'panel-options',
	title: 'Run App shows what applies: Download Outputs and Include Progress only with Wait for Completion, no Webhook URL with Wait for Webhook, Max Wait Time with a unit, the prefix only for names by position',
	needs: ['app-list'],
	async run(ctx) {
		const { page } = ctx;
		await openLaminaNode(ctx);
		const problems: string[] = [];
		const waitFields = async (mode: string) => {
			await selectChoice(page, WAIT_MODE, mode);
			return await waitUntil(`the fields for "${mode}"`, () => shownParameters(page), (names) => names.includes('waitMode'), 5_000);
		};

		let fields = await waitFields('Wait for Completion');
		let offered = await optionsCollectionChoices(page, () => ctx.shot('wait-for-completion'));
		problems.push(...missingFrom(offered, ['Download Outputs', 'Include Progress', 'Webhook URL']).map((name) => `Wait for Completion: Options lacks ${name}`));
		if (missingFrom(fields, ['maxWaitAmount', 'maxWaitUnit']).length) problems.push(`Wait for Completion shows no Max Wait Time with a unit: ${fields.join(', ')}`);
		const amount = await fieldValue(page, 'maxWaitAmount');
		const unit = await fieldValue(page, 'maxWaitUnit');
		if (`${amount} ${unit}` !== '10 Minutes') problems.push(`Wait for Completion waits "${amount} ${unit}" by default, want "10 Minutes"`);

		fields = await waitFields("Don't Wait");
		offered = await optionsCollectionChoices(page, () => ctx.shot('dont-wait'));
		problems.push(...presentIn(offered, ['Download Outputs', 'Include Progress']).map((name) => `Don't Wait: Options still offers ${name}`));
		problems.push(...missingFrom(offered, ['Webhook URL', 'Files as Inputs']).map((name) => `Don't Wait: Options lacks ${name}`));
		if (presentIn(fields, ['maxWaitAmount', 'maxWaitSeconds']).length) problems.push("Don't Wait still shows a Max Wait Time");

		fields = await waitFields('Wait for Webhook');
		offered = await optionsCollectionChoices(page, () => ctx.shot('wait-for-webhook'));
		problems.push(...presentIn(offered, ['Webhook URL', 'Download Outputs', 'Include Progress']).map((name) => `Wait for Webhook: Options still offers ${name}`));
		if (!fields.includes('webhookMaxWaitAmount')) problems.push(`Wait for Webhook shows no Max Wait Time of its own: ${fields.join(', ')}`);
		else {
			const waits = `${await fieldValue(page, 'webhookMaxWaitAmount')} ${await fieldValue(page, 'webhookMaxWaitUnit')}`;
			if (waits !== '45 Minutes') problems.push(`Wait for Webhook waits "${waits}" by default, want "45 Minutes"`);
		}

		// Download Outputs on: how its fields are named shows, and the prefix only for names by position.
		await waitFields('Wait for Completion');
		await addCollectionOption(page, 'Download Outputs');
		await toggleSwitch(page, 'downloadOutputs');
		offered = await optionsCollectionChoices(page);
		if (!offered.includes('Downloaded Field Names')) problems.push(`with Download Outputs on, Options lacks Downloaded Field Names: ${offered.join(', ')}`);
		if (offered.includes('Downloaded Field Prefix')) problems.push('the prefix is offered before names by position are chosen');
		await addCollectionOption(page, 'Downloaded Field Names');
		const naming = await dropdownChoices(page, `${sel.ndv} ${parameterInput('binaryNaming')}`);
		if (JSON.stringify(naming) !== JSON.stringify(['By Output Label', 'By Position'])) problems.push(`Downloaded Field Names offers ${JSON.stringify(naming)}`);
		await selectChoice(page, `${sel.ndv} ${parameterInput('binaryNaming')}`, 'By Position');
		offered = await optionsCollectionChoices(page, () => ctx.shot('by-position'));
		if (!offered.includes('Downloaded Field Prefix')) problems.push(`with names by position, Options lacks Downloaded Field Prefix: ${offered.join(', ')}`);
		check(problems.length === 0, problems.join('; '));
	},
};

// ---------------------------------------------------------------------------------------------
// Step 10: the README's Quick start, as a new user
// ---------------------------------------------------------------------------------------------

const README = path.resolve(__dirname, '..', '..', '..', 'README.md');

/** The README's "Quick start" section, and the output it shows (its JSON sample). */
export function readmeQuickStart(): { text: string; sample: Record<string, unknown> } {
	const readme = fs.readFileSync(README, 'utf8');
	const start = readme.indexOf('\n## Quick start');
	const end = readme.indexOf('\n## ', start + 1);
	if (start < 0) throw new CheckFailed('README.md has no "## Quick start" section');
	const text = readme.slice(start, end < 0 ? undefined : end);
	const json = /```json\n([\s\S]*?)\n```/.exec(text)?.[1];
	if (!json) throw new CheckFailed('the README\'s Quick start shows no output (no ```json block)');
	return { text: normalise(text), sample: JSON.parse(json) as Record<string, unknown> };
}

/** What a new user clicks and reads, word for word as the Quick start must name it. */
const QUICK_START_WORDS = {
	trigger: 'Trigger manually',
	search: 'Lamina',
	action: RUN_APP_ACTION,
	credentialField: 'Credential',
	connect: 'Connect to Lamina',
	anotherCredential: 'Create new credential',
	apiKey: 'API Key',
	app: 'App',
	inputs: 'Input Values',
	execute: 'Execute step',
	byLabel: '$json.outputsByLabel["Hero Image"]',
};

/** The Lamina credentials in that n8n, as its REST API lists them. */
async function laminaCredentials(page: Page): Promise<Array<{ id: string; name: string }>> {
	const { body } = await restCall<{ data: Array<{ id: string; name: string; type: string }> }>(page, 'GET', '/rest/credentials');
	return (body?.data ?? []).filter((credential) => credential.type === 'laminaApi');
}

const quickStart: EditorStep = {
	id: 'quick-start',
	title: "README's Quick start word for word, as a new user: Trigger manually, Run an app, Connect to Lamina, an app from the list, Execute step, the output it shows",
	needs: [],
	async run(ctx) {
		const { page } = ctx;
		const credential = ctx.credential;
		check(!!credential, 'no API key was given to connect with');
		const readme = readmeQuickStart();
		const unnamed = Object.values(QUICK_START_WORDS).filter((words) => !readme.text.includes(words));
		check(unnamed.length === 0, `the editor shows ${unnamed.map((words) => `"${words}"`).join(', ')}, which the README's Quick start does not name`);

		// A new user has no Lamina credential yet: in the n8n this check started, the imported one goes.
		if (ctx.ownsN8n) for (const { id } of await laminaCredentials(page)) await restCall(page, 'DELETE', `/rest/credentials/${id}`);

		// 2. Add the node.
		await openNewWorkflow(page, ctx.url);
		await openNodesPanelForTrigger(page);
		await clickPanelItem(page, QUICK_START_WORDS.trigger);
		const trigger = await nodeAddedSince(page, [], `"${QUICK_START_WORDS.trigger}"`);
		await backToCanvas(page);
		await openNodesPanelAfter(page, trigger);
		const results = await searchNodesPanel(page, QUICK_START_WORDS.search);
		check(results.some((result) => result.name === 'Lamina'), `searching "Lamina" lists ${names(results)}`);
		await clickPanelItem(page, 'Lamina');
		await ctx.shot('2-add-the-node');
		await clickPanelItem(page, QUICK_START_WORDS.action);
		const node = await nodeAddedSince(page, [trigger], 'the Lamina node');
		await waitUntil("the new node's panel", () => ndvIsOpen(page), (open) => open, 10_000);

		// 3. Connect your account.
		const label = normalise(await page.locator(`${sel.ndv} [data-test-id="credentials-label"]`).first().innerText());
		check(label.startsWith(QUICK_START_WORDS.credentialField), `the credential field is labelled "${label}"`);
		const connect = page.locator(`${sel.ndv} [data-test-id="node-credentials-empty-state"] button`);
		if (await connect.isVisible()) {
			const shown = normalise(await connect.innerText());
			check(shown === QUICK_START_WORDS.connect, `a new user's credential field offers "${shown}"`);
			await ctx.shot('3-connect');
			await connect.click();
		} else {
			// An n8n that has a Lamina credential already (--url): its list offers another.
			check(!ctx.ownsN8n, 'a new user is offered no "Connect to Lamina"');
			await page.locator(`${sel.ndv} [data-test-id="node-credentials-select"]`).first().click();
			await page.getByText(QUICK_START_WORDS.anotherCredential, { exact: true }).first().click();
		}
		const modal = page.locator(sel.credentialModal);
		await modal.waitFor({ state: 'visible' });
		await modal.locator('[data-test-id="parameter-input-apiKey"] input').first().fill(credential.apiKey);
		// The one thing a real user doesn't do: this Lamina is the local simulator.
		if (credential.baseUrl) await modal.locator('[data-test-id="parameter-input-baseUrl"] input').first().fill(credential.baseUrl);
		await ctx.shot('3-credential');
		const created = page.waitForResponse((response) => new URL(response.url()).pathname === '/rest/credentials' && response.request().method() === 'POST', { timeout: 30_000 });
		const tested = page.waitForResponse((response) => new URL(response.url()).pathname === '/rest/credentials/test', { timeout: 30_000 });
		await modal.locator('[data-test-id="credential-save-button"]').click();
		const createdId = ((await (await created).json()) as { data?: { id?: string } }).data?.id;
		const test = (await (await tested).json()) as { data?: { status?: string; message?: string } };
		check(test.data?.status === 'OK', `n8n's test on save says ${JSON.stringify(test.data)}`);
		// n8n closes the modal once a credential made from a node is saved and tested.
		if (await modal.isVisible()) {
			await ctx.shot('3-tested');
			await backToCanvas(page);
			await openNode(page, node);
		}
		const chosen = await waitUntil(
			'the new credential in the node',
			async () => normalise(await page.locator(`${sel.ndv} [data-test-id="node-credentials-select"] input`).first().inputValue()),
			(value) => value !== '',
			10_000,
		);
		const made = (await laminaCredentials(page)).find((candidate) => candidate.id === createdId);
		check(!!made && chosen === made.name, `the node's credential reads "${chosen}", not the new credential ${JSON.stringify(made?.name)}`);
		await ctx.shot('3-connected');

		try {
			// 4. Pick an app and fill its inputs.
			const pick = await pickFromResourceLocator(page, 'appId', ctx.appSearch, ctx.app.name);
			check(pick.shown === ctx.app.name, `the App field shows "${pick.shown}"`);
			const fields = await waitUntil('the app\'s inputs', () => mapperFields(page), (list) => list.length >= ctx.app.parameters.length);
			const heading = normalise(await page.locator(`${sel.ndv} [data-test-id="resource-mapper-container"]`).innerText());
			check(heading.startsWith(QUICK_START_WORDS.inputs), `the inputs appear under "${heading.slice(0, 40)}"`);
			const required = fields.filter((field) => field.flagged);
			const want = ctx.app.parameters.filter(mustSupply).map((parameter) => parameter.name);
			check(JSON.stringify(required.map((field) => field.id)) === JSON.stringify(want), `marked required: ${JSON.stringify(required.map((field) => field.id))}, want ${JSON.stringify(want)}`);
			for (const field of required) await fillField(page, `${sel.ndv} ${parameterInput(field.id)}`, MANUAL_PROMPT);
			await ctx.shot('4-inputs');

			// 5. Run it.
			await page.locator(`${sel.ndv} ${sel.executeNode}`).filter({ hasText: QUICK_START_WORDS.execute }).first().waitFor({ state: 'visible' });
			await executeOpenNode(page);
			checkRunOutput(await runOutput(page, MANUAL_PROMPT), ctx.app, MANUAL_PROMPT);
			await showOutputAsJson(page, MANUAL_PROMPT);
			const shown = await outputPanelText(page);
			const keys = Object.keys(readme.sample).filter((key) => !shown.includes(`"${key}":`));
			check(keys.length === 0, `the output has no ${keys.join(', ')}, which the README's sample shows`);
			const item = JSON.parse(shown.slice(shown.indexOf('['), shown.lastIndexOf(']') + 1)) as Array<Record<string, unknown>>;
			const unshown = Object.keys(item[0] ?? {}).filter((key) => !(key in readme.sample));
			check(unshown.length === 0, `the output has ${unshown.join(', ')}, which the README's sample leaves out`);
			check(typeof (item[0]?.outputsByLabel as Record<string, unknown> | undefined)?.['Hero Image'] === 'string', 'the output has no outputsByLabel["Hero Image"]');
		} finally {
			// In someone else's n8n, the credential made here goes again.
			if (!ctx.ownsN8n && createdId) await restCall(page, 'DELETE', `/rest/credentials/${createdId}`).catch(() => undefined);
		}
	},
};

export const EDITOR_STEPS: EditorStep[] = [
	nodesPanel,
	canvasSubtitle,
	appList,
	inputFields,
	execute,
	mapAutomatically,
	panelOptions,
	triggerUrl,
	credentialTest,
	...PUBLISHING_STEPS,
	...MODEL_STEPS,
	// Last: it starts from an n8n without a Lamina credential, as a new user's.
	quickStart,
];
export const EDITOR_STEP_IDS = EDITOR_STEPS.map((step) => step.id);
