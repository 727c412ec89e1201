import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ProgressTimeline } from '../../shared/progressTimeline';
import { shapeRun, simplifyRun } from '../../shared/runShape';
import { toList } from '../listValue';
import { FROM_V1_1, isVersion1, ONLY_V1 } from '../versions';

/** Version 1's Max Wait Time (Seconds), which saved workflows keep. */
export const DEFAULT_MAX_WAIT_SECONDS = 600;

/** Where Wait for Webhook keeps the run it waits for: the execution's custom data. */
export const WAITED_RUN_KEY = 'laminaRunId';
export const WAITED_APP_KEY = 'laminaAppId';

/** Version 1: Max Wait Time in seconds (saved workflows keep it; `maxWaitSeconds`). */
export function maxWaitOption(operations: string[]): INodeProperties {
	return {
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		description:
			'How long to wait for the run to finish. When it runs out, the item carries the run ID for "Wait for Run"; the run is not cancelled.',
		displayOptions: { show: { resource: ['run'], operation: operations, ...ONLY_V1 } },
	};
}

export const WAIT_UNITS = { seconds: 1, minutes: 60, hours: 3_600, days: 86_400 } as const;
export type WaitUnit = keyof typeof WAIT_UNITS;

/** An amount of a unit in seconds, or undefined when it is not a positive amount of a known unit. */
export function waitSeconds(amount: unknown, unit: unknown): number | undefined {
	const value = typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : amount;
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
	if (typeof unit !== 'string' || !(unit in WAIT_UNITS)) return undefined;
	return value * WAIT_UNITS[unit as WaitUnit];
}

/** What each Wait Mode choice says for one operation (how it waits differs by run kind). */
export interface WaitModeTexts {
	completion: string;
	webhook: string;
	none: string;
}

/**
 * Wait Mode: Wait for Completion, Wait for Webhook, Don't Wait; as an AI Agent's tool without Wait
 * for Webhook (the agent needs the result in this execution).
 */
export function waitModeFields(show: NonNullable<IDisplayOptions['show']>, texts: WaitModeTexts): INodeProperties[] {
	const completion = { name: 'Wait for Completion', value: 'wait', description: texts.completion };
	const webhook = { name: 'Wait for Webhook', value: 'webhook', description: texts.webhook };
	const none = { name: "Don't Wait", value: 'none', description: texts.none };
	const field = { displayName: 'Wait Mode', name: 'waitMode', type: 'options' as const, noDataExpression: true, default: 'wait' };
	return [
		{ ...field, options: [completion, webhook, none], displayOptions: { show, hide: { '@tool': [true] } } },
		{ ...field, options: [completion, none], displayOptions: { show: { ...show, '@tool': [true] } } },
	];
}

/**
 * Version 1.1's Max Wait Time: an amount and a unit, with its own default per way of waiting.
 * Holding a request open (completion) is bounded by minutes; a waiting execution (webhook) sits
 * in n8n's database, so it waits as long as n8n's own Wait node does by default.
 */
export const MAX_WAIT = {
	completion: { amount: 'maxWaitAmount', unit: 'maxWaitUnit', defaultAmount: 10 },
	webhook: { amount: 'webhookMaxWaitAmount', unit: 'webhookMaxWaitUnit', defaultAmount: 45 },
} as const;
export type MaxWaitKind = keyof typeof MAX_WAIT;

const MAX_WAIT_UNIT: INodeProperties = {
	displayName: 'Max Wait Unit',
	name: MAX_WAIT.completion.unit,
	type: 'options',
	options: [
		{ name: 'Seconds', value: 'seconds' },
		{ name: 'Minutes', value: 'minutes' },
		{ name: 'Hours', value: 'hours' },
		{ name: 'Days', value: 'days' },
	],
	default: 'minutes',
};

const MAX_WAIT_AMOUNT: Record<MaxWaitKind, INodeProperties> = {
	completion: {
		displayName: 'Max Wait Time',
		name: MAX_WAIT.completion.amount,
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		description: 'How long to wait for the run to finish. After that the item carries the run ID for "Wait for Run"; the run goes on.',
	},
	webhook: {
		displayName: 'Max Wait Time',
		name: MAX_WAIT.webhook.amount,
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 45,
		description: 'How long the execution waits for Lamina’s call. After that n8n goes on with the input item; the run goes on.',
	},
};

/** Max Wait Time as version 1.1 shows it: an amount and a unit (version 1 keeps maxWaitOption). */
export function maxWaitFields(kind: MaxWaitKind, show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	const displayOptions = { show: { ...show, ...FROM_V1_1 } };
	return [
		{ ...MAX_WAIT_AMOUNT[kind], displayOptions },
		{ ...MAX_WAIT_UNIT, name: MAX_WAIT[kind].unit, displayOptions },
	];
}

/** How long this item waits, in seconds: version 1's Max Wait Time (Seconds), or the amount and unit. */
export function maxWaitSecondsOf(context: IExecuteFunctions, itemIndex: number, kind: MaxWaitKind): number {
	if (isVersion1(context.getNode())) {
		return context.getNodeParameter('maxWaitSeconds', itemIndex, DEFAULT_MAX_WAIT_SECONDS) as number;
	}
	const names = MAX_WAIT[kind];
	const amount = context.getNodeParameter(names.amount, itemIndex, names.defaultAmount);
	const unit = context.getNodeParameter(names.unit, itemIndex, 'minutes');
	const seconds = waitSeconds(amount, unit);
	if (seconds === undefined) {
		throw new NodeOperationError(context.getNode(), `Max Wait Time is not a positive amount: "${String(amount)} ${String(unit)}"`, {
			description: `Give a number above 0 and one of the units ${Object.keys(WAIT_UNITS).join(', ')}, e.g. 10 minutes.`,
			itemIndex,
		});
	}
	return seconds;
}

/** Max Wait Time checked before anything starts: a wrong amount must not leave a started run behind. */
export function checkMaxWait(context: IExecuteFunctions, itemIndex: number): void {
	const waitMode = context.getNodeParameter('waitMode', itemIndex, 'wait');
	if (waitMode === 'wait' || waitMode === 'webhook') maxWaitSecondsOf(context, itemIndex, waitMode === 'webhook' ? 'webhook' : 'completion');
}

/** Only These Outputs: version 1 keeps comma-separated labels, 1.1 picks them from the app's outputs. */
export function outputLabels(value: unknown): string[] {
	return toList(value);
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
	description: 'Whether to add a progress field: one entry per change seen while waiting (status, progress, outputs ready)',
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
