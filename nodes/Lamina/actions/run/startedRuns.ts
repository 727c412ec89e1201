/**
 * Every run a node execution started (or was given to wait for), by item, as last seen, so that
 * however the node fails none is lost: the error that ends the node lists them all and says how
 * to collect them, and an item's own error (Continue On Fail) carries its run. Run App, Wait for
 * Run and Create from Brief all account for their runs here.
 */
import type { IDataObject, IExecuteFunctions, NodeOperationError } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeUncertainStart, startMayHaveHappened } from '../../transport/laminaError';
import { isTerminal, outputsByLabel } from '../../shared/runShape';
import type { LaminaRun } from '../../shared/types';
import { asNodeError } from '../perItem';

export type NodeError = NodeApiError | NodeOperationError;

export interface TrackedRun {
	itemIndex: number;
	runId: string;
	/** As last seen; undefined for a given run not looked at yet. */
	status?: string;
	run?: LaminaRun;
}

/** Runs this node started (running it again starts them again), or runs it was given to wait for. */
export type RunOrigin = 'started' | 'given';

const entry = (run: TrackedRun, withStatus: boolean) =>
	`item ${run.itemIndex}: ${run.runId}${withStatus && run.status ? ` (${run.status})` : ''}`;

/** The lines that account for `runs` in the error that ends the node. */
export function startedRunsNotes(runs: TrackedRun[], origin: RunOrigin): string[] {
	if (!runs.length) return [];
	const ended = runs.filter((run) => run.status !== undefined && isTerminal({ status: run.status }));
	const going = runs.filter((run) => !ended.includes(run));
	return [
		going.length
			? `Still running in Lamina, not waited for (collect them with "Wait for Run"): ${going.map((run) => entry(run, false)).join(', ')}.`
			: undefined,
		ended.length ? `Ended in Lamina, not output (see them with "Get Run"): ${ended.map((run) => entry(run, true)).join(', ')}.` : undefined,
		origin === 'started'
			? 'Each of these runs was started once and Lamina keeps it: pass its run ID to "Wait for Run" (or "Get Run") to collect it. Running this node again would start all of them a second time.'
			: undefined,
	].filter((line): line is string => line !== undefined);
}

const RERUN_ADVICE = /\brun the (node|app) again\b/i;

/** A sentence without its clauses that advise running again ("Run the node again; if it keeps failing, ..."). */
function withoutRerunClause(sentence: string): string {
	if (!RERUN_ADVICE.test(sentence)) return sentence;
	const rest = sentence
		.split(/;\s+/)
		.filter((clause) => !RERUN_ADVICE.test(clause))
		.join('; ');
	return rest ? rest[0].toUpperCase() + rest.slice(1) : '';
}

/** The description without its advice to run the node again: with runs started, that starts them twice. */
export function withoutRerunAdvice(description: string): string {
	return description
		.split(/(?<=\.)\s+/)
		.map(withoutRerunClause)
		.filter(Boolean)
		.join(' ')
		.trim();
}

export class StartedRuns {
	private readonly runs = new Map<number, TrackedRun>();

	constructor(readonly origin: RunOrigin) {}

	add(itemIndex: number, runId: string, status?: string): void {
		this.runs.set(itemIndex, { itemIndex, runId, status });
	}

	/** The run's latest state, from any way of waiting. */
	seen(itemIndex: number, run: LaminaRun): void {
		const tracked = this.runs.get(itemIndex);
		if (!tracked || (run.runId !== undefined && run.runId !== tracked.runId)) return;
		tracked.status = run.status;
		tracked.run = run;
	}

	list(): TrackedRun[] {
		return [...this.runs.values()].sort((a, b) => a.itemIndex - b.itemIndex);
	}

	/**
	 * An item's error carries its run: the ID, the status as last seen, a completed run's outputs.
	 * With `advise` (the error is the item's result, under Continue On Fail) it also says how to
	 * collect a run that is not over for this item, in place of advice to run the node again.
	 */
	attachTo(error: NodeError, itemIndex: number, { advise }: { advise: boolean }): NodeError {
		const tracked = this.runs.get(itemIndex);
		if (!tracked) return error;
		error.context.runId ??= tracked.runId;
		if (tracked.status !== undefined) error.context.status ??= tracked.status;
		if (tracked.run?.status === 'completed' && Array.isArray(tracked.run.outputs)) {
			error.context.outputsByLabel ??= outputsByLabel(tracked.run.outputs);
		}
		if (!advise || this.origin !== 'started' || tracked.status === 'failed' || tracked.status === 'cancelled') return error;
		const pointer =
			tracked.status === 'completed'
				? `Its run ${tracked.runId} completed in Lamina: get its outputs again with "Get Run" (this runId) rather than running this node again, which would start another run.`
				: `Its run ${tracked.runId} was started${tracked.status ? ` (last seen ${tracked.status})` : ''}: collect it with "Wait for Run" (this runId) rather than running this node again, which would start another run.`;
		error.description = [withoutRerunAdvice(error.description ?? ''), pointer].filter(Boolean).join(' ');
		return error;
	}

	/** The error that ends the node: every run listed (item → runId), with how to collect them. */
	accountFor(error: NodeError): NodeError {
		const runs = this.list();
		if (!runs.length) return error;
		const notes = startedRunsNotes(runs, this.origin);
		const description = this.origin === 'started' ? withoutRerunAdvice(error.description ?? '') : (error.description ?? '');
		error.description = [description, ...notes].filter(Boolean).join('\n');
		error.context.runs = runs.map((run): IDataObject => ({ item: run.itemIndex, runId: run.runId, status: run.status ?? null }));
		return error;
	}
}

/**
 * Sends a request that starts a run. A failure that leaves open whether Lamina started it (a
 * server error, a reset, a timeout) says so and how to check; it is never simply "run it again".
 */
export async function sendStart<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	appId: string | undefined,
	send: () => Promise<T>,
): Promise<T> {
	const sentAt = Date.now();
	try {
		return await send();
	} catch (error) {
		const failure = asNodeError(context, error, itemIndex);
		if (failure instanceof NodeApiError && !failure.context.mayHaveStarted) {
			const statusCode = failure.httpCode ? Number(failure.httpCode) : undefined;
			const networkErrorCode = statusCode === undefined ? (failure.context.laminaCode as string | undefined) : undefined;
			if (startMayHaveHappened({ statusCode, networkErrorCode })) {
				const uncertain = describeUncertainStart({ message: failure.message, description: failure.description ?? '', appId, sentAt });
				failure.message = uncertain.message;
				failure.description = uncertain.description;
				failure.context.mayHaveStarted = true;
				failure.context.since = uncertain.since;
			}
		}
		throw failure;
	}
}
