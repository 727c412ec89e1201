import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { laminaRequest, unwrapData } from '../../transport';
import { appFetcher } from '../../transport/appDefinitions';
import { describeWorkflow } from '../../shared/workflowGraph';
import { appLocator, getAppId } from '../appLocator';
import { chosenOutput, outputFields } from './output';

export const description: INodeProperties[] = [
	appLocator(
		{ show: { resource: ['app'], operation: ['getWorkflow'] } },
		'The app whose workflow (the steps behind it) to show',
	),
	...outputFields('getWorkflow', 'the summary, inputs, steps, outputs and problems, without the node graph', [
		'appId',
		'name',
		'summary',
		'inputs',
		'steps',
		'outputs',
		'problems',
		'nodes',
		'edges',
	]),
];

const brief = (node: IDataObject) => ({ id: node.id, type: node.type, label: node.label });

/** The workflow without Lamina's node graph: each step by its id, type, label, order and what feeds it. */
export function simplifyWorkflow(item: IDataObject): IDataObject {
	const list = (value: unknown) => (Array.isArray(value) ? (value as IDataObject[]) : []);
	return {
		appId: item.appId,
		...(item.name !== undefined ? { name: item.name } : {}),
		summary: item.summary,
		inputs: list(item.inputs).map(brief),
		steps: list(item.steps).map((step) => ({ order: step.order, ...brief(step), after: step.after })),
		outputs: list(item.outputs).map(brief),
		problems: item.problems,
	};
}

/**
 * The node graph behind an app, as Lamina sends it (`nodes`, `edges`), plus what a workflow
 * builder or an AI agent can use without graph code: `summary`, `inputs`, `steps` in running
 * order, `outputs`, and `problems` (a cycle, an edge to a missing node). Read-only.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, fetchApp = appFetcher(this)): Promise<IDataObject> {
	const appId = getAppId.call(this, itemIndex);
	const response = await laminaRequest.call(this, {
		method: 'GET',
		path: `/v1/apps/${encodeURIComponent(appId)}/workflow`,
		subject: `app "${appId}"`,
		itemIndex,
		acceptStatuses: [404, 405, 501],
	});
	if (response.statusCode >= 400) {
		// "No such app" (Get App then says so, with Lamina's words) or "no such endpoint here".
		const app = await fetchApp(appId, itemIndex);
		throw new NodeOperationError(this.getNode(), `Lamina has no workflow graph for app "${app.name}" (${appId})`, {
			description:
				`The app exists, but GET /v1/apps/${appId}/workflow answered ${response.statusCode}: this Lamina server is older than ` +
				"the workflow endpoint. App → Get still shows the app's inputs and outputs.",
			itemIndex,
		});
	}
	const data = (unwrapData<IDataObject>(response.body) ?? {}) as IDataObject;
	const described = describeWorkflow(data);
	const item: IDataObject = {
		appId: (data.appId as string | undefined) ?? appId,
		...(data.name !== undefined ? { name: data.name } : {}),
		...described,
	};
	// Lamina's own fields (nodes, edges, …) follow, unchanged; what the node worked out comes first.
	for (const [key, value] of Object.entries(data)) if (!(key in item)) item[key] = value;
	return chosenOutput(this, itemIndex, item, simplifyWorkflow);
}
