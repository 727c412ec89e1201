/**
 * Brand intelligence and content ideation: deterministic answers (the same question gets the
 * same answer), and the sparse answers of a new workspace under `emptyWorkspace`.
 */
import { createHash } from 'node:crypto';

import { HttpError, intParam, readObjectBody, sendJson, type RequestContext } from './http';
import type { SimState } from './state';

/** A stable number in [min, max] from the question, so answers repeat exactly. */
function score(seed: string, min = 0.3, max = 0.95): number {
	const n = createHash('sha256').update(seed).digest().readUInt32BE(0) / 0xffffffff;
	return Math.round((min + n * (max - min)) * 100) / 100;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function brandContext(ctx: RequestContext, sim: SimState): void {
	if (sim.emptyWorkspace) return sendJson(ctx, 200, { data: { brandDna: null, guidance: null, topPatterns: null } });
	const platform = ctx.url.searchParams.get('platform');
	const topK = intParam(ctx.url, 'topK', 3, 1, 20);
	const items = [
		{ id: 'ci_101', title: 'Morning pour-over close-up', modality: 'image', platform: 'instagram', performanceScore: 0.91, winningPatterns: ['close-up', 'warm light'] },
		{ id: 'ci_102', title: 'Barista latte art reel', modality: 'video', platform: 'tiktok', performanceScore: 0.86, winningPatterns: ['process shot', 'hands'] },
		{ id: 'ci_103', title: 'Team behind the bar', modality: 'image', platform: 'linkedin', performanceScore: 0.74, winningPatterns: ['people', 'candid'] },
	].filter((item) => !platform || item.platform === platform);
	sendJson(ctx, 200, {
		data: {
			brandDna: {
				voiceAttributes: ['warm', 'craft-focused', 'unpretentious'],
				visualIdentity: ['earth tones', 'natural light', 'matte textures'],
				contentPillars: ['origin stories', 'brewing craft', 'community'],
				audienceSignals: ['specialty coffee fans', 'remote workers'],
				guardrails: ['no competitor mentions', 'no health claims'],
				toneSpectrum: { primary: 'friendly', secondary: 'expert', avoid: ['sarcastic'] },
				performanceProfile: { topPatterns: ['close-up', 'process shot'], weakPatterns: ['stock imagery'], avgEngagementTier: 'high' },
			},
			guidance: {
				promptDirectives: ['natural morning light', 'show hands at work'],
				negativePrompts: ['plastic cups', 'neon'],
				recommendedMoves: ['lead with the product in the first frame'],
				testIdeas: ['origin map overlay'],
				winningPatterns: ['close-up', 'warm light'],
				weakPatterns: ['stock imagery'],
				supportingMetrics: ['close-ups: +38 % saves'],
				creativeStructure: null,
			},
			topPatterns: {
				topItems: items.slice(0, topK),
				topPatterns: [{ pattern: 'close-up', occurrences: 12, avgPerformance: 0.84 }],
				weakPatterns: [{ pattern: 'stock imagery', occurrences: 4, avgPerformance: 0.31 }],
			},
		},
	});
}

export async function predict(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const missing = ['concept', 'platform', 'modality'].filter((field) => text(body[field]).trim() === '');
	if (missing.length) {
		throw new HttpError(400, 'VALIDATION_ERROR', `"${missing[0]}" is required`, missing.map((field) => `"${field}" is required`));
	}
	const seed = `${text(body.concept)}|${text(body.platform)}|${text(body.modality)}`;
	// Briefs that say "stock" score low, so tests and the demo can take both branches of an If.
	const weak = /stock|generic/i.test(text(body.concept));
	const performance = weak ? 0.22 : score(`${seed}|p`, 0.62, 0.93);
	sendJson(ctx, 200, {
		data: {
			trendAlignment: score(`${seed}|t`),
			brandFit: weak ? 0.3 : score(`${seed}|b`, 0.6, 0.95),
			performancePrediction: performance,
			fatigueRisk: score(`${seed}|f`, 0.05, 0.4),
			// A new workspace has nothing to compare with: low confidence, no comparables.
			confidence: sim.emptyWorkspace ? 0.1 : score(`${seed}|c`, 0.5, 0.9),
			reasoning: sim.emptyWorkspace ? [] : [weak ? 'Stock-style imagery underperforms for this brand' : 'Close-ups of the product perform well on this platform'],
			comparableContentItemIds: sim.emptyWorkspace ? [] : ['ci_101'],
			recommendedAdjustments: weak ? ['Show the product in use, in natural light'] : [],
		},
	});
}

export function recommendations(ctx: RequestContext, sim: SimState): void {
	const limit = intParam(ctx.url, 'limit', 10, 1, 50);
	if (sim.emptyWorkspace) return sendJson(ctx, 200, { data: [] });
	const platform = ctx.url.searchParams.get('platform');
	const all = [
		{ id: 'rec_1', type: 'format', status: 'open', priority: 'high', title: 'Post more process videos', summary: 'Latte-art reels get 2× the saves of stills.', data: { platform: 'tiktok' }, createdAt: '2026-11-30T08:00:00.000Z' },
		{ id: 'rec_2', type: 'timing', status: 'open', priority: 'medium', title: 'Publish before 9 am', summary: null, data: { platform: 'instagram' }, createdAt: '2026-11-29T08:00:00.000Z' },
		{ id: 'rec_3', type: 'creative', status: 'open', priority: 'low', title: 'Feature the team', summary: 'People-first posts do well on LinkedIn.', data: { platform: 'linkedin' }, createdAt: '2026-11-28T08:00:00.000Z' },
	];
	sendJson(ctx, 200, { data: all.filter((rec) => !platform || rec.data.platform === platform).slice(0, limit) });
}

export function trends(ctx: RequestContext, sim: SimState): void {
	const category = ctx.url.searchParams.get('category') || 'all';
	const platform = ctx.url.searchParams.get('platform');
	const windowDays = intParam(ctx.url, 'windowDays', 14, 1, 90);
	const limit = intParam(ctx.url, 'limit', 5, 1, 50);
	const windowEnd = '2026-12-01T00:00:00.000Z';
	const windowStart = new Date(Date.parse(windowEnd) - windowDays * 86_400_000).toISOString();
	const empty = sim.emptyWorkspace;
	sendJson(ctx, 200, {
		data: {
			category,
			platform,
			topPatterns: empty
				? []
				: [
						{ label: 'slow-motion pours', momentum: 0.82, exampleContentItemIds: ['ci_102'], formatDescription: 'Short vertical video, one continuous pour' },
						{ label: 'flat-lay breakfast', momentum: 0.64, exampleContentItemIds: ['ci_101'], formatDescription: 'Top-down still, natural light' },
					].slice(0, limit),
			emergingPatterns: empty ? [] : [{ label: 'origin maps', momentum: 0.41 }],
			decliningPatterns: empty ? [] : [{ label: 'neon signage', momentum: -0.3 }],
			windowStart,
			windowEnd,
		},
	});
}

const PLATFORMS = ['instagram', 'tiktok', 'linkedin'];

export async function contentBrief(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const goal = text(body.goal).trim();
	if (!goal) throw new HttpError(400, 'VALIDATION_ERROR', '"goal" is required', ['"goal" is required and must be non-empty text']);
	const count = body.count === undefined ? 3 : Number(body.count);
	if (!Number.isInteger(count) || count < 1 || count > 10) {
		throw new HttpError(400, 'VALIDATION_ERROR', '"count" must be an integer from 1 to 10', ['"count" must be an integer from 1 to 10']);
	}
	const angles = ['Behind the scenes', 'Close-up hero', 'Customer moment', 'How it is made', 'Before and after', 'Quick tip', 'Origin story', 'Team spotlight', 'Seasonal special', 'Myth vs fact'];
	const concepts = angles.slice(0, count).map((angle, i) => {
		const platform = text(body.platform) || PLATFORMS[i % PLATFORMS.length];
		const modality = text(body.modality) || (i % 2 ? 'video' : 'image');
		return {
			title: `${angle}: ${goal}`.slice(0, 80),
			concept: `${angle} take on "${goal}"`,
			prompt: `${angle.toLowerCase()} shot for ${goal}, natural light, brand colours`,
			platform,
			modality,
			format: modality === 'video' ? 'vertical 9:16, 15 s' : 'square 1:1',
			predictedPerformance: sim.emptyWorkspace ? 'unknown' : ['high', 'medium', 'medium', 'low'][i % 4],
			rationale: sim.emptyWorkspace ? 'No past content to compare with yet.' : `${angle} posts match the brand's top patterns.`,
		};
	});
	sendJson(ctx, 200, { data: { concepts } });
}

export async function contentScore(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	if (body.contentItemIds !== undefined && !(Array.isArray(body.contentItemIds) && body.contentItemIds.every((id) => typeof id === 'string'))) {
		throw new HttpError(400, 'VALIDATION_ERROR', '"contentItemIds" must be an array of IDs', ['"contentItemIds" must be an array of strings']);
	}
	const limit = body.limit === undefined ? 20 : Number(body.limit);
	const published = sim.emptyWorkspace ? [] : sim.publishing.posts.filter((post) => post.status === 'published');
	const ids = (body.contentItemIds as string[] | undefined) ?? published.map((post) => post.id);
	const scores = ids
		.filter((id) => published.some((post) => post.id === id))
		.map((id) => published.find((post) => post.id === id)!)
		.filter((post) => !body.platform || post.platform === body.platform)
		.filter((post) => !body.modality || post.contentType === body.modality)
		.slice(0, limit)
		.map((post) => ({ contentItemId: post.id, platform: post.platform, performanceScore: score(post.id, 0.2, 0.95), scoredAt: post.publishedAt }));
	sendJson(ctx, 200, { data: { scored: scores.length, items: scores } });
}
