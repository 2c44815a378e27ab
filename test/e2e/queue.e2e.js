/**
 * n8n in queue mode, end to end: PostgreSQL and Redis on loopback, one main process and two workers
 * of the pinned n8n, this package installed from its tarball in each process's own user folder, the
 * sandbox as Bromcom. Run with `npm run test:e2e:queue` (also part of .ci/run).
 *
 * 1. The single-process e2e's read workflows give the same items when their executions run on the
 *    workers (started by a production webhook) as when one process runs them (`n8n execute`).
 * 2. An MSP fan-out (one workflow over three schools, one school's permission missing) fired in a
 *    burst spreads over both workers and gives the same per-school results; the sandbox records how
 *    many requests each school saw at once.
 * 3. Export Roster's deactivation guard: a first run on one worker commits its memory (n8n's
 *    deduplication store, in PostgreSQL); with that worker stopped, a run after a drop on the other
 *    worker is held against it; acknowledged on the first worker again, it passes. The workflow's
 *    static data stays empty.
 * 4. A trigger + write-back workflow (new student → register an SSO link) and the same with a Code
 *    node that writes static data, under bursts of changes across several polls, with a worker killed
 *    mid-execution, an execution that outlives the next poll, and the main restarted between polls:
 *    every change gives exactly one event and at most one write, and exactly one after a
 *    reconciliation run. In the Code-node workflow, n8n's whole-object save of static data on the
 *    worker overwrites the trigger's state: measured and reported (README, Running at scale), and
 *    its writes are still never duplicated.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rt = require('../../scripts/n8n-runtime');
const { createSandbox } = require('../../sandbox/server');
const { startPostgres, startRedis } = require('./queue/services');

const PASSWORD = 'Qu3ue&<mode> pw';
const BASE_PORT = Number(process.env.E2E_QUEUE_PORT || 5900);
const PG_PORT = BASE_PORT + 32;
const REDIS_PORT = BASE_PORT + 33;
/** BROMCOM_QUEUE_ONLY=triggers|reads|guard runs one part (for working on it); CI runs all. */
const ONLY = process.env.BROMCOM_QUEUE_ONLY;
const part = (name) => ({ skip: ONLY !== undefined && ONLY !== name });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-queue-'));
const OWNER = {
	email: 'queue@example.com',
	firstName: 'Queue',
	lastName: 'Mode',
	password: 'QueueTestPassw0rd',
};
const SSO_SCHOOL = 20001;
const CODE_SCHOOL = 20002;
const FANOUT_SCHOOLS = [20001, 20002, 20003];
const REVOKED_SCHOOL = 20003;

let sandbox;
let pg;
let redis;
let nodeBin;
let cli;
let main;
let cookie;
const workers = [];
let logs = '';
const figures = {};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function queueEnv(home, port, extra = {}) {
	return rt.n8nEnv(home, port, {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(REDIS_PORT),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(PG_PORT),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: '',
		// Executions' data stay in the database, where the main and both workers see them.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_LOG_LEVEL: 'info',
		...extra,
	});
}

const homes = {
	main: path.join(work, 'main'),
	w1: path.join(work, 'worker-1'),
	w2: path.join(work, 'worker-2'),
	cli: path.join(work, 'single'),
};
const mainN8n = () => ({ nodeBin, cli, env: queueEnv(homes.main, BASE_PORT) });
/** One process, no queue: `n8n execute` against the same database, for the single-process results. */
const singleN8n = () => ({
	nodeBin,
	cli,
	env: queueEnv(homes.cli, BASE_PORT + 40, { EXECUTIONS_MODE: 'regular' }),
});

async function startWorker(index) {
	const home = index === 0 ? homes.w1 : homes.w2;
	const port = BASE_PORT + 10 * (index + 1);
	const entry = { index, log: '' };
	entry.process = await rt.startWorker(
		{
			nodeBin,
			cli,
			env: queueEnv(home, port, {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(port + 2),
			}),
		},
		{
			concurrency: 5,
			onOutput: (d) => {
				entry.log += d;
				logs += d;
			},
		},
	);
	workers[index] = entry;
	return entry;
}

let mainLog = '';
async function startMain() {
	main = await rt.startN8n(
		{
			...mainN8n(),
			env: { ...mainN8n().env, N8N_LOG_LEVEL: process.env.BROMCOM_QUEUE_DEBUG ? 'debug' : 'info' },
		},
		{
			onOutput: (d) => {
				logs += d;
				mainLog += d;
			},
		},
	);
	cookie = await rt.ownerSession(main.base, OWNER);
}

