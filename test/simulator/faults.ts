/** Injected faults: matched in order by method and route, consumed one use at a time. */
import type { Fault } from './types';

interface ArmedFault {
	fault: Fault;
	method?: string;
	route?: string;
	remaining: number;
}

export class FaultList {
	private faults: ArmedFault[] = [];

	/** @param knownPatterns route patterns ('/v1/apps/:appId'); a fault route equal to one matches only that route. */
	constructor(private readonly knownPatterns: ReadonlySet<string>) {}

	add(fault: Fault): void {
		let method = fault.method?.toUpperCase();
		let route = fault.route?.trim();
		// 'GET /v1/apps' (a counters key) carries its own method.
		const spaced = route?.match(/^([A-Za-z]+)\s+(\S+)$/);
		if (spaced) {
			method ??= spaced[1].toUpperCase();
			route = spaced[2];
		}
		this.faults.push({ fault, method, route, remaining: fault.times ?? 1 });
	}

	clear(): void {
		this.faults = [];
	}

	/** The first fault matching this request, with one use consumed. */
	take(method: string, pattern: string | undefined, path: string): Fault | undefined {
		const index = this.faults.findIndex((f) => this.matches(f, method, pattern, path));
		if (index < 0) return undefined;
		const armed = this.faults[index];
		armed.remaining -= 1;
		if (armed.remaining <= 0) this.faults.splice(index, 1);
		return armed.fault;
	}

	private matches(armed: ArmedFault, method: string, pattern: string | undefined, path: string): boolean {
		if (armed.method && armed.method !== method) return false;
		const route = armed.route;
		if (!route) return true;
		if (this.knownPatterns.has(route) || route.includes(':')) return route === pattern;
		// Otherwise a concrete path prefix, on segment boundaries.
		return path === route || path.startsWith(route.endsWith('/') ? route : `${route}/`);
	}
}
