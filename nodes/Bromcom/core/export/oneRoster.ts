/**
 * OneRoster 1.2 CSV, bulk (docs/bromcom-facts.md, Roster exports): manifest.csv declaring all 21 data
 * files, then orgs, academicSessions, courses, classes, users, roles and enrollments with the exact
 * headers in spec order and blank status / dateLastModified. One row per user (the people of
 * `identity.ts`), so every username is unique, as Microsoft's OneRoster route into SDS requires; a
 * role per school, `primary` at the user's own school and `secondary` elsewhere.
 *
 * Pure: a resolved trust in, file texts out.
 */
import { csv, type FileSet } from './csv';
import type { ResolvedTrust, UserRoleName } from './identity';
import { ids, normalEmail } from './model';
import { framedSchools, type ExportFrame } from './sds';

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

/**
 * Roles in OneRoster's vocabulary: non-teaching staff have no role of their own there, so they go in
 * as the extension `ext:staff` (the binding allows `ext:` for roles); a contact whose only relationship
 * is "other" but who passed the rules (parental responsibility) is a `guardian`.
 */
const ONEROSTER_ROLE: Record<UserRoleName, string> = {
	student: 'student',
	teacher: 'teacher',
	staff: 'ext:staff',
	parent: 'parent',
	guardian: 'guardian',
	relative: 'relative',
	other: 'guardian',
};

type Row = Record<string, unknown>;

export function oneRosterFiles(resolved: ResolvedTrust, frame: ExportFrame): FileSet {
	const schools = framedSchools(frame);
	const bySchool = new Map(schools.map((s) => [s.schoolId, s]));
	const orgs: Row[] = [];
	// A trust is not a OneRoster org type: it goes in as a district (docs/bromcom-facts.md, Roster exports).
	if (frame.trust)
		orgs.push({
			sourcedId: ids.trust(frame.trust.id),
			name: frame.trust.name,
			type: 'district',
			identifier: frame.trust.id,
		});
	for (const s of schools)
		orgs.push({
			sourcedId: s.org,
			name: s.name,
			type: 'school',
			identifier: s.identifier ?? '',
			parentSourcedId: frame.trust ? ids.trust(frame.trust.id) : '',
		});
	const sessions: Row[] = schools.map((s) => ({
		sourcedId: s.session,
		title: s.title,
		type: 'schoolYear',
		startDate: s.year.start,
		endDate: s.year.end,
		schoolYear: s.year.end.slice(0, 4),
	}));
	// Agents: a student's contacts and a contact's students, from the one relationship per pair.
	const agents = new Map<string, string[]>();
	const agent = (of: string, who: string) => agents.set(of, [...(agents.get(of) ?? []), who]);
	if (frame.includeContacts)
		for (const r of resolved.relationships) {
			agent(r.student, r.contact);
			agent(r.contact, r.student);
		}
	const users: Row[] = [];
	const roles: Row[] = [];
	for (const u of resolved.users) {
		const p = u.person;
		const primary = u.roles.find((r) => r.primary) ?? u.roles[0];
		users.push({
			sourcedId: u.sourcedId,
			enabledUser: 'true',
			username: u.username,
			givenName: p.givenName,
			familyName: p.familyName,
			middleName: p.middleName ?? '',
			identifier: p.identifier ?? '',
			email: u.kind === 'contact' ? u.username : normalEmail(p.email),
			agentSourcedIds: [...new Set(agents.get(u.sourcedId) ?? [])].sort().join(','),
			grades: primary?.grade ?? '',
			preferredGivenName: p.preferredGivenName ?? '',
			preferredFamilyName: p.preferredFamilyName ?? '',
			primaryOrgSourcedId: ids.org(primary ? primary.schoolId : p.schoolId),
		});
		for (const r of u.roles)
			roles.push({
				sourcedId: `${u.sourcedId}-role-${r.schoolId}-${r.role}`,
				userSourcedId: u.sourcedId,
				roleType: r.primary ? 'primary' : 'secondary',
				role: ONEROSTER_ROLE[r.role],
				orgSourcedId: ids.org(r.schoolId),
			});
	}
	const courses: Row[] = [];
	const classes: Row[] = [];
	const enrollments: Row[] = [];
	if (frame.includeClasses)
		for (const c of resolved.classes) {
			const school = bySchool.get(c.cls.schoolId);
			const org = ids.org(c.cls.schoolId);
			const course = ids.course(c.cls.schoolId, c.cls.id);
			courses.push({
				sourcedId: course,
				schoolYearSourcedId: school?.session,
				title: c.cls.subject || c.cls.title,
				courseCode: c.cls.title,
				orgSourcedId: org,
				subjects: c.cls.subject ?? '',
			});
			classes.push({
				sourcedId: c.sourcedId,
				title: c.cls.title,
				courseSourcedId: course,
				classCode: c.cls.title,
				classType: c.cls.type === 'tutorGroup' ? 'homeroom' : 'scheduled',
				schoolSourcedId: org,
				termSourcedIds: school?.session,
				subjects: c.cls.subject ?? '',
			});
			c.teachers.forEach((t, k) =>
				enrollments.push({
					sourcedId: `${c.sourcedId}-${t}`,
					classSourcedId: c.sourcedId,
					schoolSourcedId: org,
					userSourcedId: t,
					role: 'teacher',
					primary: k === 0 ? 'true' : 'false',
				}),
			);
			for (const st of c.students)
				enrollments.push({
					sourcedId: `${c.sourcedId}-${st}`,
					classSourcedId: c.sourcedId,
					schoolSourcedId: org,
					userSourcedId: st,
					role: 'student',
					primary: 'false',
				});
		}
	// A file with no rows is not allowed: it is left out and declared absent.
	const data: FileSet = [];
	const add = (name: keyof typeof ONEROSTER_HEADERS, rows: Row[]) => {
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
