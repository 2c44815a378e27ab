/**
 * One person, one account: who in a trust's file set is the same person, which sign-in name each
 * person gets, and an account of every record read (exported, excluded with a reason, or merged into
 * whom). SDS and OneRoster create, change and deactivate real accounts from these files, so:
 *
 * 1. **A merge needs evidence from Bromcom, never a generated name.** Two records are one person
 *    when they are pupils with the same Unique Pupil Number (a dual-registered child), or, at two
 *    different schools, staff (or contacts) with the same email address Bromcom holds for them AND
 *    the same forename and surname. Within one school, two Bromcom records are two people (a shared
 *    family email is two parents). Staff and contacts are never merged with each other: School Data
 *    Sync keeps a member of staff who is also a parent as two users.
 * 2. **The survivor does not depend on input order**: records are taken in the canonical order (staff,
 *    then pupils, then contacts; then School ID; then Bromcom ID) and the first record of a person is
 *    the user's sourcedId; the others are listed in `mergedFrom` with the reason.
 * 3. **Sign-in names are unique across the whole file set.** Generated names come from
 *    `assignNames` over the whole trust (the function Generate Account Names uses): pupils first, then
 *    staff, each avoiding the names already taken, with numeric suffixes in (School ID, ID) order. An
 *    address Bromcom holds cannot be suffixed: when two different people have the same one, the first
 *    in the canonical order keeps it and the other is excluded with the reason (`…_SIGN_IN_NAME_TAKEN`).
 * 4. **One row per (student, contact) pair**, with the strongest role (parent, guardian, relative,
 *    other: `ROLE_PRECEDENCE`).
 * 5. **Conservation**: for every school and kind, records read in scope = exported + excluded (each
 *    with reason codes) + merged (into a named user). `counts` says so, and the tests check it.
 *
 * Pure: plain data in, plain data out.
 */
import { assignNames, safeName, type NamePerson } from '../accountNames';
import {
	comparePeople,
	compareIds,
	gradeOf,
	ids,
	KIND_ORDER,
	normalEmail,
	personSourcedId,
	relationshipRole,
	strongerRole,
	type ExcludedRecord,
	type ExportClass,
	type ExportPerson,
	type ExportSchool,
	type PersonKind,
	type Reason,
	type RecordKind,
	type RelationshipRole,
} from './model';

export type MergeReason = 'SAME_UPN' | 'SAME_EMAIL_AND_NAME';

export interface MergeRecord {
	/** The record folded into another user. */
	sourcedId: string;
	kind: PersonKind;
	schoolId: number;
	/** The user it became part of. */
	into: string;
	reason: MergeReason;
	message: string;
}

export interface UsernameOptions {
	/** 'bromcom': the address Bromcom holds; 'pattern': generated for pupils and staff. */
	mode: 'bromcom' | 'pattern';
	studentPattern?: string;
	staffPattern?: string;
	domain?: string;
	maxLength?: number;
	/** Names that exist already: local part → owner (`<schoolId>:<ID>`), '' when unknown. */
	existing?: ReadonlyMap<string, string>;
}

export interface ResolveOptions {
	usernames: UsernameOptions;
	includeClasses: boolean;
	includeContacts: boolean;
	/** For the name tokens that depend on the date (intake and leaving years). */
	today: Date;
}

export type UserRoleName = 'student' | 'teacher' | 'staff' | RelationshipRole;

export interface UserRole {
	schoolId: number;
	role: UserRoleName;
	/** The role at the school of the user's own record (the survivor's): one per user. */
	primary: boolean;
	grade?: string;
}

export interface ResolvedUser {
	sourcedId: string;
	kind: PersonKind;
	/** The sign-in name with its domain, lower case. */
	username: string;
	/** The user's own record (the first of `records`). */
	person: ExportPerson;
	records: ExportPerson[];
	roles: UserRole[];
	mergedFrom: Array<{ sourcedId: string; reason: MergeReason }>;
}

export interface ResolvedClass {
	sourcedId: string;
	cls: ExportClass;
	/** User sourcedIds, each once, sorted. */
	students: string[];
	teachers: string[];
}

export interface ResolvedRelationship {
	student: string;
	contact: string;
	role: RelationshipRole;
}

export interface KindCount {
	/** Records of this kind read from Bromcom in the export's scope. */
	read: number;
	exported: number;
	excluded: number;
	merged: number;
	/** Excluded records by reason code (a record with two reasons counts under both). */
	reasons: Record<string, number>;
}

export interface SchoolCounts {
	schoolId: number;
	student: KindCount;
	teacher: KindCount;
	contact: KindCount;
	class: KindCount;
}

