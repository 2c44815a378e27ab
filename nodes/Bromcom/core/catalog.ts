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
 * The entity behind each curated resource, for its column pickers. A resource whose entity depends on
 * a parameter (Timetable: one student's or everyone's) names it through `byParameter`.
 */
export const RESOURCE_ENTITY: Record<
	string,
	{ entity: EntitySpec; byParameter?: { name: string; values: Record<string, EntitySpec> } }
> = {
	student: { entity: ENTITIES.students },
	contact: { entity: ENTITIES.people },
	staff: { entity: ENTITIES.staff },
	class: { entity: ENTITIES.collections },
	attendance: { entity: ENTITIES.attendances },
	timetable: {
		entity: timetableEntity('all'),
		byParameter: { name: 'scope', values: { student: timetableEntity('student') } },
	},
	assessment: { entity: ENTITIES.assessmentResults },
	behaviour: { entity: ENTITIES.behaviourEvents },
	school: { entity: ENTITIES.schools },
};

/** What the trigger can watch, and the entity behind each. */
export const WATCH_ENTITY: Record<string, EntitySpec> = {
	students: ENTITIES.students,
	staff: ENTITIES.staff,
	classes: ENTITIES.collections,
	memberships: ENTITIES.collectionAssociates,
	contacts: ENTITIES.people,
};
