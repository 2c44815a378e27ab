/**
 * Every resource/operation of the Bromcom node executed through n8n's execution engine against the
 * sandbox over HTTP. Expected outputs are computed from the sandbox's data with plain JavaScript
 * predicates (not by running the same SQL), so a wrong filter cannot agree with itself.
 */
const { createSandbox } = require('../../sandbox/server');
const { formatDateTime } = require('../../sandbox/asmx');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

const NOW = '2026-11-18T10:30:00Z';
let sandbox;
let credentials;
let now;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/;

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 11, now: NOW });
	credentials = sandboxCredential(await sandbox.start(0));
	now = sandbox.now();
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

const isCurrent = (r, start = 'StartDate', end = 'EndDate') =>
	r[start] <= now && (r[end] === null || r[end] >= now);
const run = (parameters, extra = {}) => runNode({ parameters, credentials, ...extra });
const ids = (rows, key) => rows.map((r) => r[key]);

describe('Student', () => {
	test('Get Many with each Record Status returns exactly those students, typed, Bromcom column names', async () => {
		const all = sandbox.rows('Students');
		for (const [status, predicate] of [
			['current', (r) => isCurrent(r)],
			['leavers', (r) => r.EndDate !== null && r.EndDate < now],
			['future', (r) => r.StartDate > now],
			['all', () => true],
		]) {
			const { output, error } = await run({
				resource: 'student',
				operation: 'getMany',
				recordStatus: status,
				returnAll: true,
				simplify: false,
			});
			expect(error).toBeUndefined();
			expect(ids(output, 'StudentID')).toEqual(ids(all.filter(predicate), 'StudentID'));
		}
		const { output } = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'current',
			returnAll: true,
			simplify: false,
		});
		const first = output[0];
		expect(Object.keys(first)).toEqual(sandbox.columns('Students').map(([n]) => n));
		expect(typeof first.StudentID).toBe('number');
		expect(typeof first.YearGroup).toBe('string');
		expect(first.StartDate).toMatch(ISO);
		expect(first.EndDate).toBeNull();
		expect(first.StartDate).toBe(
			formatDateTime(all.find((r) => r.StudentID === first.StudentID).StartDate, 'uk-local'),
		);
	});

	test('Limit, Simplify and Fields to Return', async () => {
		const limited = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'all',
			returnAll: false,
			limit: 3,
			simplify: true,
		});
		expect(limited.output).toHaveLength(3);
		expect(Object.keys(limited.output[0])).toEqual(
			expect.arrayContaining(['StudentID', 'FirstName', 'LastName', 'YearGroup', 'TutorGroup']),
		);
		expect(limited.output[0]).not.toHaveProperty('LegalFullName');
		const fields = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'all',
			returnAll: false,
			limit: 2,
			simplify: false,
			options: { fields: ['upn', 'StudentID'] },
		});
		expect(fields.output.map((r) => Object.keys(r))).toEqual([
			['UPN', 'StudentID'],
			['UPN', 'StudentID'],
		]);
	});

	test('Guided filters with hostile values return exactly the right rows', async () => {
		sandbox.changes.addStudent({ schoolId: 20001, firstName: 'Siân', lastName: "O'Brien" });
		const { studentId: hostile } = sandbox.changes.addStudent({
			schoolId: 20001,
			firstName: 'Bobby',
			lastName: "' OR 1=1 --",
		});
		const all = sandbox.rows('Students');
		const obrien = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'all',
			returnAll: true,
			simplify: false,
			filters: { conditions: [{ field: 'LastName', operator: 'equals', value: "O'Brien" }] },
		});
		expect(obrien.error).toBeUndefined();
		expect(ids(obrien.output, 'StudentID')).toEqual(
			ids(
				all.filter((r) => r.LastName.toLowerCase() === "o'brien"),
				'StudentID',
			),
		);
		expect(obrien.output.length).toBeGreaterThan(0);
		const injection = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'all',
			returnAll: true,
			simplify: false,
			filters: { conditions: [{ field: 'LastName', operator: 'equals', value: "' OR 1=1 --" }] },
		});
		expect(injection.error).toBeUndefined();
		expect(ids(injection.output, 'StudentID')).toEqual([hostile]);
		const starts = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'all',
			returnAll: true,
			simplify: false,
			filters: {
				conditions: [
					{ field: 'FirstName', operator: 'startsWith', value: 'Z' },
					{ field: 'YearGroup', operator: 'in', value: '7,8' },
				],
			},
		});
		expect(ids(starts.output, 'StudentID')).toEqual(
			ids(
				all.filter((r) => /^z/i.test(r.FirstName) && ['7', '8'].includes(r.YearGroup)),
				'StudentID',
			),
		);
		const date = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'all',
			returnAll: true,
			simplify: false,
			filters: {
				conditions: [{ field: 'DateOfBirth', operator: 'lessThan', value: '2013-09-01' }],
			},
		});
		expect(ids(date.output, 'StudentID')).toEqual(
			ids(
				all.filter((r) => r.DateOfBirth < Date.UTC(2013, 8, 1)),
				'StudentID',
			),
		);
		const raw = await run({
			resource: 'student',
			operation: 'getMany',
			recordStatus: 'current',
			returnAll: true,
			simplify: false,
			options: { rawFilter: "YearGroup = '8'", match: 'and' },
		});
		expect(ids(raw.output, 'StudentID')).toEqual(
			ids(
				all.filter((r) => isCurrent(r) && r.YearGroup === '8'),
				'StudentID',
			),
		);
	});

	test('Get, Get Contacts (highest-priority email and phone), Get Classes', async () => {
		const student = sandbox
			.rows('Students')
			.find(
				(r) =>
					isCurrent(r) &&
					sandbox.rows('StudentContacts').filter((l) => l.StudentID === r.StudentID).length >= 2,
			);
		const got = await run({
			resource: 'student',
			operation: 'get',
			studentId: String(student.StudentID),
			simplify: true,
		});
		expect(got.output).toEqual([
			expect.objectContaining({ StudentID: student.StudentID, LastName: student.LastName }),
		]);

		const contacts = await run({
			resource: 'student',
			operation: 'getContacts',
			studentId: String(student.StudentID),
			simplify: true,
		});
		const links = sandbox
			.rows('StudentContacts')
			.filter((l) => l.StudentID === student.StudentID && (l.EndDate === null || l.EndDate >= now));
		expect(contacts.output.map((c) => c.PersonID).sort()).toEqual(
			links.map((l) => l.ContactPersonID).sort(),
		);
		for (const c of contacts.output) {
			const emails = sandbox
				.rows('Emails')
				.filter((e) => e.PersonID === c.PersonID)
				.sort((a, b) => a.Priority - b.Priority);
			const phones = sandbox
				.rows('PersonTelephones')
				.filter((e) => e.PersonID === c.PersonID)
				.sort((a, b) => a.Priority - b.Priority);
			expect(c.Email).toBe(emails[0] ? emails[0].EmailAddress : null);
			expect(c.Telephone).toBe(phones[0] ? phones[0].TelephoneNumber : null);
			const link = links.find((l) => l.ContactPersonID === c.PersonID);
			expect(c.Students).toEqual([
				{
					StudentID: student.StudentID,
					Relationship: link.RelationshipDescription,
					ParentalResponsibility: link.ParentalResponsibility,
					ContactPriority: link.ContactPriority,
				},
			]);
		}

		const classes = await run({
			resource: 'student',
			operation: 'getClasses',
			studentId: String(student.StudentID),
			groupTypes: ['CLASS'],
		});
		const memberships = sandbox
			.rows('CollectionAssociates')
			.filter((a) => a.PersonID === student.StudentID && (a.EndDate === null || a.EndDate >= now));
		const collections = sandbox
			.rows('Collections')
			.filter(
				(c) =>
					c.CollectionTypeName === 'CLASS' &&
					memberships.some((m) => m.CollectionID === c.CollectionID),
			);
		expect(classes.output.map((c) => c.CollectionID).sort()).toEqual(
			collections.map((c) => c.CollectionID).sort(),
		);
		expect(
			classes.output.every(
				(c) => typeof c.SubjectDescription === 'string' && c.StudentID === student.StudentID,
			),
		).toBe(true);
	});

	test('Get of an unknown ID is a clear not-found error with [item N]', async () => {
		const r = await run({ resource: 'student', operation: 'get', studentId: '999999999' });
		expect(r.error.message).toMatch(/No Students record with StudentID 999999999/);
		expect(r.error.description).toMatch(/Get Many/);
		const bad = await run(
			{ resource: 'student', operation: 'get', studentId: 'abc' },
			{ items: [{}, {}], continueOnFail: true },
		);
		expect(bad.output).toHaveLength(2);
		expect(bad.output[0].error).toMatch(/Student ID "abc" is not a valid Bromcom ID/);
	});

	test('ID fields read the same everywhere: empty is said, and an optional one takes only an ID', async () => {
		const empty = await run({
			resource: 'attendance',
			operation: 'getMany',
			from: '2025-09-01',
			to: '2025-09-05',
			scope: 'student',
			studentId: ' ',
			returnAll: true,
		});
		expect(empty.error.message).toMatch(/Student ID is empty/);
		// Optional Student ID (Behaviour, Assessment): the same rule as a required one, so 1e3 or
		// 12.0 is refused, not read as another student.
		for (const studentId of ['1e3', '12.0', '-4', '99999999999']) {
			const r = await run({
				resource: 'behaviour',
				operation: 'getMany',
				studentId,
				returnAll: true,
			});
			expect(r.error.message).toMatch(
				new RegExp(`Student ID "${studentId.replace('.', '\\.')}" is not a valid Bromcom ID`),
			);
		}
		const all = await run({
			resource: 'behaviour',
			operation: 'getMany',
			studentId: '',
			returnAll: true,
		});
		expect(all.error).toBeUndefined();
		expect(all.output.length).toBe(sandbox.rows('BehaviourEventRecords').length);
	});
});

