/**
 * What a user does with the Lamina nodes in the n8n editor, one step at a time, each asserting
 * on what the page shows. Steps share one page and one new workflow, in order; `needs` names
 * the earlier steps whose result a step builds on.
 */
import type { Page } from 'playwright-core';

import { LaminaApi } from '../../../credentials/LaminaApi.credentials';
import type { SimApp } from '../../../test/simulator/types';
import { PUBLISHING_STEPS } from './publishingSteps';
import {
	backToCanvas,
	canvasNodes,
	clickPanelItem,
	credentialBanner,
	credentialName,
	dropdownChoices,
	executeOpenNode,
	fieldValue,
	fillField,
	MAPPING_MODE,
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
	outputPanelText,
	panelText,
	parameterInput,
	pickFromResourceLocator,
	pinOutput,
	resourceLocatorState,
	saveAndReload,
	searchNodesPanel,
	sel,
	selectChoice,
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
	credential?: { name: string; apiKey: string };
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
	const actions = await panelText(page);
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
	title: 'Map Each Input: one field per app input, with its choices, default and required mark',
	needs: ['app-list'],
	async run(ctx) {
		const { page, app } = ctx;
		if (!(await ndvIsOpen(page))) await openLaminaNode(ctx);
		check((await fieldValue(page, 'inputMode')) === 'Map Each Input', `Inputs shows "${await fieldValue(page, 'inputMode')}"`);
		const fields = await waitUntil('the app\'s input fields', () => mapperFields(page), (list) => list.length >= app.parameters.length);
		const problems: string[] = [];
		const ids = fields.map((field) => field.id);
		const expected = app.parameters.map((parameter) => parameter.name);
		if (JSON.stringify(ids) !== JSON.stringify(expected)) problems.push(`fields ${JSON.stringify(ids)}, want ${JSON.stringify(expected)}`);
		for (const parameter of app.parameters) {
			const field = fields.find((candidate) => candidate.id === parameter.name);
			if (!field) continue;
			const name = normalise(parameter.name);
			if (!field.label.startsWith(name)) problems.push(`"${parameter.name}" is labelled "${field.label}"`);
			const required = mustSupply(parameter);
			if (required && !field.flagged) problems.push(`required "${name}" shows no required mark while empty`);
			if (required && field.removable) problems.push(`required "${name}" offers "Remove input"`);
			if (!required && field.flagged) problems.push(`"${name}" is not required but is marked`);
			if (parameter.required === false && !/optional/i.test(field.label)) problems.push(`optional "${name}" is labelled "${field.label}"`);
			const defaultValue = parameter.default === undefined ? undefined : normalise(String(parameter.default));
			if (defaultValue && !field.label.includes(`default: ${defaultValue}`)) problems.push(`"${name}" does not show its default in "${field.label}"`);
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
	title: 'Map Automatically with an upstream item named like the inputs: execute succeeds',
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
		await selectChoice(page, MAPPING_MODE, 'Map Automatically');
		const notice = await waitUntil(
			'the Map Automatically notice',
			async () => normalise(await page.locator(`${sel.ndv} [data-test-id="resource-mapper-container"]`).innerText()),
			(text) => /incoming data fields are named the same/i.test(text),
			10_000,
		);
		check((await mapperFields(page)).length === 0, `Map Automatically still shows input fields: ${notice}`);
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

export const EDITOR_STEPS: EditorStep[] = [nodesPanel, canvasSubtitle, appList, inputFields, execute, mapAutomatically, triggerUrl, credentialTest, ...PUBLISHING_STEPS];
export const EDITOR_STEP_IDS = EDITOR_STEPS.map((step) => step.id);
