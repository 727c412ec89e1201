import type { IDataObject, ResourceMapperFields } from 'n8n-workflow';

import { callEditorMethod, laminaNode, type Engine, type WorkflowNode } from '../harness/engine';

export const locator = (appId: string) => ({ __rl: true, mode: 'id', value: appId });

/** Run App as the editor saves it: the resource mapper's value plus the schema it loaded. */
export async function runAppNode(
	engine: Engine,
	appId: string,
	/** The values defined below, or 'autoMapInputData' for "Map Automatically" (no values). */
	values: IDataObject | 'autoMapInputData',
	extra: IDataObject = {},
	nodeExtra: Partial<WorkflowNode> = {},
): Promise<WorkflowNode> {
	const base = laminaNode({ resource: 'run', operation: 'create', appId: locator(appId) });
	const { fields } = await callEditorMethod<ResourceMapperFields>(engine, base, 'resourceMapping', 'getAppInputs');
	return laminaNode(
		{
			resource: 'run',
			operation: 'create',
			appId: locator(appId),
			inputMode: 'fields',
			inputs: {
				mappingMode: values === 'autoMapInputData' ? 'autoMapInputData' : 'defineBelow',
				value: values === 'autoMapInputData' ? null : values,
				matchingColumns: [],
				schema: fields,
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
			...extra,
		},
		nodeExtra,
	);
}

export function runAppJsonNode(appId: string, inputsJson: string | IDataObject, extra: IDataObject = {}, nodeExtra: Partial<WorkflowNode> = {}) {
	return laminaNode(
		{ resource: 'run', operation: 'create', appId: locator(appId), inputMode: 'json', inputsJson, ...extra },
		nodeExtra,
	);
}

export const runOp = (operation: string, parameters: IDataObject = {}, nodeExtra: Partial<WorkflowNode> = {}) =>
	laminaNode({ resource: 'run', operation, ...parameters }, nodeExtra);