export interface ResolvedTrust {
	users: ResolvedUser[];
	classes: ResolvedClass[];
	relationships: ResolvedRelationship[];
	excluded: ExcludedRecord[];
	merged: MergeRecord[];
	counts: SchoolCounts[];
}

const PREFIX: Record<PersonKind, string> = {
	student: 'STUDENT',
	teacher: 'TEACHER',
	contact: 'CONTACT',
};
const WHO: Record<PersonKind, string> = {
	student: 'student',
	teacher: 'member of staff',
	contact: 'contact',
};
const ADDRESS: Record<PersonKind, string> = {
	student: 'StudentFlatView.StudentEmail',
	teacher: 'Staff.WorkEmail',
	contact: "the contact's Emails",
};

/** A Unique Pupil Number as evidence: 13 letters and digits, compared in upper case. */
function upnOf(value: unknown): string {
	const text = String(value ?? '')
		.trim()
		.toUpperCase();
	return /^[A-Z0-9]{13}$/.test(text) ? text : '';
}

/** What says two records are one person (rule 1), or undefined when nothing does. */
function evidenceOf(p: ExportPerson): string | undefined {
	if (p.kind === 'student') {
		const upn = upnOf(p.upn);
		return upn ? `upn:${upn}` : undefined;
	}
	const email = normalEmail(p.email);
	const given = safeName(p.givenName);
	const family = safeName(p.familyName);
	if (!email || !given || !family) return undefined;
	return `${p.kind}:${email}|${given}|${family}`;
}

interface Person {
	records: ExportPerson[];
	schools: Set<number>;
	reason?: MergeReason;
}

/** Groups records into people (rule 1), in canonical order; a person's first record is its survivor. */
function groupPeople(records: ExportPerson[]): Person[] {
	const people: Person[] = [];
	const byEvidence = new Map<string, Person[]>();
	for (const r of records) {
		const key = evidenceOf(r);
		let person: Person | undefined;
		if (key !== undefined) {
			const candidates = byEvidence.get(key) ?? [];
			// A pupil's UPN joins records at any school; an address and name only across schools.
			person =
				r.kind === 'student' ? candidates[0] : candidates.find((c) => !c.schools.has(r.schoolId));
			if (person === undefined) byEvidence.set(key, [...candidates, (person = newPerson())]);
		}
		if (person === undefined) person = newPerson();
		if (person.records.length === 0) people.push(person);
		else person.reason = r.kind === 'student' ? 'SAME_UPN' : 'SAME_EMAIL_AND_NAME';
		person.records.push(r);
		person.schools.add(r.schoolId);
	}
	return people;
}

const newPerson = (): Person => ({ records: [], schools: new Set() });

function emptyCount(): KindCount {
	return { read: 0, exported: 0, excluded: 0, merged: 0, reasons: {} };
}

