const fc = require('fast-check');
const {
	AttendanceTally,
	summarise,
	categoryFromMeaning,
	DFE_CODES,
	academicYearStart,
} = require('../../nodes/Bromcom/core/attendance');

const columns = {
	student: 'StudentID',
	code: 'ExportMark',
	meaning: 'MarkMeaningName',
	session: 'CalendarName',
	sessions: ['AM', 'PM'],
};
const thresholds = { persistentAttendancePercent: 90, severeAttendancePercent: 50 };
const mark = fc.record({
	StudentID: fc.integer({ min: 1, max: 6 }),
	ExportMark: fc.constantFrom(
		'/',
		'\\',
		'L',
		'I',
		'O',
		'N',
		'V',
		'Y2',
		'X',
		'-',
		'',
		'C1',
		'7',
		'Q',
		'AM  ',
	),
	MarkMeaningName: fc.constantFrom(
		'Present',
		'Authorised Absence',
		'Unauthorised Absence',
		'',
		null,
	),
	CalendarName: fc.constantFrom('AM', 'PM', 'PM   ', 'P1'),
});

test('tallying in windows and merging equals tallying at once, in any split (property)', () => {
	fc.assert(
		fc.property(
			fc.array(mark, { maxLength: 80 }),
			fc.array(fc.nat(80), { maxLength: 4 }),
			(rows, cuts) => {
				const whole = new AttendanceTally(columns);
				whole.add(rows);
				const points = [...new Set(cuts.map((c) => Math.min(c, rows.length)))].sort(
					(a, b) => a - b,
				);
				const total = new AttendanceTally(columns);
				let start = 0;
				for (const end of [...points, rows.length]) {
					const part = new AttendanceTally(columns);
					part.add(rows.slice(start, end));
					total.merge(part);
					start = end;
				}
				const view = (t) => JSON.stringify([...t.students].sort(([a], [b]) => (a < b ? -1 : 1)));
				expect(view(total)).toBe(view(whole));
				expect(total.marks).toBe(whole.marks);
			},
		),
	);
});

test('lesson marks are not counted; padding is ignored; every session mark lands in exactly one place', () => {
	fc.assert(
		fc.property(fc.array(mark, { maxLength: 60 }), (rows) => {
			const t = new AttendanceTally(columns);
			t.add(rows);
			const sessions = rows.filter((r) => ['AM', 'PM'].includes(r.CalendarName.trim()));
			expect(t.marks).toBe(sessions.length);
			let placed = 0;
			for (const s of t.students.values())
				placed += Object.values(s.counts).reduce((a, b) => a + b, 0) + s.unmapped;
			expect(placed).toBe(sessions.length);
		}),
	);
});

test('percentages and the DfE flags: exactly 90 % attendance is persistent absence, 50 % is severe', () => {
	const tally = (present, absent) => ({
		counts: {
			present,
			approvedEducationalActivity: 0,
			authorisedAbsence: absent,
			unauthorisedAbsence: 0,
			notPossible: 3,
			notRequired: 1,
			missing: 2,
		},
		late: 0,
		unmapped: 0,
		codes: {},
	});
	expect(summarise(tally(90, 10), thresholds)).toMatchObject({
		possibleSessions: 100,
		attendancePercent: 90,
		persistentlyAbsent: true,
		severelyAbsent: false,
		missingMarks: 2,
		notPossibleToAttend: 3,
	});
	expect(summarise(tally(901, 99), thresholds)).toMatchObject({
		attendancePercent: 90.1,
		persistentlyAbsent: false,
	});
	expect(summarise(tally(50, 50), thresholds)).toMatchObject({
		severelyAbsent: true,
		persistentlyAbsent: true,
	});
	expect(summarise(tally(51, 49), thresholds).severelyAbsent).toBe(false);
	expect(summarise(undefined, thresholds)).toMatchObject({
		possibleSessions: 0,
		attendancePercent: null,
		persistentlyAbsent: false,
	});
	// 2 of 3 sessions: 66.666… shown as 66.7, compared exactly.
	expect(
		summarise(tally(2, 1), { persistentAttendancePercent: 66.7, severeAttendancePercent: 0 })
			.persistentlyAbsent,
	).toBe(true);
});

test('codes: the DfE table, local overrides first, Bromcom meanings for the rest', () => {
	expect(DFE_CODES.L).toBe('present');
	expect(DFE_CODES.B).toBe('approvedEducationalActivity');
	expect(DFE_CODES.Y2).toBe('notPossible');
	expect(categoryFromMeaning('Unauthorised Absence')).toBe('unauthorisedAbsence');
	expect(categoryFromMeaning('Authorised absence')).toBe('authorisedAbsence');
	expect(categoryFromMeaning('Approved Educational Activity')).toBe('approvedEducationalActivity');
	expect(categoryFromMeaning('')).toBeUndefined();
	const t = new AttendanceTally(columns, { overrides: { I: 'unauthorisedAbsence' } });
	t.add([
		{ StudentID: 1, ExportMark: 'I', CalendarName: 'AM' },
		{ StudentID: 1, ExportMark: '7', MarkMeaningName: 'Present', CalendarName: 'PM' },
		{ StudentID: 1, ExportMark: '9', MarkMeaningName: 'Something local', CalendarName: 'PM' },
	]);
	expect(t.students.get('1').counts).toMatchObject({ unauthorisedAbsence: 1, present: 1 });
	expect(t.students.get('1').unmapped).toBe(1);
	expect([...t.unmappedCodes]).toEqual([['9', 1]]);
	const strict = new AttendanceTally(columns, { useBromcomMeaning: false });
	strict.add([{ StudentID: 1, ExportMark: '7', MarkMeaningName: 'Present', CalendarName: 'AM' }]);
	expect(strict.students.get('1').unmapped).toBe(1);
});

test('the academic year starts on 1 September', () => {
	expect(academicYearStart(new Date('2026-12-01T00:00:00Z'))).toBe('2026-09-01');
	expect(academicYearStart(new Date('2027-03-01T00:00:00Z'))).toBe('2026-09-01');
	expect(academicYearStart(new Date('2027-09-01T00:00:00Z'))).toBe('2027-09-01');
});
