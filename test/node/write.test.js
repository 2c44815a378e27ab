/**
 * Write-back through n8n's execution engine against the sandbox: one write per logical action, dry
 * runs send nothing, re-runs are skipped by the ledger, an interrupted write is checked rather than
 * resent, invalid input and missing permissions are clear per-item errors.
 */
const { createSandbox } = require('../../sandbox/server');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

let sandbox;
let credentials;
let student;
beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 4, now: '2026-11-18T10:30:00Z' });
	credentials = sandboxCredential(await sandbox.start(0));
	student = sandbox.rows('Students', 20001, 'EndDate IS NULL')[0].StudentID;
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});
beforeEach(() => {
	sandbox.clearAudit();
	sandbox.clearFaults();
});

/** An "active workflow": static data (the ledger) persists between runs, as n8n saves it. */
function activeWorkflow(parameters) {
	let staticData = {};
	return async (extra = {}) => {
		const r = await runNode({
			parameters: { ...parameters, ...extra },
			items: [{ person: student }],
			credentials,
			staticData,
			mode: 'trigger',
			continueOnFail: true,
		});
		staticData = r.staticData;
		return r;
	};
}

const SALE = (externalId) => ({
	resource: 'dinnerMoney',
	operation: 'saveTransaction',
	personId: '={{ $json.person }}',
	transactionType: 'Sale',
	amount: '2.30',
	remainingBalance: '10.20',
	instant: '2026-11-18T12:10:00',
	externalId: String(externalId),
	transactionDetails: 'Lunch',
});

describe('each write operation sends exactly one write with the right payload', () => {
	test.each([
		[
			'dinnerMoney',
			'updateBalance',
			() => ({ personId: String(student), amount: '12.5' }),
			'updateDinnerBalance',
			() => ({ schoolId: 20001, username: 'sandbox', personId: student, amount: 12.5 }),
		],
		[
			'dinnerMoney',
			'saveTransaction',
			() => ({ ...SALE(9001), personId: String(student) }),
			'saveDinnerTransaction',
			() => ({
				personId: student,
				transactionType: 'Sale',
				amount: 2.3,
				remainingBalance: 10.2,
				externalId: 9001,
				transactionDetails: 'Lunch',
			}),
		],
		[
			'singleSignOn',
			'register',
			() => ({
				userId: String(student),
				emailAddress: 'pupil@school.example',
				ssoProvider: 'Google',
			}),
			'registerSingleSignOnUser',
			() => ({ userId: student, emailAddress: 'pupil@school.example', ssoProvider: 'Google' }),
		],
		[
			'singleSignOn',
			'deregister',
			() => ({ userId: String(student), emailAddress: 'pupil@school.example' }),
			'deregisterSingleSignOnUser',
			() => ({ userId: student, emailAddress: 'pupil@school.example' }),
		],
		[
			'assessment',
			'saveResult',
			() => ({
				studentResultId: '0',
				studentId: String(student),
				assessmentTypeId: '1',
				termId: '1',
				yearGroupId: '7',
				subjectId: '2',
				result: '7',
				resultDate: '2026-11-18',
			}),
			'saveStudentAssessmentResult',
			() => ({
				studentResultID: 0,
				studentID: student,
				assessmentTypeID: 1,
				termID: 1,
				subjectID: 2,
				result: '7',
			}),
		],
	])('%s › %s', async (resource, operation, params, soapOperation, payload) => {
		const r = await runNode({
			parameters: { resource, operation, ...params() },
			items: [{ person: student }],
			credentials,
		});
		expect(r.error).toBeUndefined();
		expect(r.output).toHaveLength(1);
		expect(r.output[0]).toMatchObject({
			status: 'sent',
			operation: soapOperation,
			schoolId: 20001,
			idempotencyKey: expect.stringMatching(/^bw1-[0-9a-f]{32}$/),
			ledger: 'thisRunOnly',
			sentAt: expect.any(String),
		});
		const audit = sandbox.audit();
		expect(audit).toHaveLength(1);
		expect(audit[0].operation).toBe(soapOperation);
		expect(audit[0].params).toMatchObject(payload());
		expect(audit[0].error).toBeUndefined();
	});
});

test('dry run returns exactly what would be sent, password hidden, and sends nothing', async () => {
	const r = await runNode({
		parameters: { ...SALE(9100), dryRun: true },
		items: [{ person: student }],
		credentials,
	});
	expect(sandbox.audit()).toHaveLength(0);
	const [item] = r.output;
	expect(item).toMatchObject({
		status: 'dryRun',
		operation: 'saveDinnerTransaction',
		request: {
			url: expect.stringMatching(/\/Nucleus\/WebServices\/ThirdParty\/TPWriteDataService\.asmx$/),
			soapAction: '"http://tempuri.org/saveDinnerTransaction"',
		},
	});
	expect(item.request.body).toContain(
		`<saveDinnerTransaction xmlns="http://tempuri.org/"><schoolId>20001</schoolId><username>sandbox</username><password>***</password><personId>${student}</personId><transactionDetails>Lunch</transactionDetails><amount>2.30</amount><remainingBalance>10.20</remainingBalance><instant>2026-11-18T12:10:00</instant><transactionType>Sale</transactionType><externalId>9100</externalId></saveDinnerTransaction>`,
	);
	// The dry run's key is the key the real write will use.
	const real = await runNode({ parameters: SALE(9100), items: [{ person: student }], credentials });
	expect(real.output[0].idempotencyKey).toBe(item.idempotencyKey);
});

