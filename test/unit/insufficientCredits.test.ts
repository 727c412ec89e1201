import { describeLaminaError, isInsufficientCredits } from '../../nodes/Lamina/transport/laminaError';

const baseUrl = 'https://app.uselamina.ai';

describe('insufficient credits', () => {
	test('a 402 names the balance and the cost, says nothing started and where to top up', () => {
		const described = describeLaminaError({
			statusCode: 402,
			body: { error: 'Insufficient credits', code: 'INSUFFICIENT_CREDITS', retryable: false, requestId: 'req-9', details: { balance: 4, required: 6 } },
			baseUrl,
			subject: 'app "app_portrait"',
			attempts: 1,
		});
		expect(described.message).toBe('Lamina refused the run of app "app_portrait": the workspace has too few credits (balance 4, needed 6)');
		expect(described.description).toMatch(/did not start it, and it was not sent again\. Top up the workspace's credits/);
		expect(described.description).toMatch(/Estimate Cost/);
		expect(described.description).toMatch(/\(Code: INSUFFICIENT_CREDITS · Request ID: req-9\)$/);
		expect(described.description).not.toMatch(/run the node again/i);
	});

	test('a 403 whose code names credits is the same refusal, not an access problem; a plain 403 is not', () => {
		const credits = describeLaminaError({ statusCode: 403, body: { error: 'No credits', code: 'CREDITS_EXHAUSTED', currentBalance: 0 }, baseUrl, attempts: 1 });
		expect(credits.message).toBe('Lamina refused the request: the workspace has too few credits (balance 0)');
		const forbidden = describeLaminaError({ statusCode: 403, body: { error: 'Forbidden', code: 'FORBIDDEN' }, baseUrl, attempts: 1 });
		expect(forbidden.message).toMatch(/refused access/);
		expect(isInsufficientCredits(402, undefined)).toBe(true);
		expect(isInsufficientCredits(403, 'INSUFFICIENT_CREDITS')).toBe(true);
		expect(isInsufficientCredits(403, 'FORBIDDEN')).toBe(false);
		expect(isInsufficientCredits(500, 'CREDIT_SERVICE_DOWN')).toBe(false);
	});
});
