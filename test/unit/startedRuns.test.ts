import { startedRunsNotes, withoutRerunAdvice } from '../../nodes/Lamina/actions/run/startedRuns';
import { describeUncertainStart, startMayHaveHappened } from '../../nodes/Lamina/transport/laminaError';

describe('startedRunsNotes', () => {
	const runs = [
		{ itemIndex: 0, runId: 'run_a', status: 'running' },
		{ itemIndex: 1, runId: 'run_b', status: 'failed' },
		{ itemIndex: 2, runId: 'run_c', status: 'completed' },
		{ itemIndex: 3, runId: 'run_d' },
	];

	test('runs this node started: still running, ended (with status), and never "run the node again"', () => {
		expect(startedRunsNotes(runs, 'started')).toEqual([
			'Still running in Lamina, not waited for (collect them with "Wait for Run"): item 0: run_a, item 3: run_d.',
			'Ended in Lamina, not output (see them with "Get Run"): item 1: run_b (failed), item 2: run_c (completed).',
			'Each of these runs was started once and Lamina keeps it: pass its run ID to "Wait for Run" (or "Get Run") to collect it. Running this node again would start all of them a second time.',
		]);
	});

	test('runs it was given to wait for: no warning about starting them again', () => {
		expect(startedRunsNotes(runs.slice(0, 1), 'given')).toEqual([
			'Still running in Lamina, not waited for (collect them with "Wait for Run"): item 0: run_a.',
		]);
	});

	test('no runs, no notes', () => {
		expect(startedRunsNotes([], 'started')).toEqual([]);
	});
});

describe('withoutRerunAdvice', () => {
	test.each([
		['This is on Lamina’s side and usually passes. Run the node again in a minute. (Code: INTERNAL_ERROR)', 'This is on Lamina’s side and usually passes. (Code: INTERNAL_ERROR)'],
		['The connection failed before Lamina answered. Check the network, then run the node again. (Code: ECONNRESET)', 'The connection failed before Lamina answered. (Code: ECONNRESET)'],
		['Run the node again; if it keeps failing, contact Lamina support with the request ID. (Code: X · Request ID: r1)', 'If it keeps failing, contact Lamina support with the request ID. (Code: X · Request ID: r1)'],
		['Check the inputs and run again; if it keeps failing, send Lamina support the run ID.', 'Check the inputs and run again; if it keeps failing, send Lamina support the run ID.'],
		['', ''],
	])('%s', (description, expected) => {
		expect(withoutRerunAdvice(description)).toBe(expected);
	});
});

describe('startMayHaveHappened', () => {
	test.each([
		[{ statusCode: 500 }, true],
		[{ statusCode: 502 }, true],
		[{ statusCode: 504 }, true],
		[{ networkErrorCode: 'ECONNRESET' }, true],
		[{ networkErrorCode: 'ETIMEDOUT' }, true],
		[{ networkErrorCode: 'ECONNABORTED' }, true],
		[{}, true],
		[{ statusCode: 503 }, false],
		[{ statusCode: 429 }, false],
		[{ statusCode: 400 }, false],
		[{ statusCode: 401 }, false],
		[{ statusCode: 302 }, false],
		[{ networkErrorCode: 'ECONNREFUSED' }, false],
		[{ networkErrorCode: 'ENOTFOUND' }, false],
	])('%j → %s', (failure, expected) => {
		expect(startMayHaveHappened(failure)).toBe(expected);
	});
});

describe('describeUncertainStart', () => {
	const sentAt = Date.parse('2026-03-01T12:00:30.250Z');

	test('says how to check (a minute before the request, by app) and keeps Lamina’s references', () => {
		const described = describeUncertainStart({
			message: 'Lamina is unavailable right now (HTTP 500)',
			description: 'This is on Lamina’s side and usually passes. Run the node again in a minute. (Code: INTERNAL_ERROR · Request ID: r1)',
			appId: 'app_portrait',
			sentAt,
		});
		expect(described.since).toBe('2026-03-01T11:59:30.000Z');
		expect(described.message).toBe('Lamina is unavailable right now (HTTP 500); the run may have started');
		expect(described.description).toContain('Run → Get Many, Filters App ID "app_portrait" and Since 2026-03-01T11:59:30.000Z (no Status filter)');
		expect(described.description).toMatch(/\(Code: INTERNAL_ERROR · Request ID: r1\)$/);
		expect(described.description).not.toMatch(/run the node again/i);
	});

	test('without an app (a brief), only the time', () => {
		const described = describeUncertainStart({ message: 'x', description: 'no reference', sentAt });
		expect(described.description).toContain('Filters Since 2026-03-01T11:59:30.000Z (no Status filter)');
		expect(described.description).toMatch(/listed\.$/);
	});
});
