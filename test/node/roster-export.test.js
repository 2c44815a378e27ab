/**
 * Export Roster and Generate Account Names through n8n's execution engine against a sandbox trust of
 * three schools. The files are checked by a validator written from the SDS v2.1 and OneRoster 1.2
 * specifications (test/helpers/roster-validator.js), and their people against Get Eligible Roster.
 */
const fc = require('fast-check');
const { createSandbox } = require('../../sandbox/server');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');
const { validateSds, validateOneRoster } = require('../helpers/roster-validator');
const { readSds } = require('../helpers/spec-reader');
const { assignNames, safeName, baseName } = require('../../nodes/Bromcom/core/accountNames');

const NOW = '2026-11-18T10:30:00Z';
const TRUST = ['20001', '20002', '20003'];
let sandbox;
let credentials;

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 5, now: NOW });
	credentials = sandboxCredential(await sandbox.start(0));
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

const eligibility = (parameters, extra = {}) =>
	runNode({
		type: 'n8n-nodes-bromcom.bromcomEligibility',
		parameters: { preset: 'parentsEvening', lawfulBasis: 'fromBromcom', ...parameters },
		credentials,
		...extra,
	});
const filesOf = (item) =>
	Object.values(item.binary).map((b) => ({
		name: b.fileName,
		text: Buffer.from(b.data, 'base64').toString('utf8'),
	}));

describe('Export Roster', () => {
	test('SDS v2.1 for a trust of three schools: a valid file set whose people are the eligible roster', async () => {
		const r = await eligibility({
			operation: 'exportRoster',
			schoolIds: TRUST.join(', '),
			format: 'sds21',
			trustName: 'Northfield Learning Trust',
			trustId: 'TR01234',
			includeClasses: true,
			includeContacts: true,
		});
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(1);
		const files = filesOf(r.items[0]);
		expect(files.map((f) => f.name)).toEqual([
			'orgs.csv',
			'users.csv',
			'roles.csv',
			'academicSessions.csv',
			'classes.csv',
			'enrollments.csv',
			'relationships.csv',
		]);
		const { problems, tables } = validateSds(files);
		expect(problems).toEqual([]);
		// The trust above its three schools.
		expect(tables['orgs.csv'][0]).toMatchObject({
			sourcedId: 'trust-TR01234',
			type: 'academicTrust',
		});
		expect(tables['orgs.csv'].slice(1).map((o) => [o.sourcedId, o.parentSourcedId])).toEqual(
			TRUST.map((id) => [`bromcom-${id}`, 'trust-TR01234']),
		);
		// The same students and teachers as Get Eligible Roster, school by school, with IDs from Bromcom's.
		for (const school of TRUST) {
			const roster = await eligibility({
				operation: 'getRoster',
				schoolId: school,
				kinds: ['student', 'teacher'],
			});
			const kept = (kind) =>
				roster.output
					.filter((x) => x.kind === kind)
					.map((x) => `${school}-${kind === 'student' ? 'student' : 'staff'}-${x.key}`)
					.sort();
			const exported = (role) =>
				tables['roles.csv']
					.filter((x) => x.orgSourcedId === `bromcom-${school}` && x.role === role)
					.map((x) => x.userSourcedId)
					.sort();
			expect(exported('student')).toEqual(kept('student'));
			expect(exported('teacher')).toEqual(kept('teacher'));
		}
		// Usernames are Bromcom's email addresses, lower-cased; year groups mapped (Year 7 → 06).
		const students = sandbox.rows('StudentFlatView', 20001);
		const first = tables['users.csv'].find((u) => u.sourcedId.startsWith('20001-student-'));
		const flat = students.find((s) => `20001-student-${s.StudentID}` === first.sourcedId);
		expect(first.username).toBe(flat.StudentEmail.toLowerCase());
		const grades = new Set(
			tables['roles.csv'].filter((x) => x.role === 'student').map((x) => x.grade),
		);
		expect([...grades].sort()).toEqual(['06', '07']);
		expect(r.output[0].files.find((f) => f.name === 'users.csv').rows).toBe(
			tables['users.csv'].length,
		);
		// Three schools with no person in common: nobody is merged, every sign-in name is one person's,
		// and the independent reader finds nothing wrong.
		expect(r.output[0].mergedUsers).toEqual([]);
		expect(readSds(Object.fromEntries(files.map((f) => [f.name, f.text]))).problems).toEqual([]);
	});

	test('OneRoster 1.2 bulk: manifest with every file declared, exact headers, blank status, references that resolve', async () => {
		const r = await eligibility({
			operation: 'exportRoster',
			schoolIds: TRUST.join(','),
			format: 'oneRoster12',
			trustName: 'Northfield Learning Trust',
			trustId: 'TR01234',
			includeClasses: true,
			includeContacts: true,
		});
		expect(r.error).toBeUndefined();
		const files = filesOf(r.items[0]);
		const { problems, tables } = validateOneRoster(files);
		expect(problems).toEqual([]);
		expect(tables['classes.csv'].some((c) => c.classType === 'homeroom')).toBe(true);
		expect(tables['classes.csv'].some((c) => c.classType === 'scheduled')).toBe(true);
		expect(tables['roles.csv'].some((x) => x.role === 'parent')).toBe(true);
		// Students point at their contacts (agents) and contacts at their students.
		expect(
			tables['users.csv'].some(
				(u) => u.sourcedId.includes('-student-') && u.agentSourcedIds.includes('-contact-'),
			),
		).toBe(true);
	});

	test('a school that fails fails the export: no partial file set, and the error names the school', async () => {
		sandbox.changes.revokeEntity({ schoolId: 20002, username: 'sandbox', entity: 'Staff' });
		try {
			const r = await eligibility({
				operation: 'exportRoster',
				schoolIds: TRUST.join(','),
				format: 'sds21',
			});
			expect(r.items).toEqual([]);
			expect(r.error.message).toMatch(/^School 20002: .*'Staff'/);
			expect(r.error.description).toMatch(/nothing was exported/);
		} finally {
			sandbox.changes.grantEntity({ schoolId: 20002, username: 'sandbox', entity: 'Staff' });
		}
	});

	test('generated usernames: unique across the trust file, the same on every run, and pattern errors say what is wrong', async () => {
		const params = {
			operation: 'exportRoster',
			schoolIds: '20001',
			format: 'sds21',
			usernames: 'pattern',
			studentPattern: '{intakeYear2}{firstInitial}{lastName}',
			staffPattern: '{firstInitial}.{lastName}',
			domain: 'northfield.sch.uk',
			maxLength: 12,
		};
		const a = validateSds(filesOf((await eligibility(params)).items[0]));
		const b = validateSds(filesOf((await eligibility(params)).items[0]));
		expect(a.problems).toEqual([]);
		expect(a.tables['users.csv']).toEqual(b.tables['users.csv']);
		for (const u of a.tables['users.csv'])
			expect(u.username).toMatch(/^[a-z0-9.]{1,12}@northfield\.sch\.uk$/);
		const bad = await eligibility({ ...params, studentPattern: '{firstname}' });
		expect(bad.error.message).toMatch(/"\{firstname\}" is not a token/);
	});
});