export function resolveTrust(input: readonly ExportSchool[], o: ResolveOptions): ResolvedTrust {
	const schools = [...input].sort((a, b) => a.schoolId - b.schoolId);
	const inScope = (kind: RecordKind) =>
		(kind !== 'contact' || o.includeContacts) && (kind !== 'class' || o.includeClasses);
	const counts = new Map<number, SchoolCounts>(
		schools.map((s) => [
			s.schoolId,
			{
				schoolId: s.schoolId,
				student: emptyCount(),
				teacher: emptyCount(),
				contact: emptyCount(),
				class: emptyCount(),
			},
		]),
	);
	const countOf = (schoolId: number, kind: RecordKind) =>
		(counts.get(schoolId) as SchoolCounts)[kind];
	const excluded: ExcludedRecord[] = [];
	const exclude = (
		kind: RecordKind,
		schoolId: number,
		id: string,
		sourcedId: string,
		reasons: Reason[],
		record?: Record<string, unknown>,
	) => {
		excluded.push({ kind, schoolId, id, sourcedId, reasons, ...(record ? { record } : {}) });
		const c = countOf(schoolId, kind);
		c.excluded++;
		for (const r of reasons) c.reasons[r.code] = (c.reasons[r.code] ?? 0) + 1;
	};
	const excludePerson = (person: Person, code: string, message: string) => {
		for (const r of person.records)
			exclude(r.kind, r.schoolId, r.id, personSourcedId(r), [{ code, message }], r.record);
	};

	// What the rules left out, in scope, as read.
	for (const s of schools)
		for (const e of s.excluded) {
			if (!inScope(e.kind)) continue;
			countOf(s.schoolId, e.kind).read++;
			exclude(e.kind, s.schoolId, e.id, e.sourcedId, e.reasons, e.record);
		}
	const records: ExportPerson[] = [];
	for (const s of schools)
		for (const p of s.people) {
			if (!inScope(p.kind)) continue;
			countOf(p.schoolId, p.kind).read++;
			// Every user file needs a forename and surname (SDS: to create the user; OneRoster: required).
			if (p.givenName.trim() === '' || p.familyName.trim() === '')
				exclude(
					p.kind,
					p.schoolId,
					p.id,
					personSourcedId(p),
					[
						{
							code: `${PREFIX[p.kind]}_NO_NAME`,
							message: `${WHO[p.kind]} has no ${p.givenName.trim() === '' ? 'forename' : 'surname'} in Bromcom (every user in the files needs both)`,
						},
					],
					p.record,
				);
			else records.push(p);
		}
	records.sort(comparePeople);
	const people = groupPeople(records);

	// Sign-in names.
	const taken = new Map<string, string>(); // username → the user's sourcedId
	const users: ResolvedUser[] = [];
	const userOfRecord = new Map<string, string>(); // record sourcedId → user sourcedId
	const pattern = o.usernames.mode === 'pattern';
	const domain = (o.usernames.domain ?? '').toLowerCase();
	const fixedName = (person: Person) =>
		person.records.map((r) => normalEmail(r.email)).find((e) => e !== '') ?? '';
	const admit = (person: Person, username: string) => {
		const first = person.records[0];
		const sourcedId = personSourcedId(first);
		taken.set(username, sourcedId);
		for (const r of person.records) userOfRecord.set(personSourcedId(r), sourcedId);
		users.push({
			sourcedId,
			kind: first.kind,
			username,
			person: first,
			records: person.records,
			roles: [],
			mergedFrom: person.records.slice(1).map((r) => ({
				sourcedId: personSourcedId(r),
				reason: person.reason as MergeReason,
			})),
		});
	};
	const noName = (person: Person, generated: boolean) => {
		const kind = person.records[0].kind;
		excludePerson(
			person,
			`${PREFIX[kind]}_NO_SIGN_IN_NAME`,
			generated
				? `the username pattern gives an empty name for this ${WHO[kind]} (the fields it uses are empty)`
				: `${WHO[kind]} has no email address in Bromcom to sign in with (${ADDRESS[kind]})`,
		);
	};
	/** An address Bromcom holds: the first person in canonical order keeps it (rule 3). */
	const claim = (person: Person, username: string) => {
		const holder = taken.get(username);
		if (holder === undefined) return admit(person, username);
		const kind = person.records[0].kind;
		excludePerson(
			person,
			`${PREFIX[kind]}_SIGN_IN_NAME_TAKEN`,
			`the sign-in name ${username} is already the sign-in name of ${holder} in these files: Bromcom holds the same address for two different people${kind === 'contact' ? ' (School Data Sync needs each parent on an address of their own)' : ''}`,
		);
	};

	const pupilsAndStaff = people.filter((p) => p.records[0].kind !== 'contact');
	const contacts = people.filter((p) => p.records[0].kind === 'contact');
	if (!pattern) {
		for (const person of pupilsAndStaff) {
			const name = fixedName(person);
			if (name === '') noName(person, false);
			else claim(person, name);
		}
	} else {
		// Generated names avoid the existing names and every contact address on the same domain.
		const reserved = new Map<string, string>(o.usernames.existing ?? []);
		for (const person of contacts) {
			const [local, host] = fixedName(person).split('@');
			if (host === domain && !reserved.has(local)) reserved.set(local, '');
		}
		for (const kind of ['student', 'teacher'] as const) {
			const group = pupilsAndStaff.filter((p) => p.records[0].kind === kind);
			const namePeople: NamePerson[] = group.map((p) => {
				const r = p.records[0];
				return {
					id: r.id,
					schoolId: String(r.schoolId),
					firstName: r.givenName,
					preferredFirstName: r.preferredGivenName,
					lastName: r.preferredFamilyName || r.familyName,
					middleName: r.middleName,
					yearGroup: r.yearGroup,
					startDate: r.startDate,
					admissionNumber: kind === 'student' ? r.identifier : undefined,
					upn: r.upn,
					staffCode: kind === 'teacher' ? r.identifier : undefined,
				};
			});
			const names = assignNames(
				namePeople,
				{
					pattern:
						(kind === 'student' ? o.usernames.studentPattern : o.usernames.staffPattern) ?? '',
					maxLength: o.usernames.maxLength ?? 20,
				},
				reserved,
				o.today,
			);
			group.forEach((person, k) => {
				const name = names[k].name;
				if (name === '') return noName(person, true);
				reserved.set(name, `${names[k].schoolId}:${names[k].id}`);
				claim(person, `${name}@${domain}`);
			});
		}
	}

	// Contacts: linked to a pupil in the files, then their own address (rules 3 and 4).
	const pairs = new Map<string, ResolvedRelationship>();
	/** A contact user's role at each school: the strongest of its links to pupils in the files there. */
	const contactRoles = new Map<string, Map<number, RelationshipRole>>();
	for (const person of contacts) {
		const links = new Map<string, RelationshipRole>();
		const bySchool = new Map<number, RelationshipRole>();
		for (const r of person.records)
			for (const l of r.links ?? []) {
				const student = userOfRecord.get(ids.student(r.schoolId, l.studentId));
				if (student === undefined) continue;
				const role = relationshipRole(l.relationship);
				links.set(student, strongerRole(role, links.get(student) ?? role));
				bySchool.set(r.schoolId, strongerRole(role, bySchool.get(r.schoolId) ?? role));
			}
		if (links.size === 0) {
			excludePerson(
				person,
				'CONTACT_NO_EXPORTED_CHILD',
				'none of the pupils this contact is linked to is in the files (each was left out: see their own reasons)',
			);
			continue;
		}
		const name = fixedName(person);
		if (name === '') {
			noName(person, false);
			continue;
		}
		const before = users.length;
		claim(person, name);
		if (users.length === before) continue;
		const contact = users[users.length - 1].sourcedId;
		contactRoles.set(contact, bySchool);
		for (const [student, role] of links)
			pairs.set(`${student}|${contact}`, { student, contact, role });
	}

	// Roles: one per school and role; the user's own school is the primary one.
	for (const user of users) {
		const seen = new Set<string>();
		for (const r of user.records) {
			let role: UserRoleName | undefined;
			if (r.kind === 'student') role = 'student';
			else if (r.kind === 'teacher') role = r.teaching ? 'teacher' : 'staff';
			// A contact has a role where it has a pupil in the files.
			else role = contactRoles.get(user.sourcedId)?.get(r.schoolId);
			if (role === undefined) continue;
			const key = `${r.schoolId}|${role}`;
			if (seen.has(key)) continue;
			seen.add(key);
			user.roles.push({
				schoolId: r.schoolId,
				role,
				primary: user.roles.length === 0,
				...(r.kind === 'student' ? { grade: gradeOf(r.yearGroup) } : {}),
			});
		}
	}

	// Classes: their exported members, each once.
	const classes: ResolvedClass[] = [];
	if (o.includeClasses)
		for (const s of schools)
			for (const c of [...s.classes].sort((a, b) => compareIds(a.id, b.id))) {
				countOf(s.schoolId, 'class').read++;
				const members = (list: string[], kind: 'student' | 'teacher') =>
					[
						...new Set(
							list
								.map((id) => userOfRecord.get(personSourcedId({ kind, schoolId: s.schoolId, id })))
								.filter((u): u is string => u !== undefined),
						),
					].sort();
				const resolved = {
					sourcedId: ids.class(s.schoolId, c.id),
					cls: c,
					students: members(c.studentIds, 'student'),
					teachers: members(c.teacherIds, 'teacher'),
				};
				if (resolved.students.length + resolved.teachers.length === 0) {
					exclude('class', s.schoolId, c.id, resolved.sourcedId, [
						{
							code: 'CLASS_NO_EXPORTED_MEMBERS',
							message: 'none of the pupils or staff of this class is in the files',
						},
					]);
					continue;
				}
				countOf(s.schoolId, 'class').exported++;
				classes.push(resolved);
			}

	// The account of every person record: exported (its user's own record) or merged into it.
	const merged: MergeRecord[] = [];
	for (const user of users) {
		countOf(user.person.schoolId, user.kind).exported++;
		for (const m of user.records.slice(1)) {
			countOf(m.schoolId, m.kind).merged++;
			const schoolsOf = [...new Set(user.records.map((r) => r.schoolId))].join(' and ');
			merged.push({
				sourcedId: personSourcedId(m),
				kind: m.kind,
				schoolId: m.schoolId,
				into: user.sourcedId,
				reason: user.mergedFrom[0].reason,
				message:
					user.mergedFrom[0].reason === 'SAME_UPN'
						? `the same Unique Pupil Number in Bromcom at schools ${schoolsOf}: one pupil`
						: `the same email address and name in Bromcom at schools ${schoolsOf}: one person`,
			});
		}
	}

	const kindRank = (k: RecordKind) => (k === 'class' ? 3 : KIND_ORDER[k]);
	excluded.sort(
		(a, b) =>
			a.schoolId - b.schoolId || kindRank(a.kind) - kindRank(b.kind) || compareIds(a.id, b.id),
	);
	return {
		users,
		classes,
		relationships: [...pairs.values()].sort((a, b) =>
			a.student === b.student ? (a.contact < b.contact ? -1 : 1) : a.student < b.student ? -1 : 1,
		),
		excluded,
		merged,
		counts: [...counts.values()],
	};
}
