/**
 * One catalogue run as a user sets it up: the editor loads the app's inputs once, then Run App
 * runs for every item. Used by rateLimitedBatch.bench.ts in its own process, and as a child
 * process standing for a second n8n process (a queue-mode worker) behind the same IP:
 * `node -r ts-node/register/transpile-only bench/catalogue.ts '<json options>'` under `fork`
 * sends `{ ready }`, waits for `'go'`, then sends its result.
 */
import { callEditorMethod, createEngine, laminaNode } from '../test/harness/engine';
import { runAppNode } from '../test/support/runNodes';

export interface CatalogueOptions {
	url: string;
	apiKey: string;
	items: number;
	waitMode: string;
	/** Each item's prompt is this prefix plus its index, so its runs can be counted at the simulator. */
	prefix: string;
	concurrency?: number;
}

export interface CatalogueResult {
	/** Date.now() when the batch began (comparable across processes). */
	startedAt: number;
	wallMs: number;
	failed: number;
	error?: string;
}

async function prepare(options: CatalogueOptions) {
	const engine = await createEngine({ credentials: { laminaApi: { apiKey: options.apiKey, baseUrl: options.url } } });
	const editorNode = laminaNode({ resource: 'run', operation: 'create', appId: { __rl: true, mode: 'id', value: 'app_portrait' } });
	await callEditorMethod(engine, editorNode, 'resourceMapping', 'getAppInputs');
	const node = await runAppNode(engine, 'app_portrait', { Prompt: '={{ $json.topic }}' }, {
		waitMode: options.waitMode,
		...(options.concurrency ? { options: { concurrency: options.concurrency } } : {}),
	});
	const input = Array.from({ length: options.items }, (_, i) => ({ topic: `${options.prefix}${i}` }));
	return async (): Promise<CatalogueResult> => {
		const startedAt = Date.now();
		const { items, error } = await engine.run([node], { input });
		const wallMs = Date.now() - startedAt;
		const failed = error ? options.items : items.filter((item) => item.json.error !== undefined || (options.waitMode === 'wait' && item.json.status !== 'completed')).length;
		return { startedAt, wallMs, failed, ...(error ? { error: error.message } : {}) };
	};
}

export async function runCatalogue(options: CatalogueOptions): Promise<CatalogueResult> {
	const go = await prepare(options);
	return await go();
}

if (require.main === module && process.send) {
	const options = JSON.parse(process.argv[2]) as CatalogueOptions;
	void prepare(options).then((go) => {
		process.once('message', () => {
			void go().then((result) => {
				process.send!(result, () => process.exit(0));
			});
		});
		process.send!({ ready: true });
	});
}
