import type { IDataObject } from 'n8n-workflow';

import { TERMINAL_RUN_STATUSES, type LaminaRun, type LaminaRunOutput } from './types';

/** Old servers and webhooks say `executionId`; everything downstream says `runId`. */
export function normaliseRun(raw: unknown): LaminaRun {
	const run = { ...((raw ?? {}) as Record<string, unknown>) };
	if (run.runId === undefined && run.executionId !== undefined) run.runId = run.executionId;
	delete run.executionId;
	return run as LaminaRun;
}

/** Lamina's three kinds of run (see runKinds.ts). */
export type RunKind = 'app' | 'model' | 'freestyle';

/** The kind a run says it is (`kind`, set by runOfKind); app when it doesn't say. */
export function kindOf(run: object): RunKind {
	const { kind } = run as { kind?: unknown };
	return kind === 'model' || kind === 'freestyle' ? kind : 'app';
}

export function isTerminal(run: Pick<LaminaRun, 'status'>): boolean {
	return TERMINAL_RUN_STATUSES.includes(run.status);
}

/** What tells one state of a run from another: status, progress, each output's status, the error. */
export function runStateKey(run: LaminaRun): string {
	const outputs = Array.isArray(run.outputs) ? run.outputs.map((output) => output.status ?? null) : [];
	return JSON.stringify([run.status, run.progress ?? null, outputs, run.errorMessage ?? null]);
}

/** How an output is named to a user: its label, else its position among all outputs ("Output 2"). */
export function outputName(output: LaminaRunOutput, index: number): string {
	return typeof output.label === 'string' && output.label !== '' ? output.label : `Output ${index + 1}`;
}

/** Completed outputs by label, so `{{ $json.outputsByLabel["Hero Image"] }}` works without code. */
export function outputsByLabel(outputs: LaminaRunOutput[] | undefined): IDataObject {
	const byLabel: IDataObject = {};
	for (const [index, output] of (outputs ?? []).entries()) {
		if (output.status !== undefined && output.status !== 'completed') continue;
		const label = outputName(output, index);
		if (!(label in byLabel)) byLabel[label] = output.value as IDataObject[keyof IDataObject];
	}
	return byLabel;
}

/** "Label: error" for each failed output; an unlabelled one is named by its position among all outputs. */
export function outputErrors(outputs: LaminaRunOutput[] | undefined): string[] {
	return (outputs ?? []).flatMap((output, index) =>
		output.error || output.status === 'error' ? [`${outputName(output, index)}: ${output.error ?? 'failed'}`] : [],
	);
}

/** The run as every operation outputs it. */
export function shapeRun(raw: unknown, appId?: string): IDataObject {
	const run = normaliseRun(raw);
	const outputs = Array.isArray(run.outputs) ? run.outputs : undefined;
	const kind = kindOf(run);
	const shaped: IDataObject = {
		runId: run.runId,
		kind,
		// Model and freestyle runs belong to no app.
		...(kind === 'app' ? { appId: (run.appId as string | undefined) ?? appId ?? null } : {}),
		status: run.status,
		errorMessage: run.errorMessage ?? null,
		createdAt: run.createdAt ?? null,
		startedAt: run.startedAt ?? null,
		completedAt: run.completedAt ?? null,
	};
	for (const [key, value] of Object.entries(run)) {
		if (!(key in shaped) && key !== 'outputs') shaped[key] = value as IDataObject[keyof IDataObject];
	}
	if (outputs) {
		shaped.outputs = outputs as IDataObject[];
		shaped.outputsByLabel = outputsByLabel(outputs);
	}
	return shaped;
}

/** "Simplify": the few fields most workflows map. */
export function simplifyRun(shaped: IDataObject): IDataObject {
	const outputs = (shaped.outputs as LaminaRunOutput[] | undefined) ?? [];
	const completed = outputs.filter((o) => o.status === undefined || o.status === 'completed');
	const firstMedia = completed.find((o) => ['image', 'video', 'audio'].includes(String(o.type)));
	const firstText = completed.find((o) => o.type === 'text');
	return {
		runId: shaped.runId,
		status: shaped.status,
		outputsByLabel: shaped.outputsByLabel ?? {},
		...(firstMedia ? { url: firstMedia.value as string } : {}),
		...(firstText ? { text: firstText.value as string } : {}),
		...(shaped.errorMessage ? { errorMessage: shaped.errorMessage } : {}),
		...(shaped.waitTimedOut ? { waitTimedOut: true } : {}),
	};
}