test('provisioning rule on the roster: contacts with a court order recorded in Bromcom are excluded with the reason', async () => {
	const r = await runNode({
		type: 'n8n-nodes-bromcom.bromcomEligibility',
		parameters: {
			operation: 'getRoster',
			schoolId: '20001',
			preset: 'custom',
			lawfulBasis: 'other',
			kinds: ['contact'],
			custom: { excludeRestrictedContacts: true, relationships: '' },
		},
		credentials,
	});
	expect(r.error).toBeUndefined();
	const excluded = r.run.data.resultData.runData.Bromcom[0].data.main[1].map((x) => x.json);
	const restricted = excluded
		.filter((x) => x.excludedReasons.some((e) => e.code === 'CONTACT_RESTRICTED'))
		.map((x) => Number(x.key));
	const links = sandbox.rows('StudentContacts', 20001, '(EndDate IS NULL OR EndDate >= GETDATE())');
	// Contacts of students on roll today, with a court order on any current link.
	const onRoll = new Set(
		sandbox
			.rows('Students', 20001, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())')
			.map((st) => st.StudentID),
	);
	const expected = [
		...new Set(
			links
				.filter((l) => l.CourtOrderRestrictedAccess === true && onRoll.has(l.StudentID))
				.map((l) => l.ContactPersonID),
		),
	];
	expect(expected.length).toBeGreaterThan(0);
	expect(restricted.sort()).toEqual(expected.sort());
});

test('a wrong password fails the export with what to fix, and the password appears nowhere in the run', async () => {
	const secret = 'Wr0ng-P&ss<word>';
	const r = await runNode({
		type: 'n8n-nodes-bromcom.bromcomEligibility',
		parameters: {
			operation: 'exportRoster',
			schoolIds: '20001, 20002',
			format: 'sds21',
			preset: 'parentsEvening',
			lawfulBasis: 'fromBromcom',
		},
		credentials: { ...credentials, password: secret },
	});
	expect(r.items).toEqual([]);
	expect(r.error.message).toMatch(/^School 20001: /);
	expect(r.error.description).toMatch(/System Users/);
	const everything = JSON.stringify({
		run: r.run,
		error: { message: r.error.message, description: r.error.description },
	});
	for (const form of [secret, encodeURIComponent(secret), 'Wr0ng-P&amp;ss&lt;word&gt;'])
		expect(everything).not.toContain(form);
});

