import type { IDataObject, INodeProperties } from 'n8n-workflow';

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

/** The output item for a run, whole or simplified, with a note when waiting ran out. */
export function runItem(raw: unknown, options: { appId?: string; simplify: boolean; timedOutAfterSeconds?: number }): IDataObject {
	const shaped = shapeRun(raw, options.appId);
	if (options.timedOutAfterSeconds !== undefined) {
		shaped.waitTimedOut = true;
		shaped.note = `Still ${String(shaped.status)} after ${options.timedOutAfterSeconds} s. Pass this runId to "Wait for Run" to collect the result later.`;
	}
	return options.simplify ? simplifyRun(shaped) : shaped;
}
