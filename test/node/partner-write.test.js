/**
 * The Partner API's write (Behaviour › Create or Update → POST /v2/BehaviourEventRecords) and its
 * credential test, through n8n's execution engine and n8n-core's CredentialTestContext against the
 * sandbox: the same validation, dry run, idempotency ledger, read-back and audit as the SOAP writes,
 * counted in the sandbox's write log; the record really appears in Bromcom's reads on both routes.
 */
const { CredentialTestContext } = require('n8n-core');
const { createSandbox } = require('../../sandbox/server');
const {
	NODE_TYPES,
	deduplicator,
	partnerCredential,
	runNode,
	sandboxCredential,
	shutdown,
} = require('../helpers/n8n');
const { secretForms } = require('../../nodes/Bromcom/core/wire/errors');

const SECRET = 'w&rite<secret> 9';
let sandbox;
let base;
let rest;
let student;
let teacher;
beforeAll(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 4,
		now: '2026-11-18T10:30:00Z',
		applications: [
			{
				applicationId: 'trust-app',
				applicationSecret: SECRET,
				schools: '*',
				entities: '*',
				write: true,
			},
			{
				applicationId: 'read-app',
				applicationSecret: SECRET,
				schools: '*',
				entities: '*',
				write: false,
			},
			{
				applicationId: 'students-app',
				applicationSecret: SECRET,
				schools: '*',
				entities: ['Students'],
				write: false,
			},
		],
	});
	base = await sandbox.start(0);
	rest = partnerCredential(base, { applicationId: 'trust-app', applicationSecret: SECRET });
	student = sandbox.rows('Students', 20001, 'EndDate IS NULL')[0].StudentID;
	teacher = sandbox.rows('Staff')[0].StaffID;
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});
beforeEach(() => {
	sandbox.clearAudit();
	sandbox.clearFaults();
	sandbox.clearRequests();
});

const EVENT = (extra = {}) => ({
	authentication: 'partnerApplication',
	resource: 'behaviour',
	operation: 'upsert',
	eventRecordId: '0',
	studentId: '={{ $json.student }}',
	eventId: '1',
	ownerId: String(teacher),
	eventDate: '2026-11-18T09:15:00Z',
	adjustment: 2,
	comment: 'Superb homework',
	internalComment: '',
	...extra,
});

function noSecret(value) {
	const dump = JSON.stringify(value);
	for (const form of secretForms(SECRET)) expect(dump).not.toContain(form);
}

/** An active workflow: the ledger (static data) persists between runs, as n8n saves it. */
function activeWorkflow(parameters, credentials = rest) {
	let staticData = {};
	return async (extra = {}, items = [{ student }]) => {
		const r = await runNode({
			parameters: { ...parameters, ...extra },
			items,
			credentials,
			staticData,
			mode: 'trigger',
			continueOnFail: true,
		});
		staticData = r.staticData;
		noSecret([r.run, r.output, r.staticData]);
		return r;
	};
}

const writes = () => sandbox.audit().filter((a) => a.route === 'rest');

test('one POST with the body public clients send; the event then reads back the same over both routes', async () => {
	const run = activeWorkflow(EVENT());
	const r = await run();
	expect(r.output).toEqual([
		expect.objectContaining({
			status: 'sent',
			operation: 'POST /v2/BehaviourEventRecords',
			schoolId: 20001,
		}),
	]);
	expect(writes()).toHaveLength(1);
	expect(writes()[0].params).toEqual({
		schoolId: 20001,
		studentId: student,
		eventRecordId: 0,
		eventId: 1,
		ownerId: teacher,
		classId: 0,
		locationId: 0,
		eventDate: '2026-11-18T09:15:00.000Z',
		adjustment: 2,
		comment: 'Superb homework',
		internalComment: null,
	});
	const id = writes()[0].result;
	expect(r.output[0].response.value).toBe(id);
	const filter = {
		conditions: [{ field: 'EventRecordID', operator: 'equals', value: String(id) }],
	};
	for (const [credentials, extra] of [
		[rest, { authentication: 'partnerApplication' }],
		[sandboxCredential(base), {}],
	]) {
		const back = await runNode({
			parameters: {
				resource: 'entity',
				operation: 'getMany',
				entity: { __rl: true, mode: 'name', value: 'BehaviourEventRecords' },
				returnAll: true,
				filters: filter,
				...extra,
			},
			credentials,
		});
		expect(back.error).toBeUndefined();
		expect(back.output).toEqual([
			expect.objectContaining({
				EventRecordID: id,
				StudentID: student,
				EventID: 1,
				Adjustment: 2,
				OwnerID: teacher,
				Comment: 'Superb homework',
				// 09:15 UTC is 09:15 in London in November.
				EventDate: expect.stringMatching(/^2026-11-18T09:15:00/),
			}),
		]);
	}
});

