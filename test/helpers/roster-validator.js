/**
 * Validators for roster files, written from the format specifications (docs/bromcom-facts.md,
 * Roster exports: Microsoft SDS v2.1 CSV, OneRoster 1.2 CSV binding), independent of the product's
 * writer: an RFC 4180 reader, exact headers, required values, enumerations, value formats and
 * referential integrity. Each returns a list of problems; an empty list is a valid file set.
 */

/** RFC 4180: quoted fields with doubled quotes; CRLF between records; no line break inside a field. */
function parseCsv(text, name, problems) {
	if (text.charCodeAt(0) === 0xfeff) problems.push(`${name}: starts with a byte order mark`);
	const rows = [];
	let row = [];
	let cell = '';
	let quoted = false;
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				cell += '"';
				i += 2;
				continue;
			}
			if (c === '"') {
				quoted = false;
				i++;
				continue;
			}
			if (c === '\r' || c === '\n')
				problems.push(`${name}: a line break inside a value (record ${rows.length + 1})`);
			cell += c;
			i++;
			continue;
		}
		if (c === '"' && cell === '') {
			quoted = true;
			i++;
		} else if (c === ',') {
			row.push(cell);
			cell = '';
			i++;
		} else if (c === '\r' && text[i + 1] === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i += 2;
		} else if (c === '\n' || c === '\r') {
			problems.push(`${name}: a bare line break (records must end with CRLF)`);
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i++;
		} else {
			cell += c;
			i++;
		}
	}
	if (cell !== '' || row.length) problems.push(`${name}: the last record does not end with CRLF`);
	const [header, ...data] = rows;
	for (const [k, r] of data.entries())
		if (r.length !== header.length)
			problems.push(`${name}: record ${k + 2} has ${r.length} fields, the header ${header.length}`);
	return {
		header,
		records: data.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? '']))),
	};
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@A-Z]+@[^\s@A-Z]+\.[a-z]{2,}$/;

function check(
	problems,
	file,
	records,
	{ required = [], enums = {}, dates = [], emails = [], unique = [] },
) {
	records.forEach((r, k) => {
		const at = `${file} record ${k + 2}`;
		for (const f of required) if (!r[f]) problems.push(`${at}: ${f} is required`);
		for (const [f, values] of Object.entries(enums))
			if (r[f] && !values.includes(r[f]))
				problems.push(`${at}: ${f} "${r[f]}" is not one of ${values.join(', ')}`);
		for (const f of dates)
			if (r[f] && !DATE.test(r[f])) problems.push(`${at}: ${f} "${r[f]}" is not an ISO date`);
		for (const f of emails)
			if (r[f] && !EMAIL.test(r[f]))
				problems.push(`${at}: ${f} "${r[f]}" is not a lower-case email`);
	});
	for (const f of unique) {
		const seen = new Set();
		for (const r of records) {
			if (seen.has(r[f])) problems.push(`${file}: ${f} "${r[f]}" is not unique`);
			seen.add(r[f]);
		}
	}
}

const refs = (problems, from, records, field, target, targetIds) => {
	for (const r of records)
		if (r[field] && !targetIds.has(r[field]))
			problems.push(`${from}: ${field} "${r[field]}" is not in ${target}`);
};

