/** Unit and engine tests: every test talks to the Lamina simulator over 127.0.0.1. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// n8n's logger off, unless N8N_LOG_LEVEL is set (see the file).
	setupFiles: ['<rootDir>/test/harness/quietN8nLogs.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 60000,
	maxWorkers: 2,
};
