import { pollDelayMs, runOfKind } from '../../nodes/Lamina/shared/runKinds';
import { shapeRun } from '../../nodes/Lamina/shared/runShape';

test('a model run: its single output becomes outputs[0], its own fields stay', () => {
	const run = runOfKind('model', {
		runId: 'gen_1',
		status: 'completed',
		model: 'imagen-4',
		resolvedParams: { prompt: 'x' },
		output: { type: 'image', url: 'https://cdn/x.png' },
		errorMessage: null,
		startedAt: 'a',
		completedAt: 'b',
		createdAt: 'c',
	});
	expect(shapeRun(run)).toEqual({
		runId: 'gen_1',
		kind: 'model',
		status: 'completed',
		errorMessage: null,
		createdAt: 'c',
		startedAt: 'a',
		completedAt: 'b',
		model: 'imagen-4',
		resolvedParams: { prompt: 'x' },
		outputs: [{ label: 'Output', type: 'image', value: 'https://cdn/x.png', status: 'completed' }],
		outputsByLabel: { Output: 'https://cdn/x.png' },
	});
});

test('a model run without output yet has no outputs', () => {
	expect(runOfKind('model', { runId: 'g', status: 'running', output: null }).outputs).toEqual([]);
});

test('an app run is shaped as before, plus kind "app"', () => {
	const shaped = shapeRun({ runId: 'run_1', status: 'queued', outputs: [] }, 'app_x');
	expect(shaped).toEqual({
		runId: 'run_1',
		kind: 'app',
		appId: 'app_x',
		status: 'queued',
		errorMessage: null,
		createdAt: null,
		startedAt: null,
		completedAt: null,
		outputs: [],
		outputsByLabel: {},
	});
});

test('poll cadence: images from 1 s backing off to 5 s, videos from 3 s to 15 s', () => {
	expect([0, 1, 2, 3, 4, 5, 10].map((poll) => pollDelayMs('image', poll))).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000]);
	expect([0, 1, 2, 5, 10].map((poll) => pollDelayMs('video', poll))).toEqual([3000, 4500, 6750, 15000, 15000]);
	expect(pollDelayMs(undefined, 0)).toBe(1000);
});
