/**
 * How the node reads what the panel holds, in either version: Max Wait Time's amount and unit,
 * multi-selects that may also be comma-separated text, the trigger's switches wherever they
 * live, the app picker inside a collection, and the Output choice's shapes.
 */
import { simplifyApp } from '../../nodes/Lamina/actions/app/get.operation';
import { simplifyWorkflow } from '../../nodes/Lamina/actions/app/getWorkflow.operation';
import { shapeAnswer } from '../../nodes/Lamina/actions/app/output';
import { appIdOf } from '../../nodes/Lamina/actions/appLocator';
import { toList } from '../../nodes/Lamina/actions/listValue';
import { waitSeconds } from '../../nodes/Lamina/actions/run/common';
import { parameterToField } from '../../nodes/Lamina/methods/resourceMapping';
import { switchValue } from '../../nodes/LaminaTrigger/triggerSettings';

describe('Max Wait Time: an amount and a unit', () => {
	test.each([
		[10, 'minutes', 600],
		[45, 'minutes', 2_700],
		[90, 'seconds', 90],
		[2, 'hours', 7_200],
		[1, 'days', 86_400],
		['3', 'minutes', 180],
		[0.5, 'hours', 1_800],
	])('%s %s is %s s', (amount, unit, seconds) => {
		expect(waitSeconds(amount, unit)).toBe(seconds);
	});

	test.each([[0, 'minutes'], [-1, 'minutes'], ['', 'minutes'], ['soon', 'minutes'], [Number.NaN, 'minutes'], [10, 'weeks'], [10, undefined]])(
		'%s %s is not a wait',
		(amount, unit) => {
			expect(waitSeconds(amount, unit)).toBeUndefined();
		},
	);
});

describe('a multi-select, or the comma-separated text version 1 (or an expression) gives', () => {
	test.each([
		[['Hero Image', 'Caption'], ['Hero Image', 'Caption']],
		['Hero Image, Caption', ['Hero Image', 'Caption']],
		[' app_a ,, app_b ', ['app_a', 'app_b']],
		['', []],
		[[], []],
		[undefined, []],
		[[' app_a ', ''], ['app_a']],
	])('%j → %j', (value, list) => {
		expect(toList(value)).toEqual(list);
	});
});

describe('the trigger’s Verify Signature and Confirm Runs', () => {
	test('version 1’s top-level value wins when present', () => {
		expect(switchValue(false, { verifySignature: true }, 'verifySignature')).toBe(false);
		expect(switchValue(true, { confirmRuns: false }, 'confirmRuns')).toBe(true);
	});

	test('then the Options value (1.1), then on', () => {
		expect(switchValue(null, { verifySignature: false }, 'verifySignature')).toBe(false);
		expect(switchValue(undefined, { confirmRuns: false }, 'confirmRuns')).toBe(false);
		expect(switchValue(null, {}, 'verifySignature')).toBe(true);
		expect(switchValue(null, undefined, 'confirmRuns')).toBe(true);
	});
});

describe('the app picker inside a collection (Run → Get Many → Filters → App)', () => {
	test.each([
		[{ __rl: true, mode: 'list', value: 'app_portrait', cachedResultName: 'Portrait Studio' }, 'app_portrait'],
		[{ __rl: true, mode: 'id', value: ' app_video ' }, 'app_video'],
		[{ __rl: true, mode: 'url', value: 'https://app.uselamina.ai/apps/app_caption?tab=runs' }, 'app_caption'],
		[{ __rl: true, mode: 'list', value: '' }, ''],
		[' app_x ', 'app_x'],
		['', ''],
		[undefined, ''],
	])('%j → "%s"', (value, appId) => {
		expect(appIdOf(value)).toBe(appId);
	});
});

describe('Output: Simplified, Raw or Selected Fields', () => {
	const app = {
		appId: 'app_portrait',
		name: 'Portrait Studio',
		description: 'Portraits',
		modality: 'image',
		thumbnail: { url: 'https://cdn/x.webp' },
		parameters: [{ id: 'prm_1', name: 'Prompt', type: 'text' }],
		outputs: [{ index: 0, label: 'Hero Image', type: 'image' }],
		inputGuide: [{ name: 'Prompt', type: 'text', mustSupply: true }],
	};

	test('App → Get simplified keeps what to fill in and what comes out', () => {
		expect(shapeAnswer(app, 'simplified', simplifyApp, [])).toEqual({
			appId: 'app_portrait',
			name: 'Portrait Studio',
			description: 'Portraits',
			modality: 'image',
			inputGuide: app.inputGuide,
			outputs: app.outputs,
		});
		expect(shapeAnswer(app, 'raw', simplifyApp, [])).toBe(app);
		expect(shapeAnswer(app, 'selected', simplifyApp, ['name', 'parameters', 'notThere'])).toEqual({ name: 'Portrait Studio', parameters: app.parameters });
	});

	test('Get Workflow simplified has no node graph: steps by id, type, label, order and what feeds them', () => {
		const item = {
			appId: 'app_video',
			name: 'Product Video',
			summary: '1 input → Animate → 1 output',
			inputs: [{ id: 'in', type: 'inputNode', label: 'Photo', data: { huge: 'x'.repeat(1000) } }],
			steps: [{ order: 1, id: 'a', type: 'animateNode', label: 'Animate', after: ['in'], data: { prompt: 'long' } }],
			outputs: [{ id: 'out', type: 'outputNode', label: 'Video', data: {} }],
			problems: [],
			nodes: [{ id: 'in' }, { id: 'a' }, { id: 'out' }],
			edges: [{ source: 'in', target: 'a' }],
		};
		expect(simplifyWorkflow(item)).toEqual({
			appId: 'app_video',
			name: 'Product Video',
			summary: '1 input → Animate → 1 output',
			inputs: [{ id: 'in', type: 'inputNode', label: 'Photo' }],
			steps: [{ order: 1, id: 'a', type: 'animateNode', label: 'Animate', after: ['in'] }],
			outputs: [{ id: 'out', type: 'outputNode', label: 'Video' }],
			problems: [],
		});
	});
});

describe('input fields are labelled with the input’s name alone', () => {
	test.each([
		[{ id: 'p1', name: 'Prompt', type: 'text', required: true }, 'Prompt'],
		[{ id: 'p2', name: 'Location', type: 'options', required: true, options: ['Studio', 'Park'], default: 'Studio' }, 'Location'],
		[{ id: 'p3', name: 'Reference Image', type: 'url', required: false, accept: ['image'] }, 'Reference Image'],
		[{ id: 'p4', name: 'Clip', type: 'url', required: false, accept: ['video'] }, 'Clip'],
		[{ id: 'p5', name: ' Style ', type: 'text', required: false }, 'Style'],
	])('%j → "%s"', (parameter, label) => {
		expect(parameterToField(parameter).displayName).toBe(label);
	});

	test('the default is pre-filled instead of written into the label; an input filled from a file has none', () => {
		const location = { id: 'p2', name: 'Location', type: 'options', required: true, options: ['Studio', 'Park'], default: 'Studio' };
		expect(parameterToField(location)).toMatchObject({ defaultValue: 'Studio', required: false });
		const image = { id: 'p3', name: 'Reference Image', type: 'url', required: true, default: 'https://x/y.png' };
		expect(parameterToField(image, 'photo')).toMatchObject({ displayName: 'Reference Image', required: false });
		expect(parameterToField(image, 'photo')).not.toHaveProperty('defaultValue');
	});
});
