/**
 * The Bromcom tools in a real n8n, called by an AI Agent and by an MCP client, without a real model:
 * a scripted OpenAI-compatible chat server on loopback (test/helpers/chat-model.js) is the OpenAI
 * Chat Model's Base URL, and each of its answers is a step of the test's script (a tool call, then an
 * answer built from what the tool handed back). Run with `npm run test:e2e:agents` (also in .ci/run),
 * on n8n 2.x by default or 1.x with BROMCOM_N8N_LINE=1 (scripts/n8n-runtime.js).
 *
 * The school is the sandbox's edge-case school (sandbox/fixtures.js) with Bromcom returning the people
 * without Data Processing Consent (`withholdUnconsented: false`, as where Bromcom does not withhold
 * them), so "no pupil without consent reaches the model" is the node's doing. Ben Nocon is that pupil.
 *
 * What is proved, each against the sandbox or the model's own record of what it received:
 * - "Ask about attendance" (examples/), as shipped but for its chat message, which a manual trigger
 *   gives (n8n's CLI starts workflows from a manual trigger): the model's tool arguments reach the
 *   Bromcom nodes as parameters and the sandbox as the expected filters; what the tools hand the model
 *   (fields, rows, figures against an independent count of the marks, no secret, no Ben); the answer.
 * - The same tools behind n8n's MCP Server Trigger (bearer auth), listed and called by an MCP client
 *   (@modelcontextprotocol/sdk): names, descriptions and argument schemas, then the same assertions,
 *   on both routes (the third-party SOAP user, and the Partner API with its application secret).
 * - A write tool called by the model: nothing reaches Bromcom's write service, Dry Run off or not,
 *   and the model is told so; with Allow Writes When Used as a Tool on, exactly one write.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rt = require('../../scripts/n8n-runtime');
const { createSandbox } = require('../../sandbox/server');
const { expectedFrom } = require('../helpers/attendance-oracle');
const { createChatModel, offeredTool, toolResults } = require('../helpers/chat-model');

const PASSWORD = 'E2e-Agent&<pw> 5';
const MODEL_KEY = 'sk-e2e-scripted-model-key-7';
const MCP_TOKEN = 'e2e-mcp-bearer-token-3';
const APP_SECRET = 'E2e-Agent-App&<secret> 9';
const PORT = Number(process.env.E2E_PORT || 5810);
const SCHOOL = 30001;
const AMY = 3000301;
const CARA = 3000303;
const DAN = 3000304;
const BEN = 3000302; // no Data Processing Consent
const EXAMPLE = path.join(rt.ROOT, 'examples', 'exAskAttendance1.json');
const STUDENT_FIELDS = [
	'StudentID',
	'FirstName',
	'LastName',
	'PreferredFirstName',
	'PreferredLastName',
	'YearGroup',
	'TutorGroup',
];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-agents-e2e-'));
const home = path.join(work, 'home');
const started = Date.now();
let sandbox;
let model;
let n8n;
let logs = '';
/** The shipped package's operations, from the built tarball's own code (their tool descriptions). */
let shipped;
/** The filter of the read that asks Bromcom for an entity's columns and no rows. */
let SCHEMA_PROBE_FILTER;

async function cli(...args) {
	const r = await rt.n8nCli(n8n, args);
	logs += r.stdout + r.stderr;
	return r;
}

async function execute(id) {
	const r = await cli('execute', `--id=${id}`, '--rawOutput');
	const run = rt.parseExecuteOutput(r.stdout);
	assert.equal(
		run.status ?? (run.finished ? 'success' : 'error'),
		'success',
		`workflow ${id} failed: ${JSON.stringify(run.data?.resultData?.error ?? run).slice(0, 2000)}`,
	);
	return run;
}

const runOf = (run, node) => run.data.resultData.runData[node];
/** What a tool node received from the agent (its arguments), per call. */
const toolInputs = (run, node) =>
	runOf(run, node).map((r) => withoutBookkeeping(r.inputOverride.ai_tool[0][0].json));
/**
 * A tool's input without what n8n adds to the model's arguments: n8n 1.x passes the agent's own
 * input item (chatInput, sessionId) and the call's id beside them; 2.x passes the arguments only.
 */
