/**
 * The n8n 2.x editor as a user meets it, in small page-object functions: sign in, the nodes
 * panel, the canvas, a node's panel (NDV), its fields, running a node, pinned data and the
 * credential modal. Selectors are n8n's own data-test-id attributes (n8n 2.40.7).
 */
import type { Locator, Page } from 'playwright-core';

import type { Owner } from '../n8nRuntime';

const SECOND = 1_000;

export const sel = {
	canvasPlus: '[data-test-id="canvas-plus-button"]',
	canvasNode: '[data-test-id="canvas-node"]',
	handlePlus: '[data-test-id="canvas-handle-plus"]',
	nodeCreator: '[data-test-id="node-creator"]',
	creatorSearch: 'input[data-test-id="node-creator-search-bar"]',
	creatorItem: '[data-test-id="item-iterator-item"]',
	ndv: '[data-test-id="ndv"]',
	// n8n 2.x closes the node panel with its close button; 1.x with "Back to canvas".
	ndvClose: '[data-test-id="ndv-close-button"]:visible, [data-test-id="back-to-canvas"]:visible',
	nodeParameters: '[data-test-id="node-parameters"]',
	outputPanel: '[data-test-id="output-panel"]',
	executeNode: '[data-test-id="node-execute-button"]',
	stopExecution: '[data-test-id="ndv-stop-execution-button"]',
	editPinnedData: '[data-test-id="ndv-edit-pinned-data"]',
	credentialModal: '[data-test-id="editCredential-modal"]',
	dropdownItem: '.el-select-dropdown__item',
} as const;

export function canvasNodeSelector(name: string): string {
	return `${sel.canvasNode}[data-node-name=${JSON.stringify(name)}]`;
}

export function parameterInput(name: string): string {
	return `[data-test-id=${JSON.stringify(`parameter-input-${name}`)}]`;
}

