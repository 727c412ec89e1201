import { describeLaminaError, flattenValidationDetails } from '../../nodes/Lamina/transport/laminaError';

const baseUrl = 'https://app.uselamina.ai';

describe('describeLaminaError', () => {
	test('a rejected key says what to do and carries code and request id', () => {
		const described = describeLaminaError({
			statusCode: 401,
			body: { error: 'Invalid API key', code: 'AUTH_INVALID_KEY', retryable: false, requestId: 'req-1' },
			baseUrl,
			attempts: 1,
		});
		expect(described.message).toBe('Lamina rejected the API key');
		expect(described.description).toMatch(/Lamina API credential/);
		expect(described.description).toContain('AUTH_INVALID_KEY');
		expect(described.description).toContain('req-1');
		expect(described.code).toBe('AUTH_INVALID_KEY');
		expect(described.requestId).toBe('req-1');
	});

	test("an older server's bare { error } and a plain-text 429 still get codes", () => {
		expect(describeLaminaError({ statusCode: 401, body: { error: 'Invalid API key' }, baseUrl, attempts: 1 }).code).toBe(
			'AUTH_INVALID_KEY',
		);
		const limited = describeLaminaError({ statusCode: 429, body: 'Too many requests', baseUrl, attempts: 5 });
		expect(limited.code).toBe('RATE_LIMITED');
		expect(limited.message).toContain('tried 5 times');
		expect(limited.description).toMatch(/Concurrency|Wait/);
	});

	test('validation details in either form name the field', () => {
		const asStrings = describeLaminaError({
			statusCode: 400,
			body: {
				error: 'Invalid inputs',
				code: 'VALIDATION_ERROR',
				details: ['"Location": invalid option "Mars". Must be one of: Studio, Urban, Park'],
			},
			baseUrl,
			attempts: 1,
		});
		expect(asStrings.message).toContain('"Location": invalid option "Mars"');
		const asObject = describeLaminaError({
			statusCode: 400,
			body: {
				error: 'Invalid inputs',
				code: 'VALIDATION_ERROR',
				details: { code: 'X', message: 'bad', details: { errors: [{ field: 'Duration', message: 'must be 5s or 10s' }] } },
			},
			baseUrl,
			attempts: 1,
		});
		expect(asObject.message).toContain('"Duration": must be 5s or 10s');
	});

	test('not found names what was looked up', () => {
		const described = describeLaminaError({
			statusCode: 404,
			body: { error: 'App not found', code: 'NOT_FOUND' },
			subject: 'app "app_nope"',
			baseUrl,
			attempts: 1,
		});
		expect(described.message).toBe('Lamina could not find app "app_nope"');
		expect(described.description).toMatch(/Pick the app from the list/);
	});

	test('no answer at all points at the Base URL', () => {
		const described = describeLaminaError({ networkErrorCode: 'ECONNREFUSED', baseUrl: 'http://127.0.0.1:1', attempts: 5 });
		expect(described.message).toBe('Could not reach Lamina at http://127.0.0.1:1: connection refused (tried 5 times)');
		expect(described.description).toMatch(/Base URL.*\(Code: ECONNREFUSED\)/);
	});

	test('flattenValidationDetails tolerates odd shapes', () => {
		expect(flattenValidationDetails(undefined)).toEqual([]);
		expect(flattenValidationDetails('x')).toEqual(['x']);
		expect(flattenValidationDetails({ field: 'Prompt', error: 'missing' })).toEqual(['"Prompt": missing']);
	});
});

describe('a redirect from the Base URL', () => {
	test('names where it points and the Base URL that means', () => {
		const described = describeLaminaError({
			statusCode: 308,
			baseUrl: 'http://lamina.example',
			redirectTo: 'https://app.uselamina.ai/v1/runs/run_1/wait?timeout=60',
			requestPath: '/v1/runs/run_1/wait?timeout=60',
			attempts: 1,
		});
		expect(described.message).toBe(
			'The Base URL http://lamina.example redirects to https://app.uselamina.ai/v1/runs/run_1/wait?timeout=60; put https://app.uselamina.ai in the credential',
		);
		expect(described).toMatchObject({ code: 'REDIRECT', httpCode: '308', retryable: false });
	});

	test('a redirect to somewhere unrelated, or to nowhere, still says what to do', () => {
		const elsewhere = describeLaminaError({ statusCode: 302, baseUrl, redirectTo: 'https://login.example/sso', requestPath: '/v1/apps', attempts: 1 });
		expect(elsewhere.message).toBe(`The Base URL ${baseUrl} redirects to https://login.example/sso; put that address in the credential`);
		const nowhere = describeLaminaError({ statusCode: 301, baseUrl, attempts: 1 });
		expect(nowhere.message).toMatch(/answers with a redirect \(HTTP 301\) without saying where/);
	});
});
