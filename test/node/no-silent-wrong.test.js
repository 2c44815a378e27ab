/**
 * No silent wrong results (filters, field selection, write-back), through n8n's execution engine
 * against the sandbox: each case here once ran "successfully" with a wrong result.
 */
const fc = require('fast-check');
const { createSandbox } = require('../../sandbox/server');
const { deduplicator, runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

let sandbox;
let credentials;
let students;
beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 13, now: '2026-11-18T10:30:00Z' });
	credentials = sandboxCredential(await sandbox.start(0));
	students = sandbox.rows('Students', 20001, 'EndDate IS NULL').map((r) => r.StudentID);
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

const GET_STUDENTS = {
	resource: 'student',
	operation: 'getMany',
	recordStatus: 'all',
	returnAll: true,
	simplify: false,
};

describe('filters and field selection', () => {
	test('a condition whose Field was emptied (as switching the credential does) is an error naming it; nothing is read', async () => {
		const r = await runNode({
			parameters: {
				...GET_STUDENTS,
				filters: {
					conditions: [
						{ field: 'YearGroup', operator: 'equals', value: '7' },
						{ field: '', operator: 'equals', value: '8' },
					],
				},
			},
			credentials,
		});
		expect(r.error).toBeDefined();
		expect(r.error.message).toMatch(
			/Filters > condition 2 has no Field \(its value is "8"\): choose a column, or remove the condition/,
		);
		expect(sandbox.requests().filter((q) => q.filter !== '1=0')).toHaveLength(0);
	});

	test('Fields to Return with an unknown column is an error listing the columns, not items of {}', async () => {
		const r = await runNode({
			parameters: { ...GET_STUDENTS, options: { fields: ['StudentID', 'Surname'] } },
			credentials,
		});
		expect(r.error).toBeDefined();
		expect(r.error.message).toMatch(
			/Fields to Return names a column that is not in the result: "Surname"\. Available columns: .*LastName/,
		);
		const ok = await runNode({
			parameters: { ...GET_STUDENTS, options: { fields: ['studentid', 'LastName'] } },
			credentials,
		});
		expect(ok.error).toBeUndefined();
		expect(Object.keys(ok.output[0])).toEqual(['StudentID', 'LastName']);
	});

	test('Fields to Return is checked against the schema when no row comes back', async () => {
		const r = await runNode({
			parameters: {
				resource: 'entity',
				operation: 'getMany',
				entity: { __rl: true, mode: 'name', value: 'Students' },
				recordStatus: 'all',
				returnAll: true,
				options: { rawFilter: '1=0', fields: ['Nope'] },
			},
			credentials,
		});
		expect(r.error.message).toMatch(/"Nope".*Available columns: StudentID/);
	});

	test('a raw filter cannot smuggle a second statement inside a bracketed name', async () => {
		const r = await runNode({
			parameters: {
				...GET_STUDENTS,
				options: { rawFilter: "[a'] = 1; DROP TABLE Students; SELECT [']" },
			},
			credentials,
		});
		expect(r.error.message).toMatch(/may not contain ";"/);
		expect(sandbox.requests()).toHaveLength(0);
	});
});