test('the same active workflow run twice sends one write; the second run says skippedDuplicate', async () => {
	const run = activeWorkflow(EVENT({ comment: 'Twice?' }));
	expect((await run()).output[0].status).toBe('sent');
	const again = await run();
	expect(again.output[0].status).toBe('skippedDuplicate');
	expect(writes()).toHaveLength(1);
});

test('a production write keeps its ledger out of static data: n8n has nothing to save, in queue mode no stale copy of the trigger can be written back', async () => {
	const r = await activeWorkflow(EVENT({ comment: 'No static data' }))();
	expect(r.output[0].status).toBe('sent');
	expect(r.staticData).toEqual({});
	expect(r.savedStaticData).toBeUndefined();
	// The second run of the same workflow still knows the write: the ledger is in n8n's store.
	const again = await activeWorkflow(EVENT({ comment: 'No static data' }))();
	expect(again.output[0]).toMatchObject({ status: 'skippedDuplicate', ledger: 'workflow' });
	expect(again.output[0].confirmedBy).toBeUndefined();
	expect(writes()).toHaveLength(1);
});

test('with the ledger lost, Bromcom is read back first and the write is not sent again', async () => {
	const first = activeWorkflow(EVENT({ comment: 'Ledger lost' }));
	expect((await first()).output[0].status).toBe('sent');
	deduplicator.lists.clear(); // n8n's store emptied (for example Remove Duplicates' Clean Database)
	const fresh = activeWorkflow(EVENT({ comment: 'Ledger lost' }));
	const r = await fresh();
	expect(r.output[0]).toMatchObject({ status: 'skippedDuplicate', confirmedBy: 'readBack' });
	expect(writes()).toHaveLength(1);
});

test('a connection reset after the event was recorded: read back, one write, status sent', async () => {
	sandbox.injectFault({
		kind: 'resetAfterApply',
		match: { service: 'PartnerApi', operation: 'POST' },
	});
	const r = await activeWorkflow(EVENT({ comment: 'Reset after apply' }))();
	expect(r.output[0]).toMatchObject({ status: 'sent', confirmedBy: 'readBack' });
	expect(writes()).toHaveLength(1);
});

test('dry run: the exact request with the secret hidden; nothing sent', async () => {
	const r = await activeWorkflow(EVENT({ dryRun: true, classId: '2000130' }))();
	expect(r.output[0]).toMatchObject({
		status: 'dryRun',
		request: {
			method: 'POST',
			url: `${base}/v2/BehaviourEventRecords`,
			headers: { ApplicationId: 'trust-app', ApplicationSecret: '***' },
		},
	});
	expect(JSON.parse(r.output[0].request.body)).toMatchObject({ schoolId: 20001, classId: 2000130 });
	expect(writes()).toHaveLength(0);
	expect(sandbox.requests().filter((q) => q.method === 'POST')).toHaveLength(0);
});

test('invalid input is a per-item error naming the field; nothing is sent', async () => {
	const run = activeWorkflow(EVENT());
	/** @type {Array<[Record<string, any>, RegExp]>} */
	const cases = [
		[{ studentId: 'abc' }, /^Student ID must be a whole number/],
		[{ eventDate: '2026-02-30' }, /^Event Date must be a real date/],
		[{ adjustment: 2.5 }, /^Points must be a whole number/],
		[{ classId: '1e3' }, /^Class ID must be a whole number/],
	];
	for (const [extra, pattern] of cases) {
		const r = await run(extra, [{ student }, { student }]);
		expect(r.output).toHaveLength(2);
		expect(r.output[0].error).toMatch(pattern);
		expect(r.output[1].error).toMatch(pattern);
		// The field as the node shows it, never its internal name.
		expect(r.output[0].error).not.toMatch(/Invalid|studentId|eventDate|adjustment|classId/);
	}
	expect(writes()).toHaveLength(0);
});

