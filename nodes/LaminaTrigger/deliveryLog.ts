import type { IDataObject } from 'n8n-workflow';

/** How many delivery keys a trigger remembers; Lamina retries within about 3 minutes. */
export const MAX_REMEMBERED_DELIVERIES = 1000;

/**
 * Remembers which deliveries (run id + status) already started the workflow, in the node's
 * static data, which n8n persists after webhook calls (but n8n 2.40 drops changes made by a call that
 * starts an execution: see the README), bounded to the most recent ones.
 */
export function rememberDelivery(staticData: IDataObject, key: string): boolean {
	const seen = Array.isArray(staticData.seenDeliveries) ? (staticData.seenDeliveries as string[]) : [];
	if (seen.includes(key)) return false;
	seen.push(key);
	staticData.seenDeliveries = seen.length > MAX_REMEMBERED_DELIVERIES ? seen.slice(-MAX_REMEMBERED_DELIVERIES) : seen;
	return true;
}
