/**
 * runEditorChecks(): the editor steps (steps.ts) in Debian's Chromium against an n8n that is
 * already running with this package installed, however it was installed. One PASS/FAIL line
 * per step, a screenshot per step (and a few within steps) in `screenshotsDir`.
 */
import fs from 'node:fs';
import path from 'node:path';

import { APPS, fixtureApps } from '../../../test/simulator';
import type { SimApp } from '../../../test/simulator/types';
import type { Owner } from '../n8nRuntime';
import { launchChromium, type EditorBrowser } from './chromium';
import { signIn } from './editorPage';
import { EDITOR_STEPS, type EditorStep, type StepContext } from './steps';

export interface EditorCheckOptions {
	/** The running n8n, e.g. http://127.0.0.1:5678 */
	url: string;
	owner: Owner;
	/**
	 * The Lamina credential in that n8n (the nodes pick it), its working API key (the credential
	 * step puts it back) and the Lamina API it is for (the Quick start makes a credential for it).
	 */
	credential?: { name: string; apiKey: string; baseUrl?: string };
	/** Whether the caller started that n8n for this check: the Quick start then removes its Lamina credential first, as a new user has none. */
	ownsN8n?: boolean;
	screenshotsDir: string;
	/** Only these steps (and the steps they build on); default all. */
	only?: string[];
	/** Default: the simulator's Portrait Studio, searched as "port". */
	app?: SimApp;
	appSearch?: string;
	/** Where PASS/FAIL lines go (default console.log). */
	log?: (line: string) => void;
	/** Called with the browser once it runs, so a caller's watchdog can stop it. */
	onBrowser?: (browser: EditorBrowser) => void;
}

export interface StepResult {
	id: string;
	title: string;
	ok: boolean;
	detail?: string;
	screenshots: string[];
	seconds: number;
}

export interface EditorReport {
	passed: number;
	failed: number;
	steps: StepResult[];
	screenshotsDir: string;
}

const STEP_TIMEOUT_MS = 3 * 60_000;
const ACTION_TIMEOUT_MS = 20_000;

/** The steps to run: those asked for plus every step they build on, in the steps' order. */
export function selectSteps(only?: string[]): EditorStep[] {
	if (!only || only.length === 0) return EDITOR_STEPS;
	const unknown = only.filter((id) => !EDITOR_STEPS.some((step) => step.id === id));
	if (unknown.length) throw new Error(`unknown editor step ${unknown.join(', ')}; steps: ${EDITOR_STEPS.map((step) => step.id).join(', ')}`);
	const wanted = new Set<string>();
	const add = (id: string) => {
		if (wanted.has(id)) return;
		wanted.add(id);
		for (const need of EDITOR_STEPS.find((step) => step.id === id)!.needs) add(need);
	};
	only.forEach(add);
	return EDITOR_STEPS.filter((step) => wanted.has(step.id));
}

function indent(text: string): string {
	return text.split('\n').join('\n        ');
}

export async function runEditorChecks(options: EditorCheckOptions): Promise<EditorReport> {
	const log = options.log ?? ((line: string) => console.log(line));
	const steps = selectSteps(options.only);
	fs.mkdirSync(options.screenshotsDir, { recursive: true });
	const results: StepResult[] = [];
	const report = (result: StepResult) => {
		results.push(result);
		const line = `${result.ok ? 'PASS' : 'FAIL'}  editor › ${result.title} (${result.seconds.toFixed(1)} s)`;
		log(result.ok || !result.detail ? line : `${line}\n        ${indent(result.detail)}`);
		if (result.screenshots.length) log(`        screenshot${result.screenshots.length > 1 ? 's' : ''}: ${result.screenshots.map((file) => path.basename(file)).join(', ')}`);
	};

	const browser = await launchChromium();
	options.onBrowser?.(browser);
	try {
		const { page } = browser;
		page.setDefaultTimeout(ACTION_TIMEOUT_MS);
		page.setDefaultNavigationTimeout(60_000);
		await signIn(page, options.url, options.owner);

		const app = options.app ?? fixtureApps().find((candidate) => candidate.appId === APPS.portrait)!;
		const state: StepContext['state'] = {};
		/** Why the remaining steps cannot run (a step that hung, a browser that went away). */
		let stopped: string | undefined;
		for (const step of steps) {
			const number = String(EDITOR_STEPS.indexOf(step) + 1).padStart(2, '0');
			const screenshots: string[] = [];
			const shot = async (label: string) => {
				const file = path.join(options.screenshotsDir, `${number}-${step.id}${label ? `-${label}` : ''}.png`);
				await page.screenshot({ path: file }).then(
					() => screenshots.push(file),
					() => undefined,
				);
				return file;
			};
			const failedNeeds = step.needs.filter((need) => !results.find((result) => result.id === need)?.ok);
			if (!stopped && (page.isClosed() || !browser.browser.isConnected())) stopped = 'the browser was closed';
			if (stopped || failedNeeds.length) {
				report({
					id: step.id,
					title: step.title,
					ok: false,
					detail: stopped ? `not run: ${stopped}` : `not run: it builds on ${failedNeeds.join(', ')}, which failed`,
					screenshots,
					seconds: 0,
				});
				continue;
			}
			const started = Date.now();
			const ctx: StepContext = {
				page,
				url: options.url,
				app,
				appSearch: options.appSearch ?? 'port',
				credential: options.credential,
				ownsN8n: options.ownsN8n,
				shot,
				state,
			};
			let timer: NodeJS.Timeout | undefined;
			try {
				await Promise.race([
					step.run(ctx),
					new Promise<never>((_, reject) => {
						timer = setTimeout(() => reject(new Error(`the step did not finish within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
					}),
				]);
				await shot('');
				report({ id: step.id, title: step.title, ok: true, screenshots, seconds: (Date.now() - started) / 1000 });
			} catch (error) {
				await shot('');
				if (/did not finish within/.test((error as Error).message)) stopped = 'an earlier step did not finish in time';
				report({ id: step.id, title: step.title, ok: false, detail: firstLines((error as Error).message), screenshots, seconds: (Date.now() - started) / 1000 });
			} finally {
				clearTimeout(timer);
			}
		}
	} finally {
		await browser.close();
	}
	const passed = results.filter((result) => result.ok).length;
	return { passed, failed: results.length - passed, steps: results, screenshotsDir: options.screenshotsDir };
}

/** Playwright's messages carry a long call log: keep the start. */
function firstLines(message: string): string {
	return message.split('\n').slice(0, 6).join('\n');
}