test('an application without the write scope: an actionable 403 naming the Partner Applications screen', async () => {
	const r = await activeWorkflow(
		EVENT({ comment: 'no scope' }),
		partnerCredential(base, { applicationId: 'read-app', applicationSecret: SECRET }),
	)();
	expect(r.output[0].error).toMatch(
		/refused the write to \/v2\/BehaviourEventRecords for school 20001 \(HTTP 403\)/,
	);
	expect(r.output[0].details).toMatch(/Config > Setup > Partner Applications/);
	expect(sandbox.audit()).toHaveLength(0);
});

test('the behaviour write with the SOAP credential, and a SOAP write with the Partner API credential: clear errors, nothing sent', async () => {
	const soapRun = await runNode({
		parameters: { ...EVENT(), authentication: 'thirdPartyUser' },
		items: [{ student }],
		credentials: sandboxCredential(base),
		continueOnFail: true,
	});
	expect(soapRun.output[0].error).toMatch(
		/exists only on the Partner API: in the Credential field, choose a Bromcom Partner API credential/,
	);
	const restSoapWrite = await runNode({
		parameters: {
			authentication: 'partnerApplication',
			resource: 'dinnerMoney',
			operation: 'updateBalance',
			personId: String(student),
			amount: '12.50',
		},
		credentials: rest,
		continueOnFail: true,
	});
	expect(restSoapWrite.output[0].error).toMatch(
		/SOAP write service, which the Partner API does not offer/,
	);
	expect(sandbox.audit()).toHaveLength(0);
});

describe('the Partner API credential test', () => {
	async function check(data) {
		const fn = NODE_TYPES['n8n-nodes-bromcom.bromcom'].methods.credentialTest.bromcomPartnerApiTest;
		const result = await fn.call(new CredentialTestContext(/** @type {any} */ ({})), {
			id: '',
			name: 'Bromcom Partner API',
			type: 'bromcomPartnerApi',
			data,
		});
		noSecret(result);
		return result;
	}

	test('every node names it for the Partner API credential', () => {
		for (const type of Object.values(NODE_TYPES)) {
			expect(type.description.credentials).toContainEqual(
				expect.objectContaining({ name: 'bromcomPartnerApi', testedBy: 'bromcomPartnerApiTest' }),
			);
			expect(typeof type.methods.credentialTest.bromcomPartnerApiTest).toBe('function');
		}
	});

	test('a granted application: OK, naming the school it read', async () => {
		const r = await check(rest);
		expect(r).toEqual({
			status: 'OK',
			message: `Connection successful: the Partner API accepted the application for school 20001 (${sandbox.rows('Schools')[0].SchoolName}).`,
		});
		const call = sandbox
			.requests()
			.filter((q) => q.route === 'rest')
			.pop();
		expect(call).toMatchObject({
			entity: 'Schools',
			applicationId: 'trust-app',
			secretInQuery: false,
		});
	});

	test('a wrong secret: what to fix', async () => {
		const r = await check({ ...rest, applicationSecret: 'nope-nope' });
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(
			/did not accept the Application ID and Secret \(HTTP 401\).*issued by Bromcom/,
		);
	});

	test('an application the school did not grant Schools: the Partner Applications screen, step by step', async () => {
		const r = await check({ ...rest, applicationId: 'students-app' });
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(
			/HTTP 403.*accepted, but this school has not granted it.*Config > Setup > Partner Applications > \(the application\) > Manage > Grant > Proceed/,
		);
	});

	test('a school that has not installed the application, and a Base URL that is not the Partner API', async () => {
		const school = await check({ ...rest, schoolId: '99999' });
		expect(school.message).toMatch(/refused \/v2\/Schools for school 99999 \(HTTP 403\)/);
		const wrong = await check({ ...rest, baseUrl: `${base}/Nucleus` });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/HTTP 404|not a JSON answer|web page/);
	});
});
