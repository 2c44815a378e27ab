/**
 * Roster exports: the eligible roster of one or many schools as Microsoft School Data Sync v2.1 CSV
 * or OneRoster 1.2 CSV (bulk), file by file, with exact headers in order, UTF-8, RFC 4180 quoting and
 * no line breaks inside values (docs/bromcom-facts.md, Roster exports).
 *
 * Identifiers come from Bromcom IDs, never names or emails, prefixed with the school so a trust's
 * schools cannot collide: `<schoolId>-student-<StudentID>`, `-staff-`, `-contact-`, `-class-`.
 *
 * Pure: plain data in, file texts out.
 */

export interface ExportPerson {
	id: string;
	givenName: string;
	familyName: string;
	middleName?: string;
	preferredGivenName?: string;
	preferredFamilyName?: string;
	/** The sign-in name with its domain (a UPN): required by SDS. */
	username: string;
	email?: string;
	/** Bromcom year group ("R", "1" … "13"), students only. */
	yearGroup?: string;
	/** Admission number (students) or staff code. */
	identifier?: string;
	startDate?: string;
}

export interface ExportContact extends ExportPerson {
	/** The contact's students and the relationship as Bromcom records it ("Mother", "Aunt" …). */
	links: Array<{ studentId: string; relationship: string }>;
}

export interface ExportClass {
	id: string;
	title: string;
	type: 'class' | 'tutorGroup';
	subject?: string;
	studentIds: string[];
	teacherIds: string[];
}

export interface ExportSchool {
	schoolId: number;
	name: string;
	/** DfE number or URN, when Bromcom has it. */
	identifier?: string;
	/** The academic year: start and end dates (YYYY-MM-DD). */
	year: { start: string; end: string };
	students: ExportPerson[];
	teachers: ExportPerson[];
	classes: ExportClass[];
	contacts: ExportContact[];
}

export interface ExportInput {
	/** A multi-academy trust above the schools (SDS `academicTrust`). */
	trust?: { id: string; name: string };
	schools: ExportSchool[];
	includeClasses: boolean;
	includeContacts: boolean;
}

export type FileSet = Array<{ name: string; text: string }>;

export interface Merged {
	/** The record that was folded into another with the same username (email). */
	sourcedId: string;
	into: string;
	username: string;
}

/**
 * One user per username: a parent at two schools of the trust, a teacher in two schools, or two
 * contacts sharing a family email would otherwise be two users with one sign-in name, which SDS
 * rejects. The first record (schools in order, then Bromcom ID order) is kept; the others' roles,
 * enrolments and relationships point at it, and each merge is reported.
 */
class Users {
	readonly rows: Array<Record<string, unknown>> = [];
	readonly merged: Merged[] = [];
	private readonly byName = new Map<string, string>();
	private readonly alias = new Map<string, string>();

	add(row: Record<string, unknown>): string {
		const id = String(row.sourcedId);
		const name = String(row.username ?? '');
		const first = this.byName.get(name);
		if (first !== undefined) {
			this.alias.set(id, first);
			this.merged.push({ sourcedId: id, into: first, username: name });
			return first;
		}
		this.byName.set(name, id);
		this.rows.push(row);
		return id;
	}

	id(sourcedId: string): string {
		return this.alias.get(sourcedId) ?? sourcedId;
	}
}

// ---- CSV -------------------------------------------------------------------------------------------

