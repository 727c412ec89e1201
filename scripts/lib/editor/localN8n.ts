/**
 * The demo's n8n for the editor check: this package packed and installed as a community
 * package into a fresh user folder under .editor/, the Lamina simulator, the simulator's
 * credential imported, n8n started and its owner created. Another install route can start
 * its own n8n and hand runEditorChecks() its URL and owner instead.
 */
import { startLaminaSimulator, type LaminaSimulator } from '../../../test/simulator';
import {
	createN8nHome,
	DEMO_OWNER,
	importCredentials,
	packAndInstallPackage,
	setupOwner,
	startN8nServer,
	type N8nHome,
	type N8nServer,
	type Owner,
} from '../n8nRuntime';
import { SIM_CREDENTIAL } from '../workflows';

export interface LocalEditorN8n {
	url: string;
	owner: Owner;
	credential: { name: string; apiKey: string; baseUrl: string };
	home: N8nHome;
	server: N8nServer;
	sim: LaminaSimulator;
	/** Stops n8n (by its process group) and the simulator. */
	stop(): Promise<void>;
}

export async function startLocalEditorN8n(options: { build: boolean; onStarted?: (stop: () => Promise<void>) => void }): Promise<LocalEditorN8n> {
	const home = await createN8nHome('editor');
	await packAndInstallPackage(home.userFolder, { build: options.build });
	// Rate limiting off, as in the demo: a user clicking around should not meet 429s.
	const sim = await startLaminaSimulator({ rateLimitPerMinute: 0 });
	let server: N8nServer | undefined;
	const stop = async () => {
		await server?.stop();
		await sim.close();
	};
	options.onStarted?.(stop);
	try {
		await importCredentials(home, [{ ...SIM_CREDENTIAL, type: 'laminaApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } }]);
		server = await startN8nServer(home, { readyTimeoutMs: 120_000 });
		await setupOwner(server.url, DEMO_OWNER);
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		url: server.url,
		owner: DEMO_OWNER,
		credential: { name: SIM_CREDENTIAL.name, apiKey: sim.apiKey, baseUrl: sim.url },
		home,
		server,
		sim,
		stop,
	};
}