function withoutBookkeeping(input) {
	const { toolCallId: _id, chatInput: _chat, sessionId: _session, ...args } = input;
	return args;
}
const answerOf = (run) => runOf(run, 'AI Agent').at(-1).data.main[0][0].json.output;

/** No secret in `text`: the Bromcom password and user, the model's key, the MCP token. */
function assertNoSecret(text, what) {
	for (const secret of [PASSWORD, APP_SECRET, MODEL_KEY, MCP_TOKEN, 'e2e-user'])
		assert.ok(!text.includes(secret), `${what} holds a secret`);
}

/** What a tool handed over: no secret, nothing about Ben, none of the columns an agent is not handed. */
function assertMinimal(text, what) {
	assertNoSecret(text, what);
	assert.ok(!text.includes(String(BEN)) && !/Nocon/.test(text), `${what} names Ben (no consent)`);
	assert.doesNotMatch(text, /@|DateOfBirth|UPN|Gender|Email|Telephone|Consent/, what);
}

/** The sandbox's reads of `entity` since it was last cleared, with their filters. */
const readsOf = (entity) =>
	sandbox.requests().filter((r) => r.operation?.startsWith('getEntityData') && r.entity === entity);

before(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 9,
		fixtures: true,
		withholdUnconsented: false,
		accounts: [{ username: 'e2e-user', password: PASSWORD, entities: '*', write: true }],
		applications: [
			{
				applicationId: 'e2e-agents-app',
				applicationSecret: APP_SECRET,
				schools: '*',
				entities: '*',
				write: true,
				note: 'agents e2e',
			},
		],
	});
	const url = await sandbox.start(0);
	model = createChatModel();
	const modelUrl = await model.start(0);
	const runtime = rt.ensureRuntime();
	n8n = { ...runtime, env: rt.n8nEnv(home, PORT) };
	rt.log(`agents e2e on n8n ${runtime.version} with ${path.join(runtime.nodeBin, 'node')}`);
	rt.installPackage(home, rt.packPackage(work));
	const dist = (file) => require(path.join(rt.ROOT, 'dist', 'nodes', 'Bromcom', file));
	shipped = {
		students: dist('actions/student/getMany.operation.js').agent,
		summary: dist('actions/attendance/getSummary.operation.js').agent,
		balance: dist('actions/dinnerMoney/updateBalance.operation.js').agent,
		dryRun: dist('actions/write.js').AGENT_DRY_RUN,
	};
	SCHEMA_PROBE_FILTER = dist('core/wire/filter.js').SCHEMA_PROBE_FILTER;

	// The credential ids the example uses, so it runs as shipped (a user picks their own in the editor).
	const bromcom = rt.sandboxCredential(url, { username: 'e2e-user', password: PASSWORD });
	bromcom.data.schoolId = SCHOOL;
	const credentials = [
		bromcom,
		{
			id: 'bromcomPartner01',
			name: 'Bromcom Partner Sandbox',
			type: 'bromcomPartnerApi',
			data: {
				applicationId: 'e2e-agents-app',
				applicationSecret: APP_SECRET,
				schoolId: String(SCHOOL),
				baseUrl: url,
				pageSize: 100,
			},
		},
		{
			id: 'openAiAccount01',
			name: 'OpenAI account',
			type: 'openAiApi',
			data: { apiKey: MODEL_KEY, url: modelUrl, header: false },
		},
		{
			id: 'mcpBearerE2e001',
			name: 'MCP bearer (e2e)',
			type: 'httpBearerAuth',
			data: { token: MCP_TOKEN },
		},
	];
	fs.writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
	const imported = await cli(
		'import:credentials',
		`--input=${path.join(work, 'credentials.json')}`,
	);
	assert.equal(imported.code, 0, imported.stderr);

	// The example with its chat message from a manual trigger: the rest as shipped.
	const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
	const chat = example.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
	example.nodes = example.nodes.filter((n) => n !== chat);
	example.nodes.push(
		{
			id: 'e2e-start',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [-260, 0],
			parameters: {},
		},
		{
			id: 'e2e-message',
			name: 'Chat Message',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [0, 0],
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [
						{
							id: 'm1',
							name: 'chatInput',
							value: "How is Amy Able's attendance this year?",
							type: 'string',
						},
						{ id: 'm2', name: 'sessionId', value: 'e2e-session', type: 'string' },
					],
				},
				options: {},
			},
		},
	);
	example.connections.Start = { main: [[{ node: 'Chat Message', type: 'main', index: 0 }]] };
	example.connections['Chat Message'] = example.connections[chat.name];
	delete example.connections[chat.name];
	const wfDir = path.join(work, 'workflows');
	fs.mkdirSync(wfDir);
	fs.writeFileSync(path.join(wfDir, 'example.json'), JSON.stringify(example));
	for (const file of fs.readdirSync(path.join(__dirname, 'agents')))
		fs.copyFileSync(path.join(__dirname, 'agents', file), path.join(wfDir, file));
	const workflows = await cli('import:workflow', '--separate', `--input=${wfDir}`);
	assert.equal(workflows.code, 0, workflows.stderr);
});