describe('Contact', () => {
	test('Get Many: contacts of current students with their links; Get one', async () => {
		const current = new Set(
			sandbox
				.rows('Students')
				.filter((r) => isCurrent(r))
				.map((r) => r.StudentID),
		);
		const links = sandbox
			.rows('StudentContacts')
			.filter((l) => current.has(l.StudentID) && (l.EndDate === null || l.EndDate >= now));
		const expected = [...new Set(links.map((l) => l.ContactPersonID))].sort((a, b) => a - b);
		const { output, error } = await run({
			resource: 'contact',
			operation: 'getMany',
			recordStatus: 'current',
			returnAll: true,
			simplify: true,
		});
		expect(error).toBeUndefined();
		expect(output.map((c) => c.PersonID).sort((a, b) => a - b)).toEqual(expected);
		const shared = output.find((c) => c.Students.length > 1);
		expect(shared).toBeDefined(); // siblings share contacts
		const noTitle = await run({
			resource: 'contact',
			operation: 'getMany',
			recordStatus: 'current',
			returnAll: true,
			simplify: true,
			filters: { conditions: [{ field: 'Title', operator: 'isEmpty' }] },
		});
		const people = sandbox.rows('People');
		expect(noTitle.output.map((c) => c.PersonID).sort((a, b) => a - b)).toEqual(
			expected.filter((id) => !people.find((p) => p.PersonID === id).Title),
		);

		const one = await run({
			resource: 'contact',
			operation: 'get',
			personId: String(shared.PersonID),
			simplify: false,
		});
		expect(one.output).toHaveLength(1);
		expect(one.output[0]).toMatchObject({
			PersonID: shared.PersonID,
			FirstName: people.find((p) => p.PersonID === shared.PersonID).FirstName,
		});
		expect(one.output[0].Students.length).toBe(
			sandbox.rows('StudentContacts').filter((l) => l.ContactPersonID === shared.PersonID).length,
		);
		expect(Array.isArray(one.output[0].Emails)).toBe(true);
	});
});

