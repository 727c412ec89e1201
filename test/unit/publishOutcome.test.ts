import {
	channelLabel,
	channelOptionName,
	describeChannelFailures,
	describeUncertainPublish,
	publishedEarlierNote,
	readIdList,
	readPublishAnswer,
	type ChannelResult,
} from '../../nodes/Lamina/actions/publishing/publishOutcome';

const ok: ChannelResult = { accountId: 'a', platform: 'instagram', accountName: 'Acme', status: 'success', postUrl: 'https://i.example/p/1' };
const bad: ChannelResult = { accountId: 'b', platform: 'linkedin', accountName: null, status: 'error', error: 'Token expired' };

describe('channel names', () => {
	test('by platform and account, handle when there is one, ID as the last resort', () => {
		expect(channelOptionName({ id: 'a', platform: 'instagram', accountName: 'Acme', username: 'acme' })).toBe('Instagram · Acme (@acme)');
		expect(channelOptionName({ id: 'b', platform: 'tiktok', accountName: null, username: '@acme.tt' })).toBe('TikTok · @acme.tt');
		expect(channelOptionName({ id: 'c', platform: 'mastodon' })).toBe('Mastodon · c');
		expect(channelLabel(bad)).toBe('LinkedIn "b"');
	});
});

describe('readIdList', () => {
	test.each([
		[['a', 'b'], ['a', 'b']],
		['a, b,\nc', ['a', 'b', 'c']],
		[['a', 'a', ' b '], ['a', 'b']],
		[[{ id: 'x' }], ['x']],
		['', []],
		[undefined, []],
	])('%j → %j (a repeated channel would post twice: dropped)', (value, expected) => {
		expect(readIdList(value)).toEqual(expected);
	});
});

test('readPublishAnswer counts the summary when Lamina leaves it out', () => {
	expect(readPublishAnswer({ results: [ok, bad] }).summary).toEqual({ total: 2, success: 1, failed: 1 });
	expect(readPublishAnswer(undefined)).toEqual({ results: [], summary: { total: 0, success: 0, failed: 0 } });
});

describe('describeChannelFailures', () => {
	test('one of two failed: names it, lists what went out, says to retry only the failed one', () => {
		const { message, description } = describeChannelFailures([ok, bad]);
		expect(message).toBe('Publishing to LinkedIn "b" failed: Token expired (1 of 2 channels published)');
		expect(description).toBe(
			'Published: Instagram "Acme" (https://i.example/p/1). These posts are public: to retry, publish this item only to the failed channels (LinkedIn "b"), or the others get it twice.',
		);
	});

	test('all failed: nothing was published', () => {
		const { message, description } = describeChannelFailures([bad, { ...bad, accountId: 'c', platform: 'x', error: 'Duplicate' }]);
		expect(message).toBe('Publishing failed on 2 of 2 channels: LinkedIn "b": Token expired; X "c": Duplicate');
		expect(description).toMatch(/^Nothing was published for this item/);
	});
});

test('describeUncertainPublish: may have been published, how to check, never "again" blindly; keeps the reference', () => {
	const sentAt = Date.parse('2026-12-03T11:00:30.500Z');
	const described = describeUncertainPublish({ message: 'Lamina had an internal error', description: 'Try later. (Code: INTERNAL_ERROR, request abc)', sentAt, platforms: ['instagram'], accountIds: ['a'] });
	expect(described.message).toBe('Lamina had an internal error; the post may have been published');
	expect(described.description).toMatch(/Check with Publishing → Get History with Platform "instagram" for posts created since 2026-12-03T10:59:30\.000Z/);
	expect(described.description).toMatch(/\(Code: INTERNAL_ERROR, request abc\)$/);
	expect(described.description).not.toMatch(/run the node again/i);
	expect(described.context).toEqual({ mayHavePublished: true, since: '2026-12-03T10:59:30.000Z', accountIds: ['a'] });
});

test('publishedEarlierNote lists each earlier item’s posts, and nothing when none went out', () => {
	expect(publishedEarlierNote([{ itemIndex: 0, results: [ok, bad] }, { itemIndex: 1, results: [bad] }])).toBe(
		'Published by this node before it stopped (these posts are public; running the node again on these items would post them twice): item 0: Instagram "Acme" (https://i.example/p/1).',
	);
	expect(publishedEarlierNote([{ itemIndex: 0, results: [bad] }])).toBeUndefined();
});
