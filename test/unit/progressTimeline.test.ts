import { ProgressTimeline } from '../../nodes/Lamina/shared/progressTimeline';
import type { LaminaRun } from '../../nodes/Lamina/shared/types';

const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const output = (label: string, status: string) => ({ label, status, type: status === 'completed' ? 'image' : 'pending' });
const run = (status: string, outputs: Array<ReturnType<typeof output>>, extra: Partial<LaminaRun> = {}): LaminaRun => ({
	runId: 'run_1',
	status,
	outputs,
	...extra,
});

describe('ProgressTimeline', () => {
	test('one entry per change: time, status, progress, the outputs that became ready', () => {
		const timeline = new ProgressTimeline(T0);
		timeline.see(run('queued', [output('Hero', 'pending'), output('Caption', 'pending')]), T0 + 10);
		timeline.see(run('running', [output('Hero', 'pending'), output('Caption', 'pending')], { progress: { percent: 0 } }), T0 + 1_000);
		timeline.see(run('running', [output('Hero', 'completed'), output('Caption', 'pending')], { progress: { percent: 50 } }), T0 + 61_500);
		timeline.see(run('completed', [output('Hero', 'completed'), output('Caption', 'completed')]), T0 + 90_000);
		expect(timeline.entries).toEqual([
			{ at: '2026-05-01T10:00:00.010Z', elapsedSeconds: 0.01, status: 'queued' },
			{ at: '2026-05-01T10:00:01.000Z', elapsedSeconds: 1, status: 'running', progress: { percent: 0 } },
			{ at: '2026-05-01T10:01:01.500Z', elapsedSeconds: 61.5, status: 'running', progress: { percent: 50 }, outputsReady: ['Hero'] },
			{ at: '2026-05-01T10:01:30.000Z', elapsedSeconds: 90, status: 'completed', outputsReady: ['Caption'] },
		]);
	});

	test('the same state seen again (a resumed stream, a long-poll answer) adds nothing', () => {
		const timeline = new ProgressTimeline(T0);
		const state = run('running', [output('Hero', 'pending')], { progress: { percent: 40 } });
		expect(timeline.see(state, T0)).toBe(true);
		expect(timeline.see({ ...state, outputs: [output('Hero', 'pending')] }, T0 + 5)).toBe(false);
		expect(timeline.see({ ...state, progress: { percent: 40 } }, T0 + 9)).toBe(false);
		expect(timeline.entries).toHaveLength(1);
	});

	test('a failed run says why, which outputs failed and where it was when it stopped', () => {
		const timeline = new ProgressTimeline(T0);
		const step = { percent: 50, currentNode: { id: 'gen', label: 'Animate' } };
		timeline.see(run('running', [output('Video', 'pending')], { progress: step }), T0 + 2_000);
		timeline.see(run('failed', [{ label: '', status: 'error', type: 'pending' }], { errorMessage: 'Model crashed' }), T0 + 9_000);
		expect(timeline.entries[1]).toEqual({
			at: '2026-05-01T10:00:09.000Z',
			elapsedSeconds: 9,
			status: 'failed',
			outputsFailed: ['Output 1'],
			errorMessage: 'Model crashed',
			lastProgress: step,
		});
	});
});
