/**
 * Publishing: channels, history, transfer, and Publish's promise — a post is public, so each
 * channel gets it exactly once, a channel's failure is named, and a lost answer is never resent.
 */
import type { INodeExecutionData, INodePropertyOptions } from 'n8n-workflow';

import { callEditorMethod, laminaNode } from '../harness/engine';
import { CHANNELS } from '../simulator';
import { everythingShown, useSimulator } from '../support/context';

const ctx = useSimulator({ rateLimitPerMinute: 10_000 });
beforeEach(() => ctx.sim.resetPublishing());

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;
const RERUN = /run the (node|app) again/i;
const PUBLISH_ROUTE = 'POST /v1/publishing/publish';

const publishNode = (parameters: Record<string, unknown> = {}, extra = {}) =>
	laminaNode(
		{
			resource: 'publishing',
			operation: 'publish',
			channelIds: [CHANNELS.instagram, CHANNELS.linkedin],
			media: 'imageUrl',
			mediaUrl: 'https://cdn.example.com/winter-blend.png',
			caption: 'Winter blend is here',
			...parameters,
		},
		extra,
	);

describe('Get Channels', () => {
	test('one item per connected channel, with a label naming platform and account', async () => {
		const { items, error } = await ctx.engine.run([laminaNode({ resource: 'publishing', operation: 'getChannels' })]);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual([CHANNELS.instagram, CHANNELS.linkedin, CHANNELS.tiktok]);
		expect(items[0].json).toMatchObject({ platform: 'instagram', accountName: 'Acme Coffee', label: 'Instagram · Acme Coffee (@acmecoffee)' });
		expect(items[2].json.label).toBe('TikTok · @acme.brews');
	});

	test('a new workspace with no channel: an empty result, not an error', async () => {
		ctx.sim.setEmptyWorkspace(true);
		try {
			const { items, error } = await ctx.engine.run([laminaNode({ resource: 'publishing', operation: 'getChannels' })]);
			expect(error).toBeUndefined();
			expect(items).toEqual([]);
		} finally {
			ctx.sim.setEmptyWorkspace(false);
		}
	});

	test("the editor's channel list names each channel by platform and account; its value is the ID", async () => {
		const options = await callEditorMethod<INodePropertyOptions[]>(ctx.engine, publishNode(), 'loadOptions', 'getPublishingChannels');
		expect(options).toEqual([
			{ name: 'Instagram · Acme Coffee (@acmecoffee)', value: CHANNELS.instagram, description: `business · @acmecoffee · ID ${CHANNELS.instagram}` },
			{ name: 'LinkedIn · Acme Coffee Co.', value: CHANNELS.linkedin, description: `organization · ID ${CHANNELS.linkedin}` },
			{ name: 'TikTok · @acme.brews', value: CHANNELS.tiktok, description: `creator · @acme.brews · ID ${CHANNELS.tiktok}` },
		]);
	});
});

