import { normaliseRun, outputErrors, outputsByLabel, shapeRun, simplifyRun } from '../../nodes/Lamina/shared/runShape';

const run = {
	runId: 'run_1',
	workflowId: 'wf_1',
	status: 'completed',
	errorMessage: null,
	createdAt: '2026-11-23T10:00:00Z',
	startedAt: '2026-11-23T10:00:01Z',
	completedAt: '2026-11-23T10:00:09Z',
	outputs: [
		{ id: 'o1', label: 'Hero Image', type: 'image', value: 'https://cdn/x.png', status: 'completed', error: null },
		{ id: 'o2', label: 'Caption', type: 'text', value: 'Hello', status: 'completed', error: null },
		{ id: 'o3', label: 'Extra', type: 'pending', value: null, status: 'error', error: 'boom' },
	],
};

test('shapeRun keeps the raw outputs and adds completed ones by label', () => {
	const shaped = shapeRun(run, 'app_portrait');
	expect(shaped).toMatchObject({ runId: 'run_1', appId: 'app_portrait', status: 'completed', workflowId: 'wf_1' });
	expect(shaped.outputs).toHaveLength(3);
	expect(shaped.outputsByLabel).toEqual({ 'Hero Image': 'https://cdn/x.png', Caption: 'Hello' });
});

test('executionId becomes runId', () => {
	const legacy = normaliseRun({ executionId: 'ex_9', status: 'queued' });
	expect(legacy.runId).toBe('ex_9');
	expect('executionId' in legacy).toBe(false);
});

test('outputs without labels get stable names', () => {
	expect(outputsByLabel([{ value: 'a', status: 'completed' }, { label: '', value: 'b' }])).toEqual({
		'Output 1': 'a',
		'Output 2': 'b',
	});
});

test('simplify keeps the few fields most workflows map', () => {
	expect(simplifyRun(shapeRun(run))).toEqual({
		runId: 'run_1',
		status: 'completed',
		outputsByLabel: { 'Hero Image': 'https://cdn/x.png', Caption: 'Hello' },
		url: 'https://cdn/x.png',
		text: 'Hello',
	});
});

test('outputErrors names an unlabelled output by its real position among all outputs', () => {
	const outputs = [
		{ label: 'Hero Image', type: 'image', value: 'https://cdn/x.png', status: 'completed', error: null },
		{ type: 'pending', value: null, status: 'completed', error: null },
		{ type: 'pending', value: null, status: 'error', error: 'timed out' },
		{ label: '', type: 'pending', value: null, status: 'error', error: null },
	];
	expect(outputErrors(outputs)).toEqual(['Output 3: timed out', 'Output 4: failed']);
});