/** One CSV cell: line breaks become spaces (no value may span lines), quoted when it needs to be. */
export function csvCell(value: unknown): string {
	const text =
		value === undefined || value === null ? '' : String(value).replace(/\r\n|\r|\n/g, ' ');
	return /[",]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(
	headers: readonly string[],
	rows: ReadonlyArray<Record<string, unknown>>,
): string {
	const lines = [headers.join(',')];
	for (const row of rows) lines.push(headers.map((h) => csvCell(row[h])).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

// ---- Shared mapping --------------------------------------------------------------------------------

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

/** Bromcom relationships in the SDS / OneRoster vocabulary. */
export function relationshipRole(
	relationship: unknown,
): 'parent' | 'guardian' | 'relative' | 'other' {
	const r = String(relationship ?? '').toLowerCase();
	if (/mother|father|parent|step/.test(r)) return 'parent';
	if (/guardian|carer|foster/.test(r)) return 'guardian';
	if (/grand|aunt|uncle|brother|sister|sibling|cousin/.test(r)) return 'relative';
	return 'other';
}

const lower = (email: string | undefined) => (email ?? '').trim().toLowerCase();

/** Contacts usable in a relationships file: a name and an email (SDS needs all three). */
const usableContact = (c: ExportContact) =>
	c.givenName.trim() !== '' && c.familyName.trim() !== '' && lower(c.email) !== '';

// ---- SDS v2.1 --------------------------------------------------------------------------------------

export const SDS_HEADERS = {
	'orgs.csv': ['sourcedId', 'name', 'type', 'parentSourcedId'],
	'users.csv': [
		'sourcedId',
		'username',
		'givenName',
		'familyName',
		'password',
		'activeDirectoryMatchId',
		'email',
		'phone',
		'sms',
	],
	'roles.csv': [
		'userSourcedId',
		'orgSourcedId',
		'role',
		'sessionSourcedId',
		'grade',
		'isPrimary',
		'roleStartDate',
		'roleEndDate',
	],
	'academicSessions.csv': ['sourcedId', 'title', 'type', 'schoolYear', 'startDate', 'endDate'],
	'classes.csv': ['sourcedId', 'orgSourcedId', 'title', 'sessionSourcedIds', 'courseSourcedId'],
	'enrollments.csv': ['classSourcedId', 'userSourcedId', 'role'],
	'relationships.csv': ['userSourcedId', 'relationshipUserSourcedId', 'relationshipRole'],
} as const;

/** A person as an SDS users.csv row: the preferred names where Bromcom has them. */
function sdsUser(sourcedId: string, p: ExportPerson): Record<string, unknown> {
	return {
		sourcedId,
		username: lower(p.username),
		givenName: p.preferredGivenName || p.givenName,
		familyName: p.preferredFamilyName || p.familyName,
		email: lower(p.email),
	};
}

export function sdsFiles(input: ExportInput, merged: Merged[] = []): FileSet {
	const orgs: Array<Record<string, unknown>> = [];
	const users = new Users();
	const roles: Array<Record<string, unknown>> = [];
	const sessions: Array<Record<string, unknown>> = [];
	const classes: Array<Record<string, unknown>> = [];
	const enrollments: Array<Record<string, unknown>> = [];
	const relationships: Array<Record<string, unknown>> = [];
	const seen = new Set<string>();
	/** Adds a row once: a merged user's roles and links are not repeated. */
	const once = (list: Array<Record<string, unknown>>, row: Record<string, unknown>) => {
		const key = `${list === roles ? 'r' : list === enrollments ? 'e' : 'l'}|${Object.values(row).join('|')}`;
		if (!seen.has(key)) {
			seen.add(key);
			list.push(row);
		}
	};
	const role = (row: Record<string, unknown>) => once(roles, row);
	const link = once;
	if (input.trust)
		orgs.push({
			sourcedId: ids.trust(input.trust.id),
			name: input.trust.name,
			type: 'academicTrust',
		});
	for (const s of input.schools) {
		const org = ids.org(s.schoolId);
		const session = ids.session(s.schoolId, s.year);
		orgs.push({
			sourcedId: org,
			name: s.name,
			type: 'school',
			parentSourcedId: input.trust ? ids.trust(input.trust.id) : '',
		});
		sessions.push({
			sourcedId: session,
			title: `${s.year.start.slice(0, 4)}/${s.year.end.slice(2, 4)}`,
			type: 'schoolYear',
			schoolYear: s.year.end.slice(0, 4),
			startDate: s.year.start,
			endDate: s.year.end,
		});
		for (const p of s.students) {
			const id = users.add(sdsUser(ids.student(s.schoolId, p.id), p));
			role({
				userSourcedId: id,
				orgSourcedId: org,
				role: 'student',
				sessionSourcedId: session,
				grade: gradeOf(p.yearGroup),
				isPrimary: 'true',
			});
		}
		for (const p of s.teachers) {
			const id = users.add(sdsUser(ids.staff(s.schoolId, p.id), p));
			role({
				userSourcedId: id,
				orgSourcedId: org,
				role: 'teacher',
				sessionSourcedId: session,
				isPrimary: 'true',
			});
		}
		if (input.includeClasses) {
			for (const c of s.classes) {
				const id = ids.class(s.schoolId, c.id);
				classes.push({
					sourcedId: id,
					orgSourcedId: org,
					title: c.title,
					sessionSourcedIds: session,
				});
				for (const t of c.teacherIds)
					link(enrollments, {
						classSourcedId: id,
						userSourcedId: users.id(ids.staff(s.schoolId, t)),
						role: 'teacher',
					});
				for (const st of c.studentIds)
					link(enrollments, {
						classSourcedId: id,
						userSourcedId: users.id(ids.student(s.schoolId, st)),
						role: 'student',
					});
			}
		}
		if (input.includeContacts) {
			for (const c of s.contacts.filter(usableContact)) {
				const id = users.add({
					sourcedId: ids.contact(s.schoolId, c.id),
					username: lower(c.email),
					givenName: c.givenName,
					familyName: c.familyName,
					email: lower(c.email),
				});
				for (const l of c.links)
					link(relationships, {
						userSourcedId: users.id(ids.student(s.schoolId, l.studentId)),
						relationshipUserSourcedId: id,
						relationshipRole: relationshipRole(l.relationship),
					});
			}
		}
	}
	const files: FileSet = [
		{ name: 'orgs.csv', text: csv(SDS_HEADERS['orgs.csv'], orgs) },
		{ name: 'users.csv', text: csv(SDS_HEADERS['users.csv'], users.rows) },
		{ name: 'roles.csv', text: csv(SDS_HEADERS['roles.csv'], roles) },
		{ name: 'academicSessions.csv', text: csv(SDS_HEADERS['academicSessions.csv'], sessions) },
	];
	if (input.includeClasses) {
		files.push({ name: 'classes.csv', text: csv(SDS_HEADERS['classes.csv'], classes) });
		files.push({ name: 'enrollments.csv', text: csv(SDS_HEADERS['enrollments.csv'], enrollments) });
	}
	if (input.includeContacts)
		files.push({
			name: 'relationships.csv',
			text: csv(SDS_HEADERS['relationships.csv'], relationships),
		});
	merged.push(...users.merged);
	return files;
}

// ---- OneRoster 1.2 (bulk) --------------------------------------------------------------------------

const STATUS = ['sourcedId', 'status', 'dateLastModified'] as const;
export const ONEROSTER_HEADERS = {
	'orgs.csv': [...STATUS, 'name', 'type', 'identifier', 'parentSourcedId'],
	'academicSessions.csv': [
		...STATUS,
		'title',
		'type',
		'startDate',
		'endDate',
		'parentSourcedId',
		'schoolYear',
	],
	'courses.csv': [
		...STATUS,
		'schoolYearSourcedId',
		'title',
		'courseCode',
		'grades',
		'orgSourcedId',
		'subjects',
		'subjectCodes',
	],
	'classes.csv': [
		...STATUS,
		'title',
		'grades',
		'courseSourcedId',
		'classCode',
		'classType',
		'location',
		'schoolSourcedId',
		'termSourcedIds',
		'subjects',
		'subjectCodes',
		'periods',
	],
	'users.csv': [
		...STATUS,
		'enabledUser',
		'username',
		'userIds',
		'givenName',
		'familyName',
		'middleName',
		'identifier',
		'email',
		'sms',
		'phone',
		'agentSourcedIds',
		'grades',
		'password',
		'userMasterIdentifier',
		'preferredGivenName',
		'preferredMiddleName',
		'preferredFamilyName',
		'primaryOrgSourcedId',
		'pronouns',
	],
	'roles.csv': [
		...STATUS,
		'userSourcedId',
		'roleType',
		'role',
		'beginDate',
		'endDate',
		'orgSourcedId',
		'userProfileSourcedId',
	],
	'enrollments.csv': [
		...STATUS,
		'classSourcedId',
		'schoolSourcedId',
		'userSourcedId',
		'role',
		'primary',
		'beginDate',
		'endDate',
	],
} as const;

/** Every data file of the binding; those not written are declared `absent` in the manifest. */
export const ONEROSTER_FILES = [
	'academicSessions',
	'categories',
	'classes',
	'classResources',
	'courses',
	'courseResources',
	'demographics',
	'enrollments',
	'lineItemLearningObjectiveIds',
	'lineItems',
	'lineItemScoreScales',
	'orgs',
	'resources',
	'resultLearningObjectiveIds',
	'results',
	'resultScoreScales',
	'roles',
	'scoreScales',
	'userProfiles',
	'userResources',
	'users',
] as const;

export function oneRosterFiles(input: ExportInput): FileSet {
	const orgs: Array<Record<string, unknown>> = [];
	const sessions: Array<Record<string, unknown>> = [];
	const courses: Array<Record<string, unknown>> = [];
	const classes: Array<Record<string, unknown>> = [];
	const users: Array<Record<string, unknown>> = [];
	const roles: Array<Record<string, unknown>> = [];
	const enrollments: Array<Record<string, unknown>> = [];
	// A trust is not a OneRoster org type: it goes in as a district (docs/bromcom-facts.md, Roster exports).
	if (input.trust)
		orgs.push({
			sourcedId: ids.trust(input.trust.id),
			name: input.trust.name,
			type: 'district',
			identifier: input.trust.id,
		});
	for (const s of input.schools) {
		const org = ids.org(s.schoolId);
		const session = ids.session(s.schoolId, s.year);
		orgs.push({
			sourcedId: org,
			name: s.name,
			type: 'school',
			identifier: s.identifier ?? '',
			parentSourcedId: input.trust ? ids.trust(input.trust.id) : '',
		});
		sessions.push({
			sourcedId: session,
			title: `${s.year.start.slice(0, 4)}/${s.year.end.slice(2, 4)}`,
			type: 'schoolYear',
			startDate: s.year.start,
			endDate: s.year.end,
			schoolYear: s.year.end.slice(0, 4),
		});
		const contactsOf = new Map<string, string[]>();
		const contacts = input.includeContacts ? s.contacts.filter(usableContact) : [];
		for (const c of contacts)
			for (const l of c.links)
				contactsOf.set(l.studentId, [
					...(contactsOf.get(l.studentId) ?? []),
					ids.contact(s.schoolId, c.id),
				]);
		const person = (p: ExportPerson, id: string, extra: Record<string, unknown>) => ({
			sourcedId: id,
			enabledUser: 'true',
			username: lower(p.username),
			givenName: p.givenName,
			familyName: p.familyName,
			middleName: p.middleName ?? '',
			identifier: p.identifier ?? '',
			email: lower(p.email),
			preferredGivenName: p.preferredGivenName ?? '',
			preferredFamilyName: p.preferredFamilyName ?? '',
			primaryOrgSourcedId: org,
			...extra,
		});
		const role = (user: string, name: string) => ({
			sourcedId: `${user}-role`,
			userSourcedId: user,
			roleType: 'primary',
			role: name,
			orgSourcedId: org,
		});
		for (const p of s.students) {
			const id = ids.student(s.schoolId, p.id);
			users.push(
				person(p, id, {
					grades: gradeOf(p.yearGroup),
					agentSourcedIds: (contactsOf.get(p.id) ?? []).join(','),
				}),
			);
			roles.push(role(id, 'student'));
		}
		for (const p of s.teachers) {
			const id = ids.staff(s.schoolId, p.id);
			users.push(person(p, id, {}));
			roles.push(role(id, 'teacher'));
		}
		for (const c of contacts) {
			const id = ids.contact(s.schoolId, c.id);
			users.push(
				person({ ...c, username: c.email ?? '' }, id, {
					agentSourcedIds: c.links.map((l) => ids.student(s.schoolId, l.studentId)).join(','),
				}),
			);
			roles.push(
				role(
					id,
					relationshipRole(c.links[0]?.relationship) === 'guardian'
						? 'guardian'
						: relationshipRole(c.links[0]?.relationship) === 'relative'
							? 'relative'
							: 'parent',
				),
			);
		}
		if (input.includeClasses) {
			for (const c of s.classes) {
				const id = ids.class(s.schoolId, c.id);
				const course = ids.course(s.schoolId, c.id);
				courses.push({
					sourcedId: course,
					schoolYearSourcedId: session,
					title: c.subject || c.title,
					courseCode: c.title,
					orgSourcedId: org,
					subjects: c.subject ?? '',
				});
				classes.push({
					sourcedId: id,
					title: c.title,
					courseSourcedId: course,
					classCode: c.title,
					classType: c.type === 'tutorGroup' ? 'homeroom' : 'scheduled',
					schoolSourcedId: org,
					termSourcedIds: session,
					subjects: c.subject ?? '',
				});
				c.teacherIds.forEach((t, k) =>
					enrollments.push({
						sourcedId: `${id}-${ids.staff(s.schoolId, t)}`,
						classSourcedId: id,
						schoolSourcedId: org,
						userSourcedId: ids.staff(s.schoolId, t),
						role: 'teacher',
						primary: k === 0 ? 'true' : 'false',
					}),
				);
				for (const st of c.studentIds)
					enrollments.push({
						sourcedId: `${id}-${ids.student(s.schoolId, st)}`,
						classSourcedId: id,
						schoolSourcedId: org,
						userSourcedId: ids.student(s.schoolId, st),
						role: 'student',
						primary: 'false',
					});
			}
		}
	}
	// A file with no rows is not allowed: it is left out and declared absent.
	const data: FileSet = [];
	const add = (name: keyof typeof ONEROSTER_HEADERS, rows: Array<Record<string, unknown>>) => {
		if (rows.length > 0) data.push({ name, text: csv(ONEROSTER_HEADERS[name], rows) });
	};
	add('orgs.csv', orgs);
	add('academicSessions.csv', sessions);
	add('courses.csv', courses);
	add('classes.csv', classes);
	add('users.csv', users);
	add('roles.csv', roles);
	add('enrollments.csv', enrollments);
	const present = new Set(data.map((f) => f.name.replace(/\.csv$/, '')));
	const manifest = [
		{ propertyName: 'manifest.version', value: '1.0' },
		{ propertyName: 'oneroster.version', value: '1.2' },
		...ONEROSTER_FILES.map((f) => ({
			propertyName: `file.${f}`,
			value: present.has(f) ? 'bulk' : 'absent',
		})),
		{ propertyName: 'source.systemName', value: 'Bromcom (n8n-nodes-bromcom)' },
	];
	return [{ name: 'manifest.csv', text: csv(['propertyName', 'value'], manifest) }, ...data];
}
