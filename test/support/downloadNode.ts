/**
 * A test-only node that calls the BUILT package's `downloadOutputsAsBinary` on each incoming
 * run item, so downloads are exercised through n8n's real engine and binary data service
 * before (and independently of) Run App's "Download Outputs" option.
 */
import path from 'node:path';

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { Engine, WorkflowNode } from '../harness/engine';

export const DOWNLOAD_TEST_NODE = 'test.laminaDownloadOutputs';

type Download = typeof import('../../nodes/Lamina/transport/download');

function builtDownload(): Download {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'Lamina', 'transport', 'download.js')) as Download;
}

class DownloadOutputsTestNode implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Download Lamina Outputs (test)',
		name: 'laminaDownloadOutputs',
		group: ['transform'],
		version: 1,
		description: 'Test only: attaches the outputs of the run in each item as binary data',
		defaults: { name: 'Download Outputs' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'laminaApi', required: true }],
		properties: [
			{
				displayName: 'Naming',
				name: 'binaryNaming',
				type: 'options',
				options: [
					{ name: 'Label', value: 'label' },
					{ name: 'Index', value: 'index' },
				],
				default: 'label',
			},
			{ displayName: 'Prefix', name: 'binaryPrefix', type: 'string', default: 'data' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { downloadOutputsAsBinary } = builtDownload();
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const run = items[i].json as IDataObject as Parameters<typeof downloadOutputsAsBinary>[0];
			const binary = await downloadOutputsAsBinary.call(this, run, i, {
				naming: this.getNodeParameter('binaryNaming', i) as 'label' | 'index',
				prefix: this.getNodeParameter('binaryPrefix', i) as string,
			});
			out.push({ json: items[i].json, binary, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Makes the engine know the test node type. */
export function addDownloadTestNode(engine: Engine): void {
	(engine.nodes as Map<string, INodeType>).set(DOWNLOAD_TEST_NODE, new DownloadOutputsTestNode());
}

export function downloadNode(parameters: IDataObject = {}, name = 'Download Outputs'): WorkflowNode {
	return {
		name,
		type: DOWNLOAD_TEST_NODE,
		parameters: parameters as WorkflowNode['parameters'],
		credentials: { laminaApi: { id: 'cred-1', name: 'Lamina (simulator)' } },
	};
}
