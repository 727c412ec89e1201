/**
 * Publishing to the workspace's connected social channels: channels, publish (one post per
 * channel, counted), transfer-asset and a history. A channel can be set to fail; an "empty
 * workspace" has no channels and no history.
 */
import { randomBytes } from 'node:crypto';

import { HttpError, intParam, readObjectBody, sendJson, type RequestContext } from './http';
import type { SimState } from './state';

export interface SimChannel {
	id: string;
	platform: string;
	accountName: string | null;
	accountType: string | null;
	username: string | null;
	hasInstagram: boolean;
	createdAt: string;
}

export interface SimPost {
	id: string;
	accountId: string;
	platform: string;
	contentType: 'image' | 'video' | 'text';
	contentUrl: string | null;
	caption: string | null;
	postUrl: string | null;
	status: 'published' | 'failed';
	error: string | null;
	publishedAt: string | null;
	createdAt: string;
}

export const CHANNELS = {
	instagram: 'ch_instagram_acme',
	linkedin: 'ch_linkedin_acme',
	tiktok: 'ch_tiktok_acme',
} as const;

export function fixtureChannels(): SimChannel[] {
	const createdAt = '2026-01-05T09:00:00.000Z';
	return [
		{ id: CHANNELS.instagram, platform: 'instagram', accountName: 'Acme Coffee', accountType: 'business', username: 'acmecoffee', hasInstagram: true, createdAt },
		{ id: CHANNELS.linkedin, platform: 'linkedin', accountName: 'Acme Coffee Co.', accountType: 'organization', username: null, hasInstagram: false, createdAt },
		{ id: CHANNELS.tiktok, platform: 'tiktok', accountName: null, accountType: 'creator', username: 'acme.brews', hasInstagram: false, createdAt },
	];
}

export class PublishingStore {
	channels: SimChannel[] = fixtureChannels();
	/** Newest first, as history lists them. */
	readonly posts: SimPost[] = [];
	/** Channel ID → the error its platform answers with. */
	readonly failing = new Map<string, string>();
	/** Successful posts per channel ID. */
	readonly postsPerChannel: Record<string, number> = {};
	readonly transfers: Array<{ sourceUrl: string; mediaType: string; cdnUrl: string }> = [];
}

export function listChannels(ctx: RequestContext, sim: SimState): void {
	sendJson(ctx, 200, { data: sim.emptyWorkspace ? [] : sim.publishing.channels });
}

const isHttpUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);

export async function publish(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	const store = sim.publishing;
	const channels = sim.emptyWorkspace ? [] : store.channels;
	const problems: string[] = [];
	const ids = body.accountIds;
	if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== '')) {
		problems.push('"accountIds" must be a non-empty array of channel IDs');
	} else {
		for (const id of ids) if (!channels.some((channel) => channel.id === id)) problems.push(`"accountIds": no connected channel "${id}"`);
	}
	if (body.imageUrl !== undefined && body.videoUrl !== undefined) problems.push('give "imageUrl" or "videoUrl", not both');
	for (const field of ['imageUrl', 'videoUrl'] as const) {
		if (body[field] !== undefined && !isHttpUrl(body[field])) problems.push(`"${field}" must be an http(s) URL`);
	}
	if (body.caption !== undefined && typeof body.caption !== 'string') problems.push('"caption" must be text');
	if (body.imageUrl === undefined && body.videoUrl === undefined && !body.caption) problems.push('give an image, a video or a caption');
	if (problems.length) throw new HttpError(400, 'VALIDATION_ERROR', problems[0], problems);

	const now = new Date().toISOString();
	const contentUrl = (body.imageUrl ?? body.videoUrl ?? null) as string | null;
	const contentType = body.imageUrl ? 'image' : body.videoUrl ? 'video' : 'text';
	const results = (ids as string[]).map((accountId) => {
		const channel = channels.find((c) => c.id === accountId)!;
		const error = store.failing.get(accountId);
		const postId = `post_${randomBytes(5).toString('hex')}`;
		const postUrl = error ? null : `https://${channel.platform}.example/${channel.username ?? channel.id}/${postId}`;
		store.posts.unshift({
			id: postId,
			accountId,
			platform: channel.platform,
			contentType,
			contentUrl,
			caption: (body.caption as string | undefined) ?? null,
			postUrl,
			status: error ? 'failed' : 'published',
			error: error ?? null,
			publishedAt: error ? null : now,
			createdAt: now,
		});
		if (!error) store.postsPerChannel[accountId] = (store.postsPerChannel[accountId] ?? 0) + 1;
		return {
			accountId,
			platform: channel.platform,
			accountName: channel.accountName,
			status: error ? 'error' : 'success',
			...(postUrl ? { postUrl } : {}),
			...(error ? { error } : {}),
		};
	});
	const success = results.filter((r) => r.status === 'success').length;
	sendJson(ctx, 200, { data: { results, summary: { total: results.length, success, failed: results.length - success } } });
}

const MEDIA_TYPES = ['image', 'video', 'audio'];

export async function transferAsset(ctx: RequestContext, sim: SimState): Promise<void> {
	const body = await readObjectBody(ctx.req);
	if (!isHttpUrl(body.sourceUrl)) throw new HttpError(400, 'VALIDATION_ERROR', '"sourceUrl" must be an http(s) URL', ['"sourceUrl" must be an http(s) URL']);
	if (!MEDIA_TYPES.includes(String(body.mediaType))) {
		throw new HttpError(400, 'VALIDATION_ERROR', '"mediaType" must be image, video or audio', ['"mediaType" must be one of: image, video, audio']);
	}
	const source = new URL(String(body.sourceUrl));
	const filename = typeof body.filename === 'string' && body.filename ? body.filename : source.pathname.split('/').pop() || `${body.mediaType}`;
	const assetId = `asset_${randomBytes(6).toString('hex')}`;
	const cdnUrl = `${sim.url}/cdn/${assetId}/${encodeURIComponent(filename)}`;
	sim.publishing.transfers.push({ sourceUrl: String(body.sourceUrl), mediaType: String(body.mediaType), cdnUrl });
	sendJson(ctx, 200, { data: { cdnUrl, assetId, filename } });
}

export function publishHistory(ctx: RequestContext, sim: SimState): void {
	const status = ctx.url.searchParams.get('status');
	const platform = ctx.url.searchParams.get('platform');
	const limit = intParam(ctx.url, 'limit', 50, 1, 100);
	const posts = sim.emptyWorkspace ? [] : sim.publishing.posts;
	const shown = posts
		.filter((post) => (!status || post.status === status) && (!platform || post.platform === platform))
		.slice(0, limit)
		.map(({ accountId: _accountId, ...post }) => post);
	sendJson(ctx, 200, { data: shown });
}
