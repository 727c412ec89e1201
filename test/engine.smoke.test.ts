import http from 'node:http';
import { createEngine } from './harness/engine';
import { testCredential } from './harness/credentialTest';

test('smoke', async () => {
	const seen: string[] = [];
	const server = http.createServer((req, res) => {
		seen.push(`${req.method} ${req.url} ${req.headers['x-api-key']}`);
		res.setHeader('content-type', 'application/json');
		if (req.headers['x-api-key'] !== 'lma_x') { res.statusCode = 401; res.end(JSON.stringify({ error: 'Invalid API key', code: 'AUTH_INVALID_KEY', retryable: false, requestId: 'r1' })); return; }
		res.end(JSON.stringify({ data: [{ appId: 'a1', name: 'A' }, { appId: 'a2', name: 'B' }] }));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as any).port}`;
	try {
		const engine = await createEngine({ credentials: {} });
		console.log(await testCredential(engine, 'laminaApi', { apiKey: 'lma_x', baseUrl: url + '/' }));
		console.log(await testCredential(engine, 'laminaApi', { apiKey: 'lma_y', baseUrl: url }));
		console.log(await testCredential(engine, 'laminaApi', { apiKey: 'lma_y', baseUrl: 'http://127.0.0.1:1' }));
		console.log(seen);
	} finally {
		server.close();
	}
});