test('the same active workflow run twice sends one write; the second run says skippedDuplicate', async () => {
	const run = activeWorkflow(SALE(9200));
	const first = await run();
	const second = await run();
	expect(first.output[0]).toMatchObject({ status: 'sent', ledger: 'workflow' });
	expect(second.output[0]).toMatchObject({
		status: 'skippedDuplicate',
		idempotencyKey: first.output[0].idempotencyKey,
	});
	expect(sandbox.audit()).toHaveLength(1);
	// Two items for the same logical write in one run: also one write.
	const both = await runNode({
		parameters: SALE(9201),
		items: [{ person: student }, { person: student }],
		credentials,
	});
	expect(both.output.map((o) => o.status)).toEqual(['sent', 'skippedDuplicate']);
	expect(sandbox.audit()).toHaveLength(2);
});

test('a connection reset after Bromcom applied the write: checked by read-back, still one write, clear status', async () => {
	const run = activeWorkflow(SALE(9300));
	sandbox.injectFault({ kind: 'resetAfterApply', match: { operation: 'saveDinnerTransaction' } });
	const first = await run();
	expect(first.output[0]).toMatchObject({ status: 'sent', confirmedBy: 'readBack' });
	expect((await run()).output[0]).toMatchObject({ status: 'skippedDuplicate' });
	expect(sandbox.audit()).toHaveLength(1);
	expect(sandbox.rows('DinnerTransactions', 20001, 'ExternalID = 9300')).toHaveLength(1);
});

test('unknown outcome that cannot be checked: not resent; resent only when the user says so', async () => {
	const run = activeWorkflow(SALE(9400));
	sandbox.changes.revokeEntity({ schoolId: 20001, entity: 'DinnerTransactions' });
	try {
		sandbox.injectFault({ kind: 'resetAfterApply', match: { operation: 'saveDinnerTransaction' } });
		const first = await run();
		expect(first.output[0].error).toMatch(/may or may not have applied it.*It was not resent/);
		expect(first.output[0].details).toMatch(/Resend Unknown Outcome/);
		const second = await run();
		expect(second.output[0].error).toMatch(/ended without an answer.*It was not sent again/);
		expect(sandbox.audit()).toHaveLength(1);
		const forced = await run({ options: { resendUnknown: true } });
		expect(forced.output[0].status).toBe('sent');
		expect(sandbox.audit()).toHaveLength(2);
	} finally {
		sandbox.changes.grantEntity({ schoolId: 20001, entity: 'DinnerTransactions' });
	}
});

test('invalid input is a per-item error naming the field; nothing is sent', async () => {
	const r = await runNode({
		parameters: { ...SALE(9500), amount: '={{ $json.amount }}', personId: '={{ $json.person }}' },
		items: [
			{ person: student, amount: '2.345' },
			{ person: 'abc', amount: '1.00' },
			{ person: student, amount: '1.50' },
		],
		credentials,
		continueOnFail: true,
	});
	expect(r.output[0].error).toMatch(
		/^Amount must be an amount with at most two decimal places.*Nothing was sent/,
	);
	expect(r.output[1].error).toMatch(/^Person ID must be a whole number written in digits only/);
	expect(r.output[2].status).toBe('sent');
	expect(r.items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2]);
	expect(sandbox.audit()).toHaveLength(1);
	const sso = await runNode({
		parameters: {
			resource: 'singleSignOn',
			operation: 'register',
			userId: String(student),
			emailAddress: 'not-an-email',
			ssoProvider: 'Google',
		},
		credentials,
	});
	expect(sso.error.message).toMatch(/^Email Address must be a valid email address/);
	expect(sso.error.context.itemIndex).toBe(0);
});

test('missing write permission: an actionable error that names the licence and the Bromcom screen', async () => {
	const r = await runNode({
		parameters: SALE(9600),
		items: [{ person: student }],
		credentials: { ...credentials, username: 'readonly', password: 'readonly' },
	});
	expect(r.error.message).toMatch(/Third party write access is not permitted/);
	expect(r.error.description).toMatch(/Third Party Write Licence/);
	expect(r.error.description).toMatch(
		/Config > Setup > Roles and Permissions > System Security > Security Settings > Third Party Write Back/,
	);
	expect(sandbox.audit().filter((a) => !a.error)).toHaveLength(0);
});
