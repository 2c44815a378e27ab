/**
 * Attendance › Get Summary through n8n's execution engine against the sandbox, checked pupil by pupil
 * against a count made here, independently, from the raw marks that Attendance › Get Many returns.
 * The test's code table is written from the DfE list, not imported from the product.
 */
const { createSandbox } = require('../../sandbox/server');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

const NOW = '2026-11-18T10:30:00Z';
let sandbox;
let credentials;

const { expectedFrom } = require('../helpers/attendance-oracle');

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 11, now: NOW });
	credentials = sandboxCredential(await sandbox.start(0));
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

const marksFor = async (from, to, scope = {}) => {
	const { output, error } = await runNode({
		parameters: {
			resource: 'attendance',
			operation: 'getMany',
			from,
			to,
			returnAll: true,
			...scope,
		},
		credentials,
	});
	expect(error).toBeUndefined();
	return output;
};
const summary = async (parameters, extra = {}) => {
	const r = await runNode({
		parameters: { resource: 'attendance', operation: 'getSummary', ...parameters },
		credentials,
		...extra,
	});
	expect(r.error).toBeUndefined();
	return r.output;
};

function compare(items, marks, local) {
	const expected = expectedFrom(marks, local);
	const byId = new Map(items.map((i) => [i.StudentID, i]));
	// Every student with a mark is summarised, with exactly the oracle's numbers.
	for (const [id, e] of expected) {
		const got = byId.get(id);
		expect(got).toBeDefined();
		expect({
			possible: got.possibleSessions,
			present: got.present,
			late: got.late,
			aea: got.approvedEducationalActivity,
			authorised: got.authorisedAbsence,
			unauthorised: got.unauthorisedAbsence,
			notPossible: got.notPossibleToAttend,
			notRequired: got.notRequired,
			missing: got.missingMarks,
			unmapped: got.unmappedMarks,
		}).toEqual({
			possible: e.possible,
			present: e.present,
			late: e.late,
			aea: e.aea,
			authorised: e.authorised,
			unauthorised: e.unauthorised,
			notPossible: e.notPossible,
			notRequired: e.notRequired,
			missing: e.missing,
			unmapped: e.unmapped,
		});
		expect(got.attendancePercent).toBe(
			e.attendance === null ? null : Math.round(e.attendance * 1000) / 10,
		);
		expect(got.persistentlyAbsent).toBe(e.attendance !== null && e.attendance <= 0.9);
		expect(got.severelyAbsent).toBe(e.attendance !== null && e.attendance <= 0.5);
	}
	// Anyone else in the output has no mark in the range.
	for (const item of items)
		if (!expected.has(item.StudentID)) expect(item.possibleSessions).toBe(0);
	return expected;
}

