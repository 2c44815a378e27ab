/**
 * What a roster export is made of: the eligible people and classes of each school, as plain records
 * keyed by Bromcom's own IDs, and the identifiers and vocabulary mappings both file formats share.
 *
 * Identifiers come from Bromcom IDs, never names or emails, prefixed with the school so a trust's
 * schools cannot collide: `<schoolId>-student-<StudentID>`, `-staff-`, `-contact-`, `-class-`.
 *
 * Pure: plain data in, plain data out.
 */

/** The roster's kinds of person (`teacher` is any member of staff the rules keep). */
export type PersonKind = 'student' | 'teacher' | 'contact';
export type RecordKind = PersonKind | 'class';

/** Canonical order of kinds: who holds a contested sign-in name first (staff, then pupils, then contacts). */
export const KIND_ORDER: Record<PersonKind, number> = { teacher: 0, student: 1, contact: 2 };

export interface ContactLink {
	/** The student's Bromcom ID at the same school. */
	studentId: string;
	/** As Bromcom records it ("Mother", "Aunt" …). */
	relationship: string;
}

/** One Bromcom record of one school that the eligibility rules kept. */
export interface ExportPerson {
	kind: PersonKind;
	schoolId: number;
	/** The Bromcom ID at that school: StudentID, StaffID or the contact's PersonID. */
	id: string;
	givenName: string;
	familyName: string;
	middleName?: string;
	preferredGivenName?: string;
	preferredFamilyName?: string;
	/** The address Bromcom holds (StudentEmail, WorkEmail, the contact's highest-priority email). */
	email: string;
	/** Students: the Unique Pupil Number, the same for a child at any school in England. */
	upn?: string;
	/** Students: Bromcom year group ("R", "1" … "13"). */
	yearGroup?: string;
	/** Admission number (students) or staff code. */
	identifier?: string;
	/** Start date on roll or in post (YYYY-MM-DD). */
	startDate?: string;
	/** Staff: has a teaching role on a class or tutor group (role `teacher`, else `staff`). */
	teaching?: boolean;
	/** Contacts: their students at this school that the rules kept, with the relationship. */
	links?: ContactLink[];
	/** The record as read, for the Excluded output when the export leaves it out. */
	record?: Record<string, unknown>;
}

export interface ExportClass {
	schoolId: number;
	id: string;
	title: string;
	type: 'class' | 'tutorGroup';
	subject?: string;
	/** Bromcom IDs at the same school. */
	studentIds: string[];
	teacherIds: string[];
}

export interface Reason {
	code: string;
	message: string;
}

/** A record left out, with why (the eligibility rules' reasons, or the export's own). */
export interface ExcludedRecord {
	kind: RecordKind;
	schoolId: number;
	id: string;
	sourcedId: string;
	reasons: Reason[];
	/** The record as read, for the Excluded output. */
	record?: Record<string, unknown>;
}

export interface ExportSchool {
	schoolId: number;
	name: string;
	/** DfE number or URN, when Bromcom has it. */
	identifier?: string;
	/** The academic year: start and end dates (YYYY-MM-DD). */
	year: { start: string; end: string };
	/** Kept by the rules. */
	people: ExportPerson[];
	classes: ExportClass[];
	/** Left out by the rules (each with reasons), in the export's scope. */
	excluded: ExcludedRecord[];
}

export const ids = {
	org: (school: number) => `bromcom-${school}`,
	student: (school: number, id: string) => `${school}-student-${id}`,
	staff: (school: number, id: string) => `${school}-staff-${id}`,
	contact: (school: number, id: string) => `${school}-contact-${id}`,
	class: (school: number, id: string) => `${school}-class-${id}`,
	course: (school: number, id: string) => `${school}-course-${id}`,
	session: (school: number, year: { start: string }) => `${school}-year-${year.start.slice(0, 4)}`,
	trust: (id: string) => `trust-${id.replace(/[^0-9A-Za-z._\-/@]/g, '')}`,
};

/** The sourcedId of a person record. */
export function personSourcedId(p: { kind: PersonKind; schoolId: number; id: string }): string {
	if (p.kind === 'student') return ids.student(p.schoolId, p.id);
	if (p.kind === 'teacher') return ids.staff(p.schoolId, p.id);
	return ids.contact(p.schoolId, p.id);
}

export function recordSourcedId(kind: RecordKind, schoolId: number, id: string): string {
	return kind === 'class' ? ids.class(schoolId, id) : personSourcedId({ kind, schoolId, id });
}

/** Bromcom IDs are decimal; compared as numbers when both are, so "99" sorts before "100". */
export function compareIds(a: string, b: string): number {
	const x = Number(a);
	const y = Number(b);
	if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
	return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonical order of person records: kind, then school, then Bromcom ID. Input order never matters. */
export function comparePeople(a: ExportPerson, b: ExportPerson): number {
	return (
		KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.schoolId - b.schoolId || compareIds(a.id, b.id)
	);
}

/**
 * English year groups as US grade codes (one published mapping: Reception = TK, Year 1 = KG,
 * Year N = grade N − 1, two digits). Unknown year groups are left blank.
 */
export function gradeOf(yearGroup: unknown): string {
	const text = String(yearGroup ?? '')
		.trim()
		.replace(/^year\s*/i, '')
		.toUpperCase();
	if (text === 'R' || text === 'REC' || text === 'RECEPTION') return 'TK';
	if (text === 'N' || text === 'N1' || text === 'N2' || text === 'NURSERY') return 'PK';
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1 || n > 14) return '';
	return n === 1 ? 'KG' : String(n - 1).padStart(2, '0');
}

export type RelationshipRole = 'parent' | 'guardian' | 'relative' | 'other';

/** Bromcom relationships in the SDS / OneRoster vocabulary. */
export function relationshipRole(relationship: unknown): RelationshipRole {
	const r = String(relationship ?? '').toLowerCase();
	if (/mother|father|parent|step/.test(r)) return 'parent';
	if (/guardian|carer|foster/.test(r)) return 'guardian';
	if (/grand|aunt|uncle|brother|sister|sibling|cousin/.test(r)) return 'relative';
	return 'other';
}

/**
 * When one (student, contact) pair is recorded more than once (two link rows, or the same child and
 * parent at two schools of a trust), the pair is written once with the strongest role:
 * parent, then guardian, then relative, then other.
 */
export const ROLE_PRECEDENCE: readonly RelationshipRole[] = [
	'parent',
	'guardian',
	'relative',
	'other',
];

export function strongerRole(a: RelationshipRole, b: RelationshipRole): RelationshipRole {
	return ROLE_PRECEDENCE.indexOf(a) <= ROLE_PRECEDENCE.indexOf(b) ? a : b;
}

/** An email as SDS stores it: trimmed, lower-case; '' when absent or not an address. */
export function normalEmail(value: unknown): string {
	const text = String(value ?? '')
		.trim()
		.toLowerCase();
	return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? text : '';
}
