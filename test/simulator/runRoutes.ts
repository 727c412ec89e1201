/** Start, get, wait (long-poll), stream (SSE), list and cancel runs. */
import { findApp } from './appRoutes';
import { HttpError, intParam, readObjectBody, runIdField, sendJson, type RequestContext } from './http';
import { EventWriter } from './eventStream';
import { launchRun } from './launch';
import { isTerminal, publicRun, runListItem } from './runs';
import type { SimState } from './state';
import type { RunStatus, SimRun } from './types';

function findRun(sim: SimState, runId: string): SimRun {
	const run = sim.runs.get(runId);
	// Model and freestyle runs have their own status endpoints: /v1/runs does not know them.
	if (!run || (run.kind ?? 'app') !== 'app') throw new HttpError(404, 'NOT_FOUND', `Run "${runId}" not found`);
	return run;
}

export async function startRun(ctx: RequestContext, sim: SimState): Promise<void> {
	const app = findApp(sim, ctx.params.appId);
	const body = await readObjectBody(ctx.req);
	const run = launchRun(sim, app, {
		inputs: body.inputs,
		outputs: body.outputs,
		webhook: ctx.url.searchParams.get('webhook'),
		source: 'api',
	});
	if (ctx.legacy) sim.legacyRuns.add(run.runId);
	const { outputs } = publicRun(run, ctx.legacy);
	sendJson(ctx, 202, {
		data: {
			[runIdField(ctx.legacy)]: run.runId,
			workflowId: run.workflowId,
			workflowName: run.workflowName,
			status: run.status,
			webhookUrl: run.webhookUrl,
			outputs,
		},
	});
}

export function getRun(ctx: RequestContext, sim: SimState): void {
	sendJson(ctx, 200, { data: publicRun(findRun(sim, ctx.params.runId), ctx.legacy) });
}

/** Answers as soon as the run is terminal, else `timeout: true` after `timeout` seconds. */
export function waitForRun(ctx: RequestContext, sim: SimState): void {
	const timeoutSeconds = intParam(ctx.url, 'timeout', 60, 1, 120);
	const run = findRun(sim, ctx.params.runId);
	// The old generation puts `timeout` inside `data`: clients must accept both.
	const answer = (timedOut: boolean) => {
		const data = publicRun(run, ctx.legacy);
		sendJson(ctx, 200, ctx.legacy ? { data: { ...data, timeout: timedOut } } : { data, timeout: timedOut });
	};
	if (isTerminal(run.status)) return answer(false);

	const finish = (timedOut: boolean) => {
		unsubscribe();
		sim.timers.cancel(timer);
		sim.openResponses.delete(closeNow);
		answer(timedOut);
	};
	const closeNow = () => finish(true);
	const unsubscribe = sim.runs.subscribe(run.runId, (changed) => {
		if (isTerminal(changed.status)) finish(false);
	});
	const timer = sim.timers.after(timeoutSeconds * 1000, () => finish(true));
	sim.openResponses.add(closeNow);
	ctx.res.on('close', () => {
		unsubscribe();
		sim.timers.cancel(timer);
		sim.openResponses.delete(closeNow);
	});
}

/**
 * SSE: `progress` now and on each change, then `complete` or `error`; `ping` and a final
 * `timeout` by the clock. `sim.stream` varies the wire format and breaks streams on purpose.
 */
