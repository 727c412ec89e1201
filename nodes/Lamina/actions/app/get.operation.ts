import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { appFetcher } from '../../transport/appDefinitions';
import { appLocator, getAppId } from '../appLocator';
import { mustSupply, optionLabels } from '../../shared/appParameters';
import { chosenOutput, outputFields } from './output';

/** What Simplified keeps of an app: what to fill in and what comes out. */
export const SIMPLIFIED_APP_FIELDS = ['appId', 'name', 'description', 'modality', 'inputGuide', 'outputs'];

export const description: INodeProperties[] = [
	appLocator(
		{ show: { resource: ['app'], operation: ['get'] } },
		'The app whose inputs and outputs to show',
	),
	...outputFields('get', 'the app’s name, description, input guide and outputs', [
		...SIMPLIFIED_APP_FIELDS,
		'parameters',
		'inputSummary',
		'capabilities',
		'thumbnail',
		'isPublic',
	]),
];

export function simplifyApp(app: IDataObject): IDataObject {
	return Object.fromEntries(SIMPLIFIED_APP_FIELDS.filter((field) => app[field] !== undefined).map((field) => [field, app[field]]));
}

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
	return chosenOutput(this, itemIndex, { ...app, inputGuide } as IDataObject, simplifyApp);
}
