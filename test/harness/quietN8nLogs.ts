/**
 * Jest setup file (jest.config.js `setupFiles`), run before each test file.
 *
 * n8n's Logger (winston, from @n8n/backend-common) prints every error a workflow run reports
 * through n8n's ErrorReporter and LoggerProxy, so the tests that make nodes fail on purpose
 * filled `npm test` with about 60 `console.log` blocks. The Logger takes its level from
 * N8N_LOG_LEVEL when it is first created (lazily, through @n8n/di's Container), so setting
 * n8n's own `silent` level here turns it off before any test creates it.
 *
 * Only n8n's logger is affected: Jest's failure messages and anything a test itself writes to
 * the console still print. To see n8n's logs, set the level yourself: `N8N_LOG_LEVEL=debug npm test`.
 */
process.env.N8N_LOG_LEVEL ??= 'silent';
