/**
 * "Output" for answers that can be large (App → Get, Get Workflow), as n8n's guidelines give tool
 * nodes: Simplified (what a workflow or an AI agent uses), Raw (Lamina's answer whole) or
 * Selected Fields. Version 1 nodes default to Raw, the output they always had.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { toList } from '../listValue';
import { FROM_V1_1, isVersion1, ONLY_V1 } from '../versions';

export type OutputChoice = 'simplified' | 'raw' | 'selected';

export function outputFields(operation: string, simplifiedKeeps: string, fields: string[]): INodeProperties[] {
	const show = { resource: ['app'], operation: [operation] };
	const choice = (defaultChoice: OutputChoice, versions: typeof ONLY_V1): INodeProperties => ({
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Simplified', value: 'simplified', description: `Only ${simplifiedKeeps}` },
			{ name: 'Raw', value: 'raw', description: 'Lamina’s whole answer, with what the node adds' },
			{ name: 'Selected Fields', value: 'selected', description: 'Only the fields you choose' },
		],
		default: defaultChoice,
		displayOptions: { show: { ...show, ...versions } },
	});
	return [
		choice('raw', ONLY_V1),
		choice('simplified', FROM_V1_1),
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'multiOptions',
			options: fields.map((field): INodePropertyOptions => ({ name: field, value: field })),
			default: [],
			description: 'The top-level fields to keep',
			displayOptions: { show: { ...show, output: ['selected'] } },
		},
	];
}

/** The item as the user chose to see it: `simplify` gives the Simplified form. */
export function shapeAnswer(item: IDataObject, choice: OutputChoice, simplify: (item: IDataObject) => IDataObject, fields: string[]): IDataObject {
	if (choice === 'simplified') return simplify(item);
	if (choice === 'selected') return Object.fromEntries(fields.filter((field) => field in item).map((field) => [field, item[field]]));
	return item;
}

/** Reads Output (and Fields) for this item and shapes it. */
export function chosenOutput(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
	simplify: (item: IDataObject) => IDataObject,
): IDataObject {
	const fallback: OutputChoice = isVersion1(context.getNode()) ? 'raw' : 'simplified';
	const choice = context.getNodeParameter('output', itemIndex, fallback) as OutputChoice;
	const fields = choice === 'selected' ? toList(context.getNodeParameter('fields', itemIndex, [])) : [];
	return shapeAnswer(item, choice, simplify, fields);
}