after(async () => {
	if (model) await model.stop();
	if (sandbox) await sandbox.stop();
	fs.rmSync(work, { recursive: true, force: true });
	rt.log(`agents e2e: ${Math.round((Date.now() - started) / 1000)} s`);
});

test('"Ask about attendance": the agent finds the pupil, asks for the summary and answers with the figures Bromcom holds, handed only the minimum', async () => {
	sandbox.clearRequests();
	model.clear();
	/** @type {any[]} */
	let students = [];
	/** @type {any[]} */
	let summary = [];
	model.setScript([
		(req) => {
			assert.equal(offeredTool(req, 'Students')?.description, shipped.students.description);
			assert.equal(
				offeredTool(req, 'Attendance_Summary')?.description,
				shipped.summary.description,
			);
			return { toolCall: { name: 'Students', arguments: { surname: 'Able' } } };
		},
		(req) => {
			students = JSON.parse(toolResults(req)[0]);
			// A model that also asks for Ben (an ID it knows from elsewhere): the tool must not answer for him.
			const ids = [...students.map((s) => s.StudentID), BEN].join(', ');
			return { toolCall: { name: 'Attendance_Summary', arguments: { studentIds: ids } } };
		},
		(req) => {
			summary = JSON.parse(toolResults(req)[1]);
			const amy = summary.find((r) => r.StudentID === AMY);
			return {
				text: `Amy Able's attendance from ${amy.from} to ${amy.to} is ${amy.attendancePercent}% (${amy.present} of ${amy.possibleSessions} sessions present).`,
			};
		},
	]);

	const run = await execute('exAskAttendance1');
	assert.equal(model.pending, 0, 'the model was asked three times');

	// The model's arguments reached the Bromcom nodes as parameters, and Bromcom as filters.
	assert.deepEqual(toolInputs(run, 'Students'), [{ surname: 'Able' }]);
	assert.deepEqual(toolInputs(run, 'Attendance Summary')[0].studentIds, `${AMY}, ${DAN}, ${BEN}`);
	assert.ok(
		readsOf('Students').some((r) => /LastName LIKE N?'%Able%'/.test(r.filter)),
		JSON.stringify(readsOf('Students').map((r) => r.filter)),
	);
	// The reads of the marks themselves (not the column probe that asks for no rows, `1=0`).
	const marks = readsOf('Attendances').filter((r) => r.filter !== SCHEMA_PROBE_FILTER);
	assert.ok(marks.length > 0);
	for (const read of marks)
		for (const id of [AMY, DAN, BEN]) assert.match(read.filter, new RegExp(`\\b${id}\\b`));

	// What the Students tool handed the model: the two Ables (pupils, not their parents), minimal.
	assert.deepEqual(
		students.map((s) => s.StudentID),
		[AMY, DAN],
	);
	for (const s of students) assert.deepEqual(Object.keys(s), STUDENT_FIELDS);
	// The summary: Amy and Dan, not Ben, each against an independent count of the sandbox's marks.
	assert.deepEqual(summary.map((r) => r.StudentID).sort(), [AMY, DAN]);
	const { from, to } = summary[0];
	const day = (iso, plus = 0) => Date.parse(`${iso}T00:00:00Z`) + plus * 86400000;
	const expected = expectedFrom(
		sandbox
			.rows('Attendances', SCHOOL)
			.filter((m) => m.CalendarStartDate >= day(from) && m.CalendarStartDate < day(to, 1)),
	);
	for (const row of summary) {
		const e = expected.get(row.StudentID);
		assert.ok(e && e.possible > 0, `the sandbox has marks for ${row.StudentID}`);
		assert.equal(row.possibleSessions, e.possible);
		assert.equal(row.present, e.present);
		assert.equal(row.unauthorisedAbsence, e.unauthorised);
	}
	for (const req of model.requests) assertNoSecret(JSON.stringify(req), 'a request to the model');
	for (const result of toolResults(model.requests.at(-1))) assertMinimal(result, 'a tool result');

	// The answer: the model's, from the tool's figures, which are Bromcom's.
	const amy = summary.find((r) => r.StudentID === AMY);
	const e = expected.get(AMY);
	assert.equal(amy.attendancePercent, Math.round((1000 * (e.present + e.aea)) / e.possible) / 10);
	assert.equal(
		answerOf(run),
		`Amy Able's attendance from ${from} to ${to} is ${amy.attendancePercent}% (${e.present} of ${e.possible} sessions present).`,
	);
});