describe('write-back validation sends nothing that is not exactly what was meant', () => {
	const REGISTER = (extra = {}) => ({
		resource: 'singleSignOn',
		operation: 'register',
		userId: String(students[0]),
		emailAddress: 'pupil@school.example',
		ssoProvider: 'Google',
		...extra,
	});
	const SALE = (extra = {}) => ({
		resource: 'dinnerMoney',
		operation: 'saveTransaction',
		personId: String(students[0]),
		transactionType: 'Sale',
		amount: '2.30',
		remainingBalance: '10.20',
		instant: '2026-11-18T12:10:00',
		externalId: '7001',
		transactionDetails: 'Lunch',
		...extra,
	});
	test.each([
		['an ID in exponent form', () => REGISTER({ userId: '1e3' }), /digits only/],
		['an ID in hex', () => REGISTER({ userId: '0x10' }), /digits only/],
		[
			'a School ID in hex',
			() => REGISTER({ schoolId: '0x4E21' }),
			/School ID "0x4E21" is not a whole number/,
		],
		[
			'a School ID in exponent form',
			() => REGISTER({ schoolId: '2e4' }),
			/School ID "2e4" is not a whole number/,
		],
		['30 February', () => SALE({ instant: '2024-02-30T12:00:00' }), /must be a real date/],
		['29 February in a common year', () => SALE({ instant: '2023-02-29' }), /must be a real date/],
		['the time 25:61:99', () => SALE({ instant: '2024-03-01T25:61:99' }), /must be a real date/],
	])('%s is refused before anything is sent', async (_name, parameters, pattern) => {
		const r = await runNode({ parameters: parameters(), credentials });
		expect(r.error).toBeDefined();
		expect(r.error.message).toMatch(pattern);
		expect(sandbox.audit()).toHaveLength(0);
	});

	test('a real leap day is accepted', async () => {
		const r = await runNode({
			parameters: SALE({ instant: '2024-02-29T12:00:00', externalId: '7002' }),
			credentials,
		});
		expect(r.error).toBeUndefined();
		expect(sandbox.audit()).toHaveLength(1);
	});
});

describe('write-back stops and keeps its record', () => {
	test('item 2 of 3 fails without Continue On Fail: item 3 is not written, and the error keeps the record of item 1', async () => {
		const r = await runNode({
			parameters: {
				resource: 'singleSignOn',
				operation: 'register',
				userId: '={{ $json.user }}',
				emailAddress: '={{ $json.email }}',
				ssoProvider: 'Google',
			},
			items: [
				{ user: students[0], email: 'one@school.example' },
				{ user: 'twelve', email: 'two@school.example' },
				{ user: students[2], email: 'three@school.example' },
			],
			credentials,
		});
		expect(r.error).toBeDefined();
		expect(r.error.context.itemIndex).toBe(1);
		expect(sandbox.audit().map((a) => a.params.emailAddress)).toEqual(['one@school.example']);
		expect(r.error.description).toMatch(
			/Written to Bromcom in this run before this item failed: item 0: registerSingleSignOnUser .*key bw1-[0-9a-f]{32}/,
		);
		expect(r.error.description).toMatch(/The 1 item\(s\) after it were not sent/);
	});

	test('HTTP 200 with a login page after the write applied: not taken as "sent" on its word; read back, and never written twice', async () => {
		let staticData = {};
		const parameters = {
			resource: 'singleSignOn',
			operation: 'register',
			userId: String(students[3]),
			emailAddress: 'proxy@school.example',
			ssoProvider: 'Google',
		};
		sandbox.injectFault({
			kind: 'loginPageAfterApply',
			match: { operation: 'registerSingleSignOnUser' },
		});
		const first = await runNode({
			parameters,
			credentials,
			staticData,
			mode: 'trigger',
			continueOnFail: true,
		});
		staticData = first.staticData;
		expect(first.output[0]).toMatchObject({ status: 'sent', confirmedBy: 'readBack' });
		const second = await runNode({
			parameters,
			credentials,
			staticData,
			mode: 'trigger',
			continueOnFail: true,
		});
		expect(second.output[0]).toMatchObject({ status: 'skippedDuplicate' });
		expect(sandbox.audit().filter((a) => a.operation === 'registerSingleSignOnUser')).toHaveLength(
			1,
		);
	});

	test('the same when Bromcom cannot be read back: an unknown outcome, not resent on the next run', async () => {
		sandbox.changes.revokeEntity({
			schoolId: 20001,
			username: 'sandbox',
			entity: 'SingleSignOnUsers',
		});
		try {
			let staticData = {};
			const parameters = {
				resource: 'singleSignOn',
				operation: 'register',
				userId: String(students[6]),
				emailAddress: 'proxy2@school.example',
				ssoProvider: 'Google',
			};
			sandbox.injectFault({
				kind: 'loginPageAfterApply',
				match: { operation: 'registerSingleSignOnUser' },
			});
			const first = await runNode({
				parameters,
				credentials,
				staticData,
				mode: 'trigger',
				continueOnFail: true,
			});
			staticData = first.staticData;
			expect(first.output[0].error).toMatch(
				/was not a write response \(.*login page.*\), so Bromcom may or may not have applied it/,
			);
			const second = await runNode({
				parameters,
				credentials,
				staticData,
				mode: 'trigger',
				continueOnFail: true,
			});
			expect(second.output[0].error).toMatch(
				/ended without an answer, and Bromcom cannot be checked for it. It was not sent again/,
			);
			expect(
				sandbox.audit().filter((a) => a.operation === 'registerSingleSignOnUser'),
			).toHaveLength(1);
		} finally {
			sandbox.changes.grantEntity({
				schoolId: 20001,
				username: 'sandbox',
				entity: 'SingleSignOnUsers',
			});
		}
	});

	test('a SOAP fault at HTTP 200 is a fault, never "sent"', async () => {
		sandbox.injectFault({
			kind: 'fault',
			message: 'Third party write back is not enabled.',
			match: { operation: 'registerSingleSignOnUser' },
		});
		const parameters = {
			resource: 'singleSignOn',
			operation: 'register',
			userId: String(students[4]),
			emailAddress: 'fault200@school.example',
			ssoProvider: 'Google',
		};
		const r = await runNode({ parameters, credentials, continueOnFail: true });
		expect(r.output[0].error).toMatch(/write back is not enabled/);
		expect(r.output[0].status).toBeUndefined();
	});
});

