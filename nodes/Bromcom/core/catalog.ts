/**
 * Each Bromcom entity the node knows by name, declared once: its wire name, the columns that identify a
 * record, and its start/end date columns. Operations, the column pickers, the trigger's watches and the
 * roster read these facts from here, so they cannot drift apart (the Timetable picker once read
 * `TimeTable` while Timetable for a student read `StudentTimeTables`).
 *
 * Pure data: no n8n imports.
 */
import type { DateColumns } from './wire/filter';

export interface EntitySpec {
	/** The entity name on the wire (getEntityDataBySchoolID's entityName). */
	name: string;
	/** Columns that identify one record. */
	key: string[];
	/** Start/end columns for the Record Status preset and the trigger's "current" scope. */
	dates?: DateColumns;
	/** The date column that date-range reads window on. */
	rangeColumn?: string;
}

const CURRENT = { start: 'StartDate', end: 'EndDate' };

export const ENTITIES = {
	students: { name: 'Students', key: ['StudentID'], dates: CURRENT },
	staff: { name: 'Staff', key: ['StaffID'], dates: CURRENT },
	people: { name: 'People', key: ['PersonID'] },
	collections: { name: 'Collections', key: ['CollectionID'], dates: CURRENT },
	collectionAssociates: {
		name: 'CollectionAssociates',
		key: ['PersonID', 'CollectionID'],
		dates: CURRENT,
	},
	collectionExecutives: {
		name: 'CollectionExecutives',
		key: ['StaffID', 'CollectionID'],
		dates: CURRENT,
	},
	attendances: { name: 'Attendances', key: ['AttendanceID'], rangeColumn: 'CalendarStartDate' },
	timetable: { name: 'TimeTable', key: ['TimeTableID'], rangeColumn: 'PeriodStartDate' },
	studentTimetables: {
		name: 'StudentTimeTables',
		key: ['StudentID', 'TimeTableID'],
		rangeColumn: 'PeriodStartDate',
	},
	assessmentResults: { name: 'AssociationAssessmentResults', key: ['StudentResultID'] },
	behaviourEvents: { name: 'BehaviourEventRecords', key: ['BehaviourEventRecordID'] },
	schools: { name: 'Schools', key: ['SchoolID'] },
	singleSignOnUsers: { name: 'SingleSignOnUsers', key: ['UserID', 'EmailAddress'] },
	studentMeals: { name: 'StudentMeals', key: ['PersonID'] },
	dinnerTransactions: { name: 'DinnerTransactions', key: ['DinnerTransactionID'] },
} as const satisfies Record<string, EntitySpec>;

export type EntityId = keyof typeof ENTITIES;

/** The timetable entity for a Timetable read's scope. */
export function timetableEntity(scope: string): EntitySpec & { rangeColumn: string } {
	return scope === 'student' ? ENTITIES.studentTimetables : ENTITIES.timetable;
}

/**
 * The entity names known to work, for the Partner API's Entity picker: it has no call that lists what
 * a school granted (docs/bromcom-facts.md, Partner API), so the picker offers these and says it could
 * not check them. The SOAP names (a real findEntitiesBySchoolID answer of 75, and names seen in
 * working clients) are the Partner API's path names too; the rest have been seen only on /v2.
 */
export const SOAP_ENTITY_NAMES: readonly string[] = [
	'Addresses',
	'AdministrationDoctorTelephones',
	'AssessmentAssociationAssessmentTypes',
	'AssessmentAssociationSubjects',
	'AssessmentAssociationTerms',
	'AssessmentAssociationYearGroups',
	'AssessmentGradeSetGrades',
	'AssessmentGradeSets',
	'AssessmentGradeSetVersions',
	'AssociationAssessmentMarksets',
	'AssociationAssessmentMarksetVersions',
	'AssociationAssessmentMarksheets',
	'AssociationAssessmentResults',
	'AssociationAssessmentTemplateColumns',
	'AssociationAssessmentTemplates',
	'AttendanceMarkSubcodes',
	'Attendances',
	'AttendanceSessions',
	'AttendancesRaw',
	'BehaviourEventAdjustments',
	'BehaviourEventCategories',
	'BehaviourEventLinks',
	'BehaviourEventRecords',
	'BehaviourEvents',
	'BehaviourStudentActions',
	'CalendarModels',
	'Calendars',
	'Classes',
	'CollectionAssociates',
	'CollectionExecutives',
	'CollectionExecutivesRoleTypes',
	'Collections',
	'Disabilities',
	'Emails',
	'EmployeeContacts',
	'EmployeeRoles',
	'Ethnicities',
	'HouseClasses',
	'Languages',
	'Locations',
	'Marks',
	'MealTypes',
	'MedicalConditions',
	'People',
	'PersonAddresses',
	'PersonCommunications',
	'PersonMedicalConditions',
	'PersonMedicalEvents',
	'PersonParamedicalSupportTypes',
	'PersonPhotos',
	'PersonTelephones',
	'PupilPremiums',
	'RoomCovers',
	'Schools',
	'SENStudentNeeds',
	'SENStudents',
	'Staff',
	'StaffContracts',
	'StaffCovers',
	'StudentAdditionalInformation',
	'StudentContacts',
	'StudentDetentions',
	'StudentEnrolments',
	'StudentExclusions',
	'StudentImportedCTFAssessments',
	'StudentLearning',
	'StudentMeals',
	'StudentMiscellaneousInformation',
	'StudentParentalConsent',
	'StudentProtectionRegister',
	'Students',
	'StudentSchoolTransportInformation',
	'StudentSiblings',
	'StudentsInCare',
	'StudentSurgeries',
	'StudentSurgeryDoctors',
	'StudentTimeTables',
	'SubjectClasses',
	'TimeTable',
	'YearGroupClasses',
];

/** Names seen only on the Partner API (/v2) so far. */
export const PARTNER_ONLY_ENTITY_NAMES: readonly string[] = [
	'AssociationAssessmentResultsRaw',
	'BasicAttendance',
	'ClubDetails',
	'ClubStudentsAndAttendance',
	'CollectionTimetables',
	'Departments',
	'DepartmentTeachers',
	'PeriodStructures',
	'StaffAbsences',
	'StaffLineManagers',
	'StudentAttendanceByWeek',
	'StudentFlatView',
	'Subjects',
	'YearGroupSubjectStudents',
];

/** Every entity name offered over the Partner API, sorted. */
export const PARTNER_ENTITY_NAMES: readonly string[] = [
	...SOAP_ENTITY_NAMES,
	...PARTNER_ONLY_ENTITY_NAMES,
].sort((a, b) => a.localeCompare(b));
