'use strict';
/**
 * The sandbox's entities: column lists (name, SQL type) and row builders over the school model.
 * Column names follow docs/bromcom-facts.md (Entities and columns) where known (S6 typed SOAP use first, then REST names
 * in PascalCase); where the reference says UNKNOWN (StudentContacts, Emails, PersonTelephones, the
 * assessment family, write-back tables) the choice is listed in sandbox/README.md.
 *
 * Types: int, string, datetime, bit, decimal:<scale>, float, guid. NULL is `null`.
 */
const {
	DAY,
	DAY_NAMES,
	rng,
	schoolDaysBetween,
	academicYearStart,
	lessonOccurrences,
	at,
	PERIODS,
} = require('./data');

const yesNo = (b) => (b ? 'Yes' : 'No');
const isCurrent = (p, now) => p.start <= now && (p.end === null || p.end >= now);

const STUDENT_COLUMNS = [
	['StudentID', 'int'],
	['FirstName', 'string'],
	['MiddleName', 'string'],
	['LastName', 'string'],
	['PreferredFirstName', 'string'],
	['PreferredLastName', 'string'],
	['PreferredFullName', 'string'],
	['LegalFullName', 'string'],
	['Gender', 'string'],
	['DateOfBirth', 'datetime'],
	['UPN', 'string'],
	['AdmissionNumber', 'string'],
	['YearGroupID', 'int'],
	['YearGroup', 'string'],
	['TutorGroupID', 'int'],
	['TutorGroup', 'string'],
	['ChronologicalYearGroup', 'string'],
	['StartDate', 'datetime'],
	['EndDate', 'datetime'],
];

function studentRow(school, s) {
	return {
		StudentID: s.personId,
		FirstName: s.first,
		MiddleName: s.middle,
		LastName: s.last,
		PreferredFirstName: s.preferredFirst,
		PreferredLastName: s.last,
		PreferredFullName: `${s.preferredFirst} ${s.last}`,
		LegalFullName: [s.first, s.middle, s.last].filter(Boolean).join(' '),
		Gender: s.gender,
		DateOfBirth: s.dob,
		UPN: s.upn,
		AdmissionNumber: s.admissionNumber,
		YearGroupID: school.yearGroups.get(Number(s.yearGroup)).collectionId,
		YearGroup: s.yearGroup,
		TutorGroupID: s.tutorGroup.collectionId,
		TutorGroup: s.tutorGroup.name,
		ChronologicalYearGroup: s.yearGroup,
		StartDate: s.start,
		EndDate: s.end,
	};
}

function contactsOf(school, studentId) {
	return school.links
		.filter((l) => l.studentId === studentId)
		.sort((a, b) => a.priority - b.priority);
}

function mainEmail(school, personId) {
	const list = school.emails
		.filter((e) => e.personId === personId)
		.sort((a, b) => a.priority - b.priority);
	return list.length ? list[0].address : null;
}

function mainPhone(school, personId) {
	const list = school.phones
		.filter((e) => e.personId === personId)
		.sort((a, b) => a.priority - b.priority);
	return list.length ? list[0].number : null;
}

function personById(school, id) {
	return school.people.get(id);
}