/** Polls until `read()` satisfies `ok`; returns the last value read, or throws with it. */
export async function waitUntil<T>(
	what: string,
	read: () => Promise<T>,
	ok: (value: T) => boolean,
	timeoutMs = 20 * SECOND,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: T | undefined;
	let lastError: unknown;
	for (;;) {
		try {
			last = await read();
			if (ok(last)) return last;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const seen = last === undefined ? String((lastError as Error)?.message ?? lastError) : JSON.stringify(last);
			throw new Error(`${what}: not seen within ${timeoutMs / 1000} s (last seen: ${seen.slice(0, 600)})`);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * Polls `read()` until its value satisfies `ready` and has stayed the same for `stableMs`
 * (lists that fill in after a debounce or a request); returns that value, or throws with the last.
 */
export async function settled<T>(
	what: string,
	read: () => Promise<T>,
	ready: (value: T) => boolean,
	options: { stableMs?: number; timeoutMs?: number } = {},
): Promise<T> {
	let previous: string | undefined;
	let sameSince = Date.now();
	let value: T | undefined;
	await waitUntil(
		what,
		async () => {
			value = await read();
			const now = JSON.stringify(value);
			if (now !== previous) sameSince = Date.now();
			previous = now;
			return value;
		},
		(current) => ready(current) && Date.now() - sameSince >= (options.stableMs ?? SECOND),
		options.timeoutMs ?? 15 * SECOND,
	);
	return value as T;
}

/** The text a locator shows, with runs of white space made one space. */
export async function shownText(locator: Locator): Promise<string> {
	return normalise(await locator.innerText());
}

export function normalise(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Signing in and workflows
// ---------------------------------------------------------------------------------------------

export async function signIn(page: Page, url: string, owner: Owner): Promise<void> {
	await page.goto(`${url}/signin`);
	await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(owner.email);
	await page.locator('[data-test-id="password"] input').fill(owner.password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((target) => !target.pathname.startsWith('/signin'), { timeout: 30 * SECOND });
}

/** A new, empty workflow; resolves once the canvas offers "Add first step". */
export async function openNewWorkflow(page: Page, url: string): Promise<void> {
	await page.goto(`${url}/workflow/new`);
	await page.locator(sel.canvasPlus).waitFor({ state: 'visible', timeout: 30 * SECOND });
}

/** Saves the open workflow (Ctrl+S) and loads its page afresh, as when a user comes back to it. */
export async function saveAndReload(page: Page): Promise<void> {
	await backToCanvas(page);
	const saved = page
		.waitForResponse((response) => /\/rest\/workflows(\/|$)/.test(new URL(response.url()).pathname) && ['PATCH', 'POST', 'PUT'].includes(response.request().method()), {
			timeout: 10 * SECOND,
		})
		.catch(() => undefined); // n8n may have saved it on its own already
	await page.keyboard.press('ControlOrMeta+s');
	await saved;
	await page.reload();
	await page.locator(sel.canvasNode).first().waitFor({ state: 'visible', timeout: 30 * SECOND });
}

// ---------------------------------------------------------------------------------------------
// The nodes panel
// ---------------------------------------------------------------------------------------------

export interface PanelResult {
	name: string;
	description: string;
}

/** Opens the nodes panel from the empty canvas's "Add first step" (the trigger panel). */
export async function openNodesPanelForTrigger(page: Page): Promise<void> {
	await page.locator(sel.canvasPlus).click();
	await page.locator(sel.nodeCreator).waitFor({ state: 'visible' });
}

/** Opens the nodes panel from the plus on a node's output handle ("What happens next?"). */
export async function openNodesPanelAfter(page: Page, nodeName: string): Promise<void> {
	const node = page.locator(canvasNodeSelector(nodeName));
	await node.hover();
	// The handle's plus sits beside the node, outside its element: the one nearest the node is its own.
	const box = await node.boundingBox();
	const pluses = page.locator(sel.handlePlus);
	const count = await pluses.count();
	let best: { index: number; distance: number } | undefined;
	for (let index = 0; index < count; index++) {
		const plus = await pluses.nth(index).boundingBox();
		if (!plus || !box) continue;
		const distance = Math.hypot(plus.x - (box.x + box.width), plus.y + plus.height / 2 - (box.y + box.height / 2));
		if (!best || distance < best.distance) best = { index, distance };
	}
	if (!best) throw new Error(`no plus handle next to "${nodeName}" on the canvas`);
	await pluses.nth(best.index).click();
	await page.locator(sel.nodeCreator).waitFor({ state: 'visible' });
}

/** The panel's heading, e.g. "What triggers this workflow?" or "What happens next?". */
export async function nodesPanelHeading(page: Page): Promise<string> {
	const header = await page.locator(`${sel.nodeCreator} [data-test-id="nodes-list-header"]`).first().innerText();
	return normalise(header.split('\n')[0]);
}

/** Types `text` into the panel's search and returns the results it lists (name and description). */
export async function searchNodesPanel(page: Page, text: string): Promise<PanelResult[]> {
	const search = page.locator(`${sel.nodeCreator} ${sel.creatorSearch}`).first();
	await search.fill('');
	const before = await shownText(page.locator(sel.nodeCreator));
	await search.fill(text);
	// Results follow the typing after a debounce: wait until the panel has changed and then stays put.
	await settled(`results for "${text}"`, () => shownText(page.locator(sel.nodeCreator)), (now) => now !== before);
	return await panelResults(page);
}

export async function panelResults(page: Page): Promise<PanelResult[]> {
	const items = page.locator(`${sel.nodeCreator} ${sel.creatorItem}`);
	const results: PanelResult[] = [];
	for (let index = 0; index < (await items.count()); index++) {
		const item = items.nth(index);
		const name = item.locator('[data-test-id="node-creator-item-name"]');
		const description = item.locator('[data-test-id="node-creator-item-description"]');
		results.push({
			name: (await name.count()) ? await shownText(name.first()) : await shownText(item),
			description: (await description.count()) ? await shownText(description.first()) : '',
		});
	}
	return results;
}

/** Clicks the listed item of this name (a node, or a trigger/action in a node's details). */
export async function clickPanelItem(page: Page, name: string): Promise<void> {
	const items = page.locator(`${sel.nodeCreator} ${sel.creatorItem}`);
	const exact = items.filter({ has: page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) });
	const target = (await exact.count()) ? exact.first() : items.filter({ hasText: name }).first();
	await target.click();
}

/** After clicking a node with several triggers/actions: the panel's whole text (its "Node details"). */
export async function panelText(page: Page): Promise<string> {
	return await shownText(page.locator(sel.nodeCreator));
}

// ---------------------------------------------------------------------------------------------
// The canvas and a node's panel (NDV)
// ---------------------------------------------------------------------------------------------

export interface CanvasNode {
	name: string;
	/** The node's text under its name on the canvas (its subtitle), white space made single. */
	text: string;
}

export async function canvasNodes(page: Page): Promise<CanvasNode[]> {
	const nodes = page.locator(sel.canvasNode);
	const found: CanvasNode[] = [];
	for (let index = 0; index < (await nodes.count()); index++) {
		const node = nodes.nth(index);
		const name = (await node.getAttribute('data-node-name')) ?? '';
		found.push({ name, text: await shownText(node) });
	}
	return found;
}

export async function ndvIsOpen(page: Page): Promise<boolean> {
	return await page.locator(sel.ndv).isVisible();
}

/** Closes the credential modal and the node panel if open, back to the canvas. */
export async function backToCanvas(page: Page): Promise<void> {
	const modal = page.locator(sel.credentialModal);
	if (await modal.isVisible()) await closeCredentialModal(page);
	if (await ndvIsOpen(page)) {
		await page.locator(sel.ndvClose).first().click();
		await page.locator(sel.ndv).waitFor({ state: 'hidden' });
	}
}

/** Opens a node's panel as a user does: double-click on the node (its label is under the canvas pane). */
export async function openNode(page: Page, name: string): Promise<void> {
	await backToCanvas(page);
	const box = await page.locator(canvasNodeSelector(name)).boundingBox();
	if (!box) throw new Error(`no node "${name}" on the canvas`);
	await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
	await page.locator(sel.ndv).waitFor({ state: 'visible' });
}

export async function ndvTitle(page: Page): Promise<string> {
	return await shownText(page.locator(`${sel.ndv} [data-test-id="inline-edit-preview"]`).first());
}

/** The value an options field (n8n select) or text field shows. */
export async function fieldValue(page: Page, name: string): Promise<string> {
	const field = page.locator(`${sel.ndv} ${parameterInput(name)}`).first();
	const input = field.locator('input, textarea').first();
	return normalise(await input.inputValue());
}

/** Opens an options field's dropdown and returns the choices it lists; closes it again. */
export async function dropdownChoices(page: Page, fieldSelector: string): Promise<string[]> {
	await page.locator(fieldSelector).first().click();
	const items = page.locator(sel.dropdownItem).filter({ visible: true });
	await items.first().waitFor({ state: 'visible' });
	const choices = (await items.allInnerTexts()).map((text) => normalise(text.split('\n')[0]));
	await page.keyboard.press('Escape');
	await items.first().waitFor({ state: 'hidden' }).catch(() => undefined);
	return choices;
}

/** Picks a choice (by the name it shows) in an options field. */
export async function selectChoice(page: Page, fieldSelector: string, choice: string): Promise<void> {
	await page.locator(fieldSelector).first().click();
	const items = page.locator(sel.dropdownItem).filter({ visible: true });
	await items.first().waitFor({ state: 'visible' });
	// A choice may carry a description under its name: compare the first line only.
	const texts = await items.allInnerTexts();
	const index = texts.findIndex((text) => normalise(text.split('\n')[0]) === choice);
	if (index < 0) throw new Error(`the dropdown offers no "${choice}": ${texts.map((text) => normalise(text.split('\n')[0])).join(', ')}`);
	await items.nth(index).click();
	await items.first().waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** Types into a text field (replacing what it held). */
export async function fillField(page: Page, fieldSelector: string, text: string): Promise<void> {
	const input = page.locator(fieldSelector).first().locator('input, textarea').first();
	await input.click();
	await input.fill(text);
	await page.keyboard.press('Tab');
}

// ---------------------------------------------------------------------------------------------
// Resource locator ("App": From list / By ID)
// ---------------------------------------------------------------------------------------------

export interface LocatorPick {
	/** The mode the locator shows, e.g. "From list". */
	mode: string;
	/** What the list offered for the search. */
	listed: string[];
	/** What the field shows once the item is picked. */
	shown: string;
}

/** The mode and value a resource locator shows. */
export async function resourceLocatorState(page: Page, name: string): Promise<{ mode: string; shown: string }> {
	const root = page.locator(`${sel.ndv} [data-test-id="resource-locator-${name}"]`);
	const mode = normalise(await root.locator('[data-test-id="rlc-mode-selector"] input').first().inputValue());
	const shown = normalise(await root.locator('[data-test-id="rlc-input"]').first().inputValue());
	return { mode, shown };
}

/** In "From list" mode: opens the list, searches it, picks the item of this name. */
export async function pickFromResourceLocator(page: Page, name: string, search: string, itemName: string): Promise<LocatorPick> {
	const root = page.locator(`${sel.ndv} [data-test-id="resource-locator-${name}"]`);
	const { mode } = await resourceLocatorState(page, name);
	await root.locator('[data-test-id="rlc-input"]').first().click();
	const searchBox = page.locator('[data-test-id="rlc-search"]').filter({ visible: true }).first();
	await searchBox.waitFor({ state: 'visible' });
	await searchBox.fill(search);
	const items = page.locator('[data-test-id="rlc-item"]').filter({ visible: true });
	// The list is filtered by a request after a debounce: take it once it has stopped changing.
	const listed = await settled(
		`the list's results for "${search}"`,
		async () => (await items.allInnerTexts()).map(normalise),
		(names) => names.includes(itemName),
		{ stableMs: 1_500 },
	);
	await items.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(itemName)}\\s*$`) }).first().click();
	const shown = await waitUntil(
		'the picked app in the field',
		async () => (await resourceLocatorState(page, name)).shown,
		(value) => value !== '',
	);
	return { mode, listed, shown };
}

// ---------------------------------------------------------------------------------------------
// Resource mapper fields ("Map Each Input")
// ---------------------------------------------------------------------------------------------

export interface MapperField {
	/** The field's id (the input's name, which Lamina receives), from its test id. */
	id: string;
	label: string;
	/** Whether the field offers "Remove input" (n8n keeps required fields). */
	removable: boolean;
	/** Whether the field carries n8n's issue mark (a required field still empty). */
	flagged: boolean;
}

export async function mapperFields(page: Page): Promise<MapperField[]> {
	const items = page.locator(`${sel.ndv} [data-test-id="mapping-fields-container"] .parameter-item`);
	const fields: MapperField[] = [];
	for (let index = 0; index < (await items.count()); index++) {
		const item = items.nth(index);
		const input = item.locator('[data-test-id^="parameter-input-"]:not([data-test-id="parameter-input-field"])').first();
		if (!(await input.count())) continue;
		const testId = (await input.getAttribute('data-test-id')) ?? '';
		fields.push({
			id: testId.replace(/^parameter-input-/, ''),
			label: await shownText(item.locator('label').first()),
			removable: (await item.locator('[data-test-id^="remove-field-button-"]').count()) > 0,
			flagged: (await item.locator('[data-test-id="parameter-issues"]').count()) > 0,
		});
	}
	return fields;
}

const addOption = `${sel.ndv} ${sel.nodeParameters} [data-test-id="collection-parameter-add"]`;

/**
 * What the open node's "Add Option" list offers (its one Options collection), by name; `whileOpen`
 * runs with the list open (for a screenshot), then it is closed again.
 */
export async function optionsCollectionChoices(page: Page, whileOpen?: () => Promise<unknown>): Promise<string[]> {
	await page.locator(addOption).first().click();
	const items = page.locator(sel.dropdownItem).filter({ visible: true });
	await items.first().waitFor({ state: 'visible' });
	const choices = (await items.allInnerTexts()).map((text) => normalise(text.split('\n')[0]));
	await whileOpen?.();
	await page.keyboard.press('Escape');
	await items.first().waitFor({ state: 'hidden' }).catch(() => undefined);
	return choices;
}

/** Adds the option of this name from the open node's "Add Option" list. */
export async function addCollectionOption(page: Page, name: string): Promise<void> {
	await page.locator(addOption).first().click();
	const items = page.locator(sel.dropdownItem).filter({ visible: true });
	await items.first().waitFor({ state: 'visible' });
	await items.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }).first().click();
	// The list is filterable and may stay open after a pick: close it, or the next dropdown read sees it.
	if (await items.first().isVisible()) await page.keyboard.press('Escape');
	await items.first().waitFor({ state: 'hidden' }).catch(() => undefined);
	await page.locator(`${sel.ndv} [data-test-id="parameter-item"], ${sel.ndv} .parameter-item`).filter({ hasText: name }).first().waitFor({ state: 'visible' });
}

/** Flips a boolean field (n8n's switch) of the open node. */
export async function toggleSwitch(page: Page, name: string): Promise<void> {
	await page.locator(`${sel.ndv} ${parameterInput(name)} .el-switch`).first().click();
}

/** The names of the fields the open panel shows, Options included (from their data-test-id), in order. */
export async function shownParameters(page: Page): Promise<string[]> {
	const ids = await page
		.locator(`${sel.ndv} ${sel.nodeParameters} [data-test-id^="parameter-input-"]`)
		.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-test-id') ?? ''));
	return [...new Set(ids.map((id) => id.replace(/^parameter-input-/, '')))];
}

/** Calls n8n's REST API from the signed-in page (n8n ties its session cookie to the browser id). */
export async function restCall<T>(page: Page, method: string, path: string): Promise<{ status: number; body: T }> {
	return await page.evaluate(
		async ({ method, path }) => {
			// Runs in the page: its localStorage, which Node's types don't know.
			const storage = (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage;
			const headers = { 'browser-id': storage.getItem('n8n-browserId') ?? '' };
			const response = await fetch(path, { method, headers });
			const text = await response.text();
			return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
		},
		{ method, path },
	);
}


// ---------------------------------------------------------------------------------------------
// Running a node, its output, pinned data
// ---------------------------------------------------------------------------------------------

/** Clicks "Execute step" in the open panel and waits until the execution has stopped. */
export async function executeOpenNode(page: Page, timeoutMs = 90 * SECOND): Promise<void> {
	await page.locator(`${sel.ndv} ${sel.executeNode}`).first().click();
	// The stop button shows while it runs; a very quick run may be over before we look.
	await page.locator(sel.stopExecution).first().waitFor({ state: 'visible', timeout: 5 * SECOND }).catch(() => undefined);
	await page.locator(sel.stopExecution).first().waitFor({ state: 'hidden', timeout: timeoutMs });
}

export async function outputPanelText(page: Page): Promise<string> {
	return await shownText(page.locator(`${sel.ndv} ${sel.outputPanel}`));
}

/** Sets the open node's pinned ("mock") output to these items, as a user does in the output panel. */
export async function pinOutput(page: Page, items: Array<Record<string, unknown>>): Promise<void> {
	const panel = page.locator(`${sel.ndv} ${sel.outputPanel}`);
	const mock = panel.getByText('set mock data', { exact: true });
	if (await mock.isVisible()) await mock.click();
	else await panel.locator(sel.editPinnedData).click();
	const editor = panel.locator('.cm-content');
	await editor.waitFor({ state: 'visible' });
	await editor.click();
	await page.keyboard.press('ControlOrMeta+a');
	// insertText, not typing: the JSON editor would add its own closing brackets to typed ones.
	await page.keyboard.insertText(JSON.stringify(items, null, 2));
	await panel.getByRole('button', { name: 'Save' }).click();
	await panel.getByText('This data is pinned', { exact: false }).first().waitFor({ state: 'visible' });
}

// ---------------------------------------------------------------------------------------------
// The credential modal
// ---------------------------------------------------------------------------------------------

/** Opens the credential modal from the open node's credential field (its pencil). */
export async function openNodeCredential(page: Page): Promise<Locator> {
	await page.locator(`${sel.ndv} [data-test-id="credential-edit-button"]`).first().click();
	const modal = page.locator(sel.credentialModal);
	await modal.waitFor({ state: 'visible' });
	return modal;
}

export async function closeCredentialModal(page: Page): Promise<void> {
	const modal = page.locator(sel.credentialModal);
	await modal.locator('.el-dialog__headerbtn, button[aria-label="Close"]').first().click();
	await modal.waitFor({ state: 'hidden' });
}

export async function credentialName(modal: Locator): Promise<string> {
	return await shownText(modal.locator('[data-test-id="credential-name"]').first());
}

/** The connection-test banner's text, e.g. "Connection tested successfully Retry". */
export async function credentialBanner(modal: Locator): Promise<string> {
	const banner = modal.getByText(/Connection tested successfully|Couldn.t connect with these settings/).first();
	await banner.waitFor({ state: 'visible', timeout: 30 * SECOND });
	return await shownText(banner);
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