describe('Staff and Class', () => {
	test('Staff Get Many / Get / Get Classes with roles', async () => {
		const staff = sandbox.rows('Staff');
		const { output } = await run({
			resource: 'staff',
			operation: 'getMany',
			recordStatus: 'current',
			returnAll: true,
			simplify: true,
		});
		expect(ids(output, 'StaffID')).toEqual(
			ids(
				staff.filter((r) => isCurrent(r)),
				'StaffID',
			),
		);
		const teacher = sandbox
			.rows('CollectionExecutives')
			.find((e) => e.CollectionRoleTypeDescription === 'Main Teacher');
		const one = await run({
			resource: 'staff',
			operation: 'get',
			staffId: String(teacher.StaffID),
		});
		expect(one.output[0].StaffID).toBe(teacher.StaffID);
		const classes = await run({
			resource: 'staff',
			operation: 'getClasses',
			staffId: String(teacher.StaffID),
			groupTypes: [],
		});
		const expected = sandbox
			.rows('CollectionExecutives')
			.filter((e) => e.StaffID === teacher.StaffID);
		expect(classes.output.map((c) => `${c.CollectionID}:${c.Role}`).sort()).toEqual(
			expected.map((e) => `${e.CollectionID}:${e.CollectionRoleTypeDescription}`).sort(),
		);
		const supportStaff = staff.find(
			(s) => !sandbox.rows('CollectionExecutives').some((e) => e.StaffID === s.StaffID),
		);
		expect(
			(
				await run({
					resource: 'staff',
					operation: 'getClasses',
					staffId: String(supportStaff.StaffID),
					groupTypes: [],
				})
			).output,
		).toEqual([]);
	});

	test('Class Get Many by type and Get Members with Main Teacher / Main Tutor', async () => {
		const collections = sandbox.rows('Collections');
		const tutorGroups = await run({
			resource: 'class',
			operation: 'getMany',
			groupTypes: ['TUTORGRP'],
			recordStatus: 'current',
			returnAll: true,
		});
		expect(ids(tutorGroups.output, 'CollectionID')).toEqual(
			ids(
				collections.filter((c) => c.CollectionTypeName === 'TUTORGRP'),
				'CollectionID',
			),
		);
		const tg = tutorGroups.output[0];
		const members = await run({
			resource: 'class',
			operation: 'getMembers',
			collectionId: String(tg.CollectionID),
			members: ['students', 'staff'],
		});
		const tutors = sandbox
			.rows('CollectionExecutives')
			.filter((e) => e.CollectionID === tg.CollectionID);
		const studentsIn = sandbox
			.rows('CollectionAssociates')
			.filter(
				(a) => a.CollectionID === tg.CollectionID && (a.EndDate === null || a.EndDate >= now),
			);
		expect(
			members.output
				.filter((m) => m.MemberType === 'Staff')
				.map((m) => m.Role)
				.sort(),
		).toEqual(tutors.map((t) => t.CollectionRoleTypeDescription).sort());
		expect(members.output.filter((m) => m.MemberType === 'Staff').map((m) => m.Role)).toContain(
			'Main Tutor',
		);
		expect(
			members.output
				.filter((m) => m.MemberType === 'Student')
				.map((m) => m.StudentID)
				.sort(),
		).toEqual(studentsIn.map((a) => a.PersonID).sort());
	});
});

