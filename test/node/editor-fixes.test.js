/**
 * Issue 33, through n8n's execution engine against the sandbox: ranges on text columns compare whole
 * numbers as numbers on both routes; the Partner API's column typing reads only the rows it needs; Fetch
 * Test Event for Record Left shows records that left; messages name the school's number; n8n's Custom
 * API Call option is refused with directions instead of n8n's "Could not get parameter".
 */
const { createSandbox } = require('../../sandbox/server');
const {
	runNode,
	pollOnce,
	sandboxCredential,
	partnerCredential,
	shutdown,
} = require('../helpers/n8n');

let sandbox;
let base;
let soap;
let rest;
const CURRENT = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';
beforeAll(async () => {
	sandbox = createSandbox({ size: 'medium', seed: 5, now: '2026-11-18T10:30:00Z' });
	base = await sandbox.start(0);
	soap = sandboxCredential(base);
	rest = partnerCredential(base);
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});
beforeEach(() => {
	sandbox.clearRequests();
	sandbox.clearFaults();
});

const students = (conditions, extra = {}) => ({
	resource: 'student',
	operation: 'getMany',
	recordStatus: 'current',
	returnAll: true,
	simplify: false,
	filters: { conditions },
	...extra,
});

describe('Year Group Is Between 7 and 11 (a text column)', () => {
	const expected = () =>
		sandbox
			.rows('Students', 20001, CURRENT)
			.filter((r) => [7, 8, 9, 10, 11].includes(Number(r.YearGroup)) && /^\d+$/.test(r.YearGroup))
			.map((r) => r.StudentID);

	test.each([
		['SOAP', {}, () => soap],
		['the Partner API', { authentication: 'partnerApplication' }, () => rest],
	])('over %s: Years 7–11, compared as numbers (was 0 items)', async (_route, auth, creds) => {
		const r = await runNode({
			parameters: students(
				[{ field: 'YearGroup', operator: 'between', value: '7', value2: '11' }],
				auth,
			),
			credentials: creds(),
		});
		expect(r.error).toBeUndefined();
		const ids = r.output.map((s) => s.StudentID);
		expect(ids.length).toBeGreaterThan(100);
		expect(ids).toEqual(expected());
		expect(new Set(r.output.map((s) => s.YearGroup.trim()))).toEqual(
			new Set(['7', '8', '9', '10', '11']),
		);
	});

	test('an empty To Value is an error naming the field; nothing is read', async () => {
		const r = await runNode({
			parameters: students([{ field: 'YearGroup', operator: 'between', value: '7', value2: '' }]),
			credentials: soap,
		});
		expect(r.error.message).toMatch(/"Is Between" for YearGroup needs both values: To Value/);
		expect(sandbox.requests().filter((q) => q.entity === 'Students' && q.filter !== '1=0')).toEqual(
			[],
		);
	});
});

describe('Partner API column typing reads only the rows it needs', () => {
	const restStudents = (conditions) =>
		runNode({
			parameters: students(conditions, { authentication: 'partnerApplication' }),
			credentials: rest,
		});
	const reads = () =>
		sandbox
			.requests()
			.filter((q) => q.route === 'rest' && q.entity === 'Students')
			.map((q) => ({ filter: q.filter, rows: q.rows }));

	test("the typing read is narrowed by the filter's own conditions, not the whole first page", async () => {
		const all = sandbox.rows('Students', 20001).length;
		const r = await restStudents([{ field: 'YearGroup', operator: 'equals', value: '7' }]);
		expect(r.error).toBeUndefined();
		const [typing, read] = reads();
		expect(typing.filter).toBe("YearGroup = '7'");
		expect(typing.rows).toBeLessThan(all / 3);
		expect(read.filter).toBe(`(${CURRENT}) AND (YearGroup = '7')`);
		expect(reads()).toHaveLength(2);
	});

	test('the typing read stops at the first row that types the filtered columns and closes the connection', async () => {
		// Each 2 KB of the answer takes 300 ms: reading the 50 rows the probe used to read takes seconds.
		sandbox.injectFault({
			kind: 'drip',
			bytes: 2048,
			ms: 300,
			match: { service: 'PartnerApi', entity: 'Students', filterIncludes: "YearGroup = '8'" },
		});
		const started = Date.now();
		const r = await restStudents([{ field: 'YearGroup', operator: 'equals', value: '8' }]);
		expect(r.error).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(2500);
		expect(r.output.length).toBeGreaterThan(0);
	});

	test('a narrowing that matches nothing falls back to the first rows; the result is the same', async () => {
		const r = await restStudents([{ field: 'LastName', operator: 'equals', value: 'Nobody-Here' }]);
		expect(r.error).toBeUndefined();
		expect(r.output).toEqual([]);
		expect(reads().map((q) => q.filter)).toEqual([
			"LastName = 'Nobody-Here'",
			'',
			`(${CURRENT}) AND (LastName = 'Nobody-Here')`,
		]);
	});
});

test('a narrowing Bromcom refuses (an untyped literal it cannot convert) falls back too; the typed filter says what is wrong', async () => {
	const r = await runNode({
		parameters: students([{ field: 'StudentID', operator: 'equals', value: 'abc' }], {
			authentication: 'partnerApplication',
		}),
		credentials: rest,
	});
	expect(r.error.message).toMatch(/The value "abc" for StudentID is not a number/);
	expect(
		sandbox
			.requests()
			.filter((q) => q.route === 'rest')
			.map((q) => [q.filter, q.status]),
	).toEqual([
		["StudentID = 'abc'", 400],
		['', 200],
	]);
});