describe('Publish', () => {
	test('to two channels: exactly one post each, one output item with every result and the summary', async () => {
		const { items, error } = await ctx.engine.run([publishNode()]);
		expect(error).toBeUndefined();
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1, [CHANNELS.linkedin]: 1 });
		expect(ctx.sim.counters.requests[PUBLISH_ROUTE]).toBe(1);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toMatchObject({
			summary: { total: 2, success: 2, failed: 0 },
			results: [
				{ accountId: CHANNELS.instagram, status: 'success', postUrl: expect.stringMatching(/^https:\/\/instagram\.example\//) },
				{ accountId: CHANNELS.linkedin, status: 'success', postUrl: expect.any(String) },
			],
			mediaUrl: 'https://cdn.example.com/winter-blend.png',
			mediaType: 'image',
		});
		expect(ctx.sim.posts.every((post) => post.caption === 'Winter blend is here' && post.contentUrl === 'https://cdn.example.com/winter-blend.png')).toBe(true);
	});

	test('channel IDs by expression (text with commas), a repeated ID posts once', async () => {
		const node = publishNode({ channelIds: `={{ "${CHANNELS.instagram}, ${CHANNELS.tiktok}, ${CHANNELS.instagram}" }}`, media: 'videoUrl', mediaUrl: 'https://cdn.example.com/pour.mp4' });
		const { error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1, [CHANNELS.tiktok]: 1 });
		expect(ctx.sim.posts[0].contentType).toBe('video');
	});

	test('one item per input item, each published once', async () => {
		const node = publishNode({ caption: '={{ $json.caption }}', channelIds: [CHANNELS.linkedin] });
		const { items } = await ctx.engine.run([node], { input: [{ caption: 'one' }, { caption: 'two' }] });
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.linkedin]: 2 });
		expect(ctx.sim.posts.map((post) => post.caption)).toEqual(['two', 'one']);
	});

	test('a channel failing while the other succeeds: the node fails naming it and listing what was published', async () => {
		ctx.sim.setChannelFailure(CHANNELS.linkedin, 'Token expired: reconnect LinkedIn');
		const { error } = await ctx.engine.run([publishNode()]);
		expect(error?.message).toBe('Publishing to LinkedIn "Acme Coffee Co." failed: Token expired: reconnect LinkedIn (1 of 2 channels published)');
		expect(error?.description).toMatch(/^Published: Instagram "Acme Coffee" \(https:\/\/instagram\.example\/[^)]+\)\. These posts are public: to retry, publish this item only to the failed channels \(LinkedIn "Acme Coffee Co\."\)/);
		expect(error?.description).not.toMatch(RERUN);
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1 });
		expect(ctx.sim.counters.requests[PUBLISH_ROUTE]).toBe(1);
	});

	test('under Continue On Fail the item carries every channel result and an error field', async () => {
		ctx.sim.setChannelFailure(CHANNELS.linkedin, 'Token expired');
		const { items, error } = await ctx.engine.run([publishNode({}, { continueOnFail: true })], { input: [{}, {}] });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		for (const [index, item] of items.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({
				summary: { total: 2, success: 1, failed: 1 },
				results: [{ status: 'success' }, { accountId: CHANNELS.linkedin, status: 'error', error: 'Token expired' }],
				error: expect.stringMatching(/^Publishing to LinkedIn "Acme Coffee Co\." failed: Token expired/),
			});
		}
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 2 });
	});

	test('a failure on the second item lists what the first published, so nothing is lost', async () => {
		const { error } = await ctx.engine.run([publishNode({ channelIds: '={{ $json.ids }}' })], {
			input: [{ ids: [CHANNELS.instagram] }, { ids: ['ch_nope'] }],
		});
		expect(error?.message).toMatch(/^Lamina rejected the request/);
		expect(error?.description).toMatch(
			/Published by this node before it stopped \(these posts are public; running the node again on these items would post them twice\): item 0: Instagram "Acme Coffee" \(https:/,
		);
		expect(error?.context?.publishedEarlier).toEqual([{ item: 0, results: [expect.objectContaining({ accountId: CHANNELS.instagram, status: 'success' })] }]);
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1 });
	});

	test.each([
		['a 500 after the post was made', { status: 500 }],
		['a connection reset after the post was made', { reset: true }],
	])('%s: says the post may have gone out and how to check, and never sends it again', async (_, fault) => {
		ctx.sim.injectFault({ route: PUBLISH_ROUTE, afterRoute: true, times: 1, ...fault });
		const sentAfter = Date.now() - 60_000 - 1_000;
		const { error } = await ctx.engine.run([publishNode()]);
		expect(error?.message).toMatch(/; the post may have been published$/);
		expect(error?.description).toMatch(/^Lamina may have received the publish request before it failed, so it was not sent again/);
		expect(error?.description).toMatch(new RegExp(`Check with Publishing → Get History for posts created since ${ISO.source}`));
		expect(error?.description).not.toMatch(RERUN);
		expect(error?.context?.mayHavePublished).toBe(true);
		expect(Date.parse(String(error?.context?.since))).toBeGreaterThanOrEqual(sentAfter);
		expect(ctx.sim.counters.requests[PUBLISH_ROUTE]).toBe(1);
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1, [CHANNELS.linkedin]: 1 });
	});

	test('under Continue On Fail a lost answer is the item error, with mayHavePublished', async () => {
		ctx.sim.injectFault({ route: PUBLISH_ROUTE, afterRoute: true, status: 500 });
		const { items } = await ctx.engine.run([publishNode({}, { continueOnFail: true })]);
		expect(items[0].json).toMatchObject({ error: expect.stringMatching(/may have been published/), mayHavePublished: true, since: expect.stringMatching(ISO) });
		expect(ctx.sim.counters.requests[PUBLISH_ROUTE]).toBe(1);
	});

	test('an answer without a result for a channel says so, naming it: whether it posted there is unknown', async () => {
		const body = { data: { results: [{ accountId: CHANNELS.instagram, platform: 'instagram', accountName: 'Acme Coffee', status: 'success', postUrl: 'https://instagram.example/p/1' }], summary: { total: 1, success: 1, failed: 0 } } };
		ctx.sim.injectFault({ route: PUBLISH_ROUTE, status: 200, body });
		const { error } = await ctx.engine.run([publishNode()]);
		expect(error?.message).toBe(`Lamina's publish answer has no result for channel "${CHANNELS.linkedin}"`);
		expect(error?.description).toMatch(/check with Publishing → Get History before publishing this item to it again/);
		expect(ctx.sim.counters.requests[PUBLISH_ROUTE]).toBe(1);
	});

	test('a 503 (not accepted) is safe and retried: one post each', async () => {
		ctx.sim.injectFault({ route: PUBLISH_ROUTE, status: 503, headers: { 'retry-after': '0' }, times: 1 });
		const { error } = await ctx.engine.run([publishNode()]);
		expect(error).toBeUndefined();
		expect(ctx.sim.counters.requests[PUBLISH_ROUTE]).toBe(2);
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1, [CHANNELS.linkedin]: 1 });
	});

	test('bad input is refused before any request, naming the field', async () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ channelIds: '={{ [] }}' }, /^No channel to publish to$/],
			[{ mediaUrl: 'cdn.example.com/x.png' }, /^"Media URL" is not an http\(s\) link/],
			[{ media: 'none', caption: '' }, /^Nothing to publish/],
			[{ media: 'binary', binaryPropertyName: 'photo' }, /^This item has no file/],
		];
		for (const [parameters, message] of cases) {
			const { error } = await ctx.engine.run([publishNode(parameters)]);
			expect(error?.message).toMatch(message);
		}
		expect(ctx.sim.counters.requests[PUBLISH_ROUTE]).toBeUndefined();
	});

	test("a file of the item is uploaded to Lamina, then that asset's URL is published, once per channel", async () => {
		const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(3000, 7)]);
		const item: INodeExecutionData = { json: {}, binary: { photo: await ctx.engine.binaryData!.store(bytes, { fileName: 'blend.png', mimeType: 'image/png' }) } };
		const { items, error } = await ctx.engine.run([publishNode({ media: 'binary', binaryPropertyName: 'photo' })], { inputItems: [item] });
		expect(error).toBeUndefined();
		const uploaded = [...ctx.sim.uploadedAssets.values()].find((asset) => asset.filename === 'blend.png');
		expect(uploaded).toMatchObject({ bytes: bytes.length, contentType: 'image/png' });
		const assetUrl = items[0].json.mediaUrl as string;
		expect(assetUrl).toMatch(new RegExp(`^${ctx.sim.url}/assets/`));
		expect(ctx.sim.posts.map((post) => post.contentUrl)).toEqual([assetUrl, assetUrl]);
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1, [CHANNELS.linkedin]: 1 });
		expect(items[0].json).toMatchObject({ mediaType: 'image', uploadedAsset: { assetUrl, filename: 'blend.png' } });
	});

	test('the API key appears nowhere in a failure', async () => {
		ctx.sim.injectFault({ route: PUBLISH_ROUTE, afterRoute: true, status: 500 });
		const result = await ctx.engine.run([publishNode()]);
		expect(everythingShown(result)).not.toContain(ctx.sim.apiKey);
	});
});

