/**
 * Microsoft School Data Sync v2.1 CSV (docs/bromcom-facts.md, Roster exports): exact file names and
 * headers in the order of Microsoft's sample files, one row per user (the people of `identity.ts`),
 * a role per school, classes and enrolments, and one relationship per (student, contact) pair.
 *
 * Pure: a resolved trust in, file texts out.
 */
import { csv, type FileSet } from './csv';
import type { ResolvedTrust } from './identity';
import { ids, normalEmail, type ExportSchool } from './model';

/** The schools and trust of a file set, as the files name them. */
export interface ExportFrame {
	trust?: { id: string; name: string };
	schools: ReadonlyArray<Pick<ExportSchool, 'schoolId' | 'name' | 'identifier' | 'year'>>;
	includeClasses: boolean;
	includeContacts: boolean;
}

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

type Row = Record<string, unknown>;

/** The schools in School ID order, with their session: the same files whatever order they were listed in. */
export function framedSchools(frame: ExportFrame) {
	return [...frame.schools]
		.sort((a, b) => a.schoolId - b.schoolId)
		.map((s) => ({
			...s,
			org: ids.org(s.schoolId),
			session: ids.session(s.schoolId, s.year),
			title: `${s.year.start.slice(0, 4)}/${s.year.end.slice(2, 4)}`,
		}));
}

export function sdsFiles(resolved: ResolvedTrust, frame: ExportFrame): FileSet {
	const schools = framedSchools(frame);
	const bySchool = new Map(schools.map((s) => [s.schoolId, s]));
	const orgs: Row[] = [];
	if (frame.trust)
		orgs.push({
			sourcedId: ids.trust(frame.trust.id),
			name: frame.trust.name,
			type: 'academicTrust',
		});
	for (const s of schools)
		orgs.push({
			sourcedId: s.org,
			name: s.name,
			type: 'school',
			parentSourcedId: frame.trust ? ids.trust(frame.trust.id) : '',
		});
	const sessions: Row[] = schools.map((s) => ({
		sourcedId: s.session,
		title: s.title,
		type: 'schoolYear',
		schoolYear: s.year.end.slice(0, 4),
		startDate: s.year.start,
		endDate: s.year.end,
	}));
	const users: Row[] = [];
	const roles: Row[] = [];
	for (const u of resolved.users) {
		const p = u.person;
		users.push({
			sourcedId: u.sourcedId,
			username: u.username,
			givenName: p.preferredGivenName || p.givenName,
			familyName: p.preferredFamilyName || p.familyName,
			email: normalEmail(p.email),
		});
		// Contacts are users linked by relationships.csv; SDS's roles are for students and staff.
		if (u.kind === 'contact') continue;
		for (const r of u.roles)
			roles.push({
				userSourcedId: u.sourcedId,
				orgSourcedId: ids.org(r.schoolId),
				role: r.role,
				sessionSourcedId: bySchool.get(r.schoolId)?.session,
				grade: r.grade ?? '',
				isPrimary: r.primary ? 'true' : 'false',
			});
	}
	const files: FileSet = [
		{ name: 'orgs.csv', text: csv(SDS_HEADERS['orgs.csv'], orgs) },
		{ name: 'users.csv', text: csv(SDS_HEADERS['users.csv'], users) },
		{ name: 'roles.csv', text: csv(SDS_HEADERS['roles.csv'], roles) },
		{ name: 'academicSessions.csv', text: csv(SDS_HEADERS['academicSessions.csv'], sessions) },
	];
	if (frame.includeClasses) {
		const classes: Row[] = [];
		const enrollments: Row[] = [];
		for (const c of resolved.classes) {
			classes.push({
				sourcedId: c.sourcedId,
				orgSourcedId: ids.org(c.cls.schoolId),
				title: c.cls.title,
				sessionSourcedIds: bySchool.get(c.cls.schoolId)?.session,
			});
			for (const t of c.teachers)
				enrollments.push({ classSourcedId: c.sourcedId, userSourcedId: t, role: 'teacher' });
			for (const st of c.students)
				enrollments.push({ classSourcedId: c.sourcedId, userSourcedId: st, role: 'student' });
		}
		files.push({ name: 'classes.csv', text: csv(SDS_HEADERS['classes.csv'], classes) });
		files.push({ name: 'enrollments.csv', text: csv(SDS_HEADERS['enrollments.csv'], enrollments) });
	}
	if (frame.includeContacts)
		files.push({
			name: 'relationships.csv',
			text: csv(
				SDS_HEADERS['relationships.csv'],
				resolved.relationships.map((r) => ({
					userSourcedId: r.student,
					relationshipUserSourcedId: r.contact,
					relationshipRole: r.role,
				})),
			),
		});
	return files;
}
