/** The Lamina simulator: a local HTTP server playing Lamina's API for tests, the demo and benchmarks. */
export { startLaminaSimulator } from './server';
export { APPS, FAILING_APP_ERROR, fixtureApps } from './apps';
export { BRIEF_MARKERS } from './content';
export { CHANNELS, fixtureChannels, type SimChannel, type SimPost } from './publishing';
export { FIXTURE_MODELS, MODELS } from './models';
export type { SimModel, SimParamField } from './models';
export { FREESTYLE_APP_ID } from './generate';
export { OUTPUT_ERROR } from './runs';
export { WEBHOOK_USER_ID, RETRY_DELAYS_MS, DELIVERY_TIMEOUT_MS } from './webhooks';
export type {
	AppBehaviour,
	Fault,
	LaminaSimulator,
	OutputStatus,
	OutputType,
	RunProgress,
	RunStatus,
	SigningJwk,
	SimApp,
	SimAppOutput,
	SimCounters,
	SimOutput,
	SimParameter,
	SimRun,
	SimulatorOptions,
	SimWorkflow,
	SimWorkflowEdge,
	SimWorkflowNode,
	StreamBehaviour,
	UploadedAsset,
	WebhookDelivery,
} from './types';
