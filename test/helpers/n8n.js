/**
 * Runs this package's nodes through n8n's real execution engine (n8n-core WorkflowExecute), with a
 * credentials helper that applies the credential's own `authenticate`, real HTTP to the sandbox,
 * expressions, pairedItem and continueOnFail — everything but the n8n server around it.
 */
const {
	Workflow,
	NodeHelpers,
	ICredentialsHelper,
	createRunExecutionData,
} = require('n8n-workflow');
const {
	WorkflowExecute,
	ExecutionLifecycleHooks,
	PollContext,
	LoadOptionsContext,
	DataDeduplicationService,
} = require('n8n-core');

/**
 * n8n's deduplication store (the processed_data table in a real n8n, where the write ledger of a
 * production run lives), held in memory for the in-process tests with the same semantics as n8n's
 * DeduplicationHelper in "entries" mode: per workflow and node, a list of entries, the oldest dropped
 * past maxEntries. The e2e suites run against n8n's real one.
 */
class MemoryDeduplicator {
	constructor() {
		/** @type {Map<string, string[]>} */
		this.lists = new Map();
	}
	listOf(scope, contextData) {
		const key = `${contextData.workflow.id}|${scope === 'node' ? `n:${contextData.node.id}` : ''}`;
		if (!this.lists.has(key)) this.lists.set(key, []);
		return /** @type {string[]} */ (this.lists.get(key));
	}
	async checkProcessedAndRecord(items, scope, contextData, options) {
		const list = this.listOf(scope, contextData);
		const seen = new Set(list);
		const out = { new: [], processed: [] };
		for (const item of items) {
			const value = String(item);
			if (seen.has(value)) out.processed.push(item);
			else {
				out.new.push(item);
				list.push(value);
				seen.add(value);
			}
		}
		if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
		return out;
	}
	async removeProcessed(items, scope, contextData) {
		const list = this.listOf(scope, contextData);
		const drop = new Set(items.map(String));
		const kept = list.filter((v) => !drop.has(v));
		list.length = 0;
		list.push(...kept);
	}
	async clearAllProcessedItems(scope, contextData) {
		this.listOf(scope, contextData).length = 0;
	}
	async getProcessedDataCount(scope, contextData) {
		return this.listOf(scope, contextData).length;
	}
}
const deduplicator = new MemoryDeduplicator();
try {
	void DataDeduplicationService.init(deduplicator);
} catch {
	// already initialised in this module registry
}

// Tests load the TypeScript sources (through ts-jest); the benchmarks load the built package, or
// another build of it (BROMCOM_FROM_DIST=<absolute path of a dist folder>, an earlier version).
const fromDist = process.env.BROMCOM_FROM_DIST;
const from = !fromDist ? '../../' : fromDist === '1' ? '../../dist/' : `${fromDist}/`;
const { Bromcom } = require(`${from}nodes/Bromcom/Bromcom.node`);
const { BromcomTrigger } = require(`${from}nodes/BromcomTrigger/BromcomTrigger.node`);
const { BromcomEligibility } = require(`${from}nodes/BromcomEligibility/BromcomEligibility.node`);
const { BromcomMisApi } = require(`${from}credentials/BromcomMisApi.credentials`);
const { BromcomPartnerApi } = require(`${from}credentials/BromcomPartnerApi.credentials`);

const NODE_TYPES = {
	'n8n-nodes-bromcom.bromcom': new Bromcom(),
	'n8n-nodes-bromcom.bromcomTrigger': new BromcomTrigger(),
	'n8n-nodes-bromcom.bromcomEligibility': new BromcomEligibility(),
};
/**
 * The node type n8n makes of a node with `usableAsTool` ("Bromcom Tool", type `<name>Tool`): the same
 * node with the description's name, display name and connections changed, as n8n 2.41's
 * convertNodeToAiTool does (packages/cli/src/tool-generation/ai-tools.ts). Its name ending in "Tool"
 * is what n8n's `@tool` display condition and the node's own isToolCall read.
 * @param {any} instance
 */
