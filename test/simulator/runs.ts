/** Run lifecycle by timers: queued → running (with progress) → completed | failed, or cancelled. */
import { randomBytes } from 'node:crypto';

import { outputNodeId, runSteps, workflowId } from './apps';
import { runIdField } from './http';
import type { TimerSet } from './timers';
import type { AppBehaviour, OutputType, RunStatus, SimApp, SimAppOutput, SimRun, SimWorkflowNode } from './types';

export const OUTPUT_ERROR = 'Generation failed';
export const DEFAULT_OUTPUT_BYTES = 2048;

const TERMINAL: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'failed', 'cancelled']);

export function isTerminal(status: RunStatus): boolean {
	return TERMINAL.has(status);
}

export const FILE_EXTENSION: Record<Exclude<OutputType, 'text'>, string> = { image: 'png', video: 'mp4', audio: 'mp3' };

export interface RunRequest {
	inputs: Record<string, unknown>;
	resolvedInputs: Record<string, unknown>;
	outputs: SimAppOutput[];
	requestedOutputs?: string[];
	webhookUrl: string | null;
	source: 'api' | 'content';
	kind?: SimRun['kind'];
	model?: string;
	resolvedParams?: Record<string, unknown>;
}

interface RunStoreDeps {
	timers: TimerSet;
	baseUrl: () => string;
	/** Called once when a run reaches a terminal state (webhook delivery). */
	onTerminal: (run: SimRun) => void;
}

type RunListener = (run: SimRun) => void;

export class RunStore {
	readonly runs = new Map<string, SimRun>();
	private readonly listeners = new Map<string, Set<RunListener>>();
	/** The value each output gets when produced, decided at start. */
	private readonly planned = new Map<string, string[]>();
	private seq = 0;

	constructor(private readonly deps: RunStoreDeps) {}

	start(app: SimApp, behaviour: AppBehaviour, request: RunRequest): SimRun {
		const runId = `run_${randomBytes(10).toString('hex')}`;
		const run: SimRun = {
			runId,
			...(request.kind ? { kind: request.kind } : {}),
			...(request.model ? { model: request.model, resolvedParams: request.resolvedParams ?? {} } : {}),
			appId: app.appId,
			workflowId: workflowId(app),
			workflowName: app.name,
			inputs: request.inputs,
			resolvedInputs: request.resolvedInputs,
			requestedOutputs: request.requestedOutputs,
			webhookUrl: request.webhookUrl,
			source: request.source,
			status: 'queued',
			outputs: request.outputs.map((o) => ({
				id: outputNodeId(app, o.index),
				index: o.index,
				label: o.label,
				kind: o.type,
				type: 'pending',
				value: null,
				status: 'pending',
				error: null,
			})),
			errorMessage: null,
			createdAt: new Date().toISOString(),
			startedAt: null,
			completedAt: null,
			behaviour: { ...behaviour },
			seq: ++this.seq,
		};
		this.runs.set(runId, run);
		this.planned.set(
			runId,
			request.outputs.map((o) => this.producedValue(app, run, o)),
		);
		this.schedule(run, app);
		return run;
	}

	get(runId: string): SimRun | undefined {
		return this.runs.get(runId);
	}

	/** Idempotent: a terminal run keeps its status. */
	cancel(run: SimRun): void {
		if (isTerminal(run.status)) return;
		run.status = 'cancelled';
		run.errorMessage = 'Run was cancelled';
		run.completedAt = new Date().toISOString();
		run.progress = undefined;
		for (const output of run.outputs) {
			if (output.status === 'pending') output.status = 'cancelled';
		}
		this.settle(run);
	}

	/** Calls fn on every change of the run until the returned function is called. */
	subscribe(runId: string, fn: RunListener): () => void {
		let set = this.listeners.get(runId);
		if (!set) this.listeners.set(runId, (set = new Set()));
		set.add(fn);
		return () => {
			set.delete(fn);
			if (set.size === 0 && this.listeners.get(runId) === set) this.listeners.delete(runId);
		};
	}

	private notify(run: SimRun): void {
		for (const fn of [...(this.listeners.get(run.runId) ?? [])]) fn(run);
	}

