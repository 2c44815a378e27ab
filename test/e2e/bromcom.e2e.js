/**
 * End to end inside a real n8n, with this package installed from its packed tarball the way n8n
 * installs community packages, against the Bromcom sandbox over HTTP. Run with `npm run test:e2e`
 * (also part of .ci/run).
 *
 * One suite for every n8n line the package supports: `BROMCOM_N8N_LINE=2` (the default: the n8n
 * pinned in test/e2e/n8n-runtime) or `BROMCOM_N8N_LINE=1` (test/e2e/n8n-runtime/1.x), each on its own
 * Node.js (scripts/n8n-runtime.js). `BROMCOM_E2E_SUBSET=core` runs the core only — the credential
 * test, a read, the examples, a write with its ledger, the trigger across a restart and the secrets
 * check — which .ci/run runs on n8n 1.x beside the full suite on 2.x.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rt = require('../../scripts/n8n-runtime');
const { createSandbox } = require('../../sandbox/server');
const { flaggedFrom } = require('../helpers/attendance-oracle');
const { readSds } = require('../helpers/spec-reader');
const { validateSds } = require('../helpers/roster-validator');

/** A binary property of a run: inline base64, or a file in n8n's binary data folder (filesystem mode). */
function binaryText(b) {
	if (b.id && /^filesystem/.test(b.id)) {
		const file = path.join(home, '.n8n', 'storage', b.id.slice(b.id.indexOf(':') + 1));
		return fs.readFileSync(file, 'utf8');
	}
	return Buffer.from(b.data, 'base64').toString('utf8');
}

const SUBSET = process.env.BROMCOM_E2E_SUBSET;
if (SUBSET !== undefined && SUBSET !== 'core')
	throw new Error(`BROMCOM_E2E_SUBSET=${SUBSET}: the only subset is "core".`);
/** The option that leaves a test out of the core subset. */
const notInCore =
	SUBSET === 'core' ? { skip: 'not in the core subset (BROMCOM_E2E_SUBSET=core)' } : {};

const PASSWORD = 'E2e-Secr3t!pw&<x>';
const APP_SECRET = 'E2e-App&<secret> 7';
const PORT = Number(process.env.E2E_PORT || 5790);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-e2e-'));
const home = path.join(work, 'home');
let sandbox;
let n8n;
let server;
let logs = '';
let personId;

function flattedParse(text) {
	// n8n stores execution data in the "flatted" format; use n8n's own copy of the parser.
	const flatted = require(require.resolve('flatted', { paths: [path.dirname(n8n.cli)] }));
	return flatted.parse(text);
}

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

const outputOf = (run, node, index = 0) =>
	run.data.resultData.runData[node][0].data.main[index].map((i) => i.json);

before(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 9,
		fixtures: true,
		// A trust whose schools share people (staff, parents, a dual-registered pupil) and whose pupils'
		// generated names collide across schools: the nightly SDS example runs over it.
		trust: true,
		accounts: [
			{ username: 'e2e-user', password: PASSWORD, entities: '*', write: true, note: 'e2e' },
			{ username: 'sandbox', password: 'sandbox', entities: '*', write: true, note: 'demo' },
			{
				username: 'e2e-fresh',
				password: PASSWORD,
				entities: [],
				write: false,
				note: 'no permissions yet',
			},
		],
		applications: [
			{
				applicationId: 'e2e-app',
				applicationSecret: APP_SECRET,
				schools: '*',
				entities: '*',
				write: true,
				note: 'e2e',
			},
		],
	});
	const url = await sandbox.start(0);
	const runtime = rt.ensureRuntime();
	n8n = { ...runtime, env: rt.n8nEnv(home, PORT) };
	rt.log(`e2e on n8n ${runtime.version} with ${path.join(runtime.nodeBin, 'node')}`);
	const tarball = rt.packPackage(work);
	rt.installPackage(home, tarball);
	personId = sandbox.rows('Students', 20001, 'EndDate IS NULL')[0].StudentID;

	const wfDir = path.join(work, 'workflows');
	fs.mkdirSync(wfDir);
	for (const file of fs.readdirSync(path.join(__dirname, 'workflows'))) {
		fs.writeFileSync(
			path.join(wfDir, file),
			fs
				.readFileSync(path.join(__dirname, 'workflows', file), 'utf8')
				.replace(/__PERSON_ID__/g, String(personId))
				.replace(/__STAFF_ID__/g, String(sandbox.rows('Staff', 20001)[0].StaffID)),
		);
	}
	const credentials = [
		rt.sandboxCredential(url, { username: 'e2e-user', password: PASSWORD }),
		{
			id: 'bromcomPartner01',
			name: 'Bromcom Partner Sandbox',
			type: 'bromcomPartnerApi',
			data: {
				applicationId: 'e2e-app',
				applicationSecret: APP_SECRET,
				schoolId: '20001',
				baseUrl: url,
				pageSize: 40,
			},
		},
	];
	fs.writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
	const importedCredentials = await cli(
		'import:credentials',
		`--input=${path.join(work, 'credentials.json')}`,
	);
	assert.equal(importedCredentials.code, 0, importedCredentials.stderr);
	const importedWorkflows = await cli('import:workflow', '--separate', `--input=${wfDir}`);
	assert.equal(importedWorkflows.code, 0, importedWorkflows.stderr);
	// The example workflows, exactly as shipped (they use the "Bromcom Sandbox" credential id).
	const importedExamples = await cli(
		'import:workflow',
		'--separate',
		`--input=${path.join(__dirname, '..', '..', 'examples')}`,
	);
	assert.equal(importedExamples.code, 0, importedExamples.stderr);
});