const ENTITIES = {
	Schools: {
		columns: [
			['SchoolID', 'int'],
			['SchoolName', 'string'],
			['EstablishmentNumber', 'string'],
			['UniqueReferenceNumber', 'string'],
			['LEANumber', 'string'],
			['LEAName', 'string'],
			['PostCode', 'string'],
			['Town', 'string'],
			['TelephoneNumber', 'string'],
			['EmailAddress', 'string'],
			['WebSite', 'string'],
			['HeadTeacherName', 'string'],
			['IsPartOfMAT', 'bit'],
			['DataProtectionLawfulBasis', 'string'],
		],
		rows: (school) => [
			{
				SchoolID: school.id,
				SchoolName: school.name,
				EstablishmentNumber: school.establishmentNumber,
				UniqueReferenceNumber: school.urn,
				LEANumber: '878',
				LEAName: 'Devon',
				PostCode: `EX${(school.id % 30) + 1} ${(school.id % 9) + 1}AB`,
				Town: 'Exeter',
				TelephoneNumber: `01392 ${String(100000 + (school.id % 899999))}`,
				EmailAddress: `admin@${school.domain}`,
				WebSite: `https://www.${school.domain}`,
				HeadTeacherName: 'Dr Alex Morgan',
				IsPartOfMAT: school.cfg.schools.length > 1,
				DataProtectionLawfulBasis: school.lawfulBasis,
			},
		],
	},
	Students: {
		columns: STUDENT_COLUMNS,
		rows: (school) => school.students.map((s) => studentRow(school, s)),
	},
	StudentFlatView: {
		columns: [
			['StudentID', 'int'],
			['FirstName', 'string'],
			['LastName', 'string'],
			['PreferredFirstName', 'string'],
			['PreferredLastName', 'string'],
			['GenderCode', 'string'],
			['DateOfBirth', 'datetime'],
			['UPN', 'string'],
			['AdmissionNumber', 'string'],
			['StudentEmail', 'string'],
			['EnrolmentStartDate', 'datetime'],
			['EnrolmentEndDate', 'datetime'],
			['EnrolmentStateName', 'string'],
			['IsLeaver', 'bit'],
			['YearGroup', 'string'],
			['TutorGroupName', 'string'],
			['HouseName', 'string'],
			['IsDataProcessingConsentGranted', 'bit'],
			['PremiumPupilFlag', 'bit'],
			['EALFlag', 'string'],
			['Contact1Name', 'string'],
			['Contact1Relationship', 'string'],
			['Contact1ParentalResponsibility', 'string'],
			['Contact1Email', 'string'],
			['Contact1Telephone', 'string'],
			['StudentContactCount', 'int'],
			['PresentPercentageWithEA', 'decimal:2'],
		],
		rows: (school) =>
			school.students.map((s) => {
				const links = contactsOf(school, s.personId);
				const c1 = links[0] ? personById(school, links[0].contactId) : null;
				const r = rng(school.seed, school.id, s.personId, 'flat');
				return {
					StudentID: s.personId,
					FirstName: s.first,
					LastName: s.last,
					PreferredFirstName: s.preferredFirst,
					PreferredLastName: s.last,
					GenderCode: s.gender,
					DateOfBirth: s.dob,
					UPN: s.upn,
					AdmissionNumber: s.admissionNumber,
					StudentEmail: `${s.admissionNumber}@${school.domain}`,
					EnrolmentStartDate: s.start,
					EnrolmentEndDate: s.end,
					EnrolmentStateName: 'C',
					IsLeaver: s.end !== null && s.end < school.now,
					YearGroup: s.yearGroup,
					TutorGroupName: s.tutorGroup.name,
					HouseName: school.houses[s.houseIndex % school.houses.length].name,
					IsDataProcessingConsentGranted: s.consent,
					PremiumPupilFlag: s.pupilPremium,
					EALFlag: yesNo(s.ealFlag),
					Contact1Name: c1 ? [c1.title, c1.first, c1.last].filter(Boolean).join(' ') : null,
					Contact1Relationship: links[0] ? links[0].relationship : null,
					Contact1ParentalResponsibility: links[0] ? yesNo(links[0].pr) : null,
					Contact1Email: c1 ? mainEmail(school, c1.personId) : null,
					Contact1Telephone: c1 ? mainPhone(school, c1.personId) : null,
					StudentContactCount: links.length,
					PresentPercentageWithEA:
						s.start > school.now ? null : Math.round((88 + r.next() * 12) * 100) / 100,
				};
			}),
	},
	People: {
		columns: [
			['PersonID', 'int'],
			['PersonGUID', 'guid'],
			['Title', 'string'],
			['FirstName', 'string'],
			['MiddleName', 'string'],
			['LastName', 'string'],
			['PreferredFirstName', 'string'],
			['PreferredLastName', 'string'],
			['Gender', 'string'],
			['DateOfBirth', 'datetime'],
			['IsDataProcessingConsentGranted', 'bit'],
		],
		rows: (school) =>
			[...school.people.values()].map((p) => ({
				PersonID: p.personId,
				PersonGUID: p.guid,
				Title: p.title,
				FirstName: p.first,
				MiddleName: p.middle,
				LastName: p.last,
				PreferredFirstName: p.preferredFirst || p.first,
				PreferredLastName: p.last,
				Gender: p.gender,
				DateOfBirth: p.dob,
				IsDataProcessingConsentGranted: p.consent,
			})),
	},
	StudentContacts: {
		columns: [
			['StudentContactID', 'int'],
			['StudentID', 'int'],
			['ContactPersonID', 'int'],
			['RelationshipDescription', 'string'],
			['ParentalResponsibility', 'bit'],
			['ContactPriority', 'int'],
			['Correspondence', 'bit'],
			['StudentReports', 'bit'],
			['ParentalBallot', 'bit'],
			['CourtOrderRestrictedAccess', 'bit'],
			['LivesWithStudent', 'bit'],
			['StartDate', 'datetime'],
			['EndDate', 'datetime'],
		],
		rows: (school) =>
			school.links.map((l) => ({
				StudentContactID: l.id,
				StudentID: l.studentId,
				ContactPersonID: l.contactId,
				RelationshipDescription: l.relationship,
				ParentalResponsibility: l.pr,
				ContactPriority: l.priority,
				Correspondence: l.correspondence,
				StudentReports: l.reports,
				ParentalBallot: l.ballot,
				CourtOrderRestrictedAccess: l.courtOrder,
				LivesWithStudent: l.livesWith,
				StartDate: l.start,
				EndDate: l.end,
			})),
	},
	Emails: {
		columns: [
			['EmailID', 'int'],
			['PersonID', 'int'],
			['EmailAddress', 'string'],
			['EmailTypeDescription', 'string'],
			['Priority', 'int'],
		],
		rows: (school) =>
			school.emails.map((e) => ({
				EmailID: e.id,
				PersonID: e.personId,
				EmailAddress: e.address,
				EmailTypeDescription: e.type,
				Priority: e.priority,
			})),
	},
	PersonTelephones: {
		columns: [
			['PersonTelephoneID', 'int'],
			['PersonID', 'int'],
			['TelephoneNumber', 'string'],
			['TelephoneTypeDescription', 'string'],
			['Priority', 'int'],
		],
		rows: (school) =>
			school.phones.map((t) => ({
				PersonTelephoneID: t.id,
				PersonID: t.personId,
				TelephoneNumber: t.number,
				TelephoneTypeDescription: t.type,
				Priority: t.priority,
			})),
	},
	Staff: {
		columns: [
			['StaffID', 'int'],
			['Title', 'string'],
			['FirstName', 'string'],
			['MiddleName', 'string'],
			['LastName', 'string'],
			['PreferredFirstName', 'string'],
			['PreferredLastName', 'string'],
			['PreferredFullName', 'string'],
			['StaffCode', 'string'],
			['JobTitle', 'string'],
			['WorkEmail', 'string'],
			['StartDate', 'datetime'],
			['EndDate', 'datetime'],
		],
		rows: (school) =>
			school.staff.map((s) => ({
				StaffID: s.personId,
				Title: s.title,
				FirstName: s.first,
				MiddleName: s.middle,
				LastName: s.last,
				PreferredFirstName: s.first,
				PreferredLastName: s.last,
				PreferredFullName: `${s.first} ${s.last}`,
				StaffCode: s.staffCode,
				JobTitle: s.jobTitle,
				WorkEmail: s.workEmail,
				StartDate: s.start,
				EndDate: s.end,
			})),
	},
	Collections: {
		columns: [
			['CollectionID', 'int'],
			['CollectionName', 'string'],
			['CollectionDescription', 'string'],
			['CollectionTypeName', 'string'],
			['CollectionTypeDescription', 'string'],
			['StartDate', 'datetime'],
			['EndDate', 'datetime'],
		],
		rows: (school) =>
			school.collections.map((c) => ({
				CollectionID: c.collectionId,
				CollectionName: c.name,
				CollectionDescription: c.description,
				CollectionTypeName: c.type,
				CollectionTypeDescription: c.typeDescription,
				StartDate: c.start,
				EndDate: c.end,
			})),
	},
	CollectionAssociates: {
		columns: [
			['CollectionAssociateID', 'int'],
			['PersonID', 'int'],
			['CollectionID', 'int'],
			['CollectionName', 'string'],
			['StartDate', 'datetime'],
			['EndDate', 'datetime'],
		],
		rows: (school) =>
			school.associates.map((a) => ({
				CollectionAssociateID: a.id,
				PersonID: a.personId,
				CollectionID: a.collectionId,
				CollectionName: a.collectionName,
				StartDate: a.start,
				EndDate: a.end,
			})),
	},
	CollectionExecutives: {
		columns: [
			['CollectionExecutiveID', 'int'],
			['StaffID', 'int'],
			['CollectionID', 'int'],
			['CollectionName', 'string'],
			['CollectionRoleTypeDescription', 'string'],
			['StartDate', 'datetime'],
			['EndDate', 'datetime'],
		],
		rows: (school) =>
			school.executives.map((e) => ({
				CollectionExecutiveID: e.id,
				StaffID: e.staffId,
				CollectionID: e.collectionId,
				CollectionName: e.collectionName,
				CollectionRoleTypeDescription: e.role,
				StartDate: e.start,
				EndDate: e.end,
			})),
	},
	SubjectClasses: {
		columns: [
			['ClassID', 'int'],
			['ClassDescription', 'string'],
			['SubjectDescription', 'string'],
			['YearGroup', 'string'],
			['StartDate', 'datetime'],
			['EndDate', 'datetime'],
		],
		rows: (school) =>
			school.subjectClasses.map((c) => ({
				ClassID: c.collectionId,
				ClassDescription: c.name,
				SubjectDescription: c.subject,
				YearGroup: c.yearGroup,
				StartDate: c.start,
				EndDate: c.end,
			})),
	},
	TimeTable: {
		columns: [
			['TimetableEntryID', 'int'],
			['StaffID', 'int'],
			['ClassID', 'int'],
			['ClassName', 'string'],
			['PeriodStartDate', 'datetime'],
			['PeriodEndDate', 'datetime'],
			['PeriodName', 'string'],
			['WeekDayPeriod', 'string'],
			['LocationName', 'string'],
			['DayOfWeek', 'string'],
			['TimetableDay', 'int'],
			['WeekNumber', 'int'],
		],
		rows: (school) =>
			lessonOccurrences(school).map((o) => ({
				TimetableEntryID: o.id,
				StaffID: o.collection.teacherId === undefined ? null : o.collection.teacherId,
				ClassID: o.collection.collectionId,
				ClassName: o.collection.name,
				PeriodStartDate: o.start,
				PeriodEndDate: o.end,
				PeriodName: o.period.name,
				WeekDayPeriod: `${DAY_NAMES[o.dow].slice(0, 3)}:${o.period.name}`,
				LocationName: o.room,
				DayOfWeek: DAY_NAMES[o.dow],
				TimetableDay: (o.week - 1) * 5 + o.dow + 1,
				WeekNumber: o.week,
			})),
	},
	StudentTimeTables: {
		columns: [
			['StudentID', 'int'],
			['ClassID', 'int'],
			['ClassName', 'string'],
			['PeriodStartDate', 'datetime'],
			['PeriodEndDate', 'datetime'],
			['PeriodName', 'string'],
			['LocationName', 'string'],
		],
		rows: (school) => {
			const byClass = new Map();
			for (const a of school.associates) {
				if (!byClass.has(a.collectionId)) byClass.set(a.collectionId, []);
				byClass.get(a.collectionId).push(a);
			}
			const out = [];
			for (const o of lessonOccurrences(school)) {
				for (const a of byClass.get(o.collection.collectionId) || []) {
					if (a.start > o.start || (a.end !== null && a.end < o.start)) continue;
					out.push({
						StudentID: a.personId,
						ClassID: o.collection.collectionId,
						ClassName: o.collection.name,
						PeriodStartDate: o.start,
						PeriodEndDate: o.end,
						PeriodName: o.period.name,
						LocationName: o.room,
					});
				}
			}
			return out;
		},
	},
	Attendances: {
		columns: [
			['AttendanceID', 'int'],
			['StudentID', 'int'],
			['CalendarName', 'string'],
			['CalendarStartDate', 'datetime'],
			['CalendarEndDate', 'datetime'],
			['Mark', 'string'],
			['ExportMark', 'string'],
			['MarkMeaningName', 'string'],
			['MarkMeaningDescription', 'string'],
			['AttendanceComment', 'string'],
			['RecordedBy', 'int'],
			['RecordedOn', 'datetime'],
			['Minute', 'int'],
			['CollectionID', 'int'],
		],
		rows: attendanceRows,
	},
	AssociationAssessmentResults: {
		columns: [
			['StudentResultID', 'int'],
			['StudentID', 'int'],
			['AssessmentTypeID', 'int'],
			['AssessmentTypeName', 'string'],
			['TermID', 'int'],
			['TermName', 'string'],
			['YearGroupID', 'int'],
			['YearGroupName', 'string'],
			['SubjectID', 'int'],
			['SubjectName', 'string'],
			['Result', 'string'],
			['Score', 'decimal:2'],
			['IsGrade', 'bit'],
			['ResultDate', 'datetime'],
		],
		rows: assessmentRows,
	},
	BehaviourEventRecords: {
		columns: [
			['EventRecordID', 'int'],
			['StudentID', 'int'],
			['EventID', 'int'],
			['EventName', 'string'],
			['EventType', 'string'],
			['Adjustment', 'int'],
			['OwnerID', 'int'],
			['ClassID', 'int'],
			['EventDate', 'datetime'],
			['Comment', 'string'],
			['InternalComment', 'string'],
		],
		rows: behaviourRows,
	},
	StudentMeals: {
		columns: [
			['PersonID', 'int'],
			['StudentID', 'int'],
			['MealTypeDescription', 'string'],
			['DinnerBalance', 'decimal:2'],
		],
		rows: (school) =>
			[...school.meals.values()].map((m) => ({
				PersonID: m.personId,
				StudentID: m.personId,
				MealTypeDescription: m.mealType,
				DinnerBalance: m.balance,
			})),
	},
	DinnerTransactions: {
		columns: [
			['DinnerTransactionID', 'int'],
			['PersonID', 'int'],
			['ExternalID', 'int'],
			['TransactionType', 'string'],
			['TransactionDetails', 'string'],
			['Amount', 'decimal:2'],
			['RemainingBalance', 'decimal:2'],
			['Instant', 'datetime'],
		],
		rows: (school) => school.transactions.map((t) => ({ ...t })),
	},
	SingleSignOnUsers: {
		columns: [
			['UserID', 'int'],
			['EmailAddress', 'string'],
			['SSOProvider', 'string'],
			['RegisteredOn', 'datetime'],
		],
		rows: (school) => school.ssoUsers.map((u) => ({ ...u })),
	},
};

