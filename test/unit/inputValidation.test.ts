import { closest, resolveParameter, validateRunInputs } from '../../nodes/Lamina/shared/inputValidation';
import type { LaminaParameter } from '../../nodes/Lamina/shared/types';

const parameters: LaminaParameter[] = [
	{ id: 'p1', key: 'prompt', name: 'Prompt', type: 'text', required: true },
	{ id: 'p2', key: 'location', name: 'Location', type: 'options', required: true, options: ['Studio', 'Urban', 'Park'], default: 'Studio' },
	{ id: 'p3', key: 'style', name: 'Style', type: 'options', required: true, options: ['Standard ', 'Cinematic'], default: 'Standard ' },
	{ id: 'p4', key: 'model_ethnicity', name: 'Model  Ethnicity', type: 'text', required: true, default: 'Any' },
	{ id: 'p5', key: 'reference_image', name: 'Reference Image', type: 'url', required: false, accept: ['image'] },
	{ id: 'p6', name: 'Tone', type: 'options', required: false, options: [{ label: 'Friendly', value: 'friendly' }] },
];

describe('validateRunInputs', () => {
	test('valid inputs are keyed by exact parameter names, spaces kept', () => {
		const { inputs, problems } = validateRunInputs(parameters, {
			Prompt: 'a red bicycle',
			Style: 'Standard ',
			'Model  Ethnicity': 'Any',
		});
		expect(problems).toEqual([]);
		expect(inputs).toEqual({ Prompt: 'a red bicycle', Style: 'Standard ', 'Model  Ethnicity': 'Any' });
	});

	test('a key or id is mapped to the name; a trimmed option label finds the real one', () => {
		const { inputs, problems } = validateRunInputs(parameters, { prompt: 'x', p3: 'Standard', model_ethnicity: 'Asian', Tone: 'friendly' });
		expect(problems).toEqual([]);
		expect(inputs).toEqual({ Prompt: 'x', Style: 'Standard ', 'Model  Ethnicity': 'Asian', Tone: 'Friendly' });
	});

	test('unknown input suggests the closest name and lists the inputs', () => {
		const { problems } = validateRunInputs(parameters, { Promt: 'x' });
		expect(problems[0].message).toContain('This app has no input "Promt". Did you mean "Prompt"?');
		expect(problems[0].message).toContain('"Location"');
	});

	test('an option not in the list lists the valid ones', () => {
		const { problems } = validateRunInputs(parameters, { Prompt: 'x', Location: 'Mars' });
		expect(problems).toEqual([
			{
				field: 'Location',
				message: 'Input "Location": "Mars" is not one of its choices. Choose one of: "Studio", "Urban", "Park"',
				byDefinition: true,
			},
		]);
	});

	test('a must-supply input (required, no default) is reported; defaulted ones are not', () => {
		const { problems } = validateRunInputs(parameters, {});
		expect(problems.map((p) => p.field)).toEqual(['Prompt']);
		expect(problems[0].message).toMatch(/required by this app and has no default/);
	});

	test('blank values count as not given', () => {
		expect(validateRunInputs(parameters, { Prompt: '' }).problems.map((p) => p.field)).toEqual(['Prompt']);
		expect(validateRunInputs(parameters, { Prompt: 'x', Location: null }).inputs).toEqual({ Prompt: 'x' });
	});

	test('url inputs must be http(s)', () => {
		for (const bad of ['file:///etc/passwd', 'photo.png', 'ftp://x/y.png']) {
			const { problems } = validateRunInputs(parameters, { Prompt: 'x', 'Reference Image': bad });
			expect(problems[0].message).toContain('needs a public http(s) URL of an image');
		}
		expect(validateRunInputs(parameters, { Prompt: 'x', 'Reference Image': 'https://cdn.example.com/a.png' }).problems).toEqual([]);
	});

	test('numbers become text; objects become JSON text', () => {
		expect(validateRunInputs(parameters, { Prompt: 42 }).inputs).toEqual({ Prompt: '42' });
		expect(validateRunInputs(parameters, { Prompt: { a: 1 } }).inputs).toEqual({ Prompt: '{"a":1}' });
	});
});

test('resolveParameter follows name, key, id, then a unique loose match', () => {
	expect(resolveParameter(parameters, 'Model  Ethnicity')?.id).toBe('p4');
	expect(resolveParameter(parameters, 'model_ethnicity')?.id).toBe('p4');
	expect(resolveParameter(parameters, 'p4')?.id).toBe('p4');
	expect(resolveParameter(parameters, ' prompt ')?.id).toBe('p1');
	expect(resolveParameter(parameters, 'nothing')).toBeUndefined();
});

test('closest ignores hopeless guesses', () => {
	expect(closest('Lcation', ['Location', 'Prompt'])).toBe('Location');
	expect(closest('zzzzzzzz', ['Location', 'Prompt'])).toBeUndefined();
});

describe('validateRunInputs marks what a newer app definition may know', () => {
	test.each([
		['an unknown input', { Prompt: 'x', Mood: 'calm' }, true],
		['an unknown option label', { Prompt: 'x', Location: 'Mars' }, true],
		['a required input missing', { Location: 'Urban' }, true],
		['a url that is not one', { Prompt: 'x', 'Reference Image': 'ftp://x' }, false],
	])('%s', (_, given, byDefinition) => {
		const { problems } = validateRunInputs(parameters, given);
		expect(problems).toHaveLength(1);
		expect(Boolean(problems[0].byDefinition)).toBe(byDefinition);
	});
});