async function cli_(n8n, ...args) {
	const r = await rt.n8nCli(n8n, args, { timeoutMs: 240000 });
	logs += r.stdout + r.stderr;
	assert.equal(r.code, 0, `n8n ${args.join(' ')} failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
	return r;
}

function flattedParse(text) {
	const flatted = require(require.resolve('flatted', { paths: [path.dirname(cli)] }));
	return flatted.parse(text);
}

async function rest(pathname, init = {}) {
	const res = await fetch(`${main.base}${pathname}`, {
		...init,
		headers: { 'content-type': 'application/json', cookie, ...(init.headers || {}) },
	});
	const body = /** @type {any} */ (await res.json());
	return body.data ?? body;
}

async function executionsOf(workflowId) {
	const q = encodeURIComponent(JSON.stringify({ workflowId }));
	const body = await rest(`/rest/executions?filter=${q}&limit=100`);
	return (body.results ?? []).sort((a, b) => Number(a.id) - Number(b.id));
}

async function executionData(id) {
	const body = await rest(`/rest/executions/${id}`);
	return { ...body, data: flattedParse(body.data) };
}

/** The items a node put out in an execution (first output by default). */
function outputOf(data, node, index = 0) {
	return data.resultData.runData[node][0].data.main[index].map((i) => i.json);
}

/** The events a trigger emitted into an execution: its run data, or what it handed the engine. */
/** The trigger's items on one output (0 Events, 1 Notices) in an execution's data. */
function triggerItems(data, output = 0) {
	const run = data.resultData?.runData?.['Bromcom Trigger'];
	if (run) return (run[0].data.main[output] ?? []).map((i) => i.json);
	const start = data.executionData?.nodeExecutionStack?.find(
		(s) => s.node.name === 'Bromcom Trigger',
	);
	return start ? (start.data.main[output] ?? []).map((i) => i.json) : [];
}

const waitFor = (what, fn, timeoutMs) => rt.waitUntil(what, fn, timeoutMs, () => logs.slice(-4000));

// ---- Workflows ---------------------------------------------------------------------------------------

const CREDENTIAL = { bromcomMisApi: { id: 'bromcomSandbox01', name: 'Bromcom Sandbox' } };
const node = (name, type, parameters, extra = {}) => ({
	id: name.replace(/\W/g, '').toLowerCase(),
	name,
	type,
	typeVersion: extra.typeVersion ?? 1,
	position: extra.position ?? [0, 0],
	parameters,
	...(extra.credentials ? { credentials: extra.credentials } : {}),
	...(extra.onError ? { onError: extra.onError } : {}),
	...(extra.webhookId ? { webhookId: extra.webhookId } : {}),
});
const chain = (...names) => {
	const connections = {};
	for (let k = 0; k + 1 < names.length; k++)
		connections[names[k]] = { main: [[{ node: names[k + 1], type: 'main', index: 0 }]] };
	return connections;
};
const workflow = (id, name, nodes, connections) => ({
	id,
	name,
	nodes,
	connections,
	active: false,
	settings: { executionOrder: 'v1' },
	pinData: {},
});

/** The same workflow started by a production webhook: its executions run on the workers. */
function webhookVariant(source, id, hookPath, hookIndex) {
	const start = source.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	const hook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		{ httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', responseData: 'allEntries' },
		{ typeVersion: 2, webhookId: `7b1c2d3e-0000-4000-8000-00000000000${hookIndex}` },
	);
	const connections = JSON.parse(
		JSON.stringify(source.connections).replaceAll(`"${start.name}"`, '"Webhook"'),
	);
	return {
		...workflow(
			id,
			`${source.name} (webhook)`,
			[hook, ...source.nodes.filter((n) => n !== start)],
			connections,
		),
	};
}

const fanOut = workflow(
	'qFanOut00000000001',
	'MSP fan-out: current students per school',
	[
		node('Start', 'n8n-nodes-base.manualTrigger', {}),
		node(
			'Schools',
			'n8n-nodes-base.code',
			{
				jsCode: `return ${JSON.stringify(FANOUT_SCHOOLS)}.map((schoolId) => ({ json: { schoolId } }));`,
			},
			{ typeVersion: 2 },
		),
		node(
			'Bromcom',
			'n8n-nodes-bromcom.bromcom',
			{
				resource: 'student',
				operation: 'getMany',
				schoolId: '={{ $json.schoolId }}',
				recordStatus: 'current',
				returnAll: true,
				simplify: true,
			},
			{ credentials: CREDENTIAL, onError: 'continueRegularOutput' },
		),
		node(
			'Per School',
			'n8n-nodes-base.code',
			{
				jsCode: [
					'const out = {};',
					'for (const [i, item] of $input.all().entries()) {',
					"  const school = $('Schools').itemMatching(i).json.schoolId;",
					'  out[school] = out[school] || { schoolId: school, students: [], error: null };',
					'  if (item.json.error) out[school].error = item.json.error;',
					'  else out[school].students.push(item.json.StudentID);',
					'}',
					'return Object.values(out).map((json) => ({ json }));',
				].join('\n'),
			},
			{ typeVersion: 2 },
		),
	],
	chain('Start', 'Schools', 'Bromcom', 'Per School'),
);

function triggerWorkflow(id, name, schoolId, withCode) {
	const trigger = node(
		'Bromcom Trigger',
		'n8n-nodes-bromcom.bromcomTrigger',
		{
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			watch: 'students',
			schoolId: String(schoolId),
			recordStatus: 'current',
			triggerOn: ['new'],
			includeInOutput: 'new',
		},
		{ credentials: CREDENTIAL },
	);
	const code = node(
		'Count In Static Data',
		'n8n-nodes-base.code',
		{
			jsCode: [
				"const data = $getWorkflowStaticData('global');",
				'data.seen = (data.seen || 0) + $input.all().length;',
				'return $input.all();',
			].join('\n'),
		},
		{ typeVersion: 2 },
	);
	const sso = node(
		'Register SSO',
		'n8n-nodes-bromcom.bromcom',
		{
			resource: 'singleSignOn',
			operation: 'register',
			schoolId: String(schoolId),
			userId: '={{ $json.StudentID }}',
			emailAddress: `={{ $json.StudentID }}@${withCode ? 'code' : 'sso'}.school.example`,
			ssoProvider: 'Microsoft',
		},
		{ credentials: CREDENTIAL },
	);
	return workflow(
		id,
		name,
		withCode ? [trigger, code, sso] : [trigger, sso],
		withCode
			? chain('Bromcom Trigger', 'Count In Static Data', 'Register SSO')
			: chain('Bromcom Trigger', 'Register SSO'),
	);
}

const SSO_WF = 'qTriggerSso0000001';
const CODE_WF = 'qTriggerCode000001';
const triggerSso = triggerWorkflow(SSO_WF, 'New student → SSO link', SSO_SCHOOL, false);
/**
 * The MSP's remedy after a crash: register the SSO link of every student in a list again. The ledger
 * and the read-back before sending skip every link Bromcom already holds, on whichever worker.
 */
const reconcile = workflow(
	'qReconcile00000001',
	'Reconcile SSO links',
	[
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			{
				httpMethod: 'POST',
				path: 'q-reconcile',
				responseMode: 'lastNode',
				responseData: 'allEntries',
			},
			{ typeVersion: 2, webhookId: '7b1c2d3e-0000-4000-8000-000000000020' },
		),
		node(
			'Students',
			'n8n-nodes-bromcom.bromcom',
			{
				resource: 'student',
				operation: 'getMany',
				schoolId: '={{ $json.body.schoolId }}',
				recordStatus: 'current',
				returnAll: true,
				simplify: true,
				options: { rawFilter: "={{ 'StudentID IN (' + $json.body.ids.join(',') + ')' }}" },
			},
			{ credentials: CREDENTIAL },
		),
		node(
			'Register SSO',
			'n8n-nodes-bromcom.bromcom',
			{
				resource: 'singleSignOn',
				operation: 'register',
				schoolId: "={{ $('Webhook').first().json.body.schoolId }}",
				userId: '={{ $json.StudentID }}',
				emailAddress:
					"={{ $json.StudentID + '@' + $('Webhook').first().json.body.domain + '.school.example' }}",
				ssoProvider: 'Microsoft',
			},
			{ credentials: CREDENTIAL },
		),
	],
	chain('Webhook', 'Students', 'Register SSO'),
);

const triggerCode = triggerWorkflow(
	CODE_WF,
	'New student → static data → SSO link',
	CODE_SCHOOL,
	true,
);

const single = ['e2eStudents0000001', 'e2eRoster000000001'].map((id) =>
	JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', `${id}.json`), 'utf8')),
);
const hooks = [
	...single.map((wf, k) => ({
		source: wf,
		variant: webhookVariant(wf, `qHook${k}000000000001`, `q-${wf.id}`, k + 1),
	})),
	{ source: fanOut, variant: webhookVariant(fanOut, 'qFanOutHook0000001', 'q-fanout', 9) },
];

// ---- Setup -------------------------------------------------------------------------------------------

before(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 9,
		fixtures: true,
		accounts: [
			{ username: 'sandbox', password: PASSWORD, entities: '*', write: true, note: 'queue' },
		],
	});
	const url = await sandbox.start(0);
	pg = await startPostgres({ port: PG_PORT });
	redis = await startRedis({ dir: path.join(work, 'redis'), port: REDIS_PORT });
	nodeBin = rt.ensureNode24();
	cli = rt.ensureN8n(nodeBin);
	const tarball = rt.packPackage(work);
	for (const home of Object.values(homes)) rt.installPackage(home, tarball);

	fs.writeFileSync(
		path.join(work, 'credentials.json'),
		JSON.stringify([rt.sandboxCredential(url, { password: PASSWORD })]),
	);
	const wfDir = path.join(work, 'workflows');
	fs.mkdirSync(wfDir);
	for (const wf of [
		...single,
		fanOut,
		...hooks.map((h) => h.variant),
		triggerSso,
		triggerCode,
		reconcile,
		guardExport,
	])
		fs.writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf));
	await cli_(mainN8n(), 'import:credentials', `--input=${path.join(work, 'credentials.json')}`);
	await cli_(mainN8n(), 'import:workflow', '--separate', `--input=${wfDir}`);
	for (const id of [...hooks.map((h) => h.variant.id), reconcile.id, GUARD_WF])
		await cli_(mainN8n(), 'publish:workflow', `--id=${id}`);
	sandbox.changes.revokeEntity({
		schoolId: REVOKED_SCHOOL,
		username: 'sandbox',
		entity: 'Students',
	});

	await startWorker(0);
	await startWorker(1);
	await startMain();
});

after(async () => {
	for (const w of workers) if (w) await w.process.stop();
	if (main) await main.stop();
	if (sandbox) await sandbox.stop();
	if (redis) await redis.stop();
	if (pg) await pg.stop();
	fs.rmSync(work, { recursive: true, force: true });
	if (Object.keys(figures).length) console.log(`queue-mode figures: ${JSON.stringify(figures)}`);
});

// ---- 1 and 2: same results as one process, spread over the workers ------------------------------------

/** Runs a webhook variant and returns every node's output of its execution. */
async function runOnWorkers(h) {
	const before = (await executionsOf(h.variant.id)).length;
	const res = await fetch(`${main.base}/webhook/${h.variant.nodes[0].parameters.path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{}',
	});
	assert.equal(res.status, 200, await res.text());
	const list = await waitFor(
		`the execution of ${h.variant.id}`,
		async () => {
			const all = await executionsOf(h.variant.id);
			return all.length > before && all.every((e) => e.finished || e.status === 'success')
				? all
				: null;
		},
		60000,
	);
	return await executionData(list[list.length - 1].id);
}