/**
 * Absence reasons as [mark, export mark, meaning, description, weight]: the weight is the share of a
 * pupil's absences with that reason. The 2-character ExportMark carries the 2024 sub-codes (C1, J1);
 * Mark keeps the single character (docs/bromcom-facts.md, Attendance codes).
 * @type {Array<[string, string, string, string, number]>}
 */
const ABSENCES = [
	['I', 'I', 'Authorised Absence', 'Illness (not medical or dental appointments)', 0.42],
	['M', 'M', 'Authorised Absence', 'Medical or dental appointments', 0.08],
	[
		'C',
		'C1',
		'Authorised Absence',
		'Leave of absence for a regulated performance or employment',
		0.02,
	],
	['J', 'J1', 'Authorised Absence', 'Interview', 0.01],
	['R', 'R', 'Authorised Absence', 'Religious observance', 0.02],
	['O', 'O', 'Unauthorised Absence', 'Absent in other or unknown circumstances', 0.17],
	['N', 'N', 'Unauthorised Absence', 'No reason yet provided for absence', 0.1],
	['G', 'G', 'Unauthorised Absence', 'Holiday not granted by the school', 0.13],
	['U', 'U', 'Unauthorised Absence', 'Arrived in school after registers closed', 0.05],
];

/**
 * Marks that are not absences, per session: late before registers closed, approved educational
 * activity off site, a local code the school defined (meaning Present), and a missing mark.
 * @type {Array<[string, string, string, string, number]>}
 */
