import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData | INodeExecutionData[];

const ITEM_KEYS = new Set(['json', 'binary', 'pairedItem', 'error']);

function isExecutionData(value: unknown): value is INodeExecutionData {
	if (!value || typeof value !== 'object') return false;
	const keys = Object.keys(value);
	return (
		keys.includes('json') &&
		keys.every((key) => ITEM_KEYS.has(key)) &&
		typeof (value as INodeExecutionData).json === 'object'
	);
}

export function toItems(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) =>
		isExecutionData(entry)
			? { ...entry, pairedItem: { item: itemIndex } }
			: { json: entry as IDataObject, pairedItem: { item: itemIndex } },
	);
}

/** What an error item shows of the error's context: Lamina's references and the run it is about. */
const CONTEXT_KEYS = ['laminaCode', 'requestId', 'runId', 'status', 'outputsByLabel', 'outputErrors', 'progress', 'mayHaveStarted', 'since'];

/** An error as the item a user sees under "Continue On Fail": message, advice and Lamina's references. */
export function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	const withContext = error as Error & { description?: string | null; context?: IDataObject };
	if (withContext.description) json.description = withContext.description;
	const context = withContext.context ?? {};
	for (const key of CONTEXT_KEYS) {
		if (context[key] !== undefined) json[key === 'laminaCode' ? 'code' : key] = context[key];
	}
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return { json, pairedItem: { item: itemIndex } };
}

export function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * Runs `handler` for every input item, at most `concurrency` at a time, and returns the output
 * in input order with pairedItem set. Under "Continue On Fail" a failing item becomes an error
 * item; otherwise the first failure stops new items from starting and is thrown once the items
 * already in flight have settled.
 */
export async function forEachItem(
	this: IExecuteFunctions,
	itemCount: number,
	handler: (itemIndex: number) => Promise<ItemResult>,
	concurrency = 1,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array(itemCount);
	const continueOnFail = this.continueOnFail();
	let next = 0;
	let firstError: Error | undefined;

	const worker = async () => {
		while (next < itemCount && !firstError) {
			const itemIndex = next++;
			try {
				results[itemIndex] = toItems(await handler(itemIndex), itemIndex);
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (continueOnFail) results[itemIndex] = [errorItem(nodeError, itemIndex)];
				else firstError ??= nodeError;
			}
		}
	};

	const workers = Math.max(1, Math.min(concurrency, itemCount));
	await Promise.all(Array.from({ length: workers }, worker));
	if (firstError) throw firstError;
	return results.flat();
}
