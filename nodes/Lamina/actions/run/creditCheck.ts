/**
 * Max Credits per Run: each item's run is estimated before anything starts, and refused when it
 * costs more than the ceiling, when the workspace can't afford it, or (Check Balance for the Whole
 * Batch) when the balance covers only some of the batch. The decisions are pure functions.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { AppFetcher } from '../../transport/appDefinitions';
import type { LaminaApp } from '../../shared/types';
import { asNodeError } from '../perItem';

/** Options → Max Credits per Run of Run App. */
export const maxCreditsOption: INodeProperties = {
	displayName: 'Max Credits per Run',
	name: 'maxCreditsPerRun',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 10,
	description:
		"The most one item's run may cost. A run estimated to cost more, or one the workspace can't afford, is refused before it starts.",
};

/** Options → Check Balance for the Whole Batch of Run App (with Max Credits per Run). */
export const checkBalanceOption: INodeProperties = {
	displayName: 'Check Balance for the Whole Batch',
	name: 'checkBalanceForBatch',
	type: 'boolean',
	default: true,
	description:
		"Whether to check, before any run starts, that the balance covers every item's run; if not, the node says how many it covers and starts none",
};

export interface CreditOptions {
	maxCreditsPerRun?: number;
	checkBalanceForBatch?: boolean;
}

/** What Max Credits per Run reads of Lamina's estimate. */
export interface RunCost {
	expected: number;
	min?: number;
	max?: number;
	balance?: number;
	affordable?: boolean;
}

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Lamina's estimate as a cost; undefined when it names no expected number of credits. */
export function readRunCost(raw: unknown): RunCost | undefined {
	const data = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
	const credits = (data.estimatedCredits && typeof data.estimatedCredits === 'object' ? data.estimatedCredits : {}) as Record<string, unknown>;
	const expected = finite(credits.expected) ?? finite(data.estimatedCredits);
	if (expected === undefined) return undefined;
	return {
		expected,
		min: finite(credits.min),
		max: finite(credits.max),
		balance: finite(data.currentBalance),
		affordable: typeof data.affordable === 'boolean' ? data.affordable : undefined,
	};
}

export interface Refusal {
	message: string;
	description: string;
}

const credits = (n: number) => `${n} credit${n === 1 ? '' : 's'}`;
const range = (cost: RunCost) =>
	cost.min !== undefined && cost.max !== undefined && (cost.min !== cost.expected || cost.max !== cost.expected)
		? ` (${cost.min} to ${cost.max})`
		: '';

/** A run expected to cost more than the ceiling, or one the workspace can't pay for, is refused. */
export function runRefusal(cost: RunCost, ceiling: number, appName: string): Refusal | undefined {
	if (cost.expected > ceiling) {
		return {
			message: `Not started: a run of "${appName}" is estimated at ${credits(cost.expected)}${range(cost)}, above Max Credits per Run (${ceiling})`,
			description: `Nothing was started for this item. Raise Options → Max Credits per Run to at least ${cost.expected} to allow it, or pick a cheaper app (App → Estimate Cost shows the cost by step, App → Discover with Max Credits finds cheaper ones).`,
		};
	}
	const short = cost.balance !== undefined && cost.balance < cost.expected;
	if (cost.affordable === false || short) {
		return {
			message: `Not started: the workspace can't afford a run of "${appName}" (estimated ${credits(cost.expected)}${cost.balance !== undefined ? `, balance ${cost.balance}` : ''})`,
			description:
				"Nothing was started for this item. Top up the workspace's credits in the Lamina app (its billing settings), then run the node.",
		};
	}
	return undefined;
}

export interface Coverage {
	/** How many items, in order, the balance pays for. */
	covered: number;
	total: number;
	/** What all of them need together. */
	needed: number;
}

/** How many of the runs (costs in item order) the balance pays for, one after another. */
export function batchCoverage(costs: number[], balance: number): Coverage {
	let spent = 0;
	let covered = 0;
	for (const cost of costs) {
		if (spent + cost > balance) break;
		spent += cost;
		covered += 1;
	}
	// Once one run doesn't fit, the items after it are not run either: the order is the user's.
	return { covered, total: costs.length, needed: costs.reduce((sum, cost) => sum + cost, 0) };
}

export function batchRefusal(coverage: Coverage, balance: number): Refusal {
	return {
		message: `Not started: the workspace's balance (${credits(balance)}) covers ${coverage.covered} of the ${coverage.total} runs, which need about ${credits(coverage.needed)} in all`,
		description: `No run was started. Top up the workspace's credits in the Lamina app (its billing settings), or send fewer items (the first ${coverage.covered} fit). Under Continue On Fail the runs it covers go ahead and the others become error items; turn off Options → Check Balance for the Whole Batch to let Lamina refuse runs as the balance runs out instead.`,
	};
}

