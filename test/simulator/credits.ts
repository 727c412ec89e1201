/** Credits: per-app costs from the workflow's steps, the workspace balance, estimates and discovery. */
import { runSteps } from './apps';
import { HttpError } from './http';
import type { SimState } from './state';
import type { SimApp } from './types';

/** Credits a step of each node type costs; an unknown type costs DEFAULT_STEP_CREDITS, output nodes nothing. */
const STEP_CREDITS: Record<string, number> = {
	aiDesignerNode: 4,
	videoGeneratorNode: 20,
	upscaleNode: 2,
	backgroundRemovalNode: 1,
	voiceNode: 3,
	llmNode: 1,
	outputNode: 0,
};
const DEFAULT_STEP_CREDITS = 2;

export interface CostEstimate {
	appId: string;
	name: string;
	estimatedCredits: { expected: number; min: number; max: number };
	breakdown: Array<{ nodeId: string; nodeType: string; credits: number }>;
	currentBalance: number;
	affordable: boolean;
}

/**
 * What a run of `app` costs: each paid step of its workflow, by node type, unless the test set the
 * app's expected cost (then the first paid step carries it all). min/max bracket retries and branches.
 */
export function appCost(sim: SimState, app: SimApp): Omit<CostEstimate, 'currentBalance' | 'affordable'> {
	const paid = runSteps(app).filter((step) => step.type !== 'outputNode');
	let breakdown = paid.map((step) => ({ nodeId: step.id, nodeType: step.type, credits: STEP_CREDITS[step.type] ?? DEFAULT_STEP_CREDITS }));
	const fixed = sim.appCredits.get(app.appId);
	if (fixed !== undefined) breakdown = breakdown.map((step, i) => ({ ...step, credits: i === 0 ? fixed : 0 }));
	const expected = breakdown.reduce((sum, step) => sum + step.credits, 0);
	return {
		appId: app.appId,
		name: app.name,
		estimatedCredits: { expected, min: Math.floor(expected * 0.8), max: Math.ceil(expected * 1.5) },
		breakdown,
	};
}

export function estimateFor(sim: SimState, app: SimApp): CostEstimate {
	const cost = appCost(sim, app);
	return { ...cost, currentBalance: sim.balance, affordable: sim.balance >= cost.estimatedCredits.expected };
}

/** A run is billed its expected cost when it starts; the server refuses one the balance can't pay. */
export function chargeRun(sim: SimState, app: SimApp): number {
	const { expected } = appCost(sim, app).estimatedCredits;
	if (sim.balance < expected) {
		throw new HttpError(
			sim.insufficientCreditsStatus,
			'INSUFFICIENT_CREDITS',
			`Insufficient credits: this run needs ${expected} credits, the workspace has ${sim.balance}`,
			{ balance: sim.balance, required: expected },
		);
	}
	sim.balance -= expected;
	return expected;
}

const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 2);

const MEDIA = ['image', 'video', 'audio', 'text'] as const;

/** The formats an app's runs produce: its modality and its outputs' types. */
function formatsOf(app: SimApp): string[] {
	return [...new Set([app.modality, ...(app.outputs ?? app.produces ?? []).map((o) => o.type)].filter((f): f is string => !!f))];
}

export interface DiscoverRequest {
	intent: string;
	maxCredits?: number;
	outputFormat?: string;
	limit: number;
}

/** Apps ranked by how many of the intent's words their name, description and capabilities contain. */
export function discover(sim: SimState, request: DiscoverRequest): Record<string, unknown> {
	const wanted = [...new Set(words(request.intent))];
	const matches = [...sim.apps.values()]
		.map((app) => {
			const haystack = new Set(words([app.name, app.description, app.modality ?? '', ...(app.capabilities ?? [])].join(' ')));
			const hits = wanted.filter((word) => haystack.has(word) || haystack.has(word.replace(/s$/, '')));
			const credits = appCost(sim, app).estimatedCredits.expected;
			return { app, hits, credits, score: wanted.length ? Math.round((100 * hits.length) / wanted.length) / 100 : 0 };
		})
		.filter(({ score }) => score > 0)
		.filter(({ credits }) => request.maxCredits === undefined || credits <= request.maxCredits)
		.filter(({ app }) => request.outputFormat === undefined || formatsOf(app).includes(request.outputFormat.toLowerCase()))
		.sort((a, b) => b.score - a.score || a.credits - b.credits || a.app.name.localeCompare(b.app.name))
		.slice(0, request.limit)
		.map(({ app, hits, credits, score }) => ({
			appId: app.appId,
			name: app.name,
			description: app.description,
			relevanceScore: score,
			capabilities: app.capabilities ?? null,
			estimatedCredits: credits,
			whyMatch: `Its name or description mentions ${hits.map((hit) => `"${hit}"`).join(', ')}`,
			...(app.thumbnail ? { thumbnail: app.thumbnail } : {}),
		}));
	const medium = MEDIA.find((m) => wanted.includes(m) || wanted.includes(`${m}s`)) ?? (matches[0] ? formatsOf(sim.apps.get(matches[0].appId)!)[0] : 'image');
	return { matches, intent: { medium, summary: request.intent.trim() } };
}
