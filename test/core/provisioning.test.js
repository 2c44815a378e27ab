// The provisioning rules of the rule table, each with its reason code (Custom rules).
const { evaluate } = require('../../nodes/Bromcom/core/eligibility');

const custom = (switches) => ({
	preset: 'custom',
	lawfulBasisIsConsent: false,
	requireConsent: false,
	today: '2026-11-18',
	...switches,
});
const codes = (kind, facts, switches) =>
	evaluate(kind, facts, custom(switches)).reasons.map((r) => r.code);

test('teaching staff only: a teaching role is needed, and without the count the rule says it was not checked', () => {
	expect(codes('teacher', { teachingGroups: 0 }, { teachingStaffOnly: true })).toEqual([
		'TEACHER_NOT_TEACHING',
	]);
	expect(codes('teacher', { teachingGroups: 2 }, { teachingStaffOnly: true })).toEqual([]);
	expect(evaluate('teacher', {}, custom({ teachingStaffOnly: true })).notChecked).toEqual([
		'TEACHER_NOT_TEACHING',
	]);
});

test('staff and pupils only once their start date has passed (today counts; unknown does not)', () => {
	expect(codes('teacher', { startDate: '2026-11-19' }, { staffStarted: true })).toEqual([
		'TEACHER_NOT_STARTED',
	]);
	expect(
		codes('teacher', { startDate: '2026-11-18T00:00:00+00:00' }, { staffStarted: true }),
	).toEqual([]);
	expect(codes('student', { startDate: '2027-09-02' }, { studentsStarted: true })).toEqual([
		'STUDENT_NOT_STARTED',
	]);
	expect(codes('student', { startDate: '' }, { studentsStarted: true })).toEqual([
		'STUDENT_NOT_STARTED',
	]);
	expect(codes('student', { startDate: '2025-09-04' }, { studentsStarted: true })).toEqual([]);
});

test('a contact with a court order or restricted access is left out', () => {
	expect(
		codes(
			'contact',
			{ restricted: true, links: [{ relationship: 'Mother' }] },
			{ excludeRestrictedContacts: true },
		),
	).toEqual(['CONTACT_RESTRICTED']);
	expect(
		codes(
			'contact',
			{ restricted: 'No', links: [{ relationship: 'Mother' }] },
			{ excludeRestrictedContacts: true },
		),
	).toEqual([]);
	expect(codes('contact', { restricted: true, links: [{ relationship: 'Mother' }] }, {})).toEqual(
		[],
	);
});

test('an email for students and staff where single sign-on matches on it', () => {
	expect(codes('student', { email: '' }, { requirePersonEmail: true })).toEqual([
		'STUDENT_NO_EMAIL',
	]);
	expect(codes('teacher', { email: null }, { requirePersonEmail: true })).toEqual([
		'TEACHER_NO_EMAIL',
	]);
	expect(codes('teacher', { email: 'a@b.sch.uk' }, { requirePersonEmail: true })).toEqual([]);
});