after(async () => {
	if (server) await server.stop();
	if (sandbox) await sandbox.stop();
	fs.rmSync(work, { recursive: true, force: true });
});

test("Students Get Many (Current) in real n8n returns the sandbox's current students, typed", async () => {
	const run = await execute('e2eStudents0000001');
	const rows = outputOf(run, 'Bromcom');
	const expected = sandbox.rows(
		'Students',
		20001,
		'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())',
	);
	assert.deepEqual(
		rows.map((r) => r.StudentID),
		expected.map((r) => r.StudentID),
	);
	assert.equal(typeof rows[0].StudentID, 'number');
	assert.equal(typeof rows[0].YearGroup, 'string');
	assert.match(rows[0].StartDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
	assert.equal(rows[0].EndDate, null);
});

test(
	'The same Students workflow over the Partner API in real n8n gives the same items, paged; a behaviour event is recorded once, secret in headers only',
	notInCore,
	async () => {
		const soapRows = outputOf(await execute('e2eStudents0000001'), 'Bromcom');
		sandbox.clearAudit();
		sandbox.clearRequests();
		const run = await execute('e2ePartner0000001');
		const restRows = outputOf(run, 'Bromcom');
		const wall = (v) =>
			typeof v === 'string'
				? v.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d:\d\d)$/, '$1')
				: v;
		const comparable = (rows) =>
			rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, wall(v)])));
		assert.deepEqual(comparable(restRows), comparable(soapRows));
		assert.deepEqual(
			restRows.map((r) => Object.keys(r)),
			soapRows.map((r) => Object.keys(r)),
		);
		const calls = sandbox.requests().filter((r) => r.route === 'rest');
		assert.ok(calls.filter((r) => r.entity === 'Students').length > 1, 'the read was paged');
		assert.ok(calls.every((r) => r.applicationId === 'e2e-app' && r.secretInQuery === false));
		const [event] = outputOf(run, 'Behaviour');
		assert.equal(event.status, 'sent', JSON.stringify(event));
		const writes = sandbox.audit().filter((a) => a.route === 'rest');
		assert.equal(writes.length, 1);
		assert.equal(writes[0].params.studentId, personId);
		assert.equal(writes[0].params.eventDate, '2026-11-18T13:05:00.000Z');
		assert.ok(
			!JSON.stringify(run).includes(APP_SECRET),
			'the application secret is in the execution',
		);
	},
);

