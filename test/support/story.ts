/**
 * What a stream shows is a run's story from when it connected: a busy machine may connect after the
 * run left 'queued' (the first 10 % of its duration in the simulator), so the first state may be
 * missing; nothing else may be.
 */
export function expectStory<T>(seen: T[], story: T[]): void {
	expect(seen.length).toBeGreaterThanOrEqual(story.length - 1);
	expect(seen).toEqual(story.slice(story.length - seen.length));
}
