/** List Apps, Get App, Get Workflow. */
import { appDetail, appSummary, appWorkflow } from './apps';
import { HttpError, intParam, sendJson, type RequestContext } from './http';
import type { SimState } from './state';
import type { SimApp } from './types';

export function findApp(sim: SimState, appId: string): SimApp {
	const app = sim.apps.get(appId);
	if (!app) throw new HttpError(404, 'NOT_FOUND', `App "${appId}" not found`);
	return app;
}

export function listApps(ctx: RequestContext, sim: SimState): void {
	const search = (ctx.url.searchParams.get('search') ?? '').trim().toLowerCase();
	const limit = intParam(ctx.url, 'limit', 50, 1, 100);
	const matching = [...sim.apps.values()].filter(
		(app) => search === '' || app.name.toLowerCase().includes(search) || app.description.toLowerCase().includes(search),
	);
	sendJson(ctx, 200, { data: matching.slice(0, limit).map(appSummary) });
}

export function getApp(ctx: RequestContext, sim: SimState): void {
	sendJson(ctx, 200, { data: appDetail(findApp(sim, ctx.params.appId)) });
}

export function getWorkflow(ctx: RequestContext, sim: SimState): void {
	sendJson(ctx, 200, { data: appWorkflow(findApp(sim, ctx.params.appId)) });
}