test("Every example in examples/ runs as shipped and gives the sandbox's numbers; the trigger examples are published and activate", async () => {
	const files = fs
		.readdirSync(path.join(__dirname, '..', '..', 'examples'))
		.filter((f) => f.endsWith('.json'));
	const examples = files.map((f) =>
		JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', f), 'utf8')),
	);
	assert.equal(examples.length, 8);
	// "Ask about attendance" (exAskAttendance1) starts from a Chat Trigger and needs a chat model: it is
	// imported here, and run as shipped, with a scripted model, in test/e2e/agents.e2e.js.
	const chatExamples = examples.filter((e) =>
		e.nodes.some((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger'),
	);
	assert.deepEqual(
		chatExamples.map((e) => e.id),
		['exAskAttendance1'],
	);
	const current = (id) =>
		sandbox.rows('Students', id, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())');
	sandbox.changes.revokeEntity({ schoolId: 20003, username: 'e2e-user', entity: 'Students' });
	try {
		// n8n's CLI can only start a workflow from a manual trigger; the trigger examples are activated below.
		for (const example of examples.filter((e) =>
			e.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'),
		)) {
			const run = await execute(example.id);
			const ran = Object.keys(run.data.resultData.runData);
			// Nodes that need the user's own account are disabled: they never run, and never stop the Bromcom part.
			// n8n passes items through a disabled node unchanged: it never calls the user's account, never fails.
			for (const node of example.nodes.filter(
				(n) => n.disabled && n.type !== 'n8n-nodes-base.stickyNote',
			)) {
				assert.ok(
					!run.data.resultData.runData[node.name]?.[0]?.error,
					`${example.name}: disabled node ${node.name} failed`,
				);
			}
			for (const node of example.nodes.filter(
				(n) => !n.disabled && n.type.startsWith('n8n-nodes-bromcom.'),
			))
				assert.ok(ran.includes(node.name), `${example.name}: ${node.name} did not run`);
			if (example.id === 'exMspRollup00001') {
				const report = outputOf(run, 'Count per School')[0];
				assert.deepEqual(
					report.schools.slice(0, 2).map((x) => [x.schoolId, x.students]),
					[
						[20001, current(20001).length],
						[20002, current(20002).length],
					],
				);
				assert.equal(report.schools[2].schoolId, 20003);
				assert.equal(report.schools[2].students, null);
				assert.match(report.schools[2].error, /permission to access entity 'Students'/);
				assert.equal(report.total, current(20001).length + current(20002).length);
			}
			if (example.id === 'exParentsEvening') {
				assert.ok(outputOf(run, 'Eligible Roster', 0).length > 0, 'no parents kept');
				assert.ok(
					outputOf(run, 'Eligible Roster', 1).every(
						(r) => Array.isArray(r.excludedReasons) && r.excludedReasons.length > 0,
					),
				);
			}
			if (example.id === 'exAttendanceWk01') {
				// The summary of this academic year so far, against a count of the sandbox's raw marks.
				const today = new Date();
				const year = today.getUTCMonth() >= 8 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
				const from = Date.UTC(year, 8, 1);
				const until = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1);
				const marks = sandbox
					.rows('Attendances', 20001)
					.filter((m) => m.CalendarStartDate >= from && m.CalendarStartDate < until);
				const yearOf = new Map(
					sandbox.rows('Students', 20001).map((st) => [st.StudentID, st.YearGroup]),
				);
				const flagged = flaggedFrom(marks, (id) => yearOf.get(id));
				const groups = outputOf(run, 'Persistent Absence by Year');
				assert.ok(flagged.length > 0, 'the sandbox has persistently absent pupils');
				assert.deepEqual(
					groups.map((g) => [g.YearGroup, g.students.map((x) => x.StudentID).sort()]).sort(),
					[...new Set(flagged.map((f) => f.yearGroup))]
						.map((y) => [
							y,
							flagged
								.filter((f) => f.yearGroup === y)
								.map((f) => f.id)
								.sort(),
						])
						.sort(),
				);
				assert.equal(
					groups.reduce((n, g) => n + g.severelyAbsent, 0),
					flagged.filter((f) => f.severe).length,
				);
			}
			if (example.id === 'exSdsNightly0001') {
				// The files the export wrote, read back from n8n's binary data store, valid by the SDS spec.
				const item = run.data.resultData.runData['Export SDS Files'][0].data.main[0][0];
				const files = Object.values(item.binary).map((b) => ({
					name: b.fileName,
					text: binaryText(b),
				}));
				assert.deepEqual(
					files.map((f) => f.name),
					[
						'orgs.csv',
						'users.csv',
						'roles.csv',
						'academicSessions.csv',
						'classes.csv',
						'enrollments.csv',
					],
				);
				const { problems, tables } = validateSds(files);
				assert.deepEqual(problems, []);
				// The independent reader (written from Microsoft's format only) agrees.
				const read = readSds(Object.fromEntries(files.map((f) => [f.name, f.text])));
				assert.deepEqual(read.problems, []);
				assert.deepEqual(
					tables['orgs.csv'].map((o) => [o.sourcedId, o.type, o.parentSourcedId]),
					[
						['trust-TR00001', 'academicTrust', ''],
						...['20001', '20002', '30001'].map((id) => [
							`bromcom-${id}`,
							'school',
							'trust-TR00001',
						]),
					],
				);
				// One account per person: each user is one person of the sandbox's ground truth, and the
				// pupils whose generated names collide across the schools each have their own.
				const summary = item.json;
				const into = new Map();
				for (const m of summary.mergedUsers)
					into.set(m.into, [...(into.get(m.into) ?? []), m.sourcedId]);
				const who = (id) => {
					const [school, , personId] = id.split('-');
					return sandbox.identityOf(Number(school), Number(personId));
				};
				for (const u of tables['users.csv'])
					assert.equal(
						new Set([u.sourcedId, ...(into.get(u.sourcedId) ?? [])].map(who)).size,
						1,
						`${u.sourcedId} joins two people`,
					);
				// Pupils of different schools whose pattern gives the same name: each has their own.
				const schoolsOfBase = new Map();
				for (const u of tables['users.csv'].filter((x) => x.sourcedId.includes('-student-'))) {
					const base = u.username.replace(/\d*@.*$/, '');
					schoolsOfBase.set(base, [...(schoolsOfBase.get(base) ?? []), u.sourcedId.split('-')[0]]);
				}
				assert.ok(
					[...schoolsOfBase.values()].some((list) => new Set(list).size > 1),
					'pupils of two schools share a generated base name',
				);
				const names = tables['users.csv'].map((u) => u.username);
				assert.equal(new Set(names).size, names.length);
				// Everyone on roll is in the files, on Excluded with a reason, or merged: nobody missing.
				const excluded = run.data.resultData.runData['Export SDS Files'][0].data.main[1].map(
					(i) => i.json,
				);
				const accounted = new Set([
					...tables['users.csv'].map((u) => u.sourcedId),
					...excluded.map((x) => x.sourcedId),
					...summary.mergedUsers.map((m) => m.sourcedId),
				]);
				for (const school of [20001, 20002, 30001])
					for (const st of sandbox.rows(
						'Students',
						school,
						'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())',
					))
						assert.ok(accounted.has(`${school}-student-${st.StudentID}`), `pupil ${st.StudentID}`);
				const zip = run.data.resultData.runData.Zip[0].data.main[0][0].binary.data;
				assert.match(zip.fileName, /^sds-\d{4}-\d{2}-\d{2}\.zip$/);
			}
			if (example.id === 'exAssessmentDry1')
				assert.equal(outputOf(run, 'Save Result (Dry Run)')[0].status, 'dryRun');
		}
		const triggers = examples.filter((e) => e.nodes.some((n) => n.type.endsWith('bromcomTrigger')));
		assert.equal(triggers.length, 2);
		for (const example of triggers) {
			const published = await cli(...rt.activationArgs(n8n.line, example.id, true));
			assert.equal(
				published.code,
				0,
				`${example.name} could not be published: ${published.stdout}${published.stderr}`,
			);
		}
		let startLog = '';
		server = await rt.startN8n(n8n, { onOutput: (d) => (startLog += d) });
		try {
			const cookie = await rt.ownerSession(server.base, {
				email: 'e2e@example.com',
				firstName: 'E',
				lastName: 'Two',
				password: 'E2eTestPassw0rd',
			});
			for (const example of triggers) {
				/** @type {any} */
				const wf = await (
					await fetch(`${server.base}/rest/workflows/${example.id}`, { headers: { cookie } })
				).json();
				const data = wf.data ?? wf;
				assert.ok(
					data.active === true || Boolean(data.activeVersionId),
					`${example.name} is not active: ${JSON.stringify(data).slice(0, 300)}`,
				);
			}
			assert.doesNotMatch(
				startLog,
				/could not be activated|has issues|Problem activating/i,
				startLog.slice(-2000),
			);
		} finally {
			logs += startLog;
			await server.stop();
			server = undefined;
			for (const example of triggers) await cli(...rt.activationArgs(n8n.line, example.id, false));
		}
	} finally {
		sandbox.changes.grantEntity({ schoolId: 20003, username: 'e2e-user', entity: 'Students' });
	}
});

test(
	"Eligibility roster in real n8n: the edge-case school's kept and excluded counts",
	notInCore,
	async () => {
		const run = await execute('e2eRoster000000001');
		const kept = outputOf(run, 'Eligibility', 0);
		const excluded = outputOf(run, 'Eligibility', 1);
		const count = (rows, kind) => rows.filter((r) => r.kind === kind).length;
		assert.deepEqual(
			[
				count(kept, 'student'),
				count(kept, 'contact'),
				count(kept, 'teacher'),
				count(kept, 'class'),
			],
			[2, 2, 1, 2],
		);
		assert.deepEqual(
			[
				count(excluded, 'student'),
				count(excluded, 'contact'),
				count(excluded, 'teacher'),
				count(excluded, 'class'),
			],
			// Bromcom withholds the pupil without consent (Ben Nocon, the school's basis being Consent), so
			// neither he nor his father's link to him is read: one pupil and one contact fewer than the
			// hand-worked roster of the flag (test/node/eligibility.test.js checks that one).
			[1, 4, 3, 2],
		);
		assert.ok(excluded.every((r) => r.excludedReasons.length > 0));
	},
);

test("Write-back in real n8n: the dry run sends nothing, the real write shows once in the audit log, its key is in n8n's deduplication store (not static data), and a re-run sends nothing", async () => {
	sandbox.clearAudit();
	const dry = outputOf(await execute('e2eWriteDry0000001'), 'Bromcom');
	assert.equal(dry[0].status, 'dryRun');
	assert.match(dry[0].request.body, /<password>\*\*\*<\/password>/);
	assert.equal(sandbox.audit().length, 0);
	const real = outputOf(await execute('e2eWriteReal000001'), 'Bromcom');
	assert.equal(real[0].status, 'sent');
	assert.equal(real[0].idempotencyKey, dry[0].idempotencyKey);
	const audit = sandbox.audit();
	assert.equal(audit.length, 1);
	assert.deepEqual(
		{
			operation: audit[0].operation,
			personId: audit[0].params.personId,
			externalId: audit[0].params.externalId,
		},
		{ operation: 'saveDinnerTransaction', personId, externalId: 4242 },
	);
	// The ledger is n8n's deduplication store (table processed_data, the Remove Duplicates node's),
	// scoped to the node (context n:<node id>), which keeps an MD5 of each entry; static data has none.
	const md5 = (value) => crypto.createHash('md5').update(value).digest('base64');
	const rows = rt.sqliteQuery(
		n8n,
		home,
		"SELECT context, value FROM processed_data WHERE workflowId = 'e2eWriteReal000001'",
	);
	assert.deepEqual(
		rows.map((r) => r.context),
		['n:b1'],
	);
	assert.deepEqual(JSON.parse(rows[0].value).data, [md5(`${real[0].idempotencyKey}:sent`)]);
	const [workflow] = rt.sqliteQuery(
		n8n,
		home,
		"SELECT staticData FROM workflow_entity WHERE id = 'e2eWriteReal000001'",
	);
	assert.doesNotMatch(String(workflow.staticData ?? ''), /writeLedger/);
	const again = outputOf(await execute('e2eWriteReal000001'), 'Bromcom');
	assert.equal(again[0].status, 'skippedDuplicate', JSON.stringify(again[0]));
	assert.equal(sandbox.audit().length, 1, 'the re-run sent the write again');
});

test('Credential test through n8n: a real read proves it; wrong password, no permissions, a redirect and an HTML page fail with what to fix', async () => {
	server = await rt.startN8n(n8n, { onOutput: (d) => (logs += d) });
	const cookie = await rt.ownerSession(server.base, {
		email: 'e2e@example.com',
		firstName: 'E',
		lastName: 'Two',
		password: 'E2eTestPassw0rd',
	});
	// n8n 2.x tests credential data that is not saved yet, as the editor does before Save; n8n 1.x tests
	// only a saved credential: the request names it by id and the data sent is what is tested.
	const testedId = (savedId) => (Number(n8n.line) >= 2 ? '' : savedId);
	const { createHostile } = require('../helpers/hostile');
	const hostile = createHostile();
	const hostileUrl = await hostile.start();
	const testCredential = async ({
		password = PASSWORD,
		username = 'e2e-user',
		baseUrl = sandbox.url,
	} = {}) => {
		const res = await fetch(`${server.base}/rest/credentials/test`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify({
				credentials: rt.sandboxCredential(baseUrl, {
					id: testedId('bromcomSandbox01'),
					name: 'Bromcom check',
					username,
					password,
				}),
			}),
		});
		const body = /** @type {any} */ (await res.json());
		return body.data ?? body;
	};
	try {
		const ok = await testCredential();
		assert.equal(ok.status, 'OK', JSON.stringify(ok));
		assert.match(
			ok.message,
			new RegExp(
				`^Connection successful: school 20001, ${sandbox.info().entities.length} entities granted`,
			),
		);
		const bad = await testCredential({ password: 'wrong-password' });
		assert.equal(bad.status, 'Error', JSON.stringify(bad));
		assert.match(
			bad.message,
			/Invalid username or password.*Check the School ID, Username and Password.*Modules > Setup > System Users/,
		);
		const none = await testCredential({ username: 'e2e-fresh' });
		assert.equal(none.status, 'Error', JSON.stringify(none));
		assert.match(none.message, /may read no entities yet.*Third Party Access Permissions & Logs/);
		hostile.handle = (_req, res) => {
			res.writeHead(302, { Location: '/Nucleus/Account/Login.aspx' });
			res.end();
		};
		const moved = await testCredential({ baseUrl: hostileUrl });
		assert.equal(moved.status, 'Error', JSON.stringify(moved));
		assert.match(
			moved.message,
			/redirects \(HTTP 302\) to http:\/\/127\.0\.0\.1:\d+\/Nucleus\/Account\/Login\.aspx.*check Hosting/,
		);
		hostile.handle = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html' });
			res.end(
				'<html><body><h1>TPReadOnlyDataService</h1><p>The following operations are supported.</p></body></html>',
			);
		};
		const page = await testCredential({ baseUrl: hostileUrl });
		assert.equal(page.status, 'Error', JSON.stringify(page));
		assert.match(page.message, /web page instead of SOAP data/);
		for (const r of [ok, bad, none, moved, page])
			assert.ok(
				!JSON.stringify(r).includes(PASSWORD),
				'the password appears in a credential test result',
			);
		// The Partner API credential, tested by n8n itself: a real read, or what to fix.
		const testPartner = async (data) => {
			const res = await fetch(`${server.base}/rest/credentials/test`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie },
				body: JSON.stringify({
					credentials: {
						id: testedId('bromcomPartner01'),
						name: 'Partner check',
						type: 'bromcomPartnerApi',
						data,
					},
				}),
			});
			const body = /** @type {any} */ (await res.json());
			return body.data ?? body;
		};
		const partner = {
			applicationId: 'e2e-app',
			applicationSecret: APP_SECRET,
			schoolId: '20001',
			baseUrl: sandbox.url,
			pageSize: 100000,
		};
		const granted = await testPartner(partner);
		assert.equal(granted.status, 'OK', JSON.stringify(granted));
		assert.match(
			granted.message,
			/^Connection successful: the Partner API accepted the application for school 20001/,
		);
		const wrongSecret = await testPartner({ ...partner, applicationSecret: 'not-it' });
		assert.equal(wrongSecret.status, 'Error', JSON.stringify(wrongSecret));
		assert.match(wrongSecret.message, /HTTP 401.*Application ID and Application Secret/);
		const notInstalled = await testPartner({ ...partner, schoolId: '99999' });
		assert.equal(notInstalled.status, 'Error', JSON.stringify(notInstalled));
		assert.match(notInstalled.message, /HTTP 403.*Config > Setup > Partner Applications/);
		for (const r of [granted, wrongSecret, notInstalled])
			assert.ok(
				!JSON.stringify(r).includes(APP_SECRET),
				'the secret appears in a credential test result',
			);
	} finally {
		await hostile.stop();
		await server.stop();
		server = undefined;
	}
});

