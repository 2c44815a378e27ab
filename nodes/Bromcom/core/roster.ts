/**
 * The eligible roster: students, contacts, teachers and classes of one school with the rules applied
 * in cascade (SchoolCloud order): students first; then teachers (need an eligible student) and classes
 * (need an eligible teacher and student); then contacts (need an eligible child). Pure: rows in,
 * kept/excluded records out, every exclusion with its reasons.
 */
import type { PlainObject } from './types';

import {
	evaluate,
	flag,
	type Facts,
	type Reason,
	type RecordKind,
	type RuleOptions,
} from './eligibility';
import { CANDIDATES, field, highestPriority, groupBy } from './people';
import type { DataSetRow } from './wire/dataset';

export interface RosterInput {
	students: DataSetRow[];
	/** StudentFlatView rows (for Data Processing Consent). */
	studentConsent: DataSetRow[];
	staff: DataSetRow[];
	collections: DataSetRow[];
	associates: DataSetRow[];
	executives: DataSetRow[];
	links: DataSetRow[];
	people: DataSetRow[];
	emails: DataSetRow[];
	phones: DataSetRow[];
}

export interface RosterEntry {
	kind: RecordKind | 'membership';
	key: string;
	record: PlainObject;
	reasons: Reason[];
}

export interface Roster {
	kept: RosterEntry[];
	excluded: RosterEntry[];
}

/** Roles on a group that make someone its teacher (CollectionExecutives, docs/bromcom-facts.md, Entities and columns): not Head of House etc. */
export const TEACHING_ROLE = /teacher|tutor/i;

const num = (v: unknown) => Number(v);
/** A collection type compared as Bromcom means it: case and trailing padding ("CLASS     ") ignored. */
const typeIs = (v: unknown, type: string) =>
	String(v ?? '')
		.trimEnd()
		.toUpperCase() === type;

