/** Runs at most `limit` of the given tasks at a time; the rest queue in order. */
export function createLimiter(limit: number) {
	let active = 0;
	const queue: Array<() => void> = [];
	const release = () => {
		active--;
		queue.shift()?.();
	};
	return async function run<T>(task: () => Promise<T>): Promise<T> {
		if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
		active++;
		try {
			return await task();
		} finally {
			release();
		}
	};
}