describe('Fetch Test Event for Record Left shows records that left, as Left events', () => {
	const fetchTestEvent = (parameters) =>
		pollOnce({
			parameters: { schoolId: '', includeInOutput: 'new', ...parameters },
			credentials: soap,
			mode: 'manual',
		});

	test('students: leavers with reason noLongerMatching and their end date', async () => {
		const r = await fetchTestEvent({
			watch: 'students',
			recordStatus: 'current',
			triggerOn: ['left'],
		});
		expect(r.error).toBeUndefined();
		const leavers = new Set(
			sandbox.rows('Students', 20001, 'EndDate < GETDATE()').map((s) => String(s.StudentID)),
		);
		expect(r.items).toHaveLength(5);
		for (const item of r.items) {
			expect(item).toMatchObject({ event: 'sample', reason: 'noLongerMatching', schoolId: 20001 });
			expect(leavers.has(item.key)).toBe(true);
			expect(Date.parse(item.EndDate)).toBeLessThan(Date.parse('2026-11-18T10:30:00Z'));
		}
	});

	test('with Both Versions: the Left shape (current, previous, differences)', async () => {
		const r = await fetchTestEvent({
			watch: 'students',
			recordStatus: 'current',
			triggerOn: ['left'],
			includeInOutput: 'both',
		});
		expect(r.items[0]).toMatchObject({ event: 'sample', reason: 'noLongerMatching' });
		expect(r.items[0].current.StudentID).toBe(Number(r.items[0].key));
		expect(r.items[0].previous.StudentID).toBe(Number(r.items[0].key));
	});

	test('class memberships: ended memberships', async () => {
		const r = await fetchTestEvent({ watch: 'memberships', triggerOn: ['left'] });
		expect(r.error).toBeUndefined();
		expect(r.items.length).toBeGreaterThan(0);
		for (const item of r.items) {
			expect(item.reason).toBe('noLongerMatching');
			expect(Date.parse(item.EndDate)).toBeLessThan(Date.parse('2026-11-18T10:30:00Z'));
		}
	});

	test('New (or any other event) still samples current records', async () => {
		const r = await fetchTestEvent({
			watch: 'students',
			recordStatus: 'current',
			triggerOn: ['new', 'left'],
		});
		const current = new Set(sandbox.rows('Students', 20001, CURRENT).map((s) => s.StudentID));
		expect(r.items.every((i) => current.has(i.StudentID) && i.reason === undefined)).toBe(true);
	});
});

describe('messages name the school by its number, not "from the credential"', () => {
	afterEach(() =>
		sandbox.changes.grantEntity({ schoolId: 20001, username: 'sandbox', entity: 'Students' }),
	);

	test('a record that is not there, and a permission error (School ID left empty)', async () => {
		const missing = await runNode({
			parameters: { resource: 'student', operation: 'get', studentId: '9999999' },
			credentials: soap,
		});
		expect(missing.error.message).toMatch(/in school 20001\b/);
		sandbox.changes.revokeEntity({ schoolId: 20001, username: 'sandbox', entity: 'Students' });
		const denied = await runNode({ parameters: students([]), credentials: soap });
		expect(denied.error.message).toMatch(/\(school 20001\)/);
		expect(denied.error.message).not.toMatch(/from the credential/);
		const roster = await runNode({
			type: 'n8n-nodes-bromcom.bromcomEligibility',
			parameters: { operation: 'getRoster', preset: 'parentsEvening', lawfulBasis: 'consent' },
			credentials: soap,
		});
		expect(roster.error.message).toMatch(/\(school 20001\)/);
		const poll = await pollOnce({
			parameters: { watch: 'students', recordStatus: 'current', triggerOn: ['new'] },
			credentials: soap,
		});
		expect(poll.error.message).toMatch(/\(school 20001\)/);
	});
});

describe("n8n's Custom API Call option", () => {
	test.each([
		['n8n-nodes-bromcom.bromcom', { resource: '__CUSTOM_API_CALL__' }],
		['n8n-nodes-bromcom.bromcom', { resource: 'student', operation: '__CUSTOM_API_CALL__' }],
		['n8n-nodes-bromcom.bromcomEligibility', { operation: '__CUSTOM_API_CALL__' }],
	])('%s %j: an error that says where custom calls go', async (type, parameters) => {
		const r = await runNode({ type, parameters, credentials: soap });
		expect(r.error.message).toBe(
			'Custom API Call is not an operation of this node: choose one of its operations.',
		);
		expect(r.error.description).toMatch(/HTTP Request node .*Bromcom Partner API/);
		expect(sandbox.requests()).toEqual([]);
	});
});

describe("what n8n's editor hides: only the Authentication parameter", () => {
	// n8n's editor hides from the panel every parameter that a credential's displayOptions.show names,
	// and every parameter those parameters' own show rules name (getNodeAuthFields and
	// isAuthRelatedParameter in its nodeTypesUtils.ts): n8n 2.41 hid the eligibility node's Operation
	// so. The browser suite checks the panels; this is the same rule, in every `npm test`.
	const { Bromcom } = require('../../nodes/Bromcom/Bromcom.node');
	const { BromcomTrigger } = require('../../nodes/BromcomTrigger/BromcomTrigger.node');
	const { BromcomEligibility } = require('../../nodes/BromcomEligibility/BromcomEligibility.node');
	test.each([
		['Bromcom', new Bromcom().description],
		['Bromcom Trigger', new BromcomTrigger().description],
		['Bromcom Consent & Eligibility', new BromcomEligibility().description],
	])('%s', (_name, description) => {
		const named = new Set(
			description.credentials.flatMap((c) => Object.keys(c.displayOptions?.show ?? {})),
		);
		expect([...named]).toEqual(['authentication']);
		const authFields = description.properties.filter((p) => named.has(p.name));
		expect(authFields.flatMap((p) => Object.keys(p.displayOptions?.show ?? {}))).toEqual([]);
	});
});
