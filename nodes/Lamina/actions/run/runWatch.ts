/**
 * What the ways of waiting for a run (long-poll, event stream, polling) share: the run as last
 * seen, the deadline, the stop question, and telling "no such run" from "no such route".
 */
import { laminaRequest, unwrapData, type LaminaContext } from '../../transport';
import type { ProgressTimeline } from '../../shared/progressTimeline';
import { isTerminal, runStateKey } from '../../shared/runShape';
import { pollDelayMs, RUN_KINDS, runOfKind, type Modality, type RunKind } from '../../shared/runKinds';
import type { LaminaRun } from '../../shared/types';

export interface WaitOptions {
	maxWaitMs: number;
	itemIndex: number;
	/** Used only where the server has no /wait nor stream: Lamina's docs ask for 3–5 s (images) to 10–15 s (video). */
	pollIntervalMs?: number;
	/** Asked before each request (and while a stream is open): true ends the wait (with what is known) as nobody needs it anymore. */
	stopWhen?: () => boolean;
	/** "Include Progress": wait over the event stream and record every state seen here. */
	timeline?: ProgressTimeline;
	/** Told every state of the run seen, e.g. to account for it if the node fails meanwhile. */
	onSeen?: (run: LaminaRun) => void;
	/** The run's kind when this package started it; undefined: an app run's endpoint first, then the others'. */
	kind?: RunKind;
	/** A polled run's modality: the cadence of its polls (images poll sooner than videos). */
	modality?: Modality;
}

export interface WaitResult {
	run: LaminaRun;
	timedOut: boolean;
}

/** A way of waiting that this server lacks (404, 405 or 501 for a run that exists). */
export const UNAVAILABLE = 'unavailable';
export type WayResult = WaitResult | typeof UNAVAILABLE;

export const DEFAULT_POLL_INTERVAL_MS = 4_000;

export class RunWatch {
	readonly deadline: number;
	/** The run's kind: app until known otherwise. */
	kind: RunKind;
	path: string;
	subject: string;
	/** Polls made so far: a polled kind's cadence backs off with them. */
	private polls = 0;
	/** The run as last seen. */
	run?: LaminaRun;
	/** Get Run found the run: a 404 now means a missing route. */
	private found = false;
	private lastKey?: string;

	constructor(
		readonly context: LaminaContext,
		readonly runId: string,
		readonly options: WaitOptions,
	) {
		this.deadline = Date.now() + options.maxWaitMs;
		this.kind = options.kind ?? 'app';
		this.path = RUN_KINDS[this.kind].statusPath(runId);
		this.subject = RUN_KINDS[this.kind].subject(runId);
	}

	/** The run turned out to be of another kind (found by asking each kind's endpoint). */
	useKind(kind: RunKind): void {
		this.kind = kind;
		this.path = RUN_KINDS[kind].statusPath(this.runId);
		this.subject = RUN_KINDS[kind].subject(this.runId);
		this.found = true;
	}

	/** How long to wait before the next poll: an app run's fixed interval, a polled kind's cadence. */
	nextPollMs(): number {
		if (RUN_KINDS[this.kind].longPoll) return this.pollIntervalMs;
		return pollDelayMs(this.options.modality, this.polls++);
	}

	/** Whether Get Run has found the run (a 404 after that is a missing route, not a missing run). */
	get known(): boolean {
		return this.found;
	}

	get itemIndex(): number {
		return this.options.itemIndex;
	}

	get pollIntervalMs(): number {
		return this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
	}

	remainingMs(): number {
		return this.deadline - Date.now();
	}

	stopped(): boolean {
		return this.options.stopWhen?.() ?? false;
	}

	/** Time is up (or nobody waits anymore) and there is a run to report. */
	over(): boolean {
		return this.run !== undefined && (this.remainingMs() <= 0 || this.stopped());
	}

	/** Takes `run` as the latest state; true when it differs from the one before. */
	see(run: LaminaRun): boolean {
		this.run = run;
		this.options.timeline?.see(run);
		this.options.onSeen?.(run);
		const key = runStateKey(run);
		const changed = key !== this.lastKey;
		this.lastKey = key;
		return changed;
	}

	/** The run's result now: ended, or still going when time is up. */
	result(run: LaminaRun): WaitResult {
		return { run, timedOut: !isTerminal(run) };
	}

	async getRun(): Promise<LaminaRun> {
		const response = await laminaRequest.call(this.context, {
			method: 'GET',
			path: this.path,
			subject: this.subject,
			itemIndex: this.itemIndex,
		});
		this.found = true;
		const run = runOfKind(this.kind, unwrapData(response.body));
		this.see(run);
		return run;
	}

	/**
	 * After a 404/405/501 from a way of waiting: Get Run says "no such run" (and throws), or finds
	 * the run, so this server lacks that route. An ended run is the result at once.
	 */
	async routeMissing(): Promise<WayResult> {
		if (this.found) return UNAVAILABLE;
		const run = await this.getRun();
		return isTerminal(run) ? this.result(run) : UNAVAILABLE;
	}
}
