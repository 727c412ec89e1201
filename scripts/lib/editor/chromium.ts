/**
 * Debian's Chromium (/usr/bin/chromium), started by us in its own process group with a fresh
 * profile, and driven by playwright-core over the DevTools protocol. Playwright never downloads
 * or launches a browser of its own; we know the browser's PID and stop it (and its helpers) by it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { cleanEnv, spawnTracked, stopChild, tail } from '../proc';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and nothing that reaches the internet on its own. */
export const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export const VIEWPORT = { width: 1600, height: 1000 };

export interface EditorBrowser {
	pid: number;
	browser: Browser;
	context: BrowserContext;
	page: Page;
	/** Disconnects, stops the browser's process group by its PID and removes the profile. */
	close(): Promise<void>;
}

export async function launchChromium(options: { startTimeoutMs?: number } = {}): Promise<EditorBrowser> {
	if (!fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-editor-chromium-'));
	const child = spawnTracked(
		CHROMIUM_PATH,
		[
			...CHROMIUM_FLAGS,
			`--user-data-dir=${profile}`,
			'--remote-debugging-address=127.0.0.1',
			'--remote-debugging-port=0',
			`--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
			'about:blank',
		],
		{ env: cleanEnv() },
	);
	const stop = async () => {
		await stopChild(child, 5_000);
		fs.rmSync(profile, { recursive: true, force: true });
	};

	let output = '';
	try {
		// Chromium prints "DevTools listening on ws://127.0.0.1:<port>/devtools/browser/<id>" once it is up.
		const endpoint = await new Promise<string>((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`chromium did not open its DevTools port within ${(options.startTimeoutMs ?? 30_000) / 1000} s`)),
				options.startTimeoutMs ?? 30_000,
			);
			const onData = (chunk: Buffer) => {
				output = (output + chunk.toString('utf8')).slice(-20_000);
				const found = /DevTools listening on (ws:\/\/\S+)/.exec(output)?.[1];
				if (found) {
					clearTimeout(timer);
					resolve(found);
				}
			};
			child.stdout!.on('data', onData);
			child.stderr!.on('data', onData);
			child.once('exit', (code, signal) => {
				clearTimeout(timer);
				reject(new Error(`chromium exited with ${code ?? signal} before it was ready`));
			});
		});
		const browser = await chromium.connectOverCDP(endpoint, { timeout: 30_000 });
		const context = await browser.newContext({ viewport: VIEWPORT });
		const page = await context.newPage();
		return {
			pid: child.pid!,
			browser,
			context,
			page,
			close: async () => {
				await context.close().catch(() => undefined);
				await browser.close().catch(() => undefined);
				await stop();
			},
		};
	} catch (error) {
		await stop();
		throw new Error(`${(error as Error).message}\n${tail(output, 20)}`);
	}
}
