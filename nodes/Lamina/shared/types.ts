/** Shapes of Lamina's API as this package reads them (see LAMINA_API.md). */
export type ParameterType = 'text' | 'options' | 'url';

export interface LaminaParameter {
	id: string;
	key?: string;
	name: string;
	type: ParameterType | string;
	required?: boolean;
	description?: string;
	options?: Array<string | { label?: string; value?: unknown }>;
	default?: unknown;
	accept?: string[];
	multiple?: boolean;
}

export interface LaminaAppOutput {
	index: number;
	label: string;
	type: string;
}

export interface LaminaAppSummary {
	appId: string;
	name: string;
	description?: string;
	isPublic?: boolean;
	[key: string]: unknown;
}

export interface LaminaApp extends LaminaAppSummary {
	parameters?: LaminaParameter[];
	outputs?: LaminaAppOutput[];
}

export interface LaminaRunOutput {
	id?: string;
	label?: string;
	type?: string;
	value?: unknown;
	status?: string;
	error?: string | null;
	[key: string]: unknown;
}

export interface LaminaRun {
	runId: string;
	executionId?: string;
	workflowId?: string;
	workflowName?: string;
	status: string;
	outputs?: LaminaRunOutput[];
	errorMessage?: string | null;
	startedAt?: string | null;
	completedAt?: string | null;
	createdAt?: string | null;
	progress?: unknown;
	[key: string]: unknown;
}

/** Run App's Options → Files as Inputs, as the node stores it. */
export interface FileInputsOption {
	files?: Array<{ input?: string; binaryPropertyName?: string }>;
}

export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled'];

/** Lamina's largest page of apps (`GET /v1/apps?limit=`); the API has no offset for apps. */
export const MAX_APPS_PER_REQUEST = 100;
