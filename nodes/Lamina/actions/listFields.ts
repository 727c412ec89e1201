import type { INodeProperties } from 'n8n-workflow';

export interface ListLimits {
	/** The most one answer can hold: Limit can't go above it. */
	maxLimit?: number;
	/** Shown once, under Return All: what happens beyond one page, when the API can't page. */
	hint?: string;
}

/** "Return All" and "Limit", as every n8n list operation shows them. */
export function returnAllAndLimit(resource: string, operation: string, limits: ListLimits = {}): INodeProperties[] {
	const show = { resource: [resource], operation: [operation] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: { show },
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			...(limits.hint ? { hint: limits.hint } : {}),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { ...show, returnAll: [false] } },
			typeOptions: { minValue: 1, ...(limits.maxLimit ? { maxValue: limits.maxLimit } : {}) },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}
