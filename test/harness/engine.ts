import path from 'node:path';

import { ExecutionLifecycleHooks, LoadOptionsContext, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IConnections,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { ensureBinaryData, setUpBinaryData, type BinaryDataHandle, type BinaryDataMode } from './binaryData';
import { TestCredentialsHelper } from './credentials';

export const PACKAGE = 'n8n-nodes-lamina';
export const LAMINA_NODE = `${PACKAGE}.lamina`;
export const LAMINA_TRIGGER = `${PACKAGE}.laminaTrigger`;
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The package as n8n loads it: PackageDirectoryLoader reads package.json's "n8n" section and
 * requires the built files in dist/ (so `npm run build` comes first).
 */
export async function loadPackage() {
	const loader = new PackageDirectoryLoader(REPO_ROOT);
	await loader.loadAll();
	const nodes = new Map<string, INodeType | IVersionedNodeType>();
	for (const [name, data] of Object.entries(loader.nodeTypes)) nodes.set(`${PACKAGE}.${name}`, data.type);
	const credentials = new Map<string, ICredentialType>();
	for (const [name, data] of Object.entries(loader.credentialTypes)) credentials.set(name, data.type);
	return { nodes, credentials };
}

export function nodeTypesOf(nodes: Map<string, INodeType | IVersionedNodeType>): INodeTypes {
	return {
		getByName: (type) => {
			const found = nodes.get(type);
			if (!found) throw new Error(`Unknown node type ${type}`);
			return found;
		},
		getByNameAndVersion: (type, version) => {
			const found = nodes.get(type);
			if (!found) throw new Error(`Unknown node type ${type}`);
			return NodeHelpers.getVersionedNodeType(found, version);
		},
		getKnownTypes: () => ({}),
	};
}

export interface EngineOptions {
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/**
	 * Where n8n keeps binary data: 'filesystem' streams files to a temporary folder as a real n8n
	 * does (call `engine.close()` to remove it); default 'memory' (base64 in the items).
	 */
	binaryData?: BinaryDataMode;
}

export interface RunOptions {
	/** Items handed to the first node, as a trigger would. */
	input?: IDataObject[];
	/** Whole items (json, binary) handed to the first node; used instead of `input` when given. */
	inputItems?: INodeExecutionData[];
	mode?: 'manual' | 'trigger' | 'webhook';
	/** Output of which node to return; default the last node in the list. */
	outputNode?: string;
	/** The workflow's static data as the execution starts with it (n8n loads it from its database). */
	staticData?: IDataObject;
	/** The workflow's Settings → Timezone (default n8n's, America/New_York). */
	timezone?: string;
}

export interface RunResult {
	run: IRun;
	executionId: string;
	status: string;
	/** First output of `outputNode` (or [] when it did not run). */
	items: INodeExecutionData[];
	/** The workflow error, when the execution failed. */
	error?: Error & { description?: string; context?: IDataObject; httpCode?: string };
	/** Static data the engine handed to n8n's end-of-execution hook to save (only when it changed). */
	newStaticData?: IDataObject;
}

export type WorkflowNode = Omit<INode, 'id' | 'typeVersion' | 'position'> &
	Partial<Pick<INode, 'id' | 'typeVersion' | 'position'>>;

/** Runs workflows through n8n's real engine: WorkflowExecute, expressions, request helpers. */
export class Engine {
	readonly nodeTypes: INodeTypes;

	readonly credentialsHelper: TestCredentialsHelper;

	/** n8n's binary data service as the engine set it up (see binaryData.ts). */
	binaryData?: BinaryDataHandle;

	/** Where n8n's waiting-webhook (resume) URLs point; tests aim it at a local endpoint. */
	webhookWaitingBaseUrl = 'http://127.0.0.1:5678/webhook-waiting';

	constructor(
		readonly nodes: Map<string, INodeType | IVersionedNodeType>,
		readonly credentialTypes: Map<string, ICredentialType>,
		options: EngineOptions,
	) {
		this.nodeTypes = nodeTypesOf(nodes);
		this.credentialsHelper = new TestCredentialsHelper(
			credentialTypes,
			new Map(Object.entries(options.credentials)),
		);
	}

	/** Removes what the engine left on disk (the binary data folder in 'filesystem' mode). */
	async close(): Promise<void> {
		await this.binaryData?.close();
	}

	setCredentials(type: string, data: ICredentialDataDecryptedObject) {
		this.credentialsHelper.set(type, data);
	}

	additionalData(hooks: ExecutionLifecycleHooks, executionId: string): IWorkflowExecuteAdditionalData {
		return {
			credentialsHelper: this.credentialsHelper,
			hooks,
			executionId,
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			formBaseUrl: 'http://127.0.0.1:5678/form',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: this.webhookWaitingBaseUrl,
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
			mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
			variables: {},
			executeWorkflow: async () => {
				throw new Error('Sub-workflows are not used by this package');
			},
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: () => {},
			startRunnerTask: async () => {
				throw new Error('Task runners are not used by this package');
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	workflow(nodes: WorkflowNode[], connections?: IConnections, staticData?: IDataObject, timezone?: string): Workflow {
		const full: INode[] = nodes.map((node, index) => ({
			id: node.id ?? `node-${index}`,
			typeVersion: node.typeVersion ?? 1,
			position: node.position ?? [index * 220, 0],
			...node,
		}));
		return new Workflow({
			id: 'wf-test',
			name: 'Test workflow',
			nodes: full,
			connections: connections ?? chain(full),
			active: false,
			nodeTypes: this.nodeTypes,
			staticData,
			settings: { executionOrder: 'v1', ...(timezone ? { timezone } : {}) },
		});
	}

	async run(nodes: WorkflowNode[], options: RunOptions = {}): Promise<RunResult> {
		return await this.start(nodes, options).result;
	}

	/**
	 * Starts an execution and hands back how to stop it, as n8n's "Stop execution" does
	 * (the execution's abort signal fires and n8n records it as canceled at once).
	 */
	start(nodes: WorkflowNode[], options: RunOptions = {}): RunningExecution {
		const workflow = this.workflow(nodes, undefined, options.staticData, options.timezone);
		const startNode = workflow.getNode(nodes[0].name)!;
		const executionId = `exec-${Math.random().toString(36).slice(2)}`;
		const workflowData = { id: workflow.id, name: workflow.name, nodes: Object.values(workflow.nodes), connections: workflow.connectionsBySourceNode, active: false, settings: {} } as unknown as IWorkflowBase;
		const hooks = new ExecutionLifecycleHooks(options.mode ?? 'manual', executionId, workflowData);
		let resolveRun!: (run: IRun) => void;
		const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
		let newStaticData: IDataObject | undefined;
		hooks.addHandler('workflowExecuteAfter', (fullRunData, changedStaticData) => {
			newStaticData = changedStaticData;
			resolveRun(fullRunData);
		});

		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{
						node: startNode,
						data: { main: [options.inputItems ?? (options.input ?? [{}]).map((json) => ({ json }))] },
						source: null,
					},
				],
			},
		});

		const execute = new WorkflowExecute(
			this.additionalData(hooks, executionId),
			options.mode ?? 'manual',
			runExecutionData,
		);
		const processing = execute.processRunExecutionData(workflow);
		// A cancelled execution's promise rejects; its result comes through the hook above.
		processing.catch(() => undefined);
		const result = finished.then((run) => {
			const outputNode = options.outputNode ?? nodes[nodes.length - 1].name;
			const taskData = run.data.resultData.runData[outputNode]?.[0];
			return {
				run,
				executionId,
				status: run.status,
				items: taskData?.data?.main?.[0] ?? [],
				error: run.data.resultData.error as RunResult['error'],
				newStaticData,
			};
		});
		return { executionId, cancel: () => processing.cancel(), result };
	}
}

