/**
 * A throwaway npm registry on 127.0.0.1 (verdaccio from the npm registry, installed once into the
 * cache like n8n and run with the cache's Node 24), so that installs can be tested the way users
 * run them (`npm install n8n-nodes-lamina`, n8n's Community Nodes installer) without publishing
 * anything anywhere. Storage is a temporary folder, removed by stop().
 *
 * `n8n-nodes-lamina` is served only from the local storage (never looked up upstream). Other
 * names go to registry.npmjs.org only when `uplink` is set: the package itself has no
 * dependencies, so n8n's installer needs none; a plain `npm install` also fetches the
 * `n8n-workflow` peer dependency, which needs the uplink.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureCachedTool, log, node24Env, PACKAGE_NAME } from './n8nCache';
import { cleanEnv, runOk, spawnLogged, stopChild, tail } from './proc';

export const VERDACCIO_VERSION = '6.10.4';

const MINUTE = 60_000;

export interface LocalRegistry {
	/** e.g. http://127.0.0.1:4873 (no trailing slash). */
	url: string;
	/** An auth token of the registry's one user (for npm publish). */
	token: string;
	/** npm publish of a tarball to this registry. */
	publish(tarball: string): Promise<void>;
	/** npm's `--//host:port/:_authToken=…` argument for this registry. */
	authArg(): string;
	stop(): Promise<void>;
}

function config(storage: string, port: number, uplink: boolean): string {
	// YAML by hand: a few fixed keys, every value quoted.
	const lines = [
		`storage: ${JSON.stringify(path.join(storage, 'packages'))}`,
		'auth:',
		'  htpasswd:',
		`    file: ${JSON.stringify(path.join(storage, 'htpasswd'))}`,
		'    max_users: 10',
		...(uplink ? ['uplinks:', '  npmjs:', "    url: 'https://registry.npmjs.org/'", '    timeout: 60s'] : []),
		'packages:',
		`  ${JSON.stringify(PACKAGE_NAME)}:`,
		"    access: '$all'",
		"    publish: '$authenticated'",
		"    unpublish: '$authenticated'",
		"  '**':",
		"    access: '$all'",
		"    publish: '$authenticated'",
		...(uplink ? ['    proxy: npmjs'] : []),
		'web:',
		'  enable: false',
		'middlewares:',
		'  audit:',
		'    enabled: false',
		'log:',
		'  type: stdout',
		'  format: json',
		'  level: warn',
		`listen: '127.0.0.1:${port}'`,
	];
	return lines.join('\n') + '\n';
}

/** Starts verdaccio on `port` and creates a user; resolves once it answers /-/ping. */
export async function startLocalRegistry(options: { port: number; uplink?: boolean; logFile?: string }): Promise<LocalRegistry> {
	const { node, packageDir } = await ensureCachedTool('verdaccio', VERDACCIO_VERSION);
	const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-registry-'));
	const configFile = path.join(storage, 'config.yaml');
	fs.writeFileSync(configFile, config(storage, options.port, !!options.uplink));
	const url = `http://127.0.0.1:${options.port}`;
	const logFile = options.logFile ?? path.join(storage, 'verdaccio.log');
	const { child, recent, exitedHow } = spawnLogged(node.bin, [path.join(packageDir, 'bin', 'verdaccio'), '--config', configFile], {
		cwd: storage,
		env: node24Env(node, { VERDACCIO_STORAGE_PATH: path.join(storage, 'packages') }),
		logFile,
		keepChars: 8_000,
	});
	const stop = async () => {
		await stopChild(child, 5_000);
		fs.rmSync(storage, { recursive: true, force: true });
	};

	try {
		const deadline = Date.now() + MINUTE;
		for (;;) {
			const how = exitedHow();
			if (how) throw new Error(`verdaccio ${how} before it answered:\n${tail(recent(), 20)}`);
			if (Date.now() > deadline) throw new Error(`verdaccio did not answer ${url}/-/ping within 60 s:\n${tail(recent(), 20)}`);
			try {
				const ping = await fetch(`${url}/-/ping`, { signal: AbortSignal.timeout(2_000) });
				if (ping.ok) break;
			} catch {
				/* not listening yet */
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		// npm publish needs a logged-in user: create one through the registry's CouchDB-style user API.
		const user = { name: 'lamina-e2e', password: 'lamina-e2e-local-only', email: 'e2e@example.com' };
		const created = await fetch(`${url}/-/user/org.couchdb.user:${user.name}`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ _id: `org.couchdb.user:${user.name}`, type: 'user', roles: [], ...user }),
			signal: AbortSignal.timeout(15_000),
		});
		const body = (await created.json().catch(() => ({}))) as { token?: string; error?: string };
		if (!created.ok || !body.token) throw new Error(`verdaccio refused to create a user (${created.status}): ${JSON.stringify(body)}`);
		const token = body.token;
		const host = new URL(url).host;
		const authArg = () => `--//${host}/:_authToken=${token}`;
		log(`local npm registry (verdaccio ${VERDACCIO_VERSION}) on ${url}${options.uplink ? ', other packages from registry.npmjs.org' : ', no uplink'}`);
		return {
			url,
			token,
			authArg,
			async publish(tarball: string) {
				await runOk('npm publish (local registry)', 'npm', ['publish', tarball, `--registry=${url}/`, authArg(), '--access=public', '--ignore-scripts'], {
					cwd: storage,
					env: cleanEnv(),
					timeoutMs: 2 * MINUTE,
				});
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
