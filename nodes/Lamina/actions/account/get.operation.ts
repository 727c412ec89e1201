import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { laminaData } from '../../transport';

export const description: INodeProperties[] = [];

/** Who the credential's key is: the user, the workspace it is scoped to, and every membership. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return (await laminaData.call(this, { method: 'GET', path: '/v1/account', itemIndex })) as IDataObject;
}
