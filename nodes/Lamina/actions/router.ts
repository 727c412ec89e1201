import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as app from './app';
import * as run from './run';
import { createAppCache } from './appLocator';
import { forEachItem } from './perItem';

/** Reads resource and operation once and hands the items to that operation. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const fetchApp = createAppCache(this);

	switch (`${resource}.${operation}`) {
		case 'app.getAll':
			return [await forEachItem.call(this, itemCount, (i) => app.getAll.execute.call(this, i))];
		case 'app.get':
			return [await forEachItem.call(this, itemCount, (i) => app.get.execute.call(this, i, fetchApp))];
		case 'run.create':
			return [await run.create.execute.call(this, itemCount, fetchApp)];
		case 'run.get':
			return [await forEachItem.call(this, itemCount, (i) => run.get.execute.call(this, i))];
		case 'run.getAll':
			return [await forEachItem.call(this, itemCount, (i) => run.getAll.execute.call(this, i))];
		case 'run.wait':
			// Waiting items hold no request slot in Lamina's limit beyond their long-poll, so wait for all at once.
			return [await forEachItem.call(this, itemCount, (i) => run.wait.execute.call(this, i), itemCount)];
		case 'run.cancel':
			return [await forEachItem.call(this, itemCount, (i) => run.cancel.execute.call(this, i))];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" of resource "${resource}" is not supported`,
			);
	}
}
