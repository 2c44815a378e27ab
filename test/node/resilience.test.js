/**
 * Multi-school, retries, typed errors and secrets, through n8n's execution engine over HTTP.
 */
const { createSandbox } = require('../../sandbox/server');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

const PASSWORD = 'Pa$$w0rd&<Sïlent>';
let sandbox;
let base;
let credentials;

beforeAll(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 5,
		now: '2026-11-18T10:30:00Z',
		accounts: [
			{
				username: 'trust-msp',
				password: PASSWORD,
				entities: '*',
				write: true,
				note: 'test account',
			},
			{ username: 'sandbox', password: 'sandbox', entities: '*', write: true, note: 'demo' },
		],
	});
	base = await sandbox.start(0);
	credentials = sandboxCredential(base, { username: 'trust-msp', password: PASSWORD });
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});
beforeEach(() => {
	sandbox.clearFaults();
	sandbox.clearRequests();
});

const studentsOf = (schoolId) =>
	sandbox
		.rows('Students', schoolId, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())')
		.map((r) => r.StudentID);

describe('multi-school', () => {
	test('one workflow over three schools: data for two, a clear error item for the one without permission', async () => {
		sandbox.changes.revokeEntity({ schoolId: 20003, username: 'trust-msp', entity: 'Students' });
		try {
			const { output, items, error } = await runNode({
				parameters: {
					resource: 'student',
					operation: 'getMany',
					schoolId: '={{ $json.school }}',
					recordStatus: 'current',
					returnAll: true,
					simplify: true,
				},
				items: [{ school: 20001 }, { school: 20003 }, { school: 20002 }],
				credentials,
				continueOnFail: true,
			});
			expect(error).toBeUndefined();
			const bySource = (i) => items.filter((it) => it.pairedItem.item === i).map((it) => it.json);
			expect(bySource(0).map((r) => r.StudentID)).toEqual(studentsOf(20001));
			expect(bySource(2).map((r) => r.StudentID)).toEqual(studentsOf(20002));
			expect(bySource(1)).toHaveLength(1);
			expect(bySource(1)[0].error).toMatch(/permission to access entity 'Students'.*school 20003/);
			expect(bySource(1)[0].details).toMatch(/Third Party Access Permissions & Logs/);
			expect(output).toHaveLength(studentsOf(20001).length + studentsOf(20002).length + 1);
			// Never more than two requests in flight per school (politeness).
			expect(
				sandbox
					.requests()
					.filter((q) => q.entity === 'Students')
					.map((q) => q.schoolId)
					.sort(),
			).toEqual([20001, 20002, 20003]);
		} finally {
			sandbox.changes.grantEntity({ schoolId: 20003, username: 'trust-msp', entity: 'Students' });
		}
	});

	test('without Continue On Fail the error stops the workflow and names the item', async () => {
		const { error } = await runNode({
			parameters: {
				resource: 'student',
				operation: 'getMany',
				schoolId: '={{ $json.school }}',
				recordStatus: 'current',
				returnAll: true,
			},
			items: [{ school: 20001 }, { school: 'twenty' }],
			credentials,
		});
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toMatch(/School ID "twenty" is not a whole number/);
		expect(error.context.itemIndex).toBe(1);
	});
});

