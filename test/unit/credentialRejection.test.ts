import {
	credentialRejectionLimits,
	describeRejection,
	forgetRejection,
	recentRejection,
	rememberRejection,
} from '../../nodes/Lamina/transport/credentialRejection';

const rejection = { httpCode: 401, laminaCode: 'AUTH_INVALID_KEY', during: "fetching Lamina's webhook signing key", at: 1_000_000 };

test('a rejection is believed for a minute, then Lamina is asked again', () => {
	rememberRejection('credential:a', rejection);
	expect(recentRejection('credential:a', rejection.at + 1)).toBe(rejection);
	expect(recentRejection('credential:a', rejection.at + credentialRejectionLimits.rememberMs - 1)).toBe(rejection);
	expect(recentRejection('credential:a', rejection.at + credentialRejectionLimits.rememberMs)).toBeUndefined();
	expect(recentRejection('credential:b', rejection.at + 1)).toBeUndefined();
});

test('a request Lamina accepts forgets the rejection', () => {
	rememberRejection('credential:c', rejection);
	forgetRejection('credential:c');
	expect(recentRejection('credential:c', rejection.at + 1)).toBeUndefined();
});

test('the rejection names the status, Lamina’s code and what was asked', () => {
	expect(describeRejection(rejection)).toBe(
		"Lamina rejected this node's Lamina API credential (HTTP 401 AUTH_INVALID_KEY) while fetching Lamina's webhook signing key",
	);
	expect(describeRejection({ ...rejection, laminaCode: undefined, httpCode: 403 })).toMatch(/\(HTTP 403\)/);
});