const OTHER_MARKS = [
	['L', 'L', 'Present', 'Late (before registers closed)', 0.025],
	['V', 'V', 'Approved Educational Activity', 'Educational visit or trip', 0.004],
	[
		'B',
		'B',
		'Approved Educational Activity',
		'Attending any other approved educational activity',
		0.002,
	],
	['7', '7', 'Present', 'Local code: in the inclusion room', 0.002],
	['-', '-', 'No Mark', 'No mark recorded', 0.003],
];

/**
 * A pupil's share of absent sessions, fixed per pupil: most attend well, about one in seven is
 * persistently absent and about one in thirty severely, so the summaries have all three.
 */
function absenceRate(school, student, index) {
	const r = rng(school.seed, school.id, student.personId, 'absence-rate');
	if (index % 31 === 5) return 0.5 + 0.3 * r.next();
	if (index % 7 === 2) return 0.12 + 0.25 * r.next();
	return 0.01 + 0.06 * r.next();
}

/** The twentieth school day: the whole school could not travel (widespread disruption: Y2, not possible). */
function disruptedDay(days) {
	return days[19];
}

function attendanceRows(school) {
	const now = school.now;
	const from =
		school.cfg.attendanceDays === 'academicYear'
			? academicYearStart(now)
			: now - Math.ceil((school.cfg.attendanceDays * 7) / 5 + 90) * DAY;
	let days = schoolDaysBetween(from, now);
	if (typeof school.cfg.attendanceDays === 'number') days = days.slice(-school.cfg.attendanceDays);
	const sessions = [
		{ name: 'AM', start: [8, 40], end: [12, 5], recorded: [8, 55], present: '/' },
		{ name: 'PM', start: [13, 35], end: [15, 50], recorded: [13, 50], present: '\\' },
	];
	const tutorOf = new Map(
		school.executives
			.filter((e) => e.role === 'Main Tutor')
			.map((e) => [e.collectionId, e.staffId]),
	);
	const out = [];
	let id = 1;
	const nowDay = Math.floor(now / DAY) * DAY;
	const rates = new Map(
		school.students.map((s, index) => [s.personId, absenceRate(school, s, index)]),
	);
	const snowDay = disruptedDay(days);
	const pick = (list, roll) => {
		let acc = 0;
		for (const entry of list) {
			acc += entry[4];
			if (roll < acc) return entry;
		}
		return list[list.length - 1];
	};
	for (const day of days) {
		for (const session of sessions) {
			const recordedOn = at(day, session.recorded);
			if (day === nowDay && recordedOn > now) continue;
			for (const s of school.students) {
				if (s.start > day || (s.end !== null && s.end < day)) continue;
				const r = rng(school.seed, school.id, s.personId, day, session.name);
				let mark = session.present;
				let exportMark = mark;
				let meaning = 'Present';
				let description = 'Present';
				let minute = null;
				if (day === snowDay) {
					[mark, exportMark, meaning, description] = [
						'Y',
						'Y2',
						'Not Possible',
						'Unable to attend due to widespread disruption to travel',
					];
				} else if (r.next() < rates.get(s.personId)) {
					[mark, exportMark, meaning, description] = pick(ABSENCES, r.next());
					if (mark === 'U') minute = r.int(31, 90);
				} else {
					const roll = r.next();
					let acc = 0;
					for (const [m, e, mm, d, w] of OTHER_MARKS) {
						acc += w;
						if (roll < acc) {
							[mark, exportMark, meaning, description] = [m, e, mm, d];
							if (m === 'L') minute = r.int(3, 29);
							break;
						}
					}
				}
				out.push({
					AttendanceID: id++,
					StudentID: s.personId,
					CalendarName: session.name,
					CalendarStartDate: at(day, session.start),
					CalendarEndDate: at(day, session.end),
					Mark: mark,
					ExportMark: exportMark,
					MarkMeaningName: meaning,
					MarkMeaningDescription: description,
					AttendanceComment:
						mark === 'I' && r.chance(0.4)
							? 'Parent phoned: unwell'
							: mark === 'M'
								? 'Dentist'
								: null,
					RecordedBy: tutorOf.get(s.tutorGroup.collectionId) ?? null,
					RecordedOn: recordedOn + r.int(0, 15) * 60000,
					Minute: minute,
					CollectionID: s.tutorGroup.collectionId,
				});
			}
		}
	}
	return out;
}