async function triggerExecutions(cookie) {
	const q = encodeURIComponent(JSON.stringify({ workflowId: 'e2eTrigger000001' }));
	const res = await fetch(`${server.base}/rest/executions?filter=${q}`, { headers: { cookie } });
	if (!res.ok) throw new Error(`GET /rest/executions: HTTP ${res.status} ${await res.text()}`);
	const body = /** @type {any} */ (await res.json());
	return (body.data?.results ?? body.results ?? []).filter((e) => e.mode === 'trigger');
}

async function executionItems(cookie, id) {
	const res = await fetch(`${server.base}/rest/executions/${id}`, { headers: { cookie } });
	const body = /** @type {any} */ (await res.json());
	const data = flattedParse((body.data ?? body).data);
	return data.resultData.runData['Bromcom Trigger'][0].data.main[0].map((i) => i.json);
}

const waitFor = (what, fn, timeoutMs) =>
	rt.waitUntil(
		what,
		fn,
		timeoutMs,
		() => `the trigger's Students reads so far: ${studentPolls()}\n${logs.slice(-3000)}`,
	);

const studentPolls = () =>
	sandbox
		.requests()
		.filter((q) => q.entity === 'Students' && q.username === 'e2e-user' && q.status === 200).length;

test('Trigger in real n8n: one execution per change; a restart between polls loses nothing and duplicates nothing', async () => {
	try {
		await triggerScenario();
	} finally {
		if (server) await server.stop();
		server = undefined;
	}
});