export function streamRun(ctx: RequestContext, sim: SimState): void {
	const run = findRun(sim, ctx.params.runId);
	const { res } = ctx;
	const behaviour = sim.stream;
	res.writeHead(200, {
		'content-type': 'text/event-stream; charset=utf-8',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
		'x-accel-buffering': 'no',
	});
	res.flushHeaders();
	const writer = new EventWriter(res, behaviour, sim.timers);
	if (behaviour.silent) {
		const close = () => {
			sim.openResponses.delete(close);
			if (writer.open) res.end();
		};
		sim.openResponses.add(close);
		res.on('close', close);
		return;
	}
	// The old generation wraps RUN in { data }: clients must accept both.
	const wrapped = behaviour.runShape ? behaviour.runShape === 'wrapped' : ctx.legacy;
	const payload = (r: SimRun) => (wrapped ? { data: publicRun(r, ctx.legacy) } : publicRun(r, ctx.legacy));
	const sendFinal = (r: SimRun) => writer.send(r.status === 'completed' ? 'complete' : 'error', payload(r));

	if (isTerminal(run.status)) {
		sendFinal(run);
		writer.end();
		return;
	}

	let runEvents = 0;
	const stopWatching = () => {
		unsubscribe();
		sim.timers.cancel(ping);
		sim.timers.cancel(timeout);
		sim.openResponses.delete(end);
	};
	const end = () => {
		stopWatching();
		writer.end();
	};
	const sendProgress = (r: SimRun) => {
		writer.send('progress', payload(r));
		runEvents += 1;
		const drops = sim.streamDropsLeft === undefined || sim.streamDropsLeft > 0;
		if (behaviour.dropAfterEvents !== undefined && runEvents >= behaviour.dropAfterEvents && drops) {
			if (sim.streamDropsLeft !== undefined) sim.streamDropsLeft -= 1;
			stopWatching();
			writer.drop();
		}
	};
	const unsubscribe = sim.runs.subscribe(run.runId, (changed) => {
		if (isTerminal(changed.status)) {
			sendFinal(changed);
			end();
		} else {
			sendProgress(changed);
		}
	});
	const ping = sim.timers.every(sim.options.streamPingMs, () => writer.send('ping', Date.now()));
	const timeout = sim.timers.after(sim.options.streamTimeoutMs, () => {
		writer.send('timeout', { message: 'Stream closed after 10 minutes; reconnect, or use /wait' });
		end();
	});
	sim.openResponses.add(end);
	res.on('close', end);
	sendProgress(run);
}

const RUN_STATUSES: RunStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

export function listRuns(ctx: RequestContext, sim: SimState): void {
	const query = ctx.url.searchParams;
	const limit = intParam(ctx.url, 'limit', 25, 1, 100);
	const offset = intParam(ctx.url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
	const status = query.get('status') || undefined;
	if (status && !RUN_STATUSES.includes(status as RunStatus)) {
		throw new HttpError(400, 'VALIDATION_ERROR', `"status" must be one of: ${RUN_STATUSES.join(', ')}`, [
			`"status": invalid value "${status}". Must be one of: ${RUN_STATUSES.join(', ')}`,
		]);
	}
	const appId = query.get('appId') || undefined;
	const sinceText = query.get('since') || undefined;
	const since = sinceText === undefined ? undefined : Date.parse(sinceText);
	if (since !== undefined && Number.isNaN(since)) {
		throw new HttpError(400, 'VALIDATION_ERROR', '"since" must be an ISO 8601 date', [
			`"since": invalid date "${sinceText}"`,
		]);
	}
	const matching = [...sim.runs.runs.values()]
		.filter((r) => (r.kind ?? 'app') === 'app')
		.filter((r) => (status ? r.status === status : true))
		.filter((r) => (appId ? r.appId === appId : true))
		.filter((r) => (since !== undefined ? Date.parse(r.createdAt) >= since : true))
		.sort((a, b) => b.seq - a.seq);
	sendJson(ctx, 200, {
		data: matching.slice(offset, offset + limit).map((r) => runListItem(r, ctx.legacy)),
		pagination: { total: matching.length, limit, offset },
	});
}

export function cancelRun(ctx: RequestContext, sim: SimState): void {
	const run = findRun(sim, ctx.params.runId);
	sim.runs.cancel(run);
	sendJson(ctx, 200, { data: { [runIdField(ctx.legacy)]: run.runId, status: run.status } });
}
