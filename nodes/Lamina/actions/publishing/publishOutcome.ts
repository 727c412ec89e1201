/**
 * What a publish did, in words a user can act on: which channel is which, what was posted, what
 * failed, and what to do when the answer was lost. Pure, so it is unit-tested without a server.
 * A post is public and can't be taken back: nothing here ever advises publishing "again" blindly.
 */
import type { IDataObject } from 'n8n-workflow';

export interface PublishingChannel {
	id: string;
	platform: string;
	accountName?: string | null;
	accountType?: string | null;
	username?: string | null;
}

export interface ChannelResult {
	accountId: string;
	platform: string;
	accountName?: string | null;
	status: 'success' | 'error' | string;
	postUrl?: string;
	error?: string;
}

export interface PublishSummary {
	total: number;
	success: number;
	failed: number;
}

const PLATFORM_NAMES: Record<string, string> = {
	instagram: 'Instagram',
	facebook: 'Facebook',
	linkedin: 'LinkedIn',
	tiktok: 'TikTok',
	youtube: 'YouTube',
	twitter: 'X',
	x: 'X',
	threads: 'Threads',
	pinterest: 'Pinterest',
};

export function platformName(platform: string | undefined): string {
	const key = (platform ?? '').trim().toLowerCase();
	if (!key) return 'Unknown platform';
	return PLATFORM_NAMES[key] ?? key[0].toUpperCase() + key.slice(1);
}

/** How the channel list in the editor names a channel: "Instagram · Acme Coffee (@acme)". */
export function channelOptionName(channel: PublishingChannel): string {
	const handle = channel.username ? `@${channel.username.replace(/^@/, '')}` : undefined;
	const who = channel.accountName ?? handle ?? channel.id;
	return `${platformName(channel.platform)} · ${who}${channel.accountName && handle ? ` (${handle})` : ''}`;
}

/** How errors name a channel: 'Instagram "Acme Coffee"'. */
export function channelLabel(result: Pick<ChannelResult, 'accountId' | 'platform' | 'accountName'>): string {
	return `${platformName(result.platform)} "${result.accountName || result.accountId}"`;
}

/**
 * The channel IDs as chosen in the list or given by an expression (an array, or text separated
 * by commas). Repeats are dropped: the same channel twice would publish the post twice.
 */
export function readIdList(value: unknown): string[] {
	const raw = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\n]/) : value == null ? [] : [value];
	const ids = raw.map((entry) => (typeof entry === 'object' && entry !== null ? String((entry as IDataObject).id ?? '') : String(entry)).trim()).filter(Boolean);
	return [...new Set(ids)];
}

/** The answer's per-channel results and summary; the summary is counted when Lamina left it out. */
export function readPublishAnswer(data: unknown): { results: ChannelResult[]; summary: PublishSummary } {
	const body = (data && typeof data === 'object' ? data : {}) as IDataObject;
	const results = (Array.isArray(body.results) ? body.results : []) as unknown as ChannelResult[];
	const success = results.filter((result) => result.status === 'success').length;
	const given = body.summary as Partial<PublishSummary> | undefined;
	const summary: PublishSummary = {
		total: typeof given?.total === 'number' ? given.total : results.length,
		success: typeof given?.success === 'number' ? given.success : success,
		failed: typeof given?.failed === 'number' ? given.failed : results.length - success,
	};
	return { results, summary };
}

export const failedResults = (results: ChannelResult[]) => results.filter((result) => result.status !== 'success');
export const publishedResults = (results: ChannelResult[]) => results.filter((result) => result.status === 'success');

const posted = (result: ChannelResult) => `${channelLabel(result)}${result.postUrl ? ` (${result.postUrl})` : ''}`;

/** The error of an item some of whose channels failed: each failed channel named, what went out listed. */
export function describeChannelFailures(results: ChannelResult[]): { message: string; description: string } {
	const failed = failedResults(results);
	const published = publishedResults(results);
	const reasons = failed.map((result) => `${channelLabel(result)}${result.error ? `: ${result.error}` : ''}`);
	const message =
		failed.length === 1
			? `Publishing to ${channelLabel(failed[0])} failed${failed[0].error ? `: ${failed[0].error}` : ''}${results.length > 1 ? ` (${published.length} of ${results.length} channels published)` : ''}`
			: `Publishing failed on ${failed.length} of ${results.length} channels: ${reasons.join('; ')}`;
	const description = published.length
		? `Published: ${published.map(posted).join(', ')}. These posts are public: to retry, publish this item only to the failed channels (${failed.map(channelLabel).join(', ')}), or the others get it twice.`
		: `Nothing was published for this item. Fix what the platform reported, then publish it to ${failed.length === 1 ? 'this channel' : 'these channels'} again.`;
	return { message, description };
}

/** Lamina's clock and ours may differ: the check looks back a little further than the request. */
const SINCE_MARGIN_MS = 60_000;

/**
 * A publish whose answer was lost (a 5xx, a reset, a timeout): the post may be public already.
 * Says how to check (Get History), never to publish again blindly.
 */
export function describeUncertainPublish(failure: {
	message: string;
	description: string;
	sentAt: number;
	platforms: string[];
	accountIds: string[];
}): { message: string; description: string; context: IDataObject } {
	const since = new Date(Math.floor((failure.sentAt - SINCE_MARGIN_MS) / 1000) * 1000).toISOString();
	const reference = /\((Code: [^)]*)\)\s*$/.exec(failure.description)?.[0];
	const platforms = [...new Set(failure.platforms.filter(Boolean))];
	const filter = platforms.length === 1 ? ` with Platform "${platforms[0]}"` : '';
	return {
		message: `${failure.message}; the post may have been published`,
		description:
			'Lamina may have received the publish request before it failed, so it was not sent again: a post is public, and a second publish would post it twice. ' +
			`Check with Publishing → Get History${filter} for posts created since ${since}: publish again only to a channel where it is not listed.` +
			(reference ? ` ${reference}` : ''),
		context: { mayHavePublished: true, since, accountIds: failure.accountIds },
	};
}

export interface PublishedItem {
	itemIndex: number;
	results: ChannelResult[];
}

/** The line that accounts, in the error that ends the node, for the posts earlier items made. */
export function publishedEarlierNote(items: PublishedItem[]): string | undefined {
	const lines = items
		.map((item) => ({ itemIndex: item.itemIndex, published: publishedResults(item.results) }))
		.filter((item) => item.published.length > 0)
		.map((item) => `item ${item.itemIndex}: ${item.published.map(posted).join(', ')}`);
	if (!lines.length) return undefined;
	return `Published by this node before it stopped (these posts are public; running the node again on these items would post them twice): ${lines.join('; ')}.`;
}