describe('Get History', () => {
	test('shows what was published, newest first, filtered by platform, status and limit', async () => {
		ctx.sim.setChannelFailure(CHANNELS.linkedin, 'Token expired');
		await ctx.engine.run([publishNode({}, { continueOnFail: true })]);
		const history = (parameters: Record<string, unknown>) => ctx.engine.run([laminaNode({ resource: 'publishing', operation: 'getHistory', ...parameters })]);
		const all = await history({});
		expect(all.items.map((item) => [item.json.platform, item.json.status])).toEqual([
			['linkedin', 'failed'],
			['instagram', 'published'],
		]);
		expect((await history({ filters: { platform: 'Instagram' } })).items.map((item) => item.json.platform)).toEqual(['instagram']);
		expect((await history({ filters: { status: 'failed' } })).items.map((item) => item.json.error)).toEqual(['Token expired']);
		expect((await history({ limit: 1 })).items).toHaveLength(1);
	});

	test('nothing published yet: an empty result', async () => {
		const { items, error } = await ctx.engine.run([laminaNode({ resource: 'publishing', operation: 'getHistory' })]);
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
	});
});

describe('Transfer Asset', () => {
	test("copies a URL to Lamina's CDN and returns the CDN URL", async () => {
		const node = laminaNode({ resource: 'publishing', operation: 'transferAsset', sourceUrl: 'https://example.com/pics/cup.jpg', mediaType: 'image' });
		const { items, error } = await ctx.engine.run([node]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ cdnUrl: expect.stringMatching(/\/cdn\/asset_\w+\/cup\.jpg$/), assetId: expect.any(String), filename: 'cup.jpg', sourceUrl: 'https://example.com/pics/cup.jpg' });
		expect(ctx.sim.transfers).toEqual([{ sourceUrl: 'https://example.com/pics/cup.jpg', mediaType: 'image', cdnUrl: items[0].json.cdnUrl }]);
	});

	test('a transferred asset published: the CDN URL goes out, once per channel', async () => {
		const transfer = laminaNode({ resource: 'publishing', operation: 'transferAsset', sourceUrl: 'https://example.com/pics/cup.jpg', mediaType: 'image' }, { name: 'Transfer' });
		const { error } = await ctx.engine.run([transfer, publishNode({ mediaUrl: '={{ $json.cdnUrl }}' })]);
		expect(error).toBeUndefined();
		expect(ctx.sim.posts.map((post) => post.contentUrl)).toEqual([ctx.sim.transfers[0].cdnUrl, ctx.sim.transfers[0].cdnUrl]);
		expect(ctx.sim.postsPerChannel).toEqual({ [CHANNELS.instagram]: 1, [CHANNELS.linkedin]: 1 });
	});

	test('a source that is not a link is refused before any request', async () => {
		const { error } = await ctx.engine.run([laminaNode({ resource: 'publishing', operation: 'transferAsset', sourceUrl: 'cup.jpg' })]);
		expect(error?.message).toBe('"Source URL" is not an http(s) link: "cup.jpg"');
		expect(ctx.sim.counters.requests['POST /v1/publishing/transfer-asset']).toBeUndefined();
	});
});
