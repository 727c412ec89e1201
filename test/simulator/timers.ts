/** Every timer the simulator sets, so close() can stop them all and jest can exit. */
export class TimerSet {
	private readonly timers = new Set<NodeJS.Timeout>();
	private stopped = false;

	/** Runs fn after ms unless the simulator closed first. */
	after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
		if (this.stopped) return undefined;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, Math.max(0, ms));
		// The listening server keeps a standalone process alive; timers alone should not.
		timer.unref();
		this.timers.add(timer);
		return timer;
	}

	/** Runs fn every ms until cancelled or the simulator closes. */
	every(ms: number, fn: () => void): NodeJS.Timeout | undefined {
		if (this.stopped) return undefined;
		const timer = setInterval(fn, Math.max(1, ms));
		timer.unref();
		this.timers.add(timer);
		return timer;
	}

	/** A promise that settles after ms (never, if the simulator closes first). */
	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => this.after(ms, resolve));
	}

	cancel(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		clearInterval(timer);
		this.timers.delete(timer);
	}

	stopAll(): void {
		this.stopped = true;
		for (const timer of this.timers) {
			clearTimeout(timer);
			clearInterval(timer);
		}
		this.timers.clear();
	}
}
