import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';
import { appLocator, getAppId } from '../appLocator';

export const description: INodeProperties[] = [
	appLocator(
		{ show: { resource: ['app'], operation: ['estimate'] } },
		'The app whose cost per run to estimate',
	),
];

/** What one run of the app costs now, by step, and whether the workspace's balance covers it. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const appId = getAppId.call(this, itemIndex);
	return (await laminaData.call(this, {
		method: 'POST',
		path: `/v1/apps/${encodeURIComponent(appId)}/estimate`,
		subject: `app "${appId}"`,
		itemIndex,
	})) as IDataObject;
}
