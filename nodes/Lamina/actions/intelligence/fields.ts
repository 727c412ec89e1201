import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Optional scoping fields every intelligence question may carry. */
export function scopeOptions(operation: string, names: string[]): INodeProperties {
	const all: Record<string, INodeProperties> = {
		brandProfileId: { displayName: 'Brand Profile ID', name: 'brandProfileId', type: 'string', default: '', description: "The brand profile to use; by default the workspace's" },
		campaignId: { displayName: 'Campaign ID', name: 'campaignId', type: 'string', default: '', description: 'Only what concerns this campaign' },
		workflowId: { displayName: 'Lamina Workflow ID', name: 'workflowId', type: 'string', default: '', description: 'Only what concerns this Lamina app workflow' },
		platform: { displayName: 'Platform', name: 'platform', type: 'string', default: '', placeholder: 'e.g. instagram', description: 'A social platform, e.g. instagram, tiktok, linkedin' },
		objective: { displayName: 'Objective', name: 'objective', type: 'string', default: '', placeholder: 'e.g. awareness', description: 'The goal of the content, e.g. awareness or conversion' },
		modality: { displayName: 'Modality', name: 'modality', type: 'options', options: [{ name: 'Any', value: '' }, { name: 'Image', value: 'image' }, { name: 'Video', value: 'video' }], default: '', description: 'Image or video content' },
		category: { displayName: 'Category', name: 'category', type: 'string', default: '', placeholder: 'e.g. food', description: 'A content category' },
		topK: { displayName: 'Top K', name: 'topK', type: 'number', typeOptions: { minValue: 1, maxValue: 20 }, default: 5, description: 'How many top examples and patterns to include' },
		windowDays: { displayName: 'Window (Days)', name: 'windowDays', type: 'number', typeOptions: { minValue: 1, maxValue: 90 }, default: 14, description: 'How many past days the trends cover' },
		limit: { displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return' },
	};
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['intelligence'], operation: [operation] } },
		options: names.map((name) => all[name]).sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The options set (empty text and "Any" dropped), as a query or body. */
export function readScope(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const scope: IDataObject = {};
	for (const [key, value] of Object.entries(options)) {
		if (value === '' || value === undefined || value === null) continue;
		scope[key] = typeof value === 'string' ? value.trim() : value;
	}
	return scope;
}
