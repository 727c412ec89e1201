/** The route table: Lamina's API paths (canonical /v1 and the old /api aliases) plus storage-like paths. */
import { getApp, getWorkflow, listApps } from './appRoutes';
import { discoverApps, estimateApp, getAccount, refineRun } from './creditRoutes';
import { createUploadUrls, receiveUpload, serveAsset } from './assets';
import { createContent, createContentBatch } from './content';
import { planContent, runConfirmedPlan } from './contentPlan';
import { serveOutputFile } from './files';
import { brandContext, contentBrief, contentScore, predict, recommendations, trends } from './intelligence';
import { listChannels, publish, publishHistory, transferAsset } from './publishing';
import { getFreestyleRun, getGenerationRun, startGeneration } from './generate';
import { modelInModality, modelsByModalityOrId } from './models';
import { sendJson, type RequestContext } from './http';
import { cancelRun, getRun, listRuns, startRun, streamRun, waitForRun } from './runRoutes';
import type { RouteDef, SimState } from './state';

/** Not wrapped in `data`, unlike every other success body. */
function getSigningKeys(ctx: RequestContext, sim: SimState): void {
	sim.counters.signingKeyFetches += 1;
	sendJson(ctx, 200, { keys: sim.keys.list() });
}

const api = (method: string, path: string, handler: RouteDef['handler']): RouteDef => ({ method, path, handler, api: true });

export const ROUTES: RouteDef[] = [
	api('GET', '/v1/apps', listApps),
	api('GET', '/v1/apps/:appId', getApp),
	api('GET', '/v1/apps/:appId/workflow', getWorkflow),
	api('POST', '/v1/apps/:appId/runs', startRun),
	api('POST', '/v1/apps/:appId/estimate', estimateApp),
	api('POST', '/v1/apps/discover', discoverApps),
	api('GET', '/v1/account', getAccount),
	api('POST', '/v1/runs/:runId/feedback', refineRun),
	api('GET', '/v1/runs', listRuns),
	api('GET', '/v1/runs/:runId', getRun),
	api('GET', '/v1/runs/:runId/wait', waitForRun),
	api('GET', '/v1/runs/:runId/stream', streamRun),
	api('POST', '/v1/runs/:runId/cancel', cancelRun),
	api('POST', '/v1/content/create', createContent),
	api('POST', '/v1/content/batch', createContentBatch),
	api('POST', '/v1/content/plan', planContent),
	api('POST', '/v1/content/run', runConfirmedPlan),
	// Models: `:key` is a modality (a list) or a model id (its paramSchema).
	api('GET', '/v1/models/:key', modelsByModalityOrId),
	api('GET', '/v1/models/:modality/:id', modelInModality),
	api('POST', '/v1/generate/:modality', startGeneration),
	api('GET', '/v1/generate/runs/:runId', getGenerationRun),
	api('GET', '/v1/freestyle/:runId', getFreestyleRun),
	api('POST', '/v1/assets/upload-urls', createUploadUrls),
	api('POST', '/v1/content/brief', contentBrief),
	api('POST', '/v1/content/score', contentScore),
	api('GET', '/v1/publishing/channels', listChannels),
	api('POST', '/v1/publishing/publish', publish),
	api('POST', '/v1/publishing/transfer-asset', transferAsset),
	api('GET', '/v1/publishing/history', publishHistory),
	api('GET', '/v1/intelligence/brand-context', brandContext),
	api('POST', '/v1/intelligence/predict', predict),
	api('GET', '/v1/intelligence/recommendations', recommendations),
	api('GET', '/v1/intelligence/trends', trends),
	api('GET', '/v1/webhooks/signing-key', getSigningKeys),
	// Older documented paths: they answer as the old generation (`executionId`, bare errors).
	api('GET', '/api/apps', listApps),
	api('GET', '/api/apps/:appId', getApp),
	api('POST', '/api/apps/:appId/executions', startRun),
	api('GET', '/api/executions/:runId', getRun),
	api('GET', '/api/webhooks/signing-key', getSigningKeys),
	// Storage: presigned-style, no API key, no rate limit.
	{ method: 'PUT', path: '/uploads/:assetId', handler: receiveUpload, api: false },
	{ method: 'GET', path: '/assets/:assetId/:filename', handler: serveAsset, api: false },
	{ method: 'HEAD', path: '/assets/:assetId/:filename', handler: serveAsset, api: false },
	{ method: 'GET', path: '/files/:runId/:file', name: '/files/...', handler: serveOutputFile, api: false },
	{ method: 'HEAD', path: '/files/:runId/:file', name: '/files/...', handler: serveOutputFile, api: false },
];

interface CompiledRoute {
	route: RouteDef;
	regex: RegExp;
	names: string[];
}

const COMPILED: CompiledRoute[] = ROUTES.map((route) => {
	const names: string[] = [];
	const source = route.path
		.split('/')
		.map((segment) => {
			if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			names.push(segment.slice(1));
			return '([^/]+)';
		})
		.join('/');
	return { route, regex: new RegExp(`^${source}/?$`), names };
});

/** How counters and faults name a route: its pattern, or its explicit name. */
export function routeName(route: RouteDef): string {
	return route.name ?? route.path;
}

export const ROUTE_NAMES: ReadonlySet<string> = new Set(ROUTES.map(routeName));

export function matchRoute(method: string, path: string): { route: RouteDef; params: Record<string, string> } | undefined {
	for (const { route, regex, names } of COMPILED) {
		if (route.method !== method) continue;
		const match = regex.exec(path);
		if (!match) continue;
		const params: Record<string, string> = {};
		names.forEach((name, i) => {
			try {
				params[name] = decodeURIComponent(match[i + 1]);
			} catch {
				params[name] = match[i + 1];
			}
		});
		return { route, params };
	}
	return undefined;
}