async function triggerScenario() {
	assert.equal((await cli(...rt.activationArgs(n8n.line, 'e2eTrigger000001', true))).code, 0);
	sandbox.clearRequests();
	server = await rt.startN8n(n8n, { onOutput: (d) => (logs += d) });
	const cookie = await rt.ownerSession(server.base, {
		email: 'e2e@example.com',
		firstName: 'E',
		lastName: 'Two',
		password: 'E2eTestPassw0rd',
	});
	// Activation polls at once: that poll takes the quiet baseline.
	await waitFor('the activation poll', () => studentPolls() >= 1, 60000);
	const first = sandbox.changes.addStudent({
		schoolId: 20001,
		firstName: 'Zoë',
		lastName: "O'Brien",
		yearGroup: 7,
	}).studentId;
	const one = await waitFor(
		'the first trigger execution',
		async () =>
			(await triggerExecutions(cookie)).length >= 1 ? await triggerExecutions(cookie) : null,
		150000,
	);
	assert.equal(one.length, 1);
	const items1 = await executionItems(cookie, one[0].id);
	assert.deepEqual(
		items1.map((i) => [i.event, i.key]),
		[['new', String(first)]],
	);

	// What carries the trigger across the restart: its state saved with the workflow. (n8n 1.x saves a
	// workflow's static data only when its id has at most 16 characters, the length of the ids n8n
	// itself gives; 2.x allows 21. This workflow's id is 16.)
	const [saved] = rt.sqliteQuery(
		n8n,
		home,
		"SELECT staticData FROM workflow_entity WHERE id = 'e2eTrigger000001'",
	);
	assert.match(
		String(saved.staticData),
		/"node:Bromcom Trigger"/,
		'the trigger state is not saved',
	);

	// Stop n8n; change Bromcom while it is down; start it again.
	await server.stop();
	const second = sandbox.changes.addStudent({
		schoolId: 20001,
		firstName: 'Siân',
		lastName: 'Jones',
		yearGroup: 8,
	}).studentId;
	sandbox.changes.markLeaver({ schoolId: 20001, studentId: first });
	server = await rt.startN8n(n8n, { onOutput: (d) => (logs += d) });
	const two = await waitFor(
		'the trigger execution after the restart',
		async () =>
			(await triggerExecutions(cookie)).length >= 2 ? await triggerExecutions(cookie) : null,
		150000,
	);
	const latest = two.sort((a, b) => Number(b.id) - Number(a.id))[0];
	const items2 = await executionItems(cookie, latest.id);
	assert.deepEqual(
		items2.map((i) => [i.event, i.key]).sort(),
		[
			['left', String(first)],
			['new', String(second)],
		].sort(),
	);
	// One more scheduled poll: nothing new, so no third execution.
	const polled = studentPolls();
	await waitFor('another scheduled poll', () => studentPolls() > polled, 150000);
	await new Promise((r) => setTimeout(r, 3000));
	assert.equal((await triggerExecutions(cookie)).length, 2);
}