const TERMS = [
	{ id: 1, name: 'Autumn', month: 10 },
	{ id: 2, name: 'Spring', month: 2 },
	{ id: 3, name: 'Summer', month: 5 },
];

function assessmentRows(school) {
	const out = [];
	let id = 1;
	const yearStartYear = new Date(academicYearStart(school.now)).getUTCFullYear();
	for (const s of school.students) {
		if (!isCurrent(s, school.now)) continue;
		const r = rng(school.seed, school.id, s.personId, 'assessment');
		for (const term of TERMS) {
			const date = Date.UTC(term.month >= 8 ? yearStartYear : yearStartYear + 1, term.month, 15);
			if (date > school.now) continue;
			school.subjects.forEach((subject, si) => {
				const grade = r.int(2, 9);
				for (const [typeId, typeName] of [
					[1, 'Working At'],
					[2, 'Target'],
				]) {
					out.push({
						StudentResultID: id++,
						StudentID: s.personId,
						AssessmentTypeID: typeId,
						AssessmentTypeName: typeName,
						TermID: term.id,
						TermName: term.name,
						YearGroupID: school.yearGroups.get(Number(s.yearGroup)).collectionId,
						YearGroupName: `Year ${s.yearGroup}`,
						SubjectID: si + 1,
						SubjectName: subject.name,
						Result: String(typeId === 2 ? Math.min(9, grade + 1) : grade),
						Score: typeId === 1 ? Math.round((40 + r.next() * 60) * 100) / 100 : null,
						IsGrade: true,
						ResultDate: date,
					});
				}
			});
		}
	}
	for (const w of school.assessmentWrites.values()) {
		const i = out.findIndex((row) => row.StudentResultID === w.StudentResultID);
		if (i >= 0) out[i] = { ...out[i], ...w };
		else out.push({ ...w });
	}
	return out;
}

