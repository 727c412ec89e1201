import { contentResultItem, readContentAnswer } from '../../nodes/Lamina/shared/contentAnswer';

describe('readContentAnswer', () => {
	test('older docs shape: a queued run', () => {
		expect(readContentAnswer({ runId: 'r1', workflowId: 'w', workflowName: 'W', status: 'queued' })).toEqual({
			kind: 'run',
			runId: 'r1',
			runStatus: 'queued',
			selectedApp: undefined,
			draftedInputs: undefined,
			warnings: [],
			extra: { workflowId: 'w', workflowName: 'W' },
			// An app run unless the answer says recipe (or freestyle) mode.
			runKind: 'app',
		});
	});

	test('ran in recipe mode: a freestyle run, with the recipe and its counts', () => {
		const recipe = { modality: 'image', variants: [{ imageModel: 'nano-banana-pro' }] };
		expect(
			readContentAnswer({ status: 'ran', mode: 'recipe', runId: 'f1', recipe, modality: 'image', picks: null, numVariants: 1, submittedCount: 1, failedCount: 0, warnings: [] }),
		).toEqual({
			kind: 'run',
			runId: 'f1',
			runStatus: 'queued',
			runKind: 'freestyle',
			recipe,
			modality: 'image',
			selectedApp: undefined,
			draftedInputs: undefined,
			warnings: [],
			extra: { mode: 'recipe', picks: null, numVariants: 1, submittedCount: 1, failedCount: 0 },
		});
	});

	test('executionId is a runId', () => {
		expect(readContentAnswer({ executionId: 'ex1', status: 'queued' })).toMatchObject({ kind: 'run', runId: 'ex1' });
	});

	test('ran: the run is queued, with the app, drafted inputs and warnings', () => {
		const answer = readContentAnswer({
			status: 'ran',
			mode: 'app',
			runId: 'r2',
			selectedApp: { appId: 'a', name: 'A', rationale: 'fits' },
			draftedInputs: { Prompt: 'x' },
			warnings: [{ field: 'f', message: 'm' }],
		});
		expect(answer).toMatchObject({
			kind: 'run',
			runStatus: 'queued',
			selectedApp: { appId: 'a' },
			draftedInputs: { Prompt: 'x' },
			warnings: [{ field: 'f', message: 'm' }],
			extra: { mode: 'app' },
		});
	});

	test('needs_input, newer (askUser name/question) and planner (key/askUser) forms', () => {
		expect(readContentAnswer({ status: 'needs_input', askUser: [{ name: 'Prompt', question: 'What?' }] })).toMatchObject({
			kind: 'needs_input',
			questions: [{ name: 'Prompt', question: 'What?' }],
		});
		expect(readContentAnswer({ status: 'needs_input', askUser: [{ key: 'logo_url', askUser: 'Link to the logo?' }] })).toMatchObject({
			questions: [{ name: 'logo_url', question: 'Link to the logo?' }],
		});
		expect(readContentAnswer({ status: 'needs_input', askUser: [{ name: 'Tone' }] })).toMatchObject({
			questions: [{ name: 'Tone', question: 'What should "Tone" be?' }],
		});
	});

	test('the older SDK’s needsInput object, with no run', () => {
		const answer = readContentAnswer({
			runId: null,
			status: 'pending',
			needsInput: { message: 'Some inputs are missing', missing: [{ name: 'Logo', type: 'url', description: 'Your logo' }] },
		});
		expect(answer).toMatchObject({ kind: 'needs_input', questions: [{ name: 'Logo', question: 'Your logo' }], note: 'Some inputs are missing' });
	});

	test('needs_clarification and unmatched', () => {
		expect(readContentAnswer({ status: 'needs_clarification', clarifications: [{ question: 'Which one?' }, 'And when?'] })).toEqual({
			kind: 'needs_clarification',
			questions: [{ question: 'Which one?' }, { question: 'And when?' }],
		});
		expect(readContentAnswer({ status: 'unmatched', reason: 'nothing fits' })).toEqual({ kind: 'unmatched', reason: 'nothing fits' });
	});

	test('anything else without a run is kept as it came', () => {
		expect(readContentAnswer({ status: 'thinking' })).toEqual({ kind: 'unknown', status: 'thinking', raw: { status: 'thinking' } });
		expect(readContentAnswer(null)).toMatchObject({ kind: 'unknown', status: 'unknown' });
	});
});

describe('contentResultItem', () => {
	test('needs_input says what to answer and where', () => {
		const item = contentResultItem(
			{ kind: 'needs_input', questions: [{ name: 'Prompt', question: 'What should the prompt be?' }], selectedApp: { appId: 'app_1' } },
			'brief',
		);
		expect(item).toMatchObject({
			status: 'needs_input',
			message: 'Lamina needs more information: What should the prompt be?',
			draftedInputs: {},
			brief: 'brief',
		});
		expect(item.nextStep).toMatch(/"Input Overrides".*\{"Prompt": "\.\.\."\}.*App set to "app_1"/);
	});

	test('needs_input with no questions falls back to the note', () => {
		expect(contentResultItem({ kind: 'needs_input', questions: [], note: 'Logo missing.' }, 'b').message).toBe(
			'Lamina needs more information: Logo missing.',
		);
	});

	test('unmatched without a reason', () => {
		expect(contentResultItem({ kind: 'unmatched' }, 'b')).toMatchObject({ status: 'unmatched', message: 'No Lamina app matches this brief.', reason: null });
	});
});