// ---- Export Roster's deactivation guard --------------------------------------------------------------

const GUARD_WF = 'e2eGuardExport00001';
const GUARD_NODE = 'Export Roster';
const ON_ROLL = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';

/**
 * The rows n8n's deduplication store (the `processed_data` table) holds for a workflow, read from
 * n8n's SQLite file with the sqlite3 module n8n ships, run by n8n's own Node (the module is built for it).
 */
/** n8n's deduplication rows of a workflow (where the guard keeps its memory), read from its database. */
function processedData(workflowId) {
	if (!/^[A-Za-z0-9]+$/.test(workflowId)) throw new Error(`not a workflow id: ${workflowId}`);
	return rt
		.sqliteQuery(
			n8n,
			home,
			`SELECT context, value FROM processed_data WHERE workflowId = '${workflowId}'`,
		)
		.map((r) => ({ context: r.context, raw: String(r.value) }));
}

const md5 = (text) => crypto.createHash('md5').update(text).digest('base64');

/** Files in n8n's binary data folder (filesystem mode): a held run must add none. */
function storedFiles() {
	const root = path.join(home, '.n8n', 'storage');
	if (!fs.existsSync(root)) return 0;
	return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
		.length;
}

/** Runs the guard's workflow with `n8n execute` (mode cli: production, so the memory is committed). */
async function exportRun() {
	const r = await cli('execute', `--id=${GUARD_WF}`, '--rawOutput');
	const run = rt.parseExecuteOutput(r.stdout);
	const node = run.data.resultData.runData[GUARD_NODE]?.[0];
	const [files = [], excluded = [], notices = []] = node?.data?.main ?? [];
	const item = files[0];
	let tables;
	let people;
	if (item) {
		const sds = validateSds(
			Object.values(item.binary).map((b) => ({ name: b.fileName, text: binaryText(b) })),
		);
		assert.deepEqual(sds.problems, []);
		tables = sds.tables;
		// Everyone in the file set: each user and the records merged into it (one person at two schools).
		people = new Set([
			...tables['users.csv'].map((u) => u.sourcedId),
			...item.json.mergedUsers.map((m) => m.sourcedId),
		]);
	}
	return {
		status: run.status ?? (run.finished ? 'success' : 'error'),
		error: run.data.resultData.error,
		files,
		summary: item?.json,
		tables,
		people,
		excluded: excluded.map((i) => i.json),
		notices: notices.map((i) => i.json),
	};
}

