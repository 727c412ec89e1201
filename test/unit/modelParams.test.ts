import { checkModelParams, modelInputGuide, modelMapperFields, paramValues, type ParamSchema } from '../../nodes/Lamina/shared/modelParams';

const schema: ParamSchema = {
	prompt: { type: 'string', required: true, maxLength: 10 },
	aspectRatio: { type: 'enum', values: ['1:1', '16:9'], default: '1:1' },
	numImages: { type: 'integer', min: 1, max: 4, default: 1 },
	guidance: { type: 'number', min: 0, max: 20 },
	enhance: { type: 'boolean', default: false },
	styleUrl: { type: 'url' },
	imageUrls: { type: 'array<url>', minItems: 1, maxItems: 2 },
	loras: { type: 'array<object>', maxItems: 1, itemSchema: { path: { type: 'url', required: true } } },
};

test('mapper fields: enum → options, integer/number → number, boolean, url; lists and JSON as text', () => {
	const fields = modelMapperFields(schema);
	expect(fields.map((f) => [f.id, f.type, f.required])).toEqual([
		['prompt', 'string', true],
		['aspectRatio', 'options', false],
		['numImages', 'number', false],
		['guidance', 'number', false],
		['enhance', 'boolean', false],
		['styleUrl', 'url', false],
		['imageUrls', 'string', false],
		['loras', 'string', false],
	]);
	expect(fields[1].options).toEqual([
		{ name: '1:1', value: '1:1' },
		{ name: '16:9', value: '16:9' },
	]);
	expect(fields[2]).toMatchObject({ displayName: 'numImages', defaultValue: 1 });
	expect(fields[6].displayName).toBe('imageUrls');
});

test('values: empty ones dropped, text read as the field type', () => {
	expect(
		paramValues(schema, { prompt: ' hi ', numImages: '2', enhance: 'true', imageUrls: 'https://a/1.png,\nhttps://a/2.png', loras: '[{"path":"https://l/1"}]', guidance: '' }),
	).toEqual({ prompt: 'hi', numImages: 2, enhance: true, imageUrls: ['https://a/1.png', 'https://a/2.png'], loras: [{ path: 'https://l/1' }] });
});

test('a valid set has no problems', () => {
	expect(checkModelParams(schema, { prompt: 'hi', aspectRatio: '16:9', numImages: 4, imageUrls: ['https://a/1.png'] })).toEqual([]);
});

test('every rule: required, enum values, ranges, integers, types, URL form, array sizes, item schema, unknown names', () => {
	const problems = checkModelParams(schema, {
		aspectRatio: '4:3',
		numImages: 1.5,
		guidance: 21,
		enhance: 'yes',
		styleUrl: 'ftp://x',
		imageUrls: ['https://a/1.png', 'https://a/2.png', 'https://a/3.png'],
		loras: [{}],
		aspectRatoi: '1:1',
	});
	expect(problems).toEqual([
		{ field: 'aspectRatoi', message: expect.stringContaining('is not a parameter of this model (did you mean "aspectRatio"?)') },
		{ field: 'prompt', message: 'is required' },
		{ field: 'aspectRatio', message: 'must be one of "1:1", "16:9"; got "4:3"' },
		{ field: 'numImages', message: 'must be a whole number; got 1.5' },
		{ field: 'guidance', message: 'must be 0–20; got 21' },
		{ field: 'enhance', message: 'must be true or false; got "yes"' },
		{ field: 'styleUrl', message: 'must be an http(s) URL; got "ftp://x"' },
		{ field: 'imageUrls', message: 'must have 1–2 URLs; got 3' },
		{ field: 'loras[0].path', message: 'is required' },
	]);
	expect(checkModelParams(schema, { prompt: 'far too long a prompt' })).toEqual([{ field: 'prompt', message: 'must be at most 10 characters; got 21' }]);
	expect(checkModelParams(schema, { prompt: 'x', imageUrls: ['not a url'] })[0].message).toBe('every item must be an http(s) URL; got "not a url"');
});

test('the guide names type, required or default, choices and limits', () => {
	const guide = modelInputGuide(schema);
	expect(guide[0]).toEqual({ name: 'prompt', required: true, guide: 'string; required; at most 10 characters' });
	expect(guide[1].guide).toBe('enum; default "1:1"; one of "1:1", "16:9"');
	expect(guide[7].guide).toBe('array<object>; optional; up to 1 items; each item: path (url, required)');
});