describe('Attendance, Timetable, Assessment, Behaviour, School, Entity', () => {
	test('Attendance over a long range is fetched in windows and merged in date order', async () => {
		sandbox.clearRequests();
		const from = '2026-09-01';
		const to = '2026-11-17';
		const all = sandbox
			.rows('Attendances')
			.filter(
				(r) =>
					r.CalendarStartDate >= Date.UTC(2026, 8, 1) &&
					r.CalendarStartDate < Date.UTC(2026, 10, 18),
			);
		const { output, error } = await run({
			resource: 'attendance',
			operation: 'getMany',
			from,
			to,
			scope: 'all',
			returnAll: true,
			options: { windowDays: 14 },
		});
		expect(error).toBeUndefined();
		expect(output.length).toBe(all.length);
		expect(
			ids(output, 'AttendanceID')
				.slice()
				.sort((a, b) => a - b),
		).toEqual(ids(all, 'AttendanceID').sort((a, b) => a - b));
		const dates = output.map((r) => Date.parse(r.CalendarStartDate));
		expect(dates).toEqual([...dates].sort((a, b) => a - b));
		const calls = sandbox.requests().filter((q) => q.entity === 'Attendances');
		expect(calls.length).toBe(Math.ceil(78 / 14));
		expect(calls[0].filter).toBe(
			"(CalendarStartDate >= '2026-09-01T00:00:00' AND CalendarStartDate < '2026-09-15T00:00:00')",
		);

		const student = all[0].StudentID;
		const one = await run({
			resource: 'attendance',
			operation: 'getMany',
			from,
			to,
			scope: 'student',
			studentId: String(student),
			returnAll: true,
		});
		expect(ids(one.output, 'AttendanceID')).toEqual(
			ids(
				all
					.filter((r) => r.StudentID === student)
					.sort(
						(a, b) => a.CalendarStartDate - b.CalendarStartDate || a.AttendanceID - b.AttendanceID,
					),
				'AttendanceID',
			),
		);
		const absent = await run({
			resource: 'attendance',
			operation: 'getMany',
			from,
			to,
			scope: 'all',
			returnAll: true,
			filters: {
				conditions: [
					{ field: 'MarkMeaningName', operator: 'equals', value: 'Unauthorised Absence' },
				],
			},
		});
		expect(absent.output.length).toBe(
			all.filter((r) => r.MarkMeaningName === 'Unauthorised Absence').length,
		);
	});

	test('Timetable per staff, student, class and room for a date range', async () => {
		const lessons = sandbox.rows('TimeTable');
		const first = lessons.find((l) => l.StaffID !== null);
		const day = new Date(first.PeriodStartDate).toISOString().slice(0, 10);
		const inDay = (l) => new Date(l.PeriodStartDate).toISOString().slice(0, 10) === day;
		const staff = await run({
			resource: 'timetable',
			operation: 'getMany',
			from: day,
			to: day,
			scope: 'staff',
			staffId: String(first.StaffID),
			returnAll: true,
		});
		expect(ids(staff.output, 'TimetableEntryID')).toEqual(
			ids(
				lessons.filter((l) => inDay(l) && l.StaffID === first.StaffID),
				'TimetableEntryID',
			),
		);
		const room = await run({
			resource: 'timetable',
			operation: 'getMany',
			from: day,
			to: day,
			scope: 'room',
			room: first.LocationName,
			returnAll: true,
		});
		expect(ids(room.output, 'TimetableEntryID')).toEqual(
			ids(
				lessons.filter((l) => inDay(l) && l.LocationName === first.LocationName),
				'TimetableEntryID',
			),
		);
		const cls = await run({
			resource: 'timetable',
			operation: 'getMany',
			from: day,
			to: day,
			scope: 'class',
			classId: String(first.ClassID),
			returnAll: true,
		});
		expect(cls.output.every((l) => l.ClassID === first.ClassID)).toBe(true);
		const sttRows = sandbox
			.rows('StudentTimeTables')
			.filter((l) => new Date(l.PeriodStartDate).toISOString().slice(0, 10) === day);
		const student = sttRows[0].StudentID;
		const stu = await run({
			resource: 'timetable',
			operation: 'getMany',
			from: day,
			to: day,
			scope: 'student',
			studentId: String(student),
			returnAll: true,
		});
		expect(stu.output.length).toBe(sttRows.filter((l) => l.StudentID === student).length);
		expect(stu.output.length).toBeGreaterThan(0);
	});

	test('Assessment, Behaviour and School', async () => {
		const results = sandbox.rows('AssociationAssessmentResults');
		const student = results[0].StudentID;
		const a = await run({
			resource: 'assessment',
			operation: 'getMany',
			studentId: String(student),
			returnAll: true,
		});
		expect(a.output.length).toBe(results.filter((r) => r.StudentID === student).length);
		expect(typeof a.output.find((r) => r.Score !== null).Score).toBe('number');
		const events = sandbox.rows('BehaviourEventRecords');
		const b = await run({
			resource: 'behaviour',
			operation: 'getMany',
			eventType: 'Negative',
			returnAll: true,
		});
		expect(ids(b.output, 'EventRecordID')).toEqual(
			ids(
				events.filter((e) => e.EventType === 'Negative'),
				'EventRecordID',
			),
		);
		const s = await run({ resource: 'school', operation: 'get' });
		expect(s.output).toEqual([
			expect.objectContaining({
				SchoolID: 20001,
				SchoolName: sandbox.rows('Schools')[0].SchoolName,
				IsPartOfMAT: true,
			}),
		]);
	});

	test('Entity: any permitted entity with record status detection, and the permitted list', async () => {
		const list = await run({ resource: 'entity', operation: 'list' });
		expect(list.output.map((r) => r.EntityName)).toContain('StudentFlatView');
		const flat = await run({
			resource: 'entity',
			operation: 'getMany',
			entity: { __rl: true, mode: 'list', value: 'StudentFlatView' },
			recordStatus: 'current',
			returnAll: true,
		});
		const expected = sandbox
			.rows('StudentFlatView')
			.filter((r) => isCurrent(r, 'EnrolmentStartDate', 'EnrolmentEndDate'));
		expect(ids(flat.output, 'StudentID')).toEqual(ids(expected, 'StudentID'));
		expect(typeof flat.output[0].IsDataProcessingConsentGranted).toBe('boolean');
		const noDates = await run({
			resource: 'entity',
			operation: 'getMany',
			entity: { __rl: true, mode: 'name', value: 'Emails' },
			recordStatus: 'current',
			returnAll: true,
		});
		expect(noDates.error.message).toMatch(/Emails has no start and end date columns/);
		const typo = await run({
			resource: 'entity',
			operation: 'getMany',
			entity: { __rl: true, mode: 'name', value: 'Studnts' },
			recordStatus: 'all',
			returnAll: true,
		});
		expect(typo.error.message).toMatch(/Invalid object name 'Studnts'/);
		expect(typo.error.description).toMatch(/entities this account may read/);
		const badField = await run({
			resource: 'entity',
			operation: 'getMany',
			entity: { __rl: true, mode: 'name', value: 'Students' },
			recordStatus: 'all',
			returnAll: true,
			filters: { conditions: [{ field: 'Surname', operator: 'equals', value: 'x' }] },
		});
		expect(badField.error.message).toMatch(/"Surname" is not a column of Students/);
	});
});