/** Re-imports the guard's workflow with Acknowledge Drop ID set, as a user pastes the notice's id. */
async function acknowledge(id) {
	const source = JSON.parse(
		fs.readFileSync(path.join(__dirname, 'workflows', `${GUARD_WF}.json`), 'utf8'),
	);
	source.nodes.find((n) => n.name === GUARD_NODE).parameters.guardOptions = { acknowledgeId: id };
	const file = path.join(work, `${GUARD_WF}-ack.json`);
	fs.writeFileSync(file, JSON.stringify(source));
	const imported = await cli('import:workflow', `--input=${file}`);
	assert.equal(imported.code, 0, imported.stderr);
}

const only = (set, prefix) => [...set].filter((s) => s.startsWith(prefix)).sort();
const minus = (a, b) => [...a].filter((s) => !b.has(s)).sort();

test("Export Roster's deactivation guard in real n8n", notInCore, async () => {
	const started = Date.now();
	// 1. The first production run: files, and a memory of digests in n8n's deduplication store.
	const storedBeforeFirst = storedFiles();
	const first = await exportRun();
	assert.equal(first.status, 'success', JSON.stringify(first.error));
	assert.ok(first.summary, 'the first run wrote no files');
	// n8n keeps a run's files in its binary data folder (filesystem mode), where a held run must add none.
	assert.ok(storedFiles() > storedBeforeFirst, 'the files are not in the binary data folder');
	assert.deepEqual(first.notices, []);
	assert.deepEqual(first.summary.guard, {
		checked: true,
		enabled: true,
		firstRun: true,
		settingsChanged: false,
	});
	const rows = processedData(GUARD_WF);
	assert.deepEqual(
		rows.map((r) => r.context),
		['n:ge1'],
		'one memory, scoped to the Export Roster node',
	);
	const remembered = rows[0].raw;

	// 2. A revoked permission at one school: the run fails naming the school, writes nothing, and the
	// memory is untouched, so the next good run is not held.
	const filesBefore = storedFiles();
	sandbox.changes.revokeEntity({ schoolId: 20002, username: 'e2e-user', entity: 'Students' });
	let failed;
	try {
		failed = await exportRun();
	} finally {
		sandbox.changes.grantEntity({ schoolId: 20002, username: 'e2e-user', entity: 'Students' });
	}
	assert.equal(failed.status, 'error');
	assert.match(failed.error.message, /School 20002: .*'Students'/);
	assert.deepEqual(failed.files, []);
	assert.equal(storedFiles(), filesBefore, 'the failed run wrote files');
	assert.equal(processedData(GUARD_WF)[0].raw, remembered, 'the failed run changed the memory');
	const good = await exportRun();
	assert.deepEqual(good.notices, []);
	assert.deepEqual(good.people, first.people);
	assert.equal(good.summary.guard.firstRun, false);
	for (const school of good.summary.schools)
		assert.deepEqual(
			[school.students.removed, school.students.added, school.teachers.removed],
			[0, 0, 0],
		);

	// 3. Consent withdrawn for about 30% of a school's pupils; Bromcom withholds them (the school's
	// lawful basis is Consent), so they vanish from every read: held, no files, one notice.
	assert.equal(sandbox.withholdUnconsented, true);
	const merged = new Set(good.summary.mergedUsers.flatMap((m) => [m.sourcedId, m.into]));
	const pupils = only(good.people, '20002-student-').filter((s) => !merged.has(s));
	const withdrawn = pupils.slice(0, Math.ceil(pupils.length * 0.3));
	for (const s of withdrawn)
		sandbox.changes.revokeConsent({ schoolId: 20002, personId: Number(s.split('-')[2]) });
	const beforeHeld = storedFiles();
	const held = await exportRun();
	assert.equal(held.status, 'success', JSON.stringify(held.error));
	assert.deepEqual(held.files, [], 'a held export has files');
	assert.equal(storedFiles(), beforeHeld, 'a held export wrote files');
	assert.equal(held.notices.length, 1);
	const notice = held.notices[0];
	assert.equal(notice.notice, 'exportHeld');
	assert.match(notice.id, /^[0-9a-z]{1,8}$/);
	assert.equal(notice.runsHeld, 1);
	const students20002 = only(good.people, '20002-student-').length;
	assert.deepEqual(
		notice.schools.map((x) => [x.schoolId, x.kind, x.previous, x.now, x.removed, x.holds]),
		[[20002, 'student', students20002, students20002 - withdrawn.length, withdrawn.length, true]],
	);
	assert.match(
		notice.message,
		new RegExp(`\\(20002\\): ${withdrawn.length} of ${students20002} pupils would go`),
	);
	assert.ok(notice.howToRelease.includes(notice.id));
	const again = await exportRun();
	assert.deepEqual(again.files, []);
	assert.equal(again.notices.length, 1);
	assert.equal(again.notices[0].id, notice.id, 'the same drop, the same id');
	assert.equal(again.notices[0].runsHeld, 2);

	// Acknowledged (the id pasted into the node): files, and the pupils gone are exactly the withdrawn.
	await acknowledge(notice.id);
	const released = await exportRun();
	assert.deepEqual(released.notices, []);
	assert.deepEqual(released.summary.guard, {
		checked: true,
		enabled: true,
		firstRun: false,
		released: 'acknowledged',
		id: notice.id,
		settingsChanged: false,
	});
	assert.deepEqual(minus(good.people, released.people), withdrawn.slice().sort());
	assert.deepEqual(minus(released.people, good.people), []);

	// 4. The September rollover at the other school: held once, then acknowledged, exactly the leavers gone.
	const leavers = sandbox
		.rows('Students', 20001, ON_ROLL)
		.filter((s) => s.YearGroup === '8')
		.map((s) => `20001-student-${s.StudentID}`)
		.filter((s) => released.people.has(s))
		.sort();
	assert.ok(leavers.length > 10, `${leavers.length} leavers`);
	const rolled = sandbox.changes.rollover({ schoolId: 20001 });
	const rollover = await exportRun();
	assert.deepEqual(rollover.files, []);
	assert.equal(rollover.notices.length, 1);
	const rolloverNotice = rollover.notices[0];
	assert.notEqual(rolloverNotice.id, notice.id);
	assert.equal(rolloverNotice.runsHeld, 1);
	const row = rolloverNotice.schools.find((x) => x.schoolId === 20001 && x.kind === 'student');
	assert.deepEqual([row.removed, row.added, row.holds], [leavers.length, rolled.joined, true]);
	await acknowledge(rolloverNotice.id);
	const afterRollover = await exportRun();
	assert.equal(afterRollover.summary?.guard.released, 'acknowledged');
	assert.deepEqual(minus(released.people, afterRollover.people), leavers);
	assert.equal(minus(afterRollover.people, released.people).length, rolled.joined);

	// Where the memory lives: n8n's processed_data table, one row for the node, digests only. It is
	// exactly the last file set let through: the markers, and each person's sourcedId and count marker.
	const [memory, ...others] = processedData(GUARD_WF);
	assert.deepEqual(others, []);
	const value = JSON.parse(memory.raw);
	assert.equal(value.mode, 'entries');
	assert.ok(
		value.data.every((d) => /^[A-Za-z0-9+/]{22}==$/.test(d)),
		'an entry is not an MD5 digest',
	);
	const digests = new Set(value.data);
	const kinds = { student: 'student', staff: 'teacher' };
	const keys = [...afterRollover.people].map((s) => {
		const [school, kind] = s.split('-');
		return `p|${school}|${kinds[kind]}|${s}`;
	});
	for (const key of ['init', ...keys]) assert.ok(digests.has(md5(key)), `${key} is not remembered`);
	assert.equal(value.data.length, 2 + 2 * keys.length);
	// Nothing a person could be known by: the row is the mode and the digests, nothing else; no
	// sourcedId (they have "-") or email ("@") in the clear, none of the names in the files.
	assert.deepEqual(Object.keys(value).sort(), ['data', 'mode']);
	assert.doesNotMatch(memory.raw, /[@-]/);
	for (const u of afterRollover.tables['users.csv'])
		for (const v of [u.username, u.givenName, u.familyName].filter((x) => x && x.length >= 6))
			assert.ok(!memory.raw.includes(v), `the memory holds "${v}"`);
	console.log(`deactivation guard e2e: ${Math.round((Date.now() - started) / 1000)} s`);
});

test("The password and the application secret never appear in n8n's stored data or logs", () => {
	const db = fs.readFileSync(path.join(home, '.n8n', 'database.sqlite'));
	const wal = path.join(home, '.n8n', 'database.sqlite-wal');
	for (const secret of [PASSWORD, APP_SECRET]) {
		for (const form of [
			secret,
			secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
			encodeURIComponent(secret),
		]) {
			assert.equal(db.includes(Buffer.from(form)), false, 'a secret found in database.sqlite');
			assert.equal(logs.includes(form), false, 'a secret found in n8n output');
		}
		if (fs.existsSync(wal)) assert.equal(fs.readFileSync(wal).includes(Buffer.from(secret)), false);
	}
});