function outputsBy(data, nodes) {
	const out = {};
	for (const n of nodes) {
		const run = data.resultData.runData[n.name];
		if (run) out[n.name] = run[0].data.main.map((o) => (o ?? []).map((i) => i.json));
	}
	return out;
}

test(
	'the single-process workflows give the same items on the workers as in one process',
	part('reads'),
	async () => {
		for (const h of hooks) {
			const viaCli = await cli_(singleN8n(), 'execute', `--id=${h.source.id}`, '--rawOutput');
			const one = rt.parseExecuteOutput(viaCli.stdout);
			const queued = await runOnWorkers(h);
			const nodes = h.source.nodes.filter((n) => n.type !== 'n8n-nodes-base.manualTrigger');
			const a = outputsBy(one.data, nodes);
			const b = outputsBy(queued.data, nodes);
			assert.ok(
				Object.keys(a).length === nodes.length,
				`${h.source.id}: every node ran in one process`,
			);
			assert.deepEqual(b, a, `${h.source.id}: queue mode differs from one process`);
		}
		const started = workers.map((w) => (w.log.match(/Worker started execution/g) || []).length);
		assert.equal(
			started.reduce((x, y) => x + y, 0),
			hooks.length,
		);
	},
);

test(
	'an MSP fan-out burst spreads over both workers with the same per-school results; the sandbox sees the politeness limit per school',
	part('reads'),
	async () => {
		const h = hooks[hooks.length - 1];
		const expected = FANOUT_SCHOOLS.map((schoolId) => ({
			schoolId,
			students:
				schoolId === REVOKED_SCHOOL
					? []
					: sandbox
							.rows(
								'Students',
								schoolId,
								'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())',
							)
							.map((s) => s.StudentID),
			error: null,
		}));
		const startedBefore = workers.map(
			(w) => (w.log.match(/Worker started execution/g) || []).length,
		);
		sandbox.resetConcurrency();
		// Each Students read takes 400 ms in Bromcom during the burst, so executions overlap there.
		sandbox.injectFault({ kind: 'delay', ms: 400, times: 0, match: { entity: 'Students' } });
		const BURST = 10;
		const bodies = await Promise.all(
			Array.from({ length: BURST }, async () => {
				const res = await fetch(`${main.base}/webhook/${h.variant.nodes[0].parameters.path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: '{}',
				});
				assert.equal(res.status, 200);
				return /** @type {any[]} */ (await res.json());
			}),
		);
		for (const body of bodies) {
			const bySchool = Object.fromEntries(body.map((r) => [r.schoolId, r]));
			for (const want of expected) {
				const got = bySchool[want.schoolId];
				assert.ok(got, `school ${want.schoolId} is missing`);
				if (want.schoolId === REVOKED_SCHOOL) {
					assert.deepEqual(got.students, []);
					assert.match(String(got.error), /permission to access entity 'Students'/);
				} else
					assert.deepEqual(
						{ ...got, students: got.students.slice().sort() },
						{ ...want, students: want.students.slice().sort() },
					);
			}
		}
		sandbox.clearFaults();
		const perWorker = workers.map(
			(w, k) => (w.log.match(/Worker started execution/g) || []).length - startedBefore[k],
		);
		assert.equal(perWorker[0] + perWorker[1], BURST);
		assert.ok(perWorker[0] > 0 && perWorker[1] > 0, `both workers ran executions: ${perWorker}`);
		figures.fanOut = {
			executions: BURST,
			perWorker,
			peakRequestsPerSchool: sandbox.peakConcurrency(),
		};
		// One execution sends at most 2 requests per school at once; executions run in parallel on two
		// workers of concurrency 5, so a school can see up to 2 × 10 (README, Running at scale).
		const peak = Math.max(...Object.values(sandbox.peakConcurrency()));
		assert.ok(peak > 1, `executions overlapped at the sandbox: peak ${peak}`);
		assert.ok(peak <= 2 * 2 * 5, `peak ${peak}`);
	},
);

// ---- 3: Export Roster's deactivation guard across workers ---------------------------------------------

const GUARD_WF = 'qGuardExport000001';
const GUARD_SCHOOL = 20002;
/**
 * Export Roster over two schools, started by a production webhook so its executions run on the
 * workers. The Acknowledge Drop ID comes from the request (`{"ack": "<id>"}`), as an expression.
 */
const guardExport = workflow(
	GUARD_WF,
	'Export Roster with the deactivation guard (webhook)',
	[
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			{ httpMethod: 'POST', path: 'q-guard', responseMode: 'onReceived' },
			{ typeVersion: 2, webhookId: '7b1c2d3e-0000-4000-8000-000000000030' },
		),
		node(
			'Export Roster',
			'n8n-nodes-bromcom.bromcomEligibility',
			{
				operation: 'exportRoster',
				schoolIds: '20001, 20002',
				format: 'sds21',
				includeClasses: true,
				includeContacts: false,
				lawfulBasis: 'fromBromcom',
				deactivationGuard: true,
				guardOptions: { acknowledgeId: "={{ $json.body.ack || '' }}" },
			},
			{ typeVersion: 1.1, credentials: CREDENTIAL },
		),
	],
	chain('Webhook', 'Export Roster'),
);

/** Starts the export on the workers; returns its outputs and the worker (1 or 2) that ran it. */
async function runGuardExport(body = {}) {
	const before = new Set((await executionsOf(GUARD_WF)).map((e) => e.id));
	const res = await fetch(`${main.base}/webhook/q-guard`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	assert.equal(res.status, 200, await res.text());
	const execution = await waitFor(
		'the export execution',
		async () =>
			(await executionsOf(GUARD_WF)).find(
				(e) => !before.has(e.id) && e.status !== 'running' && e.status !== 'new',
			),
		120000,
	);
	assert.equal(execution.status, 'success', JSON.stringify(execution));
	const data = (await executionData(execution.id)).data;
	const ranOn = workers.filter((w) =>
		new RegExp(`Worker started execution ${execution.id} \\(`).test(w.log),
	);
	assert.equal(ranOn.length, 1, `one worker ran execution ${execution.id}`);
	const [files, , notices] = data.resultData.runData['Export Roster'][0].data.main;
	return {
		worker: ranOn[0].index + 1,
		files: files ?? [],
		summary: files?.[0]?.json,
		notices: (notices ?? []).map((i) => i.json),
	};
}

test(
	"Export Roster's deactivation guard keeps its memory across workers (n8n's deduplication store), and nothing in static data",
	part('guard'),
	async () => {
		const started = Date.now();
		const withdrawn = [];
		try {
			// The first run, on whichever worker takes it, commits the memory.
			const first = await runGuardExport();
			assert.deepEqual(first.notices, []);
			assert.equal(first.summary.guard.firstRun, true);
			const exported = first.summary.schools.find((s) => s.schoolId === GUARD_SCHOOL).students;
			// That worker stops: the next run can only go to the other one.
			const a = first.worker - 1;
			const b = 1 - a;
			await workers[a].process.stop();

			// Consent withdrawn for about 30% of a school's pupils; Bromcom withholds them.
			const pupils = sandbox.rows(
				'Students',
				GUARD_SCHOOL,
				'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())',
			);
			assert.equal(pupils.length, exported.exported + exported.merged);
			withdrawn.push(...pupils.slice(0, Math.ceil(pupils.length * 0.3)).map((p) => p.StudentID));
			for (const personId of withdrawn)
				sandbox.changes.revokeConsent({ schoolId: GUARD_SCHOOL, personId });
			const held = await runGuardExport();
			assert.equal(held.worker, b + 1, 'the held run is on the other worker');
			assert.deepEqual(held.files, [], 'a held export has files');
			assert.equal(held.notices.length, 1);
			const notice = held.notices[0];
			assert.equal(notice.notice, 'exportHeld');
			// Compared with what the first worker committed.
			assert.deepEqual(
				notice.schools.map((x) => [x.schoolId, x.kind, x.previous, x.removed, x.holds]),
				[[GUARD_SCHOOL, 'student', pupils.length, withdrawn.length, true]],
			);

			// Acknowledged on the first worker again (the other one stopped): it finds the hold the
			// second worker recorded, and lets the file set through.
			await startWorker(a);
			await workers[b].process.stop();
			const released = await runGuardExport({ ack: notice.id });
			assert.equal(released.worker, a + 1);
			assert.deepEqual(released.notices, []);
			assert.equal(released.files.length, 1);
			assert.deepEqual(
				{ released: released.summary.guard.released, id: released.summary.guard.id },
				{ released: 'acknowledged', id: notice.id },
			);
			const after = released.summary.schools.find((s) => s.schoolId === GUARD_SCHOOL).students;
			assert.deepEqual(
				[after.previous, after.removed, after.added],
				[pupils.length, withdrawn.length, 0],
			);
			await startWorker(b);

			// The memory is one row of n8n's processed_data table, digests only; the export wrote nothing
			// to the workflow's static data.
			const memory = pg
				.query(`SELECT context, value FROM processed_data WHERE "workflowId" = '${GUARD_WF}'`)
				.trim()
				.split('\n');
			assert.equal(memory.length, 1);
			const [context, value] = memory[0].split('|');
			assert.equal(context, 'n:exportroster');
			const parsed = JSON.parse(value);
			assert.deepEqual(Object.keys(parsed).sort(), ['data', 'mode']);
			assert.ok(parsed.data.every((d) => /^[A-Za-z0-9+/]{22}==$/.test(d)));
			assert.equal(
				pg.query(`SELECT "staticData" FROM workflow_entity WHERE id = '${GUARD_WF}'`).trim(),
				'',
				'the export wrote static data',
			);
			figures.guard = {
				workers: [first.worker, held.worker, released.worker],
				seconds: Math.round((Date.now() - started) / 1000),
			};
		} finally {
			for (const personId of withdrawn)
				sandbox.changes.setConsent({ schoolId: GUARD_SCHOOL, personId, granted: true });
			// Both workers up again for the next part, whatever happened here.
			for (const k of [0, 1]) {
				const child = workers[k]?.process.child;
				if (child && (child.exitCode !== null || child.signalCode !== null)) await startWorker(k);
			}
		}
	},
);

// ---- 4: triggers, write-back, a killed worker, a long execution, a restarted main ---------------------

const ssoWrites = (domain) =>
	sandbox
		.audit()
		.filter(
			(a) =>
				a.operation === 'registerSingleSignOnUser' &&
				String(a.params.emailAddress).endsWith(`@${domain}.school.example`) &&
				a.result === true,
		);

function studentPolls(schoolId) {
	return sandbox
		.requests()
		.filter(
			(q) =>
				q.entity === 'Students' &&
				q.schoolId === schoolId &&
				q.status === 200 &&
				q.filter !== '1=0',
		).length;
}

async function nextPoll(schoolId, what) {
	const seen = studentPolls(schoolId);
	await waitFor(what, () => studentPolls(schoolId) > seen, 150000);
}

async function eventsOf(workflowId) {
	const events = [];
	for (const e of await executionsOf(workflowId)) {
		if (e.mode !== 'trigger') continue;
		const data = (await executionData(e.id)).data;
		for (const item of triggerItems(data))
			events.push({ execution: e.id, status: e.status, key: item.key, event: item.event });
	}
	return events;
}

async function noticesOf(workflowId) {
	const notices = [];
	for (const e of await executionsOf(workflowId)) {
		if (e.mode !== 'trigger') continue;
		notices.push(...triggerItems((await executionData(e.id)).data, 1));
	}
	return notices;
}

function addStudents(schoolId, n, tag) {
	return Array.from(
		{ length: n },
		(_, k) =>
			sandbox.changes.addStudent({
				schoolId,
				firstName: `${tag}${k}`,
				lastName: 'Queue',
				yearGroup: 7,
			}).studentId,
	);
}

test(
	'triggers with write-back across a killed worker, a long execution and a restarted main: one event per change, at most one write, exactly one after a reconciliation run',
	{ timeout: 20 * 60 * 1000, ...part('triggers') },
	async () => {
		try {
			await triggerScenario();
		} catch (error) {
			// What n8n and the sandbox saw, to tell a product fault from a timing one.
			const state = {};
			for (const id of [SSO_WF, CODE_WF]) {
				state[id] = [];
				for (const e of await executionsOf(id).catch(() => [])) {
					const data = await executionData(e.id).catch(() => undefined);
					state[id].push({
						id: e.id,
						mode: e.mode,
						status: e.status,
						startedAt: e.startedAt,
						events: data ? triggerItems(data.data).map((i) => `${i.event}:${i.key}`) : '?',
						error: data?.data?.resultData?.error?.message,
					});
				}
			}
			const polls = sandbox
				.requests()
				.filter((q) => q.entity === 'Students' && q.filter !== '1=0')
				.map((q) => `${q.at.slice(11, 19)} ${q.schoolId} ${q.status}`);
			const writes = sandbox
				.audit()
				.map(
					(a) =>
						`${a.at.slice(11, 19)} ${a.params.userId} ${a.params.emailAddress} ${a.result ?? a.error}`,
				);
			error.message += `\n${JSON.stringify({ state, polls, writes, added: triggerAdded, figures }, null, 1)}`;
			if (process.env.BROMCOM_QUEUE_DEBUG)
				fs.writeFileSync(process.env.BROMCOM_QUEUE_DEBUG, mainLog);
			throw error;
		}
	},
);

const triggerAdded = { [SSO_WF]: [], [CODE_WF]: [] };

async function triggerScenario() {
	{
		const added = triggerAdded;
		const bursts = { [SSO_WF]: {}, [CODE_WF]: {} };
		const add = (n, tag) => {
			bursts[SSO_WF][tag] = addStudents(SSO_SCHOOL, n, `S${tag}`);
			bursts[CODE_WF][tag] = addStudents(CODE_SCHOOL, n, `C${tag}`);
			added[SSO_WF].push(...bursts[SSO_WF][tag]);
			added[CODE_WF].push(...bursts[CODE_WF][tag]);
		};
		// The triggers are published now: activation takes the quiet baseline.
		await main.stop();
		await cli_(mainN8n(), 'publish:workflow', `--id=${SSO_WF}`);
		await cli_(mainN8n(), 'publish:workflow', `--id=${CODE_WF}`);
		const baseline = [studentPolls(SSO_SCHOOL), studentPolls(CODE_SCHOOL)];
		await startMain();
		await waitFor(
			'the activation polls',
			() => studentPolls(SSO_SCHOOL) > baseline[0] && studentPolls(CODE_SCHOOL) > baseline[1],
			120000,
		);

		// Burst 1: the first SSO write hangs in Bromcom for 20 s; the worker running it is killed.
		sandbox.injectFault({
			kind: 'delay',
			ms: 20000,
			match: { operation: 'registerSingleSignOnUser', schoolId: SSO_SCHOOL },
		});
		add(2, 'a');
		await waitFor(
			'the delayed SSO write',
			() =>
				sandbox
					.requests()
					.some((r) => r.operation === 'registerSingleSignOnUser' && r.injected === 'delay'),
			150000,
		);
		// The SSO execution in flight (n8n's list), and the worker whose log started it.
		const inFlight = await waitFor(
			'the running SSO execution',
			async () => (await executionsOf(SSO_WF)).find((e) => e.status === 'running')?.id,
			30000,
		);
		const victim = workers.find((w) =>
			new RegExp(`Worker started execution ${inFlight} \\(`).test(w.log),
		);
		assert.ok(
			victim,
			`a worker is running the SSO execution:\n${workers
				.map((w) =>
					w.log
						.split('\n')
						.filter((l) => /execution/i.test(l))
						.slice(-8)
						.join('\n'),
				)
				.join('\n----\n')}\n${logs
				.split('\n')
				.filter((l) => /nqueue|xecution/.test(l))
				.slice(-10)
				.join('\n')}`,
		);
		await victim.process.kill();
		figures.killedWorker = victim.index + 1;
		await startWorker(victim.index);

		// Burst 2: both workflows' next write takes 75 s, longer than the gap to the next poll; burst 3
		// lands meanwhile and that next poll emits it while burst 2's executions are still writing.
		sandbox.injectFault({
			kind: 'delay',
			ms: 75000,
			match: { operation: 'registerSingleSignOnUser', schoolId: SSO_SCHOOL },
		});
		sandbox.injectFault({
			kind: 'delay',
			ms: 75000,
			match: { operation: 'registerSingleSignOnUser', schoolId: CODE_SCHOOL },
		});
		add(1, 'b');
		await Promise.all([
			nextPoll(SSO_SCHOOL, 'the poll of burst 2'),
			nextPoll(CODE_SCHOOL, 'the poll of burst 2'),
		]);
		add(1, 'c');
		await Promise.all([
			nextPoll(SSO_SCHOOL, 'the poll of burst 3'),
			nextPoll(CODE_SCHOOL, 'the poll of burst 3'),
		]);
		// Burst 2's slow writes finish now, after the poll that emitted burst 3: an execution that changed
		// static data saves it as it was when that execution started.
		const slow = [added[SSO_WF].slice(-2, -1)[0], added[CODE_WF].slice(-2, -1)[0]];
		await waitFor(
			"burst 2's slow writes",
			() =>
				slow.every((id) =>
					sandbox
						.audit()
						.some(
							(a) => a.operation === 'registerSingleSignOnUser' && Number(a.params.userId) === id,
						),
				),
			150000,
		);
		await sleep(3000);

		// The main restarts between polls; changes made while it is down are reported once it is back.
		await main.stop();
		const stateOf = (id) => {
			const saved =
				JSON.parse(
					pg.query(`SELECT "staticData" FROM workflow_entity WHERE id = '${id}'`).trim() || '{}',
				) || {};
			const trigger = saved['node:Bromcom Trigger']?.bromcom;
			// State version 2 keeps the known keys as one comma-joined text (core/snapshot.ts, joinKeys).
			const known = new Set(trigger?.k ? String(trigger.k).split(',') : []);
			return { keys: Object.keys(saved), known: added[id].filter((k) => known.has(String(k))) };
		};
		figures.stateBeforeRestart = { [SSO_WF]: stateOf(SSO_WF), [CODE_WF]: stateOf(CODE_WF) };
		add(1, 'd');
		const pollsBefore = [studentPolls(SSO_SCHOOL), studentPolls(CODE_SCHOOL)];
		await startMain();
		await waitFor(
			'the activation polls after the restart',
			async () => {
				const last = String(added[SSO_WF].slice(-1)[0]);
				const ssoDone = (await eventsOf(SSO_WF)).some((e) => e.key === last);
				return ssoDone && studentPolls(CODE_SCHOOL) > pollsBefore[1];
			},
			180000,
		);
		// One more scheduled poll each: nothing new must come.
		await nextPoll(SSO_SCHOOL, 'a quiet poll');
		await nextPoll(CODE_SCHOOL, 'a quiet poll (code)');
		await sleep(5000);

		const result = {};
		for (const id of [SSO_WF, CODE_WF]) {
			const events = await eventsOf(id);
			const keys = events.map((e) => e.key);
			const want = added[id].map(String);
			const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
			// n8n overwrites a crashed execution's data with the error, so what it carried is gone from
			// n8n; its events are the burst that appears in no other execution (the burst the killed
			// worker was running).
			const crashed = (await executionsOf(id)).filter(
				(e) => e.mode === 'trigger' && (e.status === 'crashed' || e.status === 'error'),
			);
			const unseen = want.filter((k) => !keys.includes(k));
			const crashedBurst = Object.values(bursts[id])
				.map((ids) => ids.map(String))
				.find((ids) => ids.length > 0 && ids.every((k) => unseen.includes(k)));
			const inCrashed = crashed.length === 1 && crashedBurst ? crashedBurst : [];
			const notices = await noticesOf(id);
			result[id] = {
				stateLostNotices: notices.filter((n) => n.reason === 'stateLost').length,
				changes: want.length,
				events: keys.length + inCrashed.length,
				repeated: repeated.length,
				lost: unseen.filter((k) => !inCrashed.includes(k)).length,
				unexpected: keys.filter((k) => !want.includes(k)).length,
				crashedExecutions: crashed.length,
				eventsInCrashedExecution: inCrashed.length,
			};
		}
		const writesOf = (domain) => ssoWrites(domain).map((a) => Number(a.params.userId));
		for (const [id, domain] of [
			[SSO_WF, 'sso'],
			[CODE_WF, 'code'],
		]) {
			const writes = writesOf(domain);
			result[id].writes = writes.length;
			result[id].duplicateWrites = writes.filter((w, i) => writes.indexOf(w) !== i).length;
			result[id].studentsWithoutWrite = added[id].filter((x) => !writes.includes(x)).length;
		}
		// The remedy after a crash: one reconciliation run over every student the triggers saw.
		for (const [id, domain, schoolId] of [
			[SSO_WF, 'sso', SSO_SCHOOL],
			[CODE_WF, 'code', CODE_SCHOOL],
		]) {
			const res = await fetch(`${main.base}/webhook/q-reconcile`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ schoolId, domain, ids: added[id] }),
			});
			const body = /** @type {any[]} */ (await res.json());
			assert.equal(res.status, 200, JSON.stringify(body));
			const writes = writesOf(domain);
			result[id].afterReconcile = {
				sent: body.filter((r) => r.status === 'sent').length,
				skipped: body.filter((r) => r.status === 'skippedDuplicate').length,
				duplicateWrites: writes.filter((w, i) => writes.indexOf(w) !== i).length,
				studentsWithoutWrite: added[id].filter((x) => !writes.includes(x)).length,
			};
		}
		// The Bromcom nodes keep nothing in static data: only the trigger's state is there.
		const saved = JSON.parse(
			pg.query(`SELECT "staticData" FROM workflow_entity WHERE id = '${SSO_WF}'`).trim() || '{}',
		);
		result[SSO_WF].staticDataKeys = Object.keys(saved || {});
		figures.triggers = result;
		console.log(JSON.stringify(result));

		// The Bromcom-only workflow: every change exactly once (the killed worker's burst included,
		// once), at most one write each, and exactly one after the reconciliation run.
		for (const id of [SSO_WF]) {
			assert.equal(result[id].lost, 0, `${id}: lost events`);
			assert.equal(result[id].repeated, 0, `${id}: repeated events`);
			assert.equal(result[id].unexpected, 0, `${id}: unexpected events`);
		}
		// No loss in silence: where n8n erased the trigger's state (the Code-node workflow), the trigger
		// said so on Notices; where nothing erased it, no such notice.
		assert.equal(result[SSO_WF].stateLostNotices, 0, 'a stateLost notice without a lost state');
		if (result[CODE_WF].lost > 0)
			assert.ok(
				result[CODE_WF].stateLostNotices >= 1,
				'events were lost without a stateLost notice',
			);
		for (const id of [SSO_WF, CODE_WF]) {
			assert.equal(result[id].duplicateWrites, 0, `${id}: duplicate writes`);
			assert.equal(
				result[id].afterReconcile.duplicateWrites,
				0,
				`${id}: duplicate writes after reconcile`,
			);
		}
		assert.equal(result[SSO_WF].crashedExecutions, 1, 'the killed worker crashed one execution');
		assert.equal(result[SSO_WF].afterReconcile.studentsWithoutWrite, 0);
		assert.ok(!JSON.stringify(saved).includes('writeLedger'), 'the write ledger is in static data');
	}
}