function toolForm(instance) {
	const description = {
		...instance.description,
		name: `${instance.description.name}Tool`,
		displayName: `${instance.description.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool'],
	};
	delete description.usableAsTool;
	return Object.create(instance, { description: { value: description } });
}
NODE_TYPES['n8n-nodes-bromcom.bromcomTool'] = toolForm(NODE_TYPES['n8n-nodes-bromcom.bromcom']);

const CREDENTIAL_TYPES = {
	bromcomMisApi: new BromcomMisApi(),
	bromcomPartnerApi: new BromcomPartnerApi(),
};

/** n8n's generic authentication: `={{$credentials.x}}` in headers/qs resolved from the credential. */
function applyGeneric(credentials, auth, requestOptions) {
	const resolve = (value) =>
		typeof value === 'string'
			? value.replace(/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/, (_m, key) =>
					String(credentials[key] ?? ''),
				)
			: value;
	const out = { ...requestOptions };
	for (const part of ['headers', 'qs', 'body']) {
		const extra = auth.properties[part];
		if (!extra) continue;
		const resolved = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, resolve(v)]));
		out[part] = { ...(requestOptions[part] || {}), ...resolved };
	}
	return out;
}

/** The credential key a node with these parameters uses (its Authentication option). */
function credentialKey(parameters) {
	return parameters && parameters.authentication === 'partnerApplication'
		? 'bromcomPartnerApi'
		: 'bromcomMisApi';
}

function registerNodeType(name, instance) {
	NODE_TYPES[name] = instance;
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(credentials) {
		super();
		this.credentials = credentials;
		this.decryptCount = 0;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async authenticate(credentials, typeName, requestOptions) {
		const type = CREDENTIAL_TYPES[typeName];
		if (typeof type.authenticate === 'function')
			return await type.authenticate(credentials, requestOptions);
		if (type.authenticate && type.authenticate.type === 'generic')
			return applyGeneric(credentials, type.authenticate, requestOptions);
		return requestOptions;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	/** @returns {Promise<any>} */
	async getCredentials() {
		throw new Error('not used in tests');
	}
	async getDecrypted(_additionalData, nodeCredentials) {
		this.decryptCount++;
		const data = this.credentials[nodeCredentials.id];
		if (!data) throw new Error(`No test credential "${nodeCredentials.id}"`);
		return { ...data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties(type) {
		return CREDENTIAL_TYPES[type].properties;
	}
}

const nodeTypes = {
	getByName: (type) => NODE_TYPES[type],
	getByNameAndVersion: (type, version) => {
		const t = NODE_TYPES[type];
		if (!t) throw new Error(`Unknown node type ${type}`);
		return NodeHelpers.getVersionedNodeType(t, version);
	},
	getKnownTypes: () => ({}),
};

function sandboxCredential(baseUrl, overrides = {}) {
	return {
		hosting: 'custom',
		baseUrl,
		schoolId: 20001,
		username: 'sandbox',
		password: 'sandbox',
		ignoreSslIssues: false,
		...overrides,
	};
}

/** A Bromcom Partner API credential for the sandbox's granted-everything application. */
function partnerCredential(baseUrl, overrides = {}) {
	return {
		applicationId: 'sandbox-app',
		applicationSecret: 'sandbox-app-secret',
		schoolId: '20001',
		baseUrl,
		pageSize: 100000,
		...overrides,
	};
}

/**
 * The parts of n8n's IWorkflowExecuteAdditionalData a node execution reaches, with test credentials.
 * @returns {any} partial by design: n8n's own type has dozens of server-only members
 */
function additionalData(hooks, credentials) {
	return {
		hooks,
		executionId: 'test-exec',
		credentialsHelper: new TestCredentialsHelper(credentials),
		variables: {},
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		formWaitingBaseUrl: 'http://localhost/form-waiting',
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('not supported');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('no task runner in-process');
		},
	};
}

/**
 * Runs one Bromcom node on `items` (default: one empty item).
 * Returns { run, output, error, credentialsHelper } where output is the node's first output as json objects
 * (with pairedItem kept on `items`).
 * `typeVersion` is the node's version (1 unless given: the version most tests were written against).
 * @param {{ parameters: Record<string, any>, items?: object[], credentials: any, continueOnFail?: boolean, type?: string, staticData?: any, mode?: import('n8n-workflow').WorkflowExecuteMode, typeVersion?: number }} options
 */
async function runNode({
	parameters,
	items = [{}],
	credentials,
	continueOnFail = false,
	type = 'n8n-nodes-bromcom.bromcom',
	staticData,
	mode = 'manual',
	typeVersion = 1,
}) {
	/** @type {import('n8n-workflow').INode} */
	const node = {
		id: 'node-1',
		name: 'Bromcom',
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials: { [credentialKey(parameters)]: { id: 'cred-1', name: 'Bromcom sandbox' } },
		continueOnFail,
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
	/** @type {any} the workflow fields n8n reads; IWorkflowBase also holds database columns */
	const workflowData = {
		id: 'wf-test',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({
		...workflowData,
		nodeTypes,
		staticData: staticData ? JSON.parse(JSON.stringify(staticData)) : undefined,
	});
	const hooks = new ExecutionLifecycleHooks(mode, 'test-exec', workflowData);
	// n8n's hook gets the static data to save as its second argument only when a node changed it: a
	// worker in queue mode then saves the whole object (see README, Running at scale).
	let savedStaticData;
	const done = new Promise((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run, newStaticData) => {
			savedStaticData =
				newStaticData === undefined ? undefined : JSON.parse(JSON.stringify(newStaticData));
			resolve(run);
		}),
	);
	const data = additionalData(hooks, { 'cred-1': credentials });
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node, data: { main: [items.map((json) => ({ json }))] }, source: null },
			],
		},
	});
	await new WorkflowExecute(data, mode, runExecutionData).processRunExecutionData(workflow);
	const run = await done;
	const taskData = run.data.resultData.runData.Bromcom?.[0];
	const main = taskData?.data?.main?.[0] ?? [];
	return {
		run,
		workflow,
		staticData: JSON.parse(JSON.stringify(workflow.staticData)),
		savedStaticData,
		items: main,
		output: main.map((i) => i.json),
		error: run.data.resultData.error,
		credentialsHelper: data.credentialsHelper,
	};
}

/**
 * One poll of the Bromcom Trigger through n8n-core's PollContext (what n8n's poller builds).
 * `staticData` is plain JSON, as n8n stores it between polls and across restarts; the returned
 * `staticData` is what n8n would persist after this poll.
 */
/**
 * `workflow`: a Workflow from an earlier pollOnce to poll again with its live static data and its
 * parameters, as an active workflow in one n8n process is polled (two polls of it may then overlap).
 * @param {{ parameters: Record<string, any>, credentials: any, staticData?: any, mode?: import('n8n-workflow').WorkflowExecuteMode, workflow?: any }} options
 */
async function pollOnce({
	parameters,
	credentials,
	staticData = {},
	mode = 'trigger',
	workflow: live,
}) {
	/** @type {import('n8n-workflow').INode} */
	const node = {
		id: 'trigger-1',
		name: 'Bromcom Trigger',
		type: 'n8n-nodes-bromcom.bromcomTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: { pollTimes: { item: [{ mode: 'everyHour' }] }, ...parameters },
		credentials: { [credentialKey(parameters)]: { id: 'cred-1', name: 'Bromcom sandbox' } },
	};
	/** @type {any} the workflow fields n8n reads; IWorkflowBase also holds database columns */
	const workflowData = {
		id: 'wf-trigger',
		name: 'trigger',
		nodes: [node],
		connections: {},
		active: true,
		settings: { executionOrder: 'v1' },
	};
	const workflow =
		live ??
		new Workflow({
			...workflowData,
			nodeTypes,
			staticData: JSON.parse(JSON.stringify(staticData)),
		});
	const hooks = new ExecutionLifecycleHooks(mode, 'poll-exec', workflowData);
	const ctx = new PollContext(
		workflow,
		// The workflow's own node (its parameters completed with their defaults when it was built).
		workflow.getNode(node.name),
		additionalData(hooks, { 'cred-1': credentials }),
		mode,
		'activate',
	);
	let result;
	let error;
	try {
		result = await NODE_TYPES['n8n-nodes-bromcom.bromcomTrigger'].poll.call(ctx);
	} catch (e) {
		error = e;
	}
	return {
		result,
		error,
		items: result ? result[0].map((i) => i.json) : [],
		notices: result && result[1] ? result[1].map((i) => i.json) : [],
		staticData: JSON.parse(JSON.stringify(workflow.staticData)),
		workflow,
	};
}

/**
 * Calls a node's loadOptions / listSearch method through n8n-core's LoadOptionsContext, the context
 * the editor's pickers use, with `parameters` as the node's current parameters.
 * @param {{ type?: string, kind: 'loadOptions' | 'listSearch', method: string, parameters: Record<string, any>, credentials: any, filter?: string }} options
 */
async function loadOptions({
	type = 'n8n-nodes-bromcom.bromcom',
	kind,
	method,
	parameters,
	credentials,
	filter,
}) {
	/** @type {import('n8n-workflow').INode} */
	const node = {
		id: 'lo-1',
		name: 'Picker',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { [credentialKey(parameters)]: { id: 'cred-1', name: 'Bromcom sandbox' } },
	};
	/** @type {any} the workflow fields n8n reads; IWorkflowBase also holds database columns */
	const workflowData = {
		id: 'wf-lo',
		name: 'lo',
		nodes: [node],
		connections: {},
		active: false,
		settings: {},
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const data = additionalData(new ExecutionLifecycleHooks('internal', 'lo', workflowData), {
		'cred-1': credentials,
	});
	// The editor sends the node's parameters with their defaults filled in (so the credential's
	// displayOptions, such as Authentication's default, are satisfied).
	const description = NODE_TYPES[type].description;
	data.currentNodeParameters =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node,
			description,
		) ?? parameters;
	const ctx = new LoadOptionsContext(workflow, node, data, 'parameters');
	const fn = NODE_TYPES[type].methods[kind][method];
	return kind === 'listSearch' ? await fn.call(ctx, filter) : await fn.call(ctx);
}

function shutdown() {
	// n8n-core's SSH client manager keeps a 60 s interval alive once a node context exists.
	try {
		const { Container } = require('@n8n/di');
		const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager');
		if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
	} catch {
		// nothing to stop
	}
}

module.exports = {
	loadOptions,
	pollOnce,
	runNode,
	sandboxCredential,
	partnerCredential,
	credentialKey,
	deduplicator,
	shutdown,
	nodeTypes,
	registerNodeType,
	TestCredentialsHelper,
	additionalData,
	CREDENTIAL_TYPES,
	NODE_TYPES,
	toolForm,
};