test('with no ledger entry (n8n stopped mid-batch before saving it), Bromcom is read first and an applied write is not sent again', async () => {
	const parameters = {
		resource: 'singleSignOn',
		operation: 'register',
		userId: String(students[8]),
		emailAddress: 'crash@school.example',
		ssoProvider: 'Google',
	};
	const first = await runNode({ parameters, credentials, staticData: {}, mode: 'trigger' });
	expect(first.output[0].status).toBe('sent');
	// The ledger of that run is lost (n8n stopped between sending and recording it): a re-run starts empty.
	deduplicator.lists.clear();
	const rerun = await runNode({ parameters, credentials, staticData: {}, mode: 'trigger' });
	expect(rerun.output[0]).toMatchObject({ status: 'skippedDuplicate', confirmedBy: 'readBack' });
	expect(
		sandbox.audit().filter((a) => a.params.emailAddress === 'crash@school.example'),
	).toHaveLength(1);
});

describe('property: across random failures and re-runs, no logical write reaches Bromcom twice and none is reported sent that it did not receive', () => {
	const FAULTS = [
		'none',
		'none',
		'reset',
		'resetAfterApply',
		'loginPageAfterApply',
		'html500',
		'status503',
	];
	test('random interleavings', async () => {
		let round = 0;
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom(...FAULTS), { minLength: 1, maxLength: 5 }),
				async (faults) => {
					round++;
					sandbox.clearAudit();
					sandbox.clearFaults();
					let staticData = {};
					const email = `prop${round}@school.example`;
					const parameters = {
						resource: 'singleSignOn',
						operation: 'register',
						userId: String(students[5 + (round % 20)]),
						emailAddress: email,
						ssoProvider: 'Google',
						options: { attempts: 2 },
					};
					const reported = [];
					for (const fault of [...faults, 'none', 'none']) {
						sandbox.clearFaults();
						if (fault !== 'none')
							sandbox.injectFault({
								kind: fault,
								match: { operation: 'registerSingleSignOnUser' },
							});
						const r = await runNode({
							parameters,
							credentials,
							staticData,
							mode: 'trigger',
							continueOnFail: true,
						});
						staticData = r.staticData;
						reported.push(r.output[0]);
					}
					const applied = sandbox
						.audit()
						.filter(
							(a) =>
								a.operation === 'registerSingleSignOnUser' &&
								a.params.emailAddress === email &&
								a.error === undefined,
						);
					if (applied.length > 1) return false;
					// Every "sent" is backed by a write Bromcom received.
					if (reported.some((o) => o.status === 'sent') && applied.length === 0) return false;
					// Once the faults stop, the write is done (sent now or confirmed by read-back).
					return (
						applied.length === 1 &&
						['sent', 'skippedDuplicate'].includes(reported[reported.length - 1].status)
					);
				},
			),
			{ numRuns: 12 },
		);
	}, 120000);
});
