/**
 * What an agent is handed (core/agent.ts), as plain functions: the agent fields, the sensitive-column
 * rule, and consent over rows and the rows nested in them.
 */
const {
	AGENT_FIELDS,
	agentView,
	isSensitiveColumn,
	peopleNamed,
	withConsent,
} = require('../../nodes/Bromcom/core/agent');

const student = {
	StudentID: 11,
	FirstName: 'Amy',
	LastName: 'Able',
	PreferredFirstName: 'Amy',
	PreferredLastName: 'Able',
	Gender: 'F',
	DateOfBirth: '2015-03-01T00:00:00+00:00',
	YearGroup: '6',
	TutorGroup: '6T',
	UPN: 'E000000000011',
	AdmissionNumber: '000011',
	StartDate: '2021-09-01T00:00:00+01:00',
	EndDate: null,
};

describe('agentView', () => {
	test("a student as an agent sees it: names, year, tutor group and ID, in the operation's order", () => {
		expect(agentView([student], AGENT_FIELDS.student)).toEqual([
			{
				StudentID: 11,
				FirstName: 'Amy',
				LastName: 'Able',
				PreferredFirstName: 'Amy',
				PreferredLastName: 'Able',
				YearGroup: '6',
				TutorGroup: '6T',
			},
		]);
	});

	test('field names match whatever the casing Bromcom used', () => {
		expect(
			agentView([{ studentid: 1, YEARGROUP: '7', dob: 'x' }], ['StudentID', 'YearGroup']),
		).toEqual([{ studentid: 1, YEARGROUP: '7' }]);
	});

	test('the fields the author chose win, sensitive or not', () => {
		const rows = [{ StudentID: 1, DateOfBirth: 'x' }];
		expect(agentView(rows, AGENT_FIELDS.student, ['DateOfBirth'])).toBe(rows);
	});

	test("'all' hands the items over as they are", () => {
		const rows = [{ StudentID: 1, attendancePercent: 93.2, note: 'our own note' }];
		expect(agentView(rows, 'all')).toBe(rows);
	});

	test('without a list, every column that looks sensitive is dropped, at every depth', () => {
		const row = {
			SchoolName: 'Edge Case Primary',
			AddressLine1: '1 High St',
			Postcode: 'AB1 2CD',
			TelephoneNumber: '01234',
			Students: [{ StudentID: 1, EmailAddress: 'a@b', MedicalNotes: 'x', YearGroup: '6' }],
		};
		expect(agentView([row], undefined)).toEqual([
			{ SchoolName: 'Edge Case Primary', Students: [{ StudentID: 1, YearGroup: '6' }] },
		]);
	});

	test.each([
		['EmailAddress', true],
		['Contact1Telephone', true],
		['IsDataProcessingConsentGranted', true],
		['PremiumPupilFlag', true],
		['EALFlag', true],
		['CourtOrderRestrictedAccess', true],
		['DateOfBirth', true],
		['UPN', true],
		['BehaviourComment', true],
		['PersonGUID', true],
		['SENStatus', true],
		['ChildInNeed', true],
		['LookedAfterFlag', true],
		['PostCode', true],
		['UserName', true],
		['Contact1Name', false],
		['CountryName', false],
		['AbsentSessions', false],
		['Senior', false],
		['StudentID', false],
		['YearGroup', false],
		['TutorGroupName', false],
		['CollectionName', false],
		['Mark', false],
		['MarkMeaningName', false],
		['CalendarName', false],
		['Present', false],
		['Session', false],
	])('%s is sensitive: %s', (name, sensitive) => {
		expect(isSensitiveColumn(name)).toBe(sensitive);
	});
});

describe('consent', () => {
	const none = () => ({ students: new Set(), staff: new Set(), persons: new Set() });

	test('the people to look up: rows without their own flag, by kind, nested rows too', () => {
		const named = peopleNamed([
			{ StudentID: 1, FirstName: 'A' },
			{ StaffID: 2 },
			{ PersonID: 3, IsDataProcessingConsentGranted: true, Students: [{ StudentID: 4 }] },
			{ PersonID: 5 },
			{ CollectionID: 9, MemberType: 'Student', StudentID: '6' },
			{ CollectionName: 'Maths' },
		]);
		expect([...named.students].sort()).toEqual([1, 4, 6]);
		expect([...named.staff]).toEqual([2]);
		expect([...named.persons]).toEqual([5]);
	});

	test('rows of people without consent are left out; their flag decides where they carry one', () => {
		const rows = [
			{ StudentID: 1 },
			{ StudentID: 2 },
			{ PersonID: 3, IsDataProcessingConsentGranted: false },
			{ PersonID: 4, IsDataProcessingConsentGranted: 'Yes' },
			{ StaffID: 5 },
			{ CollectionName: 'Maths' },
		];
		const granted = none();
		granted.students.add(1);
		const out = withConsent(rows, granted);
		expect(out.rows).toEqual([
			{ StudentID: 1 },
			{ PersonID: 4, IsDataProcessingConsentGranted: 'Yes' },
			{ CollectionName: 'Maths' },
		]);
		expect(out.left).toBe(3);
	});

	test("a contact with consent keeps only its links to children with consent; a year group's students likewise", () => {
		const granted = none();
		granted.students.add(1);
		const out = withConsent(
			[
				{
					PersonID: 7,
					IsDataProcessingConsentGranted: true,
					Students: [
						{ StudentID: 1, Relationship: 'Father' },
						{ StudentID: 2, Relationship: 'Father' },
					],
				},
				{ YearGroup: '6', studentCount: 2, students: [{ StudentID: 2 }, { StudentID: 1 }] },
			],
			granted,
		);
		expect(out.rows).toEqual([
			{
				PersonID: 7,
				IsDataProcessingConsentGranted: true,
				Students: [{ StudentID: 1, Relationship: 'Father' }],
			},
			{ YearGroup: '6', studentCount: 2, students: [{ StudentID: 1 }] },
		]);
	});

	test('a row naming a student and a member of staff needs both', () => {
		const granted = none();
		granted.students.add(1);
		expect(withConsent([{ StudentID: 1, StaffID: 2 }], granted).rows).toEqual([]);
		granted.staff.add(2);
		expect(withConsent([{ StudentID: 1, StaffID: 2 }], granted).rows).toHaveLength(1);
	});
});
