/**
 * Models in the editor: the Lamina node set to Model → Generate Image, a model picked from the
 * Model field's list by searching it (searchModels filters Lamina's list), its paramSchema as
 * fields (an `enum` as a dropdown of its values, an `integer`/`number` as a number field), the
 * required prompt filled, executed: one model run, completed, its output as outputs[0].
 * Runs after the other steps: it changes the node's resource.
 */
import type { Page } from 'playwright-core';

import { FIXTURE_MODELS, MODELS } from '../../../test/simulator';
import {
	backToCanvas,
	canvasNodes,
	dropdownChoices,
	executeOpenNode,
	fillField,
	mapperFields,
	ndvTitle,
	normalise,
	openNode,
	outputPanelText,
	parameterInput,
	pickFromResourceLocator,
	pinOutput,
	resourceLocatorState,
	sel,
	selectChoice,
	waitUntil,
} from './editorPage';
import { CheckFailed, TRIGGER_NODE, type EditorStep } from './steps';

const MODEL = FIXTURE_MODELS.find((model) => model.id === MODELS.everyField)!;
/** What the picker lists a model as (searchModels: "Display Name (id)"). */
const MODEL_ITEM = `${MODEL.displayName} (${MODEL.id})`;
const MODEL_SEARCH = 'banana';
const PROMPT = 'a red bicycle, from the editor check';
const ENUM_FIELD = 'aspectRatio';
const ENUM_CHOICE = '16:9';
const NUMBER_FIELDS = ['numImages', 'guidanceScale'];

function check(ok: boolean, message: string): asserts ok {
	if (!ok) throw new CheckFailed(message);
}

/** Whether the field renders as n8n's number input (not a text box). */
async function isNumberField(page: Page, name: string): Promise<boolean> {
	const field = page.locator(`${sel.ndv} ${parameterInput(name)}`).first();
	// n8n 2.x: its own number input (a spinbutton); 1.x: Element Plus's.
	return (await field.locator('[data-test-id="input-number"], input[role="spinbutton"], .el-input-number, input[type="number"]').count()) > 0;
}

/** The output panel once it shows a finished run or an error (or, after a while, whatever it shows). */
async function modelRunOutput(page: Page): Promise<string> {
	return await waitUntil(
		'the model run in the output panel',
		() => outputPanelText(page),
		(text) => /\bcompleted\b/.test(text) || /Problem in node/.test(text),
		60_000,
	).catch(async () => await outputPanelText(page));
}

