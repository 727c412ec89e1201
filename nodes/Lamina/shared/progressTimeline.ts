/**
 * "Include Progress": the states a run went through while the node waited, one entry per change
 * (status, Lamina's progress, an output becoming ready or failing). The same state seen again (a
 * stream that resumes, a long-poll answering) adds nothing. Pure: unit-tested.
 */
import type { IDataObject } from 'n8n-workflow';

import { isTerminal, outputName, runStateKey } from './runShape';
import type { LaminaRun } from './types';

export interface ProgressEntry extends IDataObject {
	/** When the node saw this state (n8n's clock). */
	at: string;
	/** Seconds since the node began waiting. */
	elapsedSeconds: number;
	status: string;
}

function outputStatuses(run: LaminaRun): string[] {
	return (Array.isArray(run.outputs) ? run.outputs : []).map((output) => String(output.status ?? ''));
}

export class ProgressTimeline {
	readonly entries: ProgressEntry[] = [];
	private lastKey?: string;
	private lastStatuses: string[] = [];
	private lastProgress?: unknown;

	constructor(private readonly startedAt = Date.now()) {}

	/** Records `run` when it differs from the state seen last; returns whether it did. */
	see(run: LaminaRun, now = Date.now()): boolean {
		const key = runStateKey(run);
		if (key === this.lastKey) return false;
		this.lastKey = key;
		const statuses = outputStatuses(run);

		const entry: ProgressEntry = {
			at: new Date(now).toISOString(),
			elapsedSeconds: Math.max(0, Math.round(now - this.startedAt) / 1000),
			status: run.status,
		};
		if (run.progress !== undefined && run.progress !== null) entry.progress = run.progress as IDataObject;
		const changed = (wanted: (status: string) => boolean) =>
			(run.outputs ?? []).flatMap((output, i) =>
				wanted(statuses[i]) && statuses[i] !== this.lastStatuses[i] ? [outputName(output, i)] : [],
			);
		const ready = changed((status) => status === 'completed');
		const failed = changed((status) => status === 'error' || status === 'cancelled');
		if (ready.length) entry.outputsReady = ready;
		if (failed.length) entry.outputsFailed = failed;
		if (isTerminal(run) && run.status !== 'completed') {
			if (run.errorMessage) entry.errorMessage = run.errorMessage;
			// Lamina drops `progress` once a run ends: say where it was when it stopped.
			if (entry.progress === undefined && this.lastProgress !== undefined) entry.lastProgress = this.lastProgress as IDataObject;
		}
		if (entry.progress !== undefined) this.lastProgress = entry.progress;
		this.lastStatuses = statuses;
		this.entries.push(entry);
		return true;
	}
}
