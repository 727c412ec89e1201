import { LaminaApi } from '../../credentials/LaminaApi.credentials';

const credential = new LaminaApi();
const credentials = { apiKey: 'lma_secret', baseUrl: 'https://app.uselamina.ai/' };

test("the key goes to Lamina's API", async () => {
	const options = await credential.authenticate(credentials, { url: 'https://app.uselamina.ai/v1/apps' });
	expect(options.headers).toEqual({ 'x-api-key': 'lma_secret' });
	const tested = await credential.authenticate(credentials, { baseURL: 'https://app.uselamina.ai', url: '/v1/apps' });
	expect(tested.headers).toEqual({ 'x-api-key': 'lma_secret' });
});

test('the key never goes to output files or upload URLs on other hosts', async () => {
	for (const url of ['https://cdn.uselamina.ai/out/1.png', 'https://bucket.s3.amazonaws.com/up?sig=1', 'http://app.uselamina.ai/v1/apps']) {
		const options = await credential.authenticate(credentials, { url, headers: { 'content-type': 'image/png' } });
		expect(options.headers).toEqual({ 'content-type': 'image/png' });
	}
});

test('an empty base URL means Lamina itself', async () => {
	const options = await credential.authenticate({ apiKey: 'lma_k', baseUrl: '' }, { url: 'https://app.uselamina.ai/v1/apps' });
	expect(options.headers).toEqual({ 'x-api-key': 'lma_k' });
});