const EVENTS = [
	[1, 'Excellent Work', 'Positive', 2],
	[2, 'Outstanding Effort', 'Positive', 2],
	[3, 'Helping Others', 'Positive', 1],
	[4, 'Homework Not Completed', 'Negative', -1],
	[5, 'Disruption in Lesson', 'Negative', -2],
	[6, 'Late to Lesson', 'Negative', -1],
];

function behaviourRows(school) {
	const out = [];
	let id = 1;
	const days = schoolDaysBetween(academicYearStart(school.now), school.now);
	if (days.length === 0) return out;
	const teacherOfClass = new Map(
		school.subjectClasses.map((c) => [c.collectionId, c.teacherId ?? null]),
	);
	const classesOf = new Map();
	for (const a of school.associates) {
		if (!teacherOfClass.has(a.collectionId)) continue;
		if (!classesOf.has(a.personId)) classesOf.set(a.personId, []);
		classesOf.get(a.personId).push(a.collectionId);
	}
	for (const s of school.students) {
		if (s.start > school.now) continue;
		const r = rng(school.seed, school.id, s.personId, 'behaviour');
		const count = r.int(0, Math.max(1, Math.round(days.length / 6)));
		const classes = classesOf.get(s.personId) || [];
		for (let k = 0; k < count; k++) {
			const [eventId, name, type, points] = EVENTS[r.next() < 0.75 ? r.int(0, 2) : r.int(3, 5)];
			const day = days[r.int(0, days.length - 1)];
			if (s.end !== null && day > s.end) continue;
			const classId = classes.length ? classes[r.int(0, classes.length - 1)] : null;
			const period = PERIODS[r.int(0, PERIODS.length - 1)];
			out.push({
				EventRecordID: id++,
				StudentID: s.personId,
				EventID: eventId,
				EventName: name,
				EventType: type,
				Adjustment: points,
				OwnerID: classId === null ? null : teacherOfClass.get(classId),
				ClassID: classId,
				EventDate: at(day, period.start) + 10 * 60000,
				Comment: type === 'Positive' ? 'Well done!' : null,
				InternalComment: type === 'Negative' && r.chance(0.3) ? 'Parent informed' : null,
			});
		}
	}
	// Events recorded over the Partner API (state.saveBehaviourEvent): new ones added, updates in place.
	if (school.behaviourWrites) {
		const byId = new Map(out.map((row, k) => [row.EventRecordID, k]));
		for (const [id, row] of school.behaviourWrites) {
			if (byId.has(id)) out[byId.get(id)] = row;
			else out.push(row);
		}
	}
	out.sort((a, b) => a.EventDate - b.EventDate || a.EventRecordID - b.EventRecordID);
	return out;
}

/** Entity names in the order findEntitiesBySchoolID lists them: case-insensitive alphabetical (docs/bromcom-facts.md, Operations and parameters). */
function entityNames() {
	return Object.keys(ENTITIES).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

function findEntity(name) {
	const lower = String(name || '')
		.trim()
		.toLowerCase();
	return entityNames().find((n) => n.toLowerCase() === lower);
}

module.exports = { ENTITIES, EVENTS, entityNames, findEntity, isCurrent, STUDENT_COLUMNS };
