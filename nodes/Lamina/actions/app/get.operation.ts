import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { appFetcher } from '../../transport/appDefinitions';
import { appLocator, getAppId } from '../appLocator';
import { mustSupply, optionLabels } from '../../shared/appParameters';

export const description: INodeProperties[] = [
	appLocator(
		{ show: { resource: ['app'], operation: ['get'] } },
		'The app whose inputs and outputs to show',
	),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	fetchApp = appFetcher(this),
): Promise<IDataObject> {
	const app = await fetchApp(getAppId.call(this, itemIndex), itemIndex);
	const parameters = app.parameters ?? [];
	// A short guide for people and AI agents: what must be filled and what the choices are.
	const inputGuide = parameters.map((parameter) => ({
		name: parameter.name,
		type: parameter.type,
		mustSupply: mustSupply(parameter),
		...(parameter.type === 'options' ? { choices: optionLabels(parameter) } : {}),
		...(parameter.default !== undefined && parameter.default !== '' ? { default: parameter.default } : {}),
		...(parameter.accept ? { accept: parameter.accept } : {}),
	}));
	return { ...app, inputGuide } as IDataObject;
}