describe('retries', () => {
	test('503 twice then success → data, after exactly three requests', async () => {
		sandbox.injectFault({ kind: 'status503', match: { entity: 'Staff' }, times: 2 });
		const { output, error } = await runNode({
			parameters: { resource: 'staff', operation: 'getMany', recordStatus: 'all', returnAll: true },
			credentials,
		});
		expect(error).toBeUndefined();
		expect(output.length).toBe(sandbox.rows('Staff').length);
		expect(
			sandbox
				.requests()
				.filter((q) => q.entity === 'Staff')
				.map((q) => q.injected ?? 'ok'),
		).toEqual(['status503', 'status503', 'ok']);
	});

	test('a truncated body and a connection reset are retried', async () => {
		sandbox.injectFault({ kind: 'truncate', match: { entity: 'Staff' } });
		sandbox.injectFault({ kind: 'reset', match: { entity: 'Staff' } });
		const { output, error } = await runNode({
			parameters: { resource: 'staff', operation: 'getMany', recordStatus: 'all', returnAll: true },
			credentials,
		});
		expect(error).toBeUndefined();
		expect(output.length).toBe(sandbox.rows('Staff').length);
		expect(sandbox.requests().filter((q) => q.entity === 'Staff')).toHaveLength(3);
	});

	test('a credential fault is not retried and says where to fix it', async () => {
		const { error } = await runNode({
			parameters: { resource: 'staff', operation: 'getMany', recordStatus: 'all', returnAll: true },
			credentials: { ...credentials, password: 'wrong' },
		});
		expect(sandbox.requests()).toHaveLength(1);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/Invalid username or password/);
		expect(error.description).toMatch(/Modules > Setup > System Users/);
	});

	test('persistent IIS error pages give up after the configured attempts with a transient error', async () => {
		sandbox.injectFault({ kind: 'html500', match: { entity: 'Staff' }, times: 0 });
		const { error } = await runNode({
			parameters: {
				resource: 'staff',
				operation: 'getMany',
				recordStatus: 'all',
				returnAll: true,
				options: { attempts: 2 },
			},
			credentials,
		});
		expect(sandbox.requests().filter((q) => q.entity === 'Staff')).toHaveLength(2);
		expect(error.message).toMatch(/HTTP 500 and an error page/);
		expect(error.description).toMatch(/temporarily unavailable/);
	});

	test('a login page (wrong Base URL) is not retried', async () => {
		sandbox.injectFault({ kind: 'loginPage', match: { entity: 'Staff' }, times: 0 });
		const { error } = await runNode({
			parameters: { resource: 'staff', operation: 'getMany', recordStatus: 'all', returnAll: true },
			credentials,
		});
		expect(sandbox.requests()).toHaveLength(1);
		expect(error.message).toMatch(/web login page/);
		expect(error.description).toMatch(/Base URL/);
	});

	test('a timeout is reported as such', async () => {
		sandbox.injectFault({ kind: 'delay', ms: 8000, match: { entity: 'Staff' }, times: 0 });
		const { error } = await runNode({
			parameters: {
				resource: 'staff',
				operation: 'getMany',
				recordStatus: 'all',
				returnAll: true,
				options: { timeout: 5, attempts: 1 },
			},
			credentials,
		});
		expect(error.message).toMatch(
			/did not finish answering within the timeout \(5 s, Options > Timeout\)/,
		);
	}, 20000);
});

describe('secrets', () => {
	test('the password appears in no error, output, execution data or sandbox log, whatever fails', async () => {
		const runs = [];
		runs.push(
			await runNode({
				parameters: {
					resource: 'staff',
					operation: 'getMany',
					recordStatus: 'all',
					returnAll: true,
				},
				credentials: { ...credentials, username: 'nobody' },
				continueOnFail: true,
			}),
		);
		runs.push(
			await runNode({
				parameters: {
					resource: 'entity',
					operation: 'getMany',
					entity: { __rl: true, mode: 'name', value: 'Nope' },
					recordStatus: 'all',
					returnAll: true,
				},
				credentials,
			}),
		);
		sandbox.injectFault({
			kind: 'fault',
			message: `Login failed for trust-msp with password ${PASSWORD}`,
			match: { entity: 'Staff' },
		});
		runs.push(
			await runNode({
				parameters: {
					resource: 'staff',
					operation: 'getMany',
					recordStatus: 'all',
					returnAll: true,
				},
				credentials,
			}),
		);
		sandbox.injectFault({ kind: 'reset', match: { entity: 'Staff' }, times: 0 });
		runs.push(
			await runNode({
				parameters: {
					resource: 'staff',
					operation: 'getMany',
					recordStatus: 'all',
					returnAll: true,
					options: { attempts: 1 },
				},
				credentials,
			}),
		);
		runs.push(
			await runNode({
				parameters: {
					resource: 'student',
					operation: 'getMany',
					recordStatus: 'all',
					returnAll: false,
					limit: 2,
				},
				credentials,
			}),
		);
		const escaped = PASSWORD.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
		for (const r of runs) {
			const dump = JSON.stringify(r.run, (_k, v) =>
				v instanceof Error
					? {
							...v,
							message: v.message,
							stack: v.stack,
							description: /** @type {any} */ (v).description,
						}
					: v,
			);
			expect(dump).not.toContain(PASSWORD);
			expect(dump).not.toContain(escaped);
		}
		expect(runs[2].error.message).toMatch(/\*\*\*/);
		// The sandbox's request log keeps no password (the fault text above is the sandbox's own reply).
		expect(JSON.stringify(sandbox.requests().map(({ fault: _fault, ...r }) => r))).not.toContain(
			PASSWORD,
		);
	});
});
