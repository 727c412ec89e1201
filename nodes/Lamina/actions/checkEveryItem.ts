import type { IExecuteFunctions } from 'n8n-workflow';

import { asNodeError } from './perItem';

/**
 * Runs the request-free checks of every item before any item sends a request, so one bad item
 * stops the node before anything is uploaded or started. Under "Continue On Fail" a failed
 * check is kept instead, for `forEachItem` to turn into that item's error item.
 */
export function checkEveryItem<T>(
	context: IExecuteFunctions,
	itemCount: number,
	check: (itemIndex: number) => T,
): Array<T | Error> {
	const continueOnFail = context.continueOnFail();
	return Array.from({ length: itemCount }, (_, itemIndex) => {
		try {
			return check(itemIndex);
		} catch (error) {
			const nodeError = asNodeError(context, error, itemIndex);
			if (!continueOnFail) throw nodeError;
			return nodeError;
		}
	});
}

/** The checked value of an item, or its failed check thrown again. */
export function checked<T>(value: T | Error): T {
	if (value instanceof Error) throw value;
	return value;
}