describe('Attendance › Get Summary equals a count of the raw marks, pupil by pupil', () => {
	test.each([
		['the autumn term so far', '2026-09-01', '2026-11-18'],
		['October', '2026-10-01', '2026-10-31'],
		['one week', '2026-11-09', '2026-11-13'],
	])('all students, %s, in 5-day windows', async (_label, from, to) => {
		const items = await summary({ from, to, scope: 'all', options: { windowDays: 5 } });
		const expected = compare(items, await marksFor(from, to));
		expect(expected.size).toBeGreaterThan(20);
	});

	test('the sandbox year has all three kinds of pupil, a closure day and missing marks', async () => {
		const items = await summary({ from: '2026-09-01', to: '2026-11-18', scope: 'all' });
		const withMarks = items.filter((i) => i.possibleSessions > 0);
		expect(withMarks.some((i) => i.severelyAbsent)).toBe(true);
		expect(withMarks.some((i) => i.persistentlyAbsent && !i.severelyAbsent)).toBe(true);
		expect(withMarks.some((i) => !i.persistentlyAbsent)).toBe(true);
		// Y2 on the closure day, AM and PM, for everyone on roll that day (a few joined later).
		expect(withMarks.filter((i) => i.notPossibleToAttend === 2).length).toBeGreaterThan(
			withMarks.length / 2,
		);
		expect(withMarks.every((i) => i.notPossibleToAttend === 2 || i.notPossibleToAttend === 0)).toBe(
			true,
		);
		expect(withMarks.some((i) => i.missingMarks > 0)).toBe(true);
		expect(withMarks.every((i) => i.unmappedMarks === 0)).toBe(true);
	});

	test('one year group, one registration group and listed students', async () => {
		const from = '2026-09-01';
		const to = '2026-11-18';
		const all = await marksFor(from, to);
		const students = sandbox.rows('Students');
		const year8 = new Set(students.filter((s) => s.YearGroup === '8').map((s) => s.StudentID));
		const y8 = await summary({ from, to, scope: 'yearGroup', yearGroup: ' 8 ' });
		expect(y8.every((i) => year8.has(i.StudentID) && i.YearGroup === '8')).toBe(true);
		compare(
			y8,
			all.filter((m) => year8.has(m.StudentID)),
		);

		const group = all[0].CollectionID;
		const rg = await summary({ from, to, scope: 'registrationGroup', collectionId: String(group) });
		compare(
			rg,
			all.filter((m) => m.CollectionID === group),
		);
		expect(rg.length).toBe(
			new Set(all.filter((m) => m.CollectionID === group).map((m) => m.StudentID)).size,
		);

		const three = [...year8].slice(0, 3);
		const listed = await summary({ from, to, scope: 'students', studentIds: three.join(', ') });
		expect(listed.map((i) => i.StudentID).sort()).toEqual([...three].sort());
		compare(
			listed,
			all.filter((m) => three.includes(m.StudentID)),
		);
	});

	test('local codes override the table; ignoring Bromcom meanings leaves unknown codes unmapped, and says so', async () => {
		const from = '2026-09-01';
		const to = '2026-11-18';
		const marks = await marksFor(from, to);
		const local = await summary({
			from,
			to,
			options: { localCodes: { code: [{ code: '7', category: 'authorisedAbsence' }] } },
		});
		compare(local, marks, { 7: 'authorised' });
		const strict = await summary({ from, to, options: { ignoreMeanings: true } });
		const sevens = marks.filter((m) => m.ExportMark === '7').length;
		expect(sevens).toBeGreaterThan(0);
		expect(strict.reduce((n, i) => n + i.unmappedMarks, 0)).toBe(sevens);
		expect(strict[0].unmappedCodes).toEqual(['7']);
		expect(strict[0].note).toMatch(/Options › Local Codes/);
	});

	test('a response cut off mid-stream is read again without counting anything twice', async () => {
		const from = '2026-09-01';
		const to = '2026-11-18';
		const clean = await summary({ from, to, options: { windowDays: 100 } });
		sandbox.injectFault({
			kind: 'truncate',
			fraction: 0.7,
			match: { entity: 'Attendances', filterIncludes: 'CalendarStartDate' },
		});
		const retried = await summary({ from, to, options: { windowDays: 100 } });
		expect(sandbox.requests().filter((r) => r.injected === 'truncate')).toHaveLength(1);
		expect(retried).toEqual(clean);
	});

	test('only flagged students, grouped one item per year group for the heads of year', async () => {
		const from = '2026-09-01';
		const to = '2026-11-18';
		const every = await summary({ from, to });
		const flagged = every.filter((i) => i.persistentlyAbsent || i.severelyAbsent);
		const groups = await summary({ from, to, options: { onlyFlagged: true, output: 'yearGroup' } });
		expect(groups.map((g) => g.YearGroup).sort()).toEqual(
			[...new Set(flagged.map((i) => i.YearGroup))].sort(),
		);
		for (const g of groups) {
			expect(g.students).toEqual(flagged.filter((i) => i.YearGroup === g.YearGroup));
			expect(g.persistentlyAbsent).toBe(g.students.filter((i) => i.persistentlyAbsent).length);
		}
	});

	test('a wrong password fails with what to fix, and appears nowhere in the run', async () => {
		const secret = 'Wr0ng-P&ss<word>';
		const r = await runNode({
			parameters: {
				resource: 'attendance',
				operation: 'getSummary',
				from: '2026-11-09',
				to: '2026-11-13',
			},
			credentials: { ...credentials, password: secret },
		});
		expect(r.error.description).toMatch(/System Users/);
		const everything = JSON.stringify({
			run: r.run,
			message: r.error.message,
			description: r.error.description,
		});
		for (const form of [secret, encodeURIComponent(secret), 'Wr0ng-P&amp;ss&lt;word&gt;'])
			expect(everything).not.toContain(form);
	});

	test('bad input names the field and reads nothing', async () => {
		const before = sandbox.requests().length;
		const r = await runNode({
			parameters: {
				resource: 'attendance',
				operation: 'getSummary',
				scope: 'students',
				studentIds: '2000101, 0x10',
			},
			credentials,
		});
		expect(r.error.message).toMatch(/Student IDs .*"0x10" is not one/);
		expect(sandbox.requests().filter((q) => q.entity === 'Attendances').length).toBe(
			sandbox
				.requests()
				.slice(0, before)
				.filter((q) => q.entity === 'Attendances').length,
		);
	});
});
