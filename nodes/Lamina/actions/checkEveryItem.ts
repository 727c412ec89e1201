import type { IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from './perItem';

/**
 * Runs the request-free checks of every item before any item sends a request, so one bad item
 * stops the node before anything is uploaded or started. Checks may be async (and run together). Under "Continue On Fail" a failed
 * check is kept instead, for `forEachItem` to turn into that item's error item.
 */
export async function checkEveryItem<T>(
	context: IExecuteFunctions,
	itemCount: number,
	check: (itemIndex: number) => T | Promise<T>,
): Promise<Array<T | NodeApiError | NodeOperationError>> {
	const continueOnFail = context.continueOnFail();
	return await Promise.all(
		Array.from({ length: itemCount }, async (_, itemIndex) => {
			try {
				return await check(itemIndex);
			} catch (error) {
				const nodeError = asNodeError(context, error, itemIndex);
				if (!continueOnFail) throw nodeError;
				return nodeError;
			}
		}),
	);
}

/** The checked value of an item, or its failed check thrown again. */
export function checked<T>(value: T): Exclude<T, Error> {
	if (value instanceof Error) throw value;
	return value as Exclude<T, Error>;
}
