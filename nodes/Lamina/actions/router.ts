import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as account from './account';
import * as app from './app';
import * as asset from './asset';
import * as content from './content';
import * as intelligence from './intelligence';
import * as publishing from './publishing';
import * as model from './model';
import * as run from './run';
import { appFetcher } from '../transport/appDefinitions';
import { checked, checkEveryItem } from './checkEveryItem';
import { forEachItem } from './perItem';
import { forEachRunItem, RunBatch } from './run/runBatch';

/** Briefs sent and awaited at the same time: each holds a long-poll, not a request slot. */
const CONTENT_CONCURRENCY = 5;

/** Reads resource and operation once and hands the items to that operation. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const fetchApp = appFetcher(this);
	// Get App shows what Lamina has now, not a cached definition.
	const freshApps = appFetcher(this, { fresh: true });

	switch (`${resource}.${operation}`) {
		case 'app.getAll':
			return [await forEachItem.call(this, itemCount, (i) => app.getAll.execute.call(this, i))];
		case 'app.get':
			return [await forEachItem.call(this, itemCount, (i) => app.get.execute.call(this, i, freshApps))];
		case 'app.getWorkflow':
			return [await forEachItem.call(this, itemCount, (i) => app.getWorkflow.execute.call(this, i, freshApps))];
		case 'app.estimate':
			return [await forEachItem.call(this, itemCount, (i) => app.estimate.execute.call(this, i))];
		case 'app.discover':
			return [await forEachItem.call(this, itemCount, (i) => app.discover.execute.call(this, i))];
		case 'account.get':
			return [await forEachItem.call(this, itemCount, (i) => account.get.execute.call(this, i))];
		case 'run.refine': {
			// Every item's run ID and feedback are checked before the first is sent, then awaited as Run App's runs.
			const refinements = await checkEveryItem(this, itemCount, (i) => run.refine.prepare.call(this, i));
			return [
				await forEachRunItem(new RunBatch(this, 'started'), itemCount, CONTENT_CONCURRENCY, async (i, batch) =>
					await run.refine.execute.call(this, i, checked(refinements[i]), batch),
				),
			];
		}
		case 'run.create':
			return [await run.create.execute.call(this, itemCount, fetchApp)];
		case 'run.get':
			return [await forEachItem.call(this, itemCount, (i) => run.get.execute.call(this, i))];
		case 'run.getAll':
			return [await forEachItem.call(this, itemCount, (i) => run.getAll.execute.call(this, i))];
		case 'run.wait': {
			// Each waiting item holds one long-poll open: a bounded number at a time, as Run App starts runs.
			const runIds = await checkEveryItem(this, itemCount, (i) => run.wait.readRunId.call(this, i));
			const batch = new RunBatch(this, 'given');
			runIds.forEach((runId, i) => typeof runId === 'string' && batch.runs.add(i, runId));
			return [
				await forEachRunItem(batch, itemCount, run.wait.concurrency.call(this), async (i) =>
					await run.wait.execute.call(this, i, checked(runIds[i]), batch),
				),
			];
		}
		case 'run.cancel':
			return [await forEachItem.call(this, itemCount, (i) => run.cancel.execute.call(this, i))];
		case 'asset.upload': {
			// Every item's file is checked before the first upload.
			const checks = await checkEveryItem(this, itemCount, (i) => asset.upload.check.call(this, i));
			return [
				await forEachItem.call(this, itemCount, async (i) => {
					checked(checks[i]);
					return await asset.upload.execute.call(this, i);
				}),
			];
		}
		case 'content.create': {
			// Every brief is checked before the first is sent; the runs are then awaited a few at a time.
			const briefs = await checkEveryItem(this, itemCount, (i) => content.create.prepare.call(this, i));
			return [
				await forEachRunItem(new RunBatch(this, 'started'), itemCount, CONTENT_CONCURRENCY, async (i, batch) =>
					await content.create.execute.call(this, i, checked(briefs[i]), batch),
				),
			];
		}
		case 'content.brainstorm':
			return [await forEachItem.call(this, itemCount, (i) => content.brainstorm.execute.call(this, i))];
		case 'content.score':
			return [await forEachItem.call(this, itemCount, (i) => content.score.execute.call(this, i))];
		case 'publishing.getChannels':
			return [await forEachItem.call(this, itemCount, (i) => publishing.getChannels.execute.call(this, i))];
		case 'publishing.getHistory':
			return [await forEachItem.call(this, itemCount, (i) => publishing.getHistory.execute.call(this, i))];
		case 'publishing.transferAsset':
			return [await forEachItem.call(this, itemCount, (i) => publishing.transferAsset.execute.call(this, i))];
		case 'publishing.publish':
			// One item at a time, each publish sent once; its own error handling accounts for every post.
			return [await publishing.publish.executeAll.call(this, itemCount)];
		case 'intelligence.getBrandContext':
			return [await forEachItem.call(this, itemCount, (i) => intelligence.getBrandContext.execute.call(this, i))];
		case 'intelligence.predict':
			return [await forEachItem.call(this, itemCount, (i) => intelligence.predict.execute.call(this, i))];
		case 'intelligence.getRecommendations':
			return [await forEachItem.call(this, itemCount, (i) => intelligence.getRecommendations.execute.call(this, i))];
		case 'intelligence.getTrends':
			return [await forEachItem.call(this, itemCount, (i) => intelligence.getTrends.execute.call(this, i))];
		case 'content.plan': {
			const bodies = await checkEveryItem(this, itemCount, (i) => content.plan.prepare.call(this, i));
			return [await forEachItem.call(this, itemCount, (i) => content.plan.execute.call(this, i, checked(bodies[i])))];
		}
		case 'content.runPlan': {
			// Every plan is checked (answers included) before the first is dispatched.
			const plans = await checkEveryItem(this, itemCount, (i) => content.runPlan.prepare.call(this, i));
			return [
				await forEachRunItem(new RunBatch(this, 'started'), itemCount, CONTENT_CONCURRENCY, async (i, batch) =>
					await content.runPlan.execute.call(this, i, checked(plans[i]), batch),
				),
			];
		}
		case 'model.getAll':
			return [await forEachItem.call(this, itemCount, (i) => model.getAll.execute.call(this, i))];
		case 'model.get':
			return [await forEachItem.call(this, itemCount, (i) => model.get.execute.call(this, i))];
		case 'model.generateImage':
		case 'model.generateVideo':
			return [await model.generate.execute.call(this, itemCount, operation)];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" of resource "${resource}" is not supported`,
			);
	}
}