test('A write tool called by the model writes nothing, Dry Run off or not, and the model is told so; with Allow Writes When Used as a Tool on, exactly one write', async () => {
	const script = () => [
		() => ({
			toolCall: {
				name: 'Set_Dinner_Balance',
				arguments: { personId: String(AMY), amount: '12.50' },
			},
		}),
		(req) => ({ text: `The tool answered: ${JSON.parse(toolResults(req)[0])[0].status}` }),
	];
	sandbox.clearAudit();
	model.clear();
	model.setScript(script());
	const off = await execute('agentsWriteOff01');
	assert.deepEqual(sandbox.audit(), [], 'nothing reached the write service');
	assert.deepEqual(toolInputs(off, 'Set Dinner Balance'), [
		{ personId: String(AMY), amount: '12.50' },
	]);
	const [dry] = JSON.parse(toolResults(model.requests[1])[0]);
	assert.equal(dry.status, 'dryRun');
	assert.equal(dry.message, shipped.dryRun);
	assert.deepEqual(dry.values, { personId: AMY, amount: '12.50', schoolId: SCHOOL });
	assert.equal(
		dry.request,
		undefined,
		'the model is not handed the request (it names the account)',
	);
	assert.equal(answerOf(off), 'The tool answered: dryRun');
	for (const req of model.requests) assertNoSecret(JSON.stringify(req), 'a request to the model');

	model.clear();
	model.setScript(script());
	const on = await execute('agentsWriteOn001');
	const writes = sandbox.audit();
	assert.equal(writes.length, 1, JSON.stringify(writes));
	assert.equal(writes[0].operation, 'updateDinnerBalance');
	assert.equal(Number(writes[0].params.personId), AMY);
	assert.equal(Number(writes[0].params.amount), 12.5);
	assert.equal(JSON.parse(toolResults(model.requests[1])[0])[0].status, 'sent');
	assert.equal(answerOf(on), 'The tool answered: sent');
	for (const req of model.requests) assertNoSecret(JSON.stringify(req), 'a request to the model');
});