// Microsoft SDS v2.1: header order of Microsoft's sample files; required columns.
const SDS = {
	'orgs.csv': {
		header: ['sourcedId', 'name', 'type', 'parentSourcedId'],
		required: ['sourcedId', 'name', 'type'],
	},
	'users.csv': {
		header: [
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
		required: ['sourcedId', 'username', 'givenName', 'familyName'],
	},
	'roles.csv': {
		header: [
			'userSourcedId',
			'orgSourcedId',
			'role',
			'sessionSourcedId',
			'grade',
			'isPrimary',
			'roleStartDate',
			'roleEndDate',
		],
		required: ['userSourcedId', 'orgSourcedId', 'role'],
	},
	'academicSessions.csv': {
		header: ['sourcedId', 'title', 'type', 'schoolYear', 'startDate', 'endDate'],
		required: ['sourcedId', 'title', 'type', 'schoolYear', 'startDate', 'endDate'],
	},
	'classes.csv': {
		header: ['sourcedId', 'orgSourcedId', 'title', 'sessionSourcedIds', 'courseSourcedId'],
		required: ['sourcedId', 'orgSourcedId', 'title'],
	},
	'enrollments.csv': {
		header: ['classSourcedId', 'userSourcedId', 'role'],
		required: ['classSourcedId', 'userSourcedId', 'role'],
	},
	'relationships.csv': {
		header: ['userSourcedId', 'relationshipUserSourcedId', 'relationshipRole'],
		required: ['userSourcedId', 'relationshipUserSourcedId', 'relationshipRole'],
	},
};
const SDS_ORG_TYPES = [
	'school',
	'ministryOfEducation',
	'localAuthority',
	'department',
	'university',
	'region',
	'district',
	'college',
	'division',
	'local',
	'campus',
	'province',
	'state',
	'adultEducation',
	'researchCenter',
	'national',
	'municipality',
	'program',
	'departmentOfEducation',
	'academicTrust',
];
const SDS_ROLES = [
	'principal',
	'chair',
	'professor',
	'researcher',
	'adjunct',
	'affiliate',
	'occupationalTherapist',
	'physicalTherapist',
	'speechTherapist',
	'visionTherapist',
	'paraprofessional',
	'specialServices',
	'advisor',
	'proctor',
	'nurse',
	'officeStaff',
	'lecturer',
	'itAdmin',
	'administrator',
	'teacher',
	'faculty',
	'staff',
	'teacherAssistant',
	'assistant',
	'instructor',
	'substitute',
	'coach',
	'alumni',
	'student',
	'other',
];
const GRADES = [
	'it',
	'pr',
	'pk',
	'tk',
	'kg',
	'01',
	'02',
	'03',
	'04',
	'05',
	'06',
	'07',
	'08',
	'09',
	'10',
	'11',
	'12',
	'13',
	'14',
	'ps',
	'ug',
	'other',
];

function validateSds(files) {
	const problems = [];
	const names = files.map((f) => f.name);
	for (const required of ['orgs.csv', 'users.csv', 'roles.csv'])
		if (!names.includes(required)) problems.push(`missing ${required}`);
	if (names.includes('classes.csv') !== names.includes('enrollments.csv'))
		problems.push('classes.csv and enrollments.csv go together');
	const t = {};
	for (const f of files) {
		const spec = SDS[f.name];
		if (!spec) {
			problems.push(`${f.name} is not an SDS v2.1 file`);
			continue;
		}
		const { header, records } = parseCsv(f.text, f.name, problems);
		if (JSON.stringify(header) !== JSON.stringify(spec.header))
			problems.push(`${f.name}: header ${header.join(',')} is not ${spec.header.join(',')}`);
		check(problems, f.name, records, { required: spec.required });
		t[f.name] = records;
	}
	const orgs = t['orgs.csv'] ?? [];
	const users = t['users.csv'] ?? [];
	check(problems, 'orgs.csv', orgs, { enums: { type: SDS_ORG_TYPES }, unique: ['sourcedId'] });
	check(problems, 'users.csv', users, {
		emails: ['username', 'email'],
		unique: ['sourcedId', 'username'],
	});
	check(problems, 'roles.csv', t['roles.csv'] ?? [], {
		enums: {
			role: SDS_ROLES,
			grade: GRADES.map((g) => g.toUpperCase()).concat(GRADES),
			isPrimary: ['true', 'false'],
		},
		dates: ['roleStartDate', 'roleEndDate'],
	});
	check(problems, 'academicSessions.csv', t['academicSessions.csv'] ?? [], {
		enums: { type: ['schoolYear', 'semester', 'term', 'gradingPeriod'] },
		dates: ['startDate', 'endDate'],
		unique: ['sourcedId'],
	});
	check(problems, 'enrollments.csv', t['enrollments.csv'] ?? [], {
		enums: { role: ['student', 'teacher'] },
	});
	check(problems, 'relationships.csv', t['relationships.csv'] ?? [], {
		enums: { relationshipRole: ['parent', 'guardian', 'relative', 'other', 'doctor', 'aide'] },
	});
	const orgIds = new Set(orgs.map((o) => o.sourcedId));
	const userIds = new Set(users.map((u) => u.sourcedId));
	const classIds = new Set((t['classes.csv'] ?? []).map((c) => c.sourcedId));
	const sessionIds = new Set((t['academicSessions.csv'] ?? []).map((s) => s.sourcedId));
	refs(problems, 'orgs.csv', orgs, 'parentSourcedId', 'orgs.csv', orgIds);
	refs(problems, 'roles.csv', t['roles.csv'] ?? [], 'userSourcedId', 'users.csv', userIds);
	refs(problems, 'roles.csv', t['roles.csv'] ?? [], 'orgSourcedId', 'orgs.csv', orgIds);
	refs(
		problems,
		'roles.csv',
		t['roles.csv'] ?? [],
		'sessionSourcedId',
		'academicSessions.csv',
		sessionIds,
	);
	refs(problems, 'classes.csv', t['classes.csv'] ?? [], 'orgSourcedId', 'orgs.csv', orgIds);
	for (const c of t['classes.csv'] ?? [])
		for (const s of c.sessionSourcedIds.split(',').filter(Boolean))
			if (!sessionIds.has(s))
				problems.push(`classes.csv: session ${s} is not in academicSessions.csv`);
	refs(
		problems,
		'enrollments.csv',
		t['enrollments.csv'] ?? [],
		'classSourcedId',
		'classes.csv',
		classIds,
	);
	refs(
		problems,
		'enrollments.csv',
		t['enrollments.csv'] ?? [],
		'userSourcedId',
		'users.csv',
		userIds,
	);
	refs(
		problems,
		'relationships.csv',
		t['relationships.csv'] ?? [],
		'userSourcedId',
		'users.csv',
		userIds,
	);
	refs(
		problems,
		'relationships.csv',
		t['relationships.csv'] ?? [],
		'relationshipUserSourcedId',
		'users.csv',
		userIds,
	);
	// Every user has a role; contacts in relationships need a name and an email.
	const withRole = new Set((t['roles.csv'] ?? []).map((r) => r.userSourcedId));
	const contacts = new Set((t['relationships.csv'] ?? []).map((r) => r.relationshipUserSourcedId));
	for (const u of users) {
		if (!withRole.has(u.sourcedId) && !contacts.has(u.sourcedId))
			problems.push(`users.csv: ${u.sourcedId} has no role`);
		if (contacts.has(u.sourcedId) && !u.email)
			problems.push(`users.csv: contact ${u.sourcedId} has no email`);
	}
	return { problems, tables: t };
}

// OneRoster 1.2 CSV binding: headers in exact order.
const S = ['sourcedId', 'status', 'dateLastModified'];
const OR = {
	'orgs.csv': {
		header: [...S, 'name', 'type', 'identifier', 'parentSourcedId'],
		required: ['sourcedId', 'name', 'type'],
	},
	'academicSessions.csv': {
		header: [...S, 'title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear'],
		required: ['sourcedId', 'title', 'type', 'startDate', 'endDate', 'schoolYear'],
	},
	'courses.csv': {
		header: [
			...S,
			'schoolYearSourcedId',
			'title',
			'courseCode',
			'grades',
			'orgSourcedId',
			'subjects',
			'subjectCodes',
		],
		required: ['sourcedId', 'title', 'orgSourcedId'],
	},
	'classes.csv': {
		header: [
			...S,
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
		required: [
			'sourcedId',
			'title',
			'courseSourcedId',
			'classType',
			'schoolSourcedId',
			'termSourcedIds',
		],
	},
	'users.csv': {
		header: [
			...S,
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
		required: ['sourcedId', 'enabledUser', 'username', 'givenName', 'familyName'],
	},
	'roles.csv': {
		header: [
			...S,
			'userSourcedId',
			'roleType',
			'role',
			'beginDate',
			'endDate',
			'orgSourcedId',
			'userProfileSourcedId',
		],
		required: ['sourcedId', 'userSourcedId', 'roleType', 'role', 'orgSourcedId'],
	},
	'enrollments.csv': {
		header: [
			...S,
			'classSourcedId',
			'schoolSourcedId',
			'userSourcedId',
			'role',
			'primary',
			'beginDate',
			'endDate',
		],
		required: ['sourcedId', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'],
	},
};
const OR_FILES = [
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
];
const GUID = /^[0-9A-Za-z.\-_/@]{1,255}$/;
const ext = (values) => (v) => values.includes(v) || /^ext:[A-Za-z0-9]+$/.test(v);

function validateOneRoster(files) {
	const problems = [];
	const manifest = files.find((f) => f.name === 'manifest.csv');
	if (!manifest) return { problems: ['missing manifest.csv'], tables: {} };
	const m = parseCsv(manifest.text, 'manifest.csv', problems);
	if (JSON.stringify(m.header) !== JSON.stringify(['propertyName', 'value']))
		problems.push('manifest.csv: header is not propertyName,value');
	const props = Object.fromEntries(m.records.map((r) => [r.propertyName, r.value]));
	if (props['manifest.version'] !== '1.0') problems.push('manifest.version is not 1.0');
	if (props['oneroster.version'] !== '1.2') problems.push('oneroster.version is not 1.2');
	for (const f of OR_FILES) {
		const mode = props[`file.${f}`];
		const present = files.some((x) => x.name === `${f}.csv`);
		if (!['absent', 'bulk', 'delta'].includes(mode))
			problems.push(`manifest: file.${f} is "${mode}"`);
		if (present && mode === 'absent') problems.push(`${f}.csv is present but declared absent`);
		if (!present && mode !== 'absent') problems.push(`${f}.csv is declared ${mode} but missing`);
	}
	const t = {};
	for (const f of files.filter((x) => x.name !== 'manifest.csv')) {
		const spec = OR[f.name];
		if (!spec) {
			problems.push(`${f.name} is not a rostering file this export should write`);
			continue;
		}
		const { header, records } = parseCsv(f.text, f.name, problems);
		const specCols = header.filter((h) => !h.startsWith('metadata.'));
		if (JSON.stringify(specCols) !== JSON.stringify(spec.header))
			problems.push(`${f.name}: header is not in the spec's order`);
		if (
			header.findIndex((h) => h.startsWith('metadata.')) !== -1 &&
			header
				.slice(header.findIndex((h) => h.startsWith('metadata.')))
				.some((h) => !h.startsWith('metadata.'))
		)
			problems.push(`${f.name}: metadata columns must come last`);
		if (records.length === 0)
			problems.push(`${f.name}: a file with no records must be declared absent`);
		check(problems, f.name, records, { required: spec.required, unique: ['sourcedId'] });
		for (const r of records) {
			if (
				props[`file.${f.name.replace('.csv', '')}`] === 'bulk' &&
				(r.status || r.dateLastModified)
			)
				problems.push(`${f.name}: bulk records have blank status and dateLastModified`);
			for (const col of [
				'sourcedId',
				'parentSourcedId',
				'orgSourcedId',
				'userSourcedId',
				'classSourcedId',
				'schoolSourcedId',
				'courseSourcedId',
				'schoolYearSourcedId',
				'primaryOrgSourcedId',
			])
				if (r[col] && !GUID.test(r[col]))
					problems.push(`${f.name}: ${col} "${r[col]}" is not a valid sourcedId`);
		}
		t[f.name] = records;
	}
	const enumCheck = (file, col, ok) =>
		(t[file] ?? []).forEach(
			(r) =>
				r[col] &&
				!ok(r[col]) &&
				problems.push(`${file}: ${col} "${r[col]}" is not in the vocabulary`),
		);
	enumCheck(
		'orgs.csv',
		'type',
		ext(['department', 'school', 'district', 'local', 'state', 'national']),
	);
	enumCheck(
		'academicSessions.csv',
		'type',
		ext(['gradingPeriod', 'semester', 'schoolYear', 'term']),
	);
	enumCheck('classes.csv', 'classType', ext(['homeroom', 'scheduled']));
	enumCheck('roles.csv', 'roleType', (v) => ['primary', 'secondary'].includes(v));
	enumCheck(
		'roles.csv',
		'role',
		ext([
			'aide',
			'counselor',
			'districtAdministrator',
			'guardian',
			'parent',
			'principal',
			'proctor',
			'relative',
			'siteAdministrator',
			'student',
			'systemAdministrator',
			'teacher',
		]),
	);
	enumCheck('enrollments.csv', 'role', ext(['administrator', 'proctor', 'student', 'teacher']));
	enumCheck('users.csv', 'enabledUser', (v) => ['true', 'false'].includes(v));
	enumCheck('enrollments.csv', 'primary', (v) => ['true', 'false'].includes(v));
	check(problems, 'academicSessions.csv', t['academicSessions.csv'] ?? [], {
		dates: ['startDate', 'endDate'],
	});
	check(problems, 'users.csv', t['users.csv'] ?? [], { emails: ['email'] });
	const idsOf = (file) => new Set((t[file] ?? []).map((r) => r.sourcedId));
	const orgIds = idsOf('orgs.csv');
	const userIds = idsOf('users.csv');
	const classIds = idsOf('classes.csv');
	const courseIds = idsOf('courses.csv');
	const sessionIds = idsOf('academicSessions.csv');
	refs(problems, 'orgs.csv', t['orgs.csv'] ?? [], 'parentSourcedId', 'orgs.csv', orgIds);
	refs(problems, 'courses.csv', t['courses.csv'] ?? [], 'orgSourcedId', 'orgs.csv', orgIds);
	refs(
		problems,
		'courses.csv',
		t['courses.csv'] ?? [],
		'schoolYearSourcedId',
		'academicSessions.csv',
		sessionIds,
	);
	refs(
		problems,
		'classes.csv',
		t['classes.csv'] ?? [],
		'courseSourcedId',
		'courses.csv',
		courseIds,
	);
	refs(problems, 'classes.csv', t['classes.csv'] ?? [], 'schoolSourcedId', 'orgs.csv', orgIds);
	for (const c of t['classes.csv'] ?? [])
		for (const s of c.termSourcedIds.split(','))
			if (!sessionIds.has(s))
				problems.push(`classes.csv: term ${s} is not in academicSessions.csv`);
	refs(problems, 'roles.csv', t['roles.csv'] ?? [], 'userSourcedId', 'users.csv', userIds);
	refs(problems, 'roles.csv', t['roles.csv'] ?? [], 'orgSourcedId', 'orgs.csv', orgIds);
	refs(
		problems,
		'enrollments.csv',
		t['enrollments.csv'] ?? [],
		'classSourcedId',
		'classes.csv',
		classIds,
	);
	refs(
		problems,
		'enrollments.csv',
		t['enrollments.csv'] ?? [],
		'userSourcedId',
		'users.csv',
		userIds,
	);
	refs(
		problems,
		'enrollments.csv',
		t['enrollments.csv'] ?? [],
		'schoolSourcedId',
		'orgs.csv',
		orgIds,
	);
	refs(problems, 'users.csv', t['users.csv'] ?? [], 'primaryOrgSourcedId', 'orgs.csv', orgIds);
	for (const u of t['users.csv'] ?? [])
		for (const a of u.agentSourcedIds.split(',').filter(Boolean))
			if (!userIds.has(a)) problems.push(`users.csv: agent ${a} is not a user`);
	return { problems, tables: t };
}

module.exports = { parseCsv, validateSds, validateOneRoster };
