/**
 * Reading a run of any kind: by its kind's status endpoint when the kind is known, otherwise
 * found as Lamina's CLI does, by asking each kind's endpoint in turn (a 404 means "not this kind").
 */
import { NodeApiError } from 'n8n-workflow';

import { LOOKUP_ORDER, RUN_KINDS, runOfKind, type RunKind } from '../shared/runKinds';
import type { LaminaRun } from '../shared/types';
import { laminaRequest, unwrapData, type LaminaContext } from './index';

export interface FoundRun {
	kind: RunKind;
	run: LaminaRun;
}

/** The run's status from its kind's endpoint; a 404 throws as any request's does. */
export async function getRunOfKind(this: LaminaContext, kind: RunKind, runId: string, itemIndex: number): Promise<LaminaRun> {
	const response = await laminaRequest.call(this, {
		method: 'GET',
		path: RUN_KINDS[kind].statusPath(runId),
		subject: RUN_KINDS[kind].subject(runId),
		itemIndex,
	});
	return runOfKind(kind, unwrapData(response.body));
}

/** The run among `kinds` (in lookup order), or undefined when every endpoint answers 404. */
export async function findRunAmong(this: LaminaContext, kinds: RunKind[], runId: string, itemIndex: number): Promise<FoundRun | undefined> {
	for (const kind of LOOKUP_ORDER.filter((k) => kinds.includes(k))) {
		const response = await laminaRequest.call(this, {
			method: 'GET',
			path: RUN_KINDS[kind].statusPath(runId),
			subject: RUN_KINDS[kind].subject(runId),
			itemIndex,
			acceptStatuses: [404],
		});
		if (response.statusCode === 404) continue;
		return { kind, run: runOfKind(kind, unwrapData(response.body)) };
	}
	return undefined;
}

export function isNotFound(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && String(error.httpCode) === '404';
}

/** A "not found" for an app run that is no model or freestyle run either: says that it was looked for as each. */
export function notFoundAsAnyKind(error: NodeApiError, runId: string): NodeApiError {
	const looked = `Lamina has no app run, model run or freestyle run with ID "${runId}".`;
	if (!(error.description ?? '').includes(looked)) error.description = [looked, error.description].filter(Boolean).join(' ');
	return error;
}

/**
 * A run of any kind by ID: the app run's endpoint first (an app run costs one request, as ever),
 * then the others'. None knows it: the app endpoint's own not-found error, saying all were asked.
 */
export async function lookUpRun(this: LaminaContext, runId: string, itemIndex: number, known?: RunKind): Promise<FoundRun> {
	if (known) return { kind: known, run: await getRunOfKind.call(this, known, runId, itemIndex) };
	const app = await settled(getRunOfKind.call(this, 'app', runId, itemIndex));
	if ('value' in app) return { kind: 'app', run: app.value };
	if (!isNotFound(app.error)) throw app.error;
	const found = await findRunAmong.call(this, ['model', 'freestyle'], runId, itemIndex);
	if (found) return found;
	throw notFoundAsAnyKind(app.error, runId);
}

/** A promise's value or its failure, to act on a failure without a catch clause. */
export async function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
	return await promise.then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
}
