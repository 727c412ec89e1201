import type { IDataObject } from 'n8n-workflow';

/** How many delivery keys a trigger remembers; Lamina retries within about 3 minutes. */
export const MAX_REMEMBERED_DELIVERIES = 1000;

/** The key of one delivery: Lamina retries a delivery with the same run and status. */
export function deliveryKey(runId: unknown, status: unknown): string {
	return `${String(runId)}:${String(status)}`;
}

function seenList(staticData: IDataObject): string[] {
	return Array.isArray(staticData.seenDeliveries) ? (staticData.seenDeliveries as string[]) : [];
}

/** Whether the node's static data says this delivery already started the workflow. */
export function hasSeenDelivery(staticData: IDataObject, key: string): boolean {
	return seenList(staticData).includes(key);
}

/**
 * Adds deliveries to the node's static data, oldest first, keeping the most recent
 * MAX_REMEMBERED_DELIVERIES. Writes only when something is new, so n8n saves only then.
 *
 * The trigger calls it from `webhook()` and answers the call itself: n8n 2.40 saves the static data
 * of a webhook call that answered itself right away, but drops the changes of one that leaves the
 * answer to n8n and starts an execution (README, "Lamina Trigger").
 */
export function recordDeliveries(staticData: IDataObject, keys: Iterable<string>): void {
	const seen = seenList(staticData);
	const known = new Set(seen);
	const added = [...new Set(keys)].filter((key) => !known.has(key));
	if (added.length === 0) return;
	const merged = [...seen, ...added];
	staticData.seenDeliveries = merged.length > MAX_REMEMBERED_DELIVERIES ? merged.slice(-MAX_REMEMBERED_DELIVERIES) : merged;
}

/**
 * What this process accepted, per trigger (workflow id + node name), newest last. A repeat arriving
 * while the first is being answered is caught here; and each accepted call writes the recent keys of
 * its trigger along with its own, so calls that loaded static data before another one saved don't
 * drop each other's deliveries from what n8n saves (n8n saves static data whole).
 */
export class AcceptedDeliveries {
	private readonly byTrigger = new Map<string, Set<string>>();

	constructor(private readonly perTrigger: number) {}

	has(trigger: string, key: string): boolean {
		return this.byTrigger.get(trigger)?.has(key) ?? false;
	}

	add(trigger: string, key: string): void {
		let keys = this.byTrigger.get(trigger);
		if (!keys) this.byTrigger.set(trigger, (keys = new Set()));
		keys.add(key);
		// A Set iterates in insertion order: forget the oldest first.
		if (keys.size > this.perTrigger) keys.delete(keys.values().next().value as string);
	}

	/** The most recent `count` keys accepted for this trigger, oldest first. */
	recent(trigger: string, count: number): string[] {
		return [...(this.byTrigger.get(trigger) ?? [])].slice(-count);
	}
}