export interface CreditCheckItem {
	itemIndex: number;
	app: LaminaApp;
}

function refusalError(context: IExecuteFunctions, refusal: Refusal, itemIndex: number, code: string): NodeOperationError {
	const error = new NodeOperationError(context.getNode(), refusal.message, { description: refusal.description, itemIndex });
	error.context.laminaCode = code;
	return error;
}

/** The estimate of the item's app as a cost, or the item's error (no estimates on this server, say). */
async function costOf(context: IExecuteFunctions, fetchApp: AppFetcher, item: CreditCheckItem, fresh: boolean): Promise<{ cost: RunCost; current: boolean }> {
	let answer;
	try {
		answer = await fetchApp.estimate(item.app.appId, item.itemIndex, { fresh });
	} catch (error) {
		const failure = asNodeError(context, error, item.itemIndex);
		if (failure instanceof NodeApiError && failure.httpCode === '404') {
			throw refusalError(
				context,
				{
					message: `Max Credits per Run can't be checked: Lamina gave no cost estimate for "${item.app.name}"`,
					description:
						'This Lamina server answers no cost estimates (POST /v1/apps/{id}/estimate), so nothing was started. Remove Options → Max Credits per Run to run without the check.',
				},
				item.itemIndex,
				'NO_ESTIMATE',
			);
		}
		throw failure;
	}
	const cost = readRunCost(answer.data);
	if (!cost) {
		throw refusalError(
			context,
			{
				message: `Max Credits per Run can't be checked: Lamina's estimate for "${item.app.name}" names no expected credits`,
				description: 'Nothing was started. Check App → Estimate Cost for this app, or remove Options → Max Credits per Run.',
			},
			item.itemIndex,
			'NO_ESTIMATE',
		);
	}
	return { cost, current: answer.current };
}

/**
 * Every item's refusal (undefined: it may start), decided before any run starts. A refusal that
 * rests on an estimate cached from an earlier execution is checked against a fresh one first:
 * the balance may have been topped up since.
 */
export async function creditRefusals(
	context: IExecuteFunctions,
	items: Array<CreditCheckItem | undefined>,
	fetchApp: AppFetcher,
): Promise<Array<Error | undefined>> {
	const refusals: Array<Error | undefined> = new Array(items.length).fill(undefined);
	const costs = new Map<number, RunCost>();
	let latestBalance: number | undefined;
	for (const item of items) {
		if (!item) continue;
		const options = context.getNodeParameter('options', item.itemIndex, {}) as CreditOptions;
		if (typeof options.maxCreditsPerRun !== 'number') continue;
		try {
			let { cost, current } = await costOf(context, fetchApp, item, false);
			let refusal = runRefusal(cost, options.maxCreditsPerRun, item.app.name);
			if (refusal && !current) {
				({ cost, current } = await costOf(context, fetchApp, item, true));
				refusal = runRefusal(cost, options.maxCreditsPerRun, item.app.name);
			}
			if (current && cost.balance !== undefined) latestBalance = cost.balance;
			if (refusal) refusals[item.itemIndex] = refusalError(context, refusal, item.itemIndex, 'OVER_CREDIT_LIMIT');
			else if (options.checkBalanceForBatch !== false) costs.set(item.itemIndex, cost);
		} catch (error) {
			refusals[item.itemIndex] = asNodeError(context, error, item.itemIndex);
		}
	}

	const batch = [...costs.entries()].sort(([a], [b]) => a - b);
	if (batch.length < 2) return refusals;
	const balanceNow = async () => {
		if (latestBalance !== undefined) return latestBalance;
		const [itemIndex] = batch[0];
		return (await costOf(context, fetchApp, items[itemIndex]!, true)).cost.balance;
	};
	let balance = latestBalance ?? batch.find(([, cost]) => cost.balance !== undefined)?.[1].balance;
	if (balance === undefined) return refusals;
	let coverage = batchCoverage(batch.map(([, cost]) => cost.expected), balance);
	if (coverage.covered < coverage.total && latestBalance === undefined) {
		balance = (await balanceNow().catch(() => balance)) ?? balance;
		coverage = batchCoverage(batch.map(([, cost]) => cost.expected), balance);
	}
	if (coverage.covered === coverage.total) return refusals;
	const refusal = batchRefusal(coverage, balance);
	for (const [itemIndex] of batch.slice(coverage.covered)) {
		refusals[itemIndex] = refusalError(context, refusal, itemIndex, 'BALANCE_TOO_LOW');
	}
	return refusals;
}