describe('Generate Account Names', () => {
	const people = [
		{
			StudentID: 3,
			FirstName: 'Siân',
			LastName: "O'Brien",
			YearGroup: '7',
			StartDate: '2026-09-03',
		},
		{
			StudentID: 1,
			FirstName: 'Seán',
			LastName: 'Ó Súilleabháin',
			YearGroup: '7',
			StartDate: '2026-09-03',
		},
		{
			StudentID: 2,
			FirstName: 'Sian',
			LastName: 'Obrien',
			YearGroup: '8',
			StartDate: '2025-09-04',
		},
		{
			StudentID: 4,
			FirstName: 'Siân',
			LastName: 'O’Brien',
			YearGroup: '7',
			StartDate: '2026-09-03',
		},
	];
	/** @param {string | string[]} [existingNames] @param {object[]} [items] */
	const run = (existingNames = '', items = people) =>
		eligibility(
			{
				operation: 'generateNames',
				pattern: '{firstName}{lastName}',
				domain: 'northfield.sch.uk',
				maxLength: 20,
				ouPath: '/Students/Year {yearGroup}',
				existingNames,
			},
			{ items },
		);

	test('awkward names are transliterated; collisions get suffixes in ID order, whatever the item order', async () => {
		const r = await run();
		expect(r.error).toBeUndefined();
		const names = Object.fromEntries(r.output.map((o) => [o.StudentID, o.account.username]));
		expect(names).toEqual({
			1: 'seanosuilleabhain',
			2: 'sianobrien',
			3: 'sianobrien2',
			4: 'sianobrien3',
		});
		expect(r.output.find((o) => o.StudentID === 3).account).toMatchObject({
			email: 'sianobrien2@northfield.sch.uk',
			ouPath: '/Students/Year 7',
			status: 'suffixed',
		});
		const reversed = await run('', [...people].reverse());
		expect(
			Object.fromEntries(reversed.output.map((o) => [o.StudentID, o.account.username])),
		).toEqual(names);
	});

	test('existing directory names are avoided, and a person keeps the account that is already theirs', async () => {
		const r = await run(['sianobrien@northfield.sch.uk', 'sianobrien2=3']);
		const names = Object.fromEntries(
			r.output.map((o) => [o.StudentID, [o.account.username, o.account.status]]),
		);
		expect(names[2]).toEqual(['sianobrien3', 'suffixed']);
		expect(names[3]).toEqual(['sianobrien2', 'existing']);
		expect(names[4]).toEqual(['sianobrien4', 'suffixed']);
	});
});

describe('account names (property)', () => {
	const person = fc.record({
		id: fc.integer({ min: 1, max: 400 }).map(String),
		firstName: fc.constantFrom('Siân', 'Zoë-Jane', "D'Arcy", 'Ng', '', 'Łukasz', 'Bjørn', 'Ahmed'),
		lastName: fc.constantFrom(
			"O'Brien",
			'Ó Súilleabháin',
			'Smith',
			'van der Berg',
			'Nguyễn',
			'Straße',
			'',
		),
		yearGroup: fc.constantFrom('7', '8', 'R'),
		startDate: fc.constantFrom('2025-09-04', '2026-01-10', ''),
	});
	const unique = (list) => [...new Map(list.map((p) => [p.id, p])).values()];
	test('deterministic, unique among themselves and against the existing set, allowed characters only, capped', () => {
		fc.assert(
			fc.property(
				fc.array(person, { maxLength: 40 }).map(unique),
				fc.array(fc.constantFrom('sianobrien', 'smith', 'sian', 'obrien2', 'zoejanesmith'), {
					maxLength: 5,
				}),
				fc.integer({ min: 4, max: 16 }),
				(people, existing, max) => {
					const pattern = { pattern: '{firstName}{lastName}', maxLength: max };
					const today = new Date('2026-11-18T00:00:00Z');
					const taken = new Map(existing.map((n) => [n, '']));
					const a = assignNames(people, pattern, taken, today);
					const b = assignNames([...people].reverse(), pattern, taken, today);
					const byId = (rs) => Object.fromEntries(rs.map((x) => [x.id, x.name]));
					expect(byId(a)).toEqual(byId(b));
					const names = a.map((x) => x.name).filter(Boolean);
					expect(new Set(names).size).toBe(names.length);
					for (const n of names) {
						expect(existing).not.toContain(n);
						expect(n).toMatch(/^[a-z0-9]+$/);
						expect(n.length).toBeLessThanOrEqual(max);
					}
				},
			),
		);
	});
	test('transliteration examples', () => {
		expect(safeName('Siân')).toBe('sian');
		expect(safeName("O'Brien")).toBe('obrien');
		expect(safeName('Ó Súilleabháin')).toBe('osuilleabhain');
		expect(safeName('Straße')).toBe('strasse');
		expect(safeName('Nguyễn')).toBe('nguyen');
		expect(
			baseName(
				{ id: '1', firstName: 'Sam', lastName: 'Okafor', yearGroup: '9' },
				{ pattern: '{firstName}.{lastInitial}{leavingYear2}', maxLength: 20 },
				new Date('2026-11-18T00:00:00Z'),
			),
		).toBe('sam.o31');
		expect(
			baseName(
				{ id: '1', firstName: 'Jo', lastName: 'Smith', startDate: '2024-09-04' },
				{ pattern: '{intakeYear2}{firstInitial}{lastName:5}', maxLength: 20 },
				new Date(),
			),
		).toBe('24jsmith');
	});
});