export function buildRoster(
	input: RosterInput,
	options: RuleOptions,
	includeMemberships = true,
): Roster {
	const kept: RosterEntry[] = [];
	const excluded: RosterEntry[] = [];
	const place = (entry: RosterEntry, eligible: boolean) => (eligible ? kept : excluded).push(entry);

	const collectionById = new Map(input.collections.map((c) => [num(c.CollectionID), c]));
	const consentOf = new Map(
		input.studentConsent.map((r) => [num(field(r, ['StudentID'])), field(r, CANDIDATES.consent)]),
	);
	const flatView = new Map(input.studentConsent.map((r) => [num(field(r, ['StudentID'])), r]));
	const peopleById = new Map(input.people.map((p) => [num(field(p, CANDIDATES.personId)), p]));

	// Students: consent (StudentFlatView, else People) and at least one class.
	const classesOf = new Map<number, number[]>();
	const membersOf = new Map<number, number[]>();
	for (const a of input.associates) {
		const person = num(a.PersonID);
		const group = num(a.CollectionID);
		if (!collectionById.has(group)) continue;
		if (!membersOf.has(group)) membersOf.set(group, []);
		membersOf.get(group)!.push(person);
		if (typeIs(collectionById.get(group)!.CollectionTypeName, 'CLASS')) {
			if (!classesOf.has(person)) classesOf.set(person, []);
			classesOf.get(person)!.push(group);
		}
	}
	const eligibleStudents = new Set<number>();
	for (const s of input.students) {
		const id = num(s.StudentID);
		const facts: Facts = {
			consent: consentOf.has(id)
				? consentOf.get(id)
				: field(peopleById.get(id) ?? {}, CANDIDATES.consent),
			classCount: (classesOf.get(id) ?? []).length,
			current: true,
			yearGroup: s.YearGroup,
			startDate: s.StartDate,
			email: field(flatView.get(id) ?? s, CANDIDATES.studentEmail) ?? null,
		};
		const verdict = evaluate('student', facts, options);
		if (verdict.eligible) eligibleStudents.add(id);
		place(
			{
				kind: 'student',
				key: String(id),
				record: {
					...(s as PlainObject),
					Email: (facts.email ?? null) as string | null,
					IsDataProcessingConsentGranted: (facts.consent ?? null) as PlainObject[string],
					ClassCount: facts.classCount as number,
				},
				reasons: verdict.reasons,
			},
			verdict.eligible,
		);
	}

	// Teachers: names and at least one eligible student in a group they teach.
	const teachingGroups = new Map<number, number[]>();
	for (const e of input.executives) {
		if (
			!TEACHING_ROLE.test(String(e.CollectionRoleTypeDescription ?? '')) ||
			!collectionById.has(num(e.CollectionID))
		)
			continue;
		const staffId = num(e.StaffID);
		if (!teachingGroups.has(staffId)) teachingGroups.set(staffId, []);
		teachingGroups.get(staffId)!.push(num(e.CollectionID));
	}
	const eligibleIn = (group: number) =>
		(membersOf.get(group) ?? []).filter((p) => eligibleStudents.has(p)).length;
	const eligibleTeachers = new Set<number>();
	for (const t of input.staff) {
		const id = num(t.StaffID);
		const groups = teachingGroups.get(id) ?? [];
		const facts: Facts = {
			title: t.Title,
			firstName: t.FirstName,
			lastName: t.LastName,
			consent: field(peopleById.get(id) ?? t, CANDIDATES.consent) ?? true,
			eligibleStudents: groups.reduce((n, g) => n + eligibleIn(g), 0),
			teachingGroups: groups.length,
			startDate: t.StartDate,
			email: field(t, CANDIDATES.staffEmail) ?? null,
		};
		const verdict = evaluate('teacher', facts, options);
		if (verdict.eligible) eligibleTeachers.add(id);
		place(
			{
				kind: 'teacher',
				key: String(id),
				record: {
					...(t as PlainObject),
					EligibleStudents: facts.eligibleStudents as number,
					TeachingGroups: facts.teachingGroups as number,
				},
				reasons: verdict.reasons,
			},
			verdict.eligible,
		);
	}

	// Classes: Class or Tutor Group with an eligible teacher and an eligible student.
	const eligibleClasses = new Set<number>();
	for (const c of input.collections) {
		const id = num(c.CollectionID);
		const teachers = input.executives.filter(
			(e) =>
				num(e.CollectionID) === id &&
				TEACHING_ROLE.test(String(e.CollectionRoleTypeDescription ?? '')),
		);
		const facts: Facts = {
			type:
				typeof c.CollectionTypeName === 'string'
					? c.CollectionTypeName.trimEnd()
					: c.CollectionTypeName,
			eligibleTeachers: teachers.filter((e) => eligibleTeachers.has(num(e.StaffID))).length,
			eligibleStudents: eligibleIn(id),
		};
		const verdict = evaluate('class', facts, options);
		if (verdict.eligible) eligibleClasses.add(id);
		place(
			{
				kind: 'class',
				key: String(id),
				record: {
					...(c as PlainObject),
					EligibleTeachers: facts.eligibleTeachers as number,
					EligibleStudents: facts.eligibleStudents as number,
				},
				reasons: verdict.reasons,
			},
			verdict.eligible,
		);
	}

	// Contacts: relationship or parental responsibility, names, consent, an eligible child.
	const linksByContact = groupBy(input.links, CANDIDATES.linkContactId);
	const emailsBy = groupBy(input.emails, CANDIDATES.personId);
	const phonesBy = groupBy(input.phones, CANDIDATES.personId);
	for (const [contactId, links] of linksByContact) {
		const person = peopleById.get(contactId);
		if (!person) continue;
		const email = highestPriority(emailsBy.get(contactId) ?? []);
		const phone = highestPriority(phonesBy.get(contactId) ?? []);
		const children = links.map((l) => num(field(l, CANDIDATES.linkStudentId)));
		const facts: Facts = {
			title: person.Title,
			firstName: person.FirstName,
			lastName: person.LastName,
			consent: field(person, CANDIDATES.consent),
			email: email ? field(email, CANDIDATES.emailAddress) : null,
			phone: phone ? field(phone, CANDIDATES.telephoneNumber) : null,
			links: links.map((l) => ({
				relationship: field(l, CANDIDATES.relationship),
				parentalResponsibility: field(l, CANDIDATES.parentalResponsibility),
			})),
			eligibleChildren: children.filter((id) => eligibleStudents.has(id)).length,
			restricted: links.some((l) => flag(field(l, CANDIDATES.restricted))),
		};
		const verdict = evaluate('contact', facts, options);
		place(
			{
				kind: 'contact',
				key: String(contactId),
				record: {
					...(person as PlainObject),
					Email: (facts.email ?? null) as string | null,
					Telephone: (facts.phone ?? null) as string | null,
					Students: links.map((l) => ({
						StudentID: field(l, CANDIDATES.linkStudentId) ?? null,
						Relationship: field(l, CANDIDATES.relationship) ?? null,
						ParentalResponsibility: field(l, CANDIDATES.parentalResponsibility) ?? null,
						Eligible: eligibleStudents.has(num(field(l, CANDIDATES.linkStudentId))),
					})),
				},
				reasons: verdict.reasons,
			},
			verdict.eligible,
		);
	}

	if (includeMemberships) {
		for (const a of input.associates) {
			const group = num(a.CollectionID);
			if (eligibleClasses.has(group) && eligibleStudents.has(num(a.PersonID)))
				kept.push({
					kind: 'membership',
					key: `${a.PersonID}:${group}`,
					record: { CollectionID: group, PersonID: a.PersonID, Role: 'Student' },
					reasons: [],
				});
		}
		for (const e of input.executives) {
			const group = num(e.CollectionID);
			if (
				eligibleClasses.has(group) &&
				eligibleTeachers.has(num(e.StaffID)) &&
				TEACHING_ROLE.test(String(e.CollectionRoleTypeDescription ?? ''))
			) {
				kept.push({
					kind: 'membership',
					key: `${e.StaffID}:${group}`,
					record: {
						CollectionID: group,
						PersonID: e.StaffID,
						Role: e.CollectionRoleTypeDescription ?? null,
					},
					reasons: [],
				});
			}
		}
	}
	return { kept, excluded };
}