export interface RunningExecution {
	executionId: string;
	/** n8n's "Stop execution". */
	cancel(): void;
	result: Promise<RunResult>;
}

/**
 * Calls one of a node's editor methods (listSearch, loadOptions, resourceMapping) the way the
 * n8n editor does: through a LoadOptionsContext over the node's current parameters.
 */
export async function callEditorMethod<T>(
	engine: Engine,
	node: WorkflowNode,
	kind: 'listSearch' | 'loadOptions' | 'resourceMapping',
	method: string,
	...args: unknown[]
): Promise<T> {
	const workflow = engine.workflow([node]);
	const full = workflow.getNode(node.name)!;
	const nodeType = engine.nodeTypes.getByNameAndVersion(full.type, full.typeVersion);
	const fn = (nodeType.methods?.[kind] as Record<string, (...a: unknown[]) => Promise<T>> | undefined)?.[method];
	if (!fn) throw new Error(`${full.type} has no ${kind} method ${method}`);
	const hooks = new ExecutionLifecycleHooks('internal', 'editor', {} as IWorkflowBase);
	const additionalData = engine.additionalData(hooks, 'editor');
	additionalData.currentNodeParameters = full.parameters;
	const context = new LoadOptionsContext(workflow, full, additionalData, '');
	return await fn.call(context, ...args);
}

function chain(nodes: INode[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
	const { nodes, credentials } = await loadPackage();
	const engine = new Engine(nodes, credentials, options);
	engine.binaryData = options.binaryData ? await setUpBinaryData(options.binaryData) : await ensureBinaryData();
	return engine;
}

/** A Lamina node for a test workflow, with the credential attached. */
export function laminaNode(parameters: IDataObject, extra: Partial<INode> = {}): WorkflowNode {
	return {
		name: 'Lamina',
		type: LAMINA_NODE,
		parameters: parameters as INode['parameters'],
		credentials: { laminaApi: { id: 'cred-1', name: 'Lamina (simulator)' } },
		...extra,
	};
}
