// Get Summary's roll call and shaping, without n8n (core/attendance.ts).
const {
	byYearGroup,
	localCodeOverrides,
	markColumns,
	parseSessions,
	rollCall,
	studentsInYearGroup,
	studentSummary,
	unmappedCodesNote,
} = require('../../nodes/Bromcom/core/attendance');

const thresholds = { persistentAttendancePercent: 90, severeAttendancePercent: 50 };
const students = [
	{ StudentID: 1, FirstName: 'Ann', YearGroup: '9', StartDate: '2020-09-01', EndDate: '' },
	{
		StudentID: 2,
		FirstName: 'Ben',
		YearGroup: ' 9 ',
		StartDate: '2020-09-01',
		EndDate: '2024-07-20',
	},
	{ StudentID: 3, FirstName: 'Cat', YearGroup: '10', StartDate: '2026-01-10', EndDate: '' },
	{ StudentID: 4, FirstName: 'Dan', YearGroup: '10', StartDate: '', EndDate: '' },
];

test('the roll call: students on roll today or with marks, Students order first, then other marks', () => {
	const marked = new Map([
		['99', {}],
		['2', {}],
	]);
	expect(rollCall(students, marked, { today: '2025-11-03', marksOnly: false })).toEqual([
		'1',
		'2',
		'99',
	]);
	// Cat started after today and Dan has no start date: not on roll. A later today finds Cat.
	expect(rollCall(students, new Map(), { today: '2026-02-01', marksOnly: false })).toEqual([
		'1',
		'3',
	]);
	// The scope narrows who is on roll, never who has marks.
	expect(
		rollCall(students, marked, { today: '2026-02-01', wanted: new Set(['3']), marksOnly: false }),
	).toEqual(['2', '3', '99']);
	// A registration group is known by its marks alone.
	expect(rollCall(students, marked, { today: '2026-02-01', marksOnly: true })).toEqual(['2', '99']);
});

test('a year group is matched trimmed and in any case', () => {
	expect([...studentsInYearGroup(students, '9')]).toEqual(['1', '2']);
	expect([...studentsInYearGroup([{ StudentID: 5, YearGroupName: 'Year 7' }], 'year 7')]).toEqual([
		'5',
	]);
});

test('mark columns prefer ExportMark and the schema’s spelling; no mark column is an input error', () => {
	/** @param {string} name @returns {import('../../nodes/Bromcom/core/wire/dataset').DataSetColumn} */
	const column = (name) => ({ name, xmlName: name, xsType: 'string', kind: 'string' });
	const schema = ['studentid', 'Mark', 'ExportMark', 'CalendarName'].map(column);
	expect(markColumns('Attendances', schema, ['AM', 'PM'])).toEqual({
		student: 'studentid',
		code: 'ExportMark',
		meaning: undefined,
		session: 'CalendarName',
		sessions: ['AM', 'PM'],
	});
	expect(markColumns('Attendances', schema, []).session).toBeUndefined();
	expect(() => markColumns('Attendances', [column('StudentID')], [])).toThrow(
		/no student or mark column this node knows \(it has: StudentID\)/,
	);
});

test('sessions and local codes', () => {
	expect(parseSessions(' AM, PM ,,')).toEqual(['AM', 'PM']);
	expect(parseSessions('')).toEqual([]);
	expect(localCodeOverrides([{ code: ' Z9 ', category: 'present' }])).toEqual({ Z9: 'present' });
	expect(() => localCodeOverrides([{ code: '', category: 'present' }])).toThrow(
		/entry 1 has no code/,
	);
	expect(() => localCodeOverrides([{ code: 'Z9', category: 'nope' }])).toThrow(/"Z9" has no valid/);
});

test('a student’s item, the note on unmapped codes and the year-group items', () => {
	const tally = {
		counts: {
			present: 9,
			approvedEducationalActivity: 0,
			authorisedAbsence: 1,
			unauthorisedAbsence: 0,
			notPossible: 0,
			notRequired: 0,
			missing: 0,
		},
		late: 0,
		unmapped: 0,
		codes: { '/': 9, I: 1 },
	};
	const range = { from: '2025-09-01', to: '2025-09-30' };
	const ann = studentSummary('1', students[0], tally, range, thresholds, true);
	expect(ann).toMatchObject({
		StudentID: 1,
		FirstName: 'Ann',
		YearGroup: '9',
		possibleSessions: 10,
		attendancePercent: 90,
		persistentlyAbsent: true,
		codes: { '/': 9, I: 1 },
	});
	expect(Object.keys(/** @type {object} */ (ann.codes))).toEqual(['/', 'I']);
	const stranger = studentSummary('99', undefined, undefined, range, thresholds, false);
	expect(stranger).toMatchObject({ StudentID: 99, FirstName: null, possibleSessions: 0 });
	expect(stranger).not.toHaveProperty('codes');
	expect(unmappedCodesNote([])).toEqual({});
	const notes = unmappedCodesNote(['Q9']);
	expect(notes.unmappedCodes).toEqual(['Q9']);
	const groups = byYearGroup([ann, stranger, { ...ann, StudentID: 2 }], range, notes);
	expect(groups.map((g) => [g.YearGroup, g.studentCount, g.persistentlyAbsent])).toEqual([
		['9', 2, 2],
		['(none)', 1, 0],
	]);
	expect(groups[0]).toMatchObject({ from: '2025-09-01', unmappedCodes: ['Q9'] });
});