	/**
	 * Queued until 10 % of the run's duration, then the workflow's steps one by one, evenly over the
	 * rest: each finished step is a change (progress names the next node; an output node's output is
	 * ready at once). A failing run fails at its failing step, at the end of the duration.
	 */
	private schedule(run: SimRun, app: SimApp): void {
		const duration = Math.max(0, run.behaviour.durationMs);
		const steps = runSteps(app);
		const startsAt = duration * 0.1;
		const failsAt = run.behaviour.fail ? failingStep(steps, run.behaviour.failAtStep) : steps.length;
		const progressAfter = (done: number) => ({
			percent: steps.length ? Math.round((100 * done) / steps.length) : 0,
			completedNodes: done,
			totalNodes: steps.length,
			...(steps[done] ? { currentNode: { ...steps[done] } } : {}),
		});
		this.deps.timers.after(startsAt, () => {
			if (isTerminal(run.status)) return;
			run.status = 'running';
			run.startedAt = new Date().toISOString();
			run.progress = progressAfter(0);
			this.notify(run);
		});
		// The last step ends with the run itself (finish), a failing one too.
		for (let done = 1; done < Math.min(steps.length, failsAt + 1); done++) {
			this.deps.timers.after(startsAt + ((duration - startsAt) * done) / steps.length, () => {
				if (isTerminal(run.status)) return;
				this.produce(run, app, steps[done - 1]);
				run.progress = progressAfter(done);
				this.notify(run);
			});
		}
		this.deps.timers.after(duration, () => this.finish(run));
	}

	/** An output node finished: its output is ready (or failed) before the run ends. */
	private produce(run: SimRun, app: SimApp, step: SimWorkflowNode): void {
		const i = run.outputs.findIndex((output) => outputNodeId(app, output.index) === step.id);
		if (i >= 0) this.settleOutput(run, i);
	}

	private settleOutput(run: SimRun, i: number): void {
		const output = run.outputs[i];
		if (output.status !== 'pending') return;
		if ((run.behaviour.failOutputs ?? []).includes(output.index)) {
			output.status = 'error';
			output.error = OUTPUT_ERROR;
			return;
		}
		output.status = 'completed';
		output.type = output.kind;
		output.value = this.planned.get(run.runId)?.[i] ?? null;
	}

	private finish(run: SimRun): void {
		if (isTerminal(run.status)) return;
		const now = new Date().toISOString();
		run.startedAt ??= now;
		run.completedAt = now;
		run.progress = undefined;
		if (run.behaviour.fail) {
			run.status = 'failed';
			run.errorMessage = run.behaviour.fail;
			for (const output of run.outputs) {
				if (output.status !== 'pending') continue;
				output.status = 'error';
				output.error = OUTPUT_ERROR;
			}
		} else {
			run.status = 'completed';
			run.outputs.forEach((_output, i) => this.settleOutput(run, i));
		}
		this.settle(run);
	}

	private settle(run: SimRun): void {
		this.planned.delete(run.runId);
		this.notify(run);
		this.listeners.delete(run.runId);
		this.deps.onTerminal(run);
	}

	/** Media: a URL on the simulator itself; text: real text about the first text input. */
	private producedValue(app: SimApp, run: SimRun, output: SimAppOutput): string {
		if (output.type !== 'text') {
			return `${this.deps.baseUrl()}/files/${run.runId}/${output.index}.${FILE_EXTENSION[output.type]}`;
		}
		const firstText = app.parameters
			.filter((p) => p.type === 'text')
			.map((p) => run.resolvedInputs[p.name])
			.find((v) => v !== undefined && v !== '');
		return `${output.label} for: ${firstText === undefined ? app.name : String(firstText)}`;
	}
}

/** Where a failing run fails: the named step, else the last step that is not an output node. */
function failingStep(steps: SimWorkflowNode[], label: string | undefined): number {
	const named = label === undefined ? -1 : steps.findIndex((step) => step.label === label);
	if (named >= 0) return named;
	const firstOutput = steps.findIndex((step) => step.type === 'outputNode');
	return firstOutput > 0 ? firstOutput - 1 : Math.max(0, steps.length - 1);
}

/** The public RUN shape (`executionId` for the old server generation). */
export function publicRun(run: SimRun, legacy: boolean): Record<string, unknown> {
	const body: Record<string, unknown> = {
		[runIdField(legacy)]: run.runId,
		workflowId: run.workflowId,
		workflowName: run.workflowName,
		status: run.status,
		outputs: run.outputs.map(({ id, label, type, value, status, error }) => ({ id, label, type, value, status, error })),
		errorMessage: run.errorMessage,
		startedAt: run.startedAt,
		completedAt: run.completedAt,
		createdAt: run.createdAt,
	};
	if (run.progress && !isTerminal(run.status)) body.progress = { ...run.progress };
	return body;
}

/** A List Runs item: no outputs. */
export function runListItem(run: SimRun, legacy: boolean): Record<string, unknown> {
	return {
		[runIdField(legacy)]: run.runId,
		workflowId: run.workflowId,
		workflowName: run.workflowName,
		status: run.status,
		source: run.source,
		errorMessage: run.errorMessage,
		startedAt: run.startedAt,
		completedAt: run.completedAt,
		createdAt: run.createdAt,
	};
}