const generateImage: EditorStep = {
	id: 'model-generate',
	title: 'Model → Generate Image: pick a model by searching the list, its fields (enum dropdown, number fields), fill the prompt, execute: a completed model run with outputs[0]',
	needs: ['nodes-panel'],
	async run(ctx) {
		const { page } = ctx;
		if (!ctx.state.laminaNode) throw new CheckFailed('no Lamina node was added to the workflow');
		const trigger = ctx.state.triggerNode ?? TRIGGER_NODE;
		// The trigger waits for a real delivery when run: give it one test item, as users do.
		await openNode(page, trigger);
		await pinOutput(page, [{ note: 'a test item from the editor check' }]);
		await backToCanvas(page);
		// n8n renames a node still named after its action when the action changes (Publishing did).
		const onCanvas = (await canvasNodes(page)).map((node) => node.name);
		const name = onCanvas.includes(ctx.state.laminaNode) ? ctx.state.laminaNode : onCanvas.find((node) => node !== trigger);
		if (!name) throw new CheckFailed(`no Lamina node on the canvas: ${onCanvas.join(', ')}`);
		await openNode(page, name);
		await selectChoice(page, `${sel.ndv} ${parameterInput('resource')}`, 'Model');
		await selectChoice(page, `${sel.ndv} ${parameterInput('operation')}`, 'Generate Image');

		const pick = await pickFromResourceLocator(page, 'modelId', MODEL_SEARCH, MODEL_ITEM);
		await ctx.shot('picked');
		const shown = (await resourceLocatorState(page, 'modelId')).shown;
		check(shown === MODEL_ITEM, `the Model field shows "${shown}" (want "${MODEL_ITEM}")`);
		check(pick.mode === 'From list', `the Model field's mode is "${pick.mode}"`);
		const strays = pick.listed.filter((item) => !item.toLowerCase().includes(MODEL_SEARCH));
		check(strays.length === 0, `searching "${MODEL_SEARCH}" also lists ${strays.join(', ')}`);

		const want = Object.keys(MODEL.paramSchema);
		const fields = await waitUntil("the model's parameter fields", () => mapperFields(page), (list) => list.length >= want.length, 20_000).catch(
			async () => await mapperFields(page),
		);
		await ctx.shot('fields');
		const ids = fields.map((field) => field.id);
		check(JSON.stringify(ids) === JSON.stringify(want), `fields ${JSON.stringify(ids)}, want ${JSON.stringify(want)}`);
		const prompt = fields.find((field) => field.id === 'prompt')!;
		check(prompt.flagged && !prompt.removable, `the required prompt is ${prompt.flagged ? '' : 'not marked'}${prompt.removable ? ' removable' : ''}`);
		const enumValues = (MODEL.paramSchema[ENUM_FIELD].values ?? []).map(String);
		const choices = await dropdownChoices(page, `${sel.ndv} ${parameterInput(ENUM_FIELD)}`);
		check(JSON.stringify(choices) === JSON.stringify(enumValues), `"${ENUM_FIELD}" offers ${JSON.stringify(choices)}, want ${JSON.stringify(enumValues)}`);
		check(!(await isNumberField(page, 'prompt')), 'the prompt (a string) shows as a number field');
		for (const field of NUMBER_FIELDS) {
			if (await isNumberField(page, field)) continue;
			const html = await page.locator(`${sel.ndv} ${parameterInput(field)}`).first().evaluate((element) => element.outerHTML);
			throw new CheckFailed(`"${field}" (${MODEL.paramSchema[field].type}) is not a number field: ${html.slice(0, 700)}`);
		}

		await fillField(page, `${sel.ndv} ${parameterInput('prompt')}`, PROMPT);
		await selectChoice(page, `${sel.ndv} ${parameterInput(ENUM_FIELD)}`, ENUM_CHOICE);
		await ctx.shot('filled');
		await executeOpenNode(page);
		const output = await modelRunOutput(page);
		check(!/Problem in node/.test(output), `the output panel shows an error: ${output.slice(0, 600)}`);
		await page.locator(`${sel.ndv} ${sel.outputPanel} [data-test-id="radio-button-json"]`).click();
		const json = normalise(
			await waitUntil('the JSON view of the output', () => outputPanelText(page), (text) => text.includes('"kind"'), 10_000).catch(
				async () => await outputPanelText(page),
			),
		);
		await ctx.shot('output');
		const problems: string[] = [];
		if (!json.includes('"kind": "model"')) problems.push('no "kind": "model"');
		if (!json.includes('"status": "completed"')) problems.push('no "status": "completed"');
		if (!json.includes(`"model": "${MODEL.id}"`)) problems.push(`no "model": "${MODEL.id}"`);
		if (!/"outputs": \[ \{ "label": "Output"[^\]]*"value": "https?:\/\//.test(json)) problems.push('no outputs[0] labelled "Output" with a URL');
		if (!json.includes(`"${ENUM_FIELD}": "${ENUM_CHOICE}"`)) problems.push(`the run did not get ${ENUM_FIELD} ${ENUM_CHOICE}`);
		check(problems.length === 0, `${problems.join('; ')}: ${json.slice(0, 800)}`);
		// Under its new name for any later step (n8n named it after Generate Image).
		ctx.state.laminaNode = await ndvTitle(page);
	},
};

export const MODEL_STEPS: EditorStep[] = [generateImage];
