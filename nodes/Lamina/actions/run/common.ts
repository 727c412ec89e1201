import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { ProgressTimeline } from '../../shared/progressTimeline';
import { shapeRun, simplifyRun } from '../../shared/runShape';

export const DEFAULT_MAX_WAIT_SECONDS = 600;

/** Where Wait for Webhook keeps the run it waits for: the execution's custom data. */
export const WAITED_RUN_KEY = 'laminaRunId';
export const WAITED_APP_KEY = 'laminaAppId';

export function maxWaitOption(operations: string[]): INodeProperties {
	return {
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		description:
			'How long to wait for the run to finish. When it runs out, the item carries the run ID and status so "Wait for Run" can pick it up later; the run is not cancelled.',
		displayOptions: { show: { resource: ['run'], operation: operations } },
	};
}

export function simplifyOption(operations: string[]): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description:
			'Whether to return only runId, status, outputsByLabel, the first media URL and the first text instead of the whole run',
		displayOptions: { show: { resource: ['run'], operation: operations } },
	};
}

/** "Include Progress", for an Options collection of an operation that waits for a run. */
export const includeProgressOption: INodeProperties = {
	displayName: 'Include Progress',
	name: 'includeProgress',
	type: 'boolean',
	default: false,
	description:
		"Whether to wait over Lamina's live event stream and add a progress field: one entry per change seen (time, status, Lamina's progress, outputs that became ready or failed), e.g. to see where a long video run spent its time or which step failed",
};

/** A fresh timeline when the item asked for progress. */
export function progressTimeline(includeProgress: boolean | undefined): ProgressTimeline | undefined {
	return includeProgress ? new ProgressTimeline() : undefined;
}

export function runIdField(operations: string[], description: string): INodeProperties {
	return {
		displayName: 'Run ID',
		name: 'runId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. run_7c1e...',
		description,
		displayOptions: { show: { resource: ['run'], operation: operations } },
	};
}

export interface RunItemOptions {
	appId?: string;
	simplify: boolean;
	timedOutAfterSeconds?: number;
	/** Include Progress: the states seen while waiting (kept with Simplify too). */
	timeline?: ProgressTimeline;
}

/** The output item for a run, whole or simplified, with a note when waiting ran out. */
export function runItem(raw: unknown, options: RunItemOptions): IDataObject {
	const shaped = shapeRun(raw, options.appId);
	if (options.timedOutAfterSeconds !== undefined) {
		shaped.waitTimedOut = true;
		shaped.note = `Still ${String(shaped.status)} after ${options.timedOutAfterSeconds} s. Pass this runId to "Wait for Run" to collect the result later.`;
	}
	const item = options.simplify ? simplifyRun(shaped) : shaped;
	if (options.timeline) item.progress = options.timeline.entries;
	return item;
}
