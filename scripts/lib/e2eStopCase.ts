/**
 * server-stop-execution: n8n's "Stop execution" in a real server ends Run App's work within a
 * second, during a long wait for the run and during a 200 MB download, and nothing is sent to
 * Lamina after the stop. It runs in the server session of e2eServerCases.ts.
 *
 * The workflow: Webhook → Run App (app, inputs and Download Outputs from the call's body).
 */
import assert from 'node:assert/strict';

import type { LoggedRequest } from '../../test/simulator/types';
import { CaseRun, post, waitFor, type Session } from './e2eServerCases';

export const STOP_WORKFLOW = {
	file: 'scripts/lib/e2e-workflows/server-stop-execution.json',
	id: 'E2eServerStop',
	startPath: 'lamina-e2e-stop',
} as const;

/** How soon after the stop the open request must be closed and the execution canceled. */
const STOP_WITHIN_MS = 1_000;
/** How long after the stop a late request (a retry, the next poll) would have shown up. */
const QUIET_AFTER_STOP_MS = 2_500;

interface Scenario {
	label: string;
	/** What the webhook call asks Run App to do. */
	body: Record<string, unknown>;
	/** The simulator request that must be open when the execution is stopped. */
	route: string;
	setUp(session: Session): void;
	tearDown(session: Session): void;
}

const SCENARIOS: Scenario[] = [
	{
		label: 'during a long wait for the run',
		body: { appId: 'app_caption', inputs: { Topic: 'stopped while waiting' } },
		route: 'GET /v1/runs/:runId/wait',
		setUp: ({ sim }) => sim.setAppBehaviour('app_caption', { durationMs: 120_000 }),
		tearDown: ({ sim }) => sim.setAppBehaviour('app_caption', { durationMs: 1_500 }),
	},
	{
		label: 'during a 200 MB download',
		body: { appId: 'app_video', inputs: { 'Product Image': 'https://cdn.example.com/p.png' }, download: true },
		route: 'GET /files/...',
		// 20 MB/s: the download would take 10 s.
		setUp: ({ sim }) => sim.setAppBehaviour('app_video', { durationMs: 500, outputBytes: 200 * 1024 * 1024, outputBytesPerSecond: 20 * 1024 * 1024 }),
		tearDown: ({ sim }) => sim.setAppBehaviour('app_video', { durationMs: 1_500, outputBytes: undefined, outputBytesPerSecond: undefined }),
	},
];

const isOpen = (route: string) => (entry: LoggedRequest) => entry.route === route && entry.closedAt === undefined;

async function stopDuring(session: Session, run: CaseRun, scenario: Scenario): Promise<void> {
	const { sim, rest, home } = session;
	scenario.setUp(session);
	try {
		let executionId = '';
		let request: LoggedRequest | undefined;
		const before = new Set((await rest.executions(STOP_WORKFLOW.id)).map((execution) => execution.id));
		await run.require(`${scenario.label}: the execution is running, with ${scenario.route} open at Lamina`, async () => {
			const answer = await post(`${home.url}/webhook/${STOP_WORKFLOW.startPath}`, JSON.stringify(scenario.body));
			assert.equal(answer.status, 200, `answered ${answer.status}: ${answer.text}`);
			request = await waitFor(`an open ${scenario.route}`, 30_000, () => sim.requestLog.find(isOpen(scenario.route)));
			const running = await waitFor('the running execution', 10_000, async () =>
				(await rest.executions(STOP_WORKFLOW.id)).find((execution) => !before.has(execution.id) && execution.status === 'running'),
			);
			executionId = running.id;
		});

		let stoppedAt = 0;
		await run.check(`${scenario.label}: Stop execution ends it within ${STOP_WITHIN_MS / 1000} s and closes the request to Lamina`, async () => {
			stoppedAt = Date.now();
			await rest.post(`/executions/${executionId}/stop`, {});
			const canceled = await waitFor('the execution to end', 10_000, async () => {
				const execution = await rest.execution(executionId);
				return ['running', 'new'].includes(execution.status) ? undefined : execution;
			});
			assert.equal(canceled.status, 'canceled', `the execution is "${canceled.status}"`);
			await waitFor(`${scenario.route} to close`, 10_000, () => (request!.closedAt !== undefined ? true : undefined));
			const closedAfter = request!.closedAt! - stoppedAt;
			assert.ok(closedAfter <= STOP_WITHIN_MS, `${scenario.route} closed ${closedAfter} ms after the stop`);
			assert.equal(request!.completed, false, `${scenario.route} was answered whole before the stop`);
		});

		await run.check(`${scenario.label}: nothing is sent to Lamina after the stop`, async () => {
			await new Promise((resolve) => setTimeout(resolve, QUIET_AFTER_STOP_MS));
			const late = sim.requestLog.filter((entry) => entry.receivedAt > stoppedAt).map((entry) => entry.route);
			assert.deepEqual(late, [], `requests after the stop: ${JSON.stringify(late)}`);
		});
	} finally {
		scenario.tearDown(session);
	}
}

export async function stopExecutionCases(session: Session): Promise<void> {
	for (const scenario of SCENARIOS) {
		await stopDuring(session, new CaseRun('server-stop-execution', session), scenario);
	}
}
