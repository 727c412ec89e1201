/** A test-only node that fills the execution's custom data, as other nodes of a workflow may. */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { Engine, WorkflowNode } from '../harness/engine';

export const CUSTOM_DATA_TEST_NODE = 'test.fillCustomData';

class FillCustomDataTestNode implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Fill Custom Data (test)',
		name: 'fillCustomData',
		group: ['transform'],
		version: 1,
		description: 'Test only: sets this many custom data keys of the execution',
		defaults: { name: 'Fill Custom Data' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Keys', name: 'keys', type: 'number', default: 1 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const keys = this.getNodeParameter('keys', 0) as number;
		this.customData.setAll(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`workflowKey${i}`, 'set earlier'])));
		return [this.getInputData()];
	}
}

export function addCustomDataTestNode(engine: Engine): void {
	(engine.nodes as Map<string, INodeType>).set(CUSTOM_DATA_TEST_NODE, new FillCustomDataTestNode());
}

export function customDataNode(keys: number): WorkflowNode {
	return { name: 'Fill Custom Data', type: CUSTOM_DATA_TEST_NODE, parameters: { keys } };
}
