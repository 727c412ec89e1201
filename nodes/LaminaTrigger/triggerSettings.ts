/**
 * The trigger's switches and filters as both versions keep them: version 1 has Verify Signature
 * and Confirm Runs at the top and Only These Apps as comma-separated text; from 1.1 the switches
 * are Options and the apps a multi-select.
 */
import { toList } from '../Lamina/actions/listValue';

export type TriggerSwitch = 'verifySignature' | 'confirmRuns';

/** A switch's value: the top-level one (version 1) wins when present, then Options, then on. */
export function switchValue(topLevel: unknown, options: Partial<Record<TriggerSwitch, unknown>> | undefined, name: TriggerSwitch): boolean {
	const value = topLevel ?? options?.[name];
	return value === undefined || value === null ? true : Boolean(value);
}

/** Only These Apps: the IDs picked (1.1), or typed with commas (version 1, or an expression). */
export function onlyTheseApps(value: unknown): string[] {
	return toList(value);
}

const RUN_ENDS: Record<string, string> = { completed: 'completes', failed: 'fails', cancelled: 'is cancelled' };

/** The canvas subtitle, e.g. "When a run completes or fails"; all three statuses, or none, read "When a run ends". */
export const TRIGGER_SUBTITLE = `={{ $parameter["statuses"].length === 0 || $parameter["statuses"].length === 3 ? "When a run ends" : "When a run " + $parameter["statuses"].map(s => (${JSON.stringify(RUN_ENDS)})[s] || s).join(" or ") }}`;