test("MCP: n8n's MCP Server Trigger serves the Bromcom tools to an MCP client: listed with their descriptions and arguments, called with the same minimum, consent and no writes", async () => {
	const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
	const {
		StreamableHTTPClientTransport,
	} = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
	const published = await cli(...rt.activationArgs(n8n.line, 'agentsMcp0000001', true));
	assert.equal(published.code, 0, published.stdout + published.stderr);
	let output = '';
	const server = await rt.startN8n(n8n, { onOutput: (d) => (output += d) });
	try {
		const endpoint = new URL(`${server.base}/mcp/bromcom-agents`);
		// n8n answers REST before it has activated the published workflows: until then the endpoint
		// is unknown (404). Without the token, once there, it refuses.
		const anonymous = await rt.waitUntil(
			'the MCP endpoint',
			async () => {
				const res = await fetch(endpoint, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						accept: 'application/json, text/event-stream',
					},
					body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
				});
				return res.status === 404 ? undefined : res;
			},
			60000,
			() => output.slice(-3000),
		);
		assert.ok([401, 403].includes(anonymous.status), `no token: HTTP ${anonymous.status}`);

		const client = new Client({ name: 'bromcom-agents-e2e', version: '1.0.0' });
		await client.connect(
			new StreamableHTTPClientTransport(endpoint, {
				requestInit: { headers: { Authorization: `Bearer ${MCP_TOKEN}` } },
			}),
		);
		try {
			const { tools } = await client.listTools();
			const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
			assert.deepEqual(Object.keys(byName).sort(), [
				'Attendance_Summary',
				'Partner_Students',
				'Set_Dinner_Balance',
				'Students',
			]);
			assert.equal(byName.Students.description, shipped.students.description);
			assert.equal(byName.Partner_Students.description, shipped.students.description);
			assert.equal(byName.Attendance_Summary.description, shipped.summary.description);
			assert.equal(byName.Set_Dinner_Balance.description, shipped.balance.description);
			assert.deepEqual(Object.keys(byName.Students.inputSchema.properties), ['yearGroup']);
			assert.deepEqual(Object.keys(byName.Set_Dinner_Balance.inputSchema.properties).sort(), [
				'amount',
				'personId',
			]);

			sandbox.clearRequests();
			const text = (result) => result.content.map((c) => c.text).join('');
			const listed = await client.callTool({ name: 'Students', arguments: { yearGroup: '6' } });
			assert.ok(!listed.isError, text(listed));
			assertMinimal(text(listed), 'the Students tool over MCP');
			const year6 = JSON.parse(text(listed));
			assert.deepEqual(
				year6.map((s) => s.StudentID),
				[AMY, CARA, DAN],
			);
			for (const s of year6) assert.deepEqual(Object.keys(s), STUDENT_FIELDS);
			assert.ok(
				readsOf('Students').some((r) => /YearGroup = N?'6'/.test(r.filter)),
				JSON.stringify(readsOf('Students').map((r) => r.filter)),
			);
			// Bromcom did return Ben: the node left him out.
			assert.ok(readsOf('Students').some((r) => r.rows === 4));

			// The same tool over the Partner API (REST, the application's secret in headers): the same
			// pupils and fields, Ben left out by the node, the secret nowhere in the answer.
			const partner = await client.callTool({
				name: 'Partner_Students',
				arguments: { yearGroup: '6' },
			});
			assert.ok(!partner.isError, text(partner));
			assertMinimal(text(partner), 'the Students tool over the Partner API and MCP');
			assert.deepEqual(JSON.parse(text(partner)), year6);
			const rest = sandbox.requests().filter((r) => r.route === 'rest' && r.entity === 'Students');
			assert.ok(
				rest.some((r) => /YearGroup = N?'6'/.test(r.filter) && r.rows === 4),
				JSON.stringify(rest.map((r) => [r.filter, r.rows])),
			);
			assert.ok(rest.every((r) => r.applicationId === 'e2e-agents-app' && !r.secretInQuery));

			const summary = await client.callTool({
				name: 'Attendance_Summary',
				arguments: { studentIds: `${CARA}, ${BEN}` },
			});
			assertMinimal(text(summary), 'the Attendance Summary tool over MCP');
			assert.deepEqual(
				JSON.parse(text(summary)).map((r) => r.StudentID),
				[CARA],
			);

			sandbox.clearAudit();
			const write = await client.callTool({
				name: 'Set_Dinner_Balance',
				arguments: { personId: String(AMY), amount: '12.50' },
			});
			assertNoSecret(text(write), 'the write tool over MCP');
			const [dry] = JSON.parse(text(write));
			assert.equal(dry.status, 'dryRun');
			assert.equal(dry.request, undefined);
			assert.equal(dry.message, shipped.dryRun);
			assert.deepEqual(sandbox.audit(), [], 'nothing reached the write service');
		} finally {
			await client.close();
		}
	} finally {
		logs += output;
		await server.stop();
		await cli(...rt.activationArgs(n8n.line, 'agentsMcp0000001', false));
	}
});

test("The Bromcom password, the Partner API's application secret, the model's key and the MCP token never appear in n8n's stored data or logs", () => {
	const db = fs.readFileSync(path.join(home, '.n8n', 'database.sqlite'));
	for (const secret of [PASSWORD, APP_SECRET, MODEL_KEY, MCP_TOKEN]) {
		for (const form of [
			secret,
			secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
			encodeURIComponent(secret),
		]) {
			assert.equal(db.includes(Buffer.from(form)), false, 'a secret found in database.sqlite');
			assert.equal(logs.includes(form), false, 'a secret found in n8n output');
		}
	}
});
