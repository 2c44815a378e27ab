/**
 * readSds: checks a Microsoft School Data Sync v2.1 CSV file set, written only from the format's
 * public description, and reads it into a plain model for further assertions.
 *
 * Sources (tags as in /work/shared/reference/roster-export-formats.md §0):
 *   R1 https://learn.microsoft.com/en-us/schooldatasync/sds-v2.1-csv-file-format
 *   R2 https://learn.microsoft.com/en-us/schooldatasync/default-list-of-values
 *   R3 https://learn.microsoft.com/en-us/schooldatasync/data-ingestion-wiith-oneroster-1.2-csv
 *   R5/R6 Microsoft's sample files and a public SDS v2.1 writer, as digested in §1.3–§1.4.
 * Each rule below names its section of roster-export-formats.md and its tags.
 */
const { parseCsv } = require('./csv');
const { put, has, duplicatePairs } = require('./identity');
const { isIsoDateOrDateTime, isYear, isEmail } = require('./values');

/** @typedef {import('./csv').Problem} Problem */
/** @typedef {Record<string, string>} Row */

/**
 * @typedef {object} FileSpec
 * @property {string[]} headers every header the format defines for the file
 * @property {string[]} required headers that must be present AND carry a value
 * @property {string} [id] the column that identifies a row, unique in the file
 * @property {Record<string, string[]>} [enums] column → allowed values (matched case-insensitively)
 * @property {string[]} [booleans]
 * @property {string[]} [dates]
 * @property {string[]} [years]
 */

// §1.4, R2 and R6 (C).
const ORG_TYPES = [
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
// §1.4, R2 and R6 (C): the staff group, the student group, and `other`.
const STAFF_ROLES = [
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
];
const ROLES = [...STAFF_ROLES, 'student', 'other'];
// §1.4, R6 (S): "student, teacher, and most staff values". Which staff values are left out is not
// known, so every roles.role value is accepted (our choice; see the report).
const ENROLLMENT_ROLES = ROLES;
// §1.3, R5/R6 (C).
const RELATIONSHIP_ROLES = ['parent', 'guardian', 'relative', 'other', 'doctor', 'aide'];
// §1.3, R5/R6 (C; `quarter` from R6).
const SESSION_TYPES = ['schoolYear', 'semester', 'term', 'gradingPeriod', 'quarter'];
// §1.3, R6.
const SEX = ['male', 'female', 'notSelected'];

/**
 * Files, headers, required values: §1.1 and §1.3 (R1, R5, R6). `required` are the starred
 * columns. users.givenName/familyName are required by R1 "only when SDS creates the user"; an
 * export is what creates them, so they are required here.
 * @type {Record<string, FileSpec>}
 */
const FILES = {
	'orgs.csv': {
		headers: ['sourcedId', 'name', 'type', 'parentSourcedId'],
		required: ['sourcedId', 'name', 'type'],
		id: 'sourcedId',
		enums: { type: ORG_TYPES },
	},
	'users.csv': {
		headers: [
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
		id: 'sourcedId',
	},
	'roles.csv': {
		headers: [
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
		enums: { role: ROLES },
		booleans: ['isPrimary'],
		dates: ['roleStartDate', 'roleEndDate'],
	},
	'classes.csv': {
		headers: ['sourcedId', 'orgSourcedId', 'title', 'sessionSourcedIds', 'courseSourcedId', 'code'],
		required: ['sourcedId', 'orgSourcedId', 'title'],
		id: 'sourcedId',
	},
	'enrollments.csv': {
		headers: ['classSourcedId', 'userSourcedId', 'role'],
		required: ['classSourcedId', 'userSourcedId', 'role'],
		enums: { role: ENROLLMENT_ROLES },
	},
	// All six mandatory in R6 (§1.3).
	'academicSessions.csv': {
		headers: ['sourcedId', 'title', 'type', 'schoolYear', 'startDate', 'endDate'],
		required: ['sourcedId', 'title', 'type', 'schoolYear', 'startDate', 'endDate'],
		id: 'sourcedId',
		enums: { type: SESSION_TYPES },
		dates: ['startDate', 'endDate'],
		years: ['schoolYear'],
	},
	'courses.csv': {
		headers: [
			'sourcedId',
			'orgSourcedId',
			'title',
			'code',
			'schoolYearSourcedId',
			'subject',
			'grade',
		],
		required: ['sourcedId', 'orgSourcedId', 'title'],
		id: 'sourcedId',
	},
	// One demographics row per user (our reading: the row has no id of its own).
	'demographics.csv': {
		headers: [
			'userSourcedId',
			'sex',
			'birthDate',
			'birthCity',
			'birthState',
			'birthCountry',
			'ethnicityCodes',
			'raceCodes',
		],
		required: ['userSourcedId'],
		id: 'userSourcedId',
		enums: { sex: SEX },
		dates: ['birthDate'],
	},
	'relationships.csv': {
		headers: ['userSourcedId', 'relationshipUserSourcedId', 'relationshipRole'],
		required: ['userSourcedId', 'relationshipUserSourcedId', 'relationshipRole'],
		enums: { relationshipRole: RELATIONSHIP_ROLES },
	},
	'userFlags.csv': {
		headers: ['userSourcedId', 'flag'],
		required: ['userSourcedId'],
	},
};

// §1.1, R1/R6 (C).
const REQUIRED_FILES = ['orgs.csv', 'users.csv', 'roles.csv'];

/**
 * Every reference and the file it must resolve in. §1.3 (R1, R5, R6); §1.1 R1: academicSessions
 * and courses "should be provided" when roles/classes/courses reference them.
 * @type {{ file: string, field: string, target: string, list?: boolean }[]}
 */
const REFERENCES = [
	{ file: 'orgs.csv', field: 'parentSourcedId', target: 'orgs.csv' },
	{ file: 'roles.csv', field: 'userSourcedId', target: 'users.csv' },
	{ file: 'roles.csv', field: 'orgSourcedId', target: 'orgs.csv' },
	{ file: 'roles.csv', field: 'sessionSourcedId', target: 'academicSessions.csv' },
	{ file: 'classes.csv', field: 'orgSourcedId', target: 'orgs.csv' },
	{ file: 'classes.csv', field: 'sessionSourcedIds', target: 'academicSessions.csv', list: true },
	{ file: 'classes.csv', field: 'courseSourcedId', target: 'courses.csv' },
	{ file: 'courses.csv', field: 'orgSourcedId', target: 'orgs.csv' },
	{ file: 'courses.csv', field: 'schoolYearSourcedId', target: 'academicSessions.csv' },
	{ file: 'enrollments.csv', field: 'classSourcedId', target: 'classes.csv' },
	{ file: 'enrollments.csv', field: 'userSourcedId', target: 'users.csv' },
	{ file: 'relationships.csv', field: 'userSourcedId', target: 'users.csv' },
	{ file: 'relationships.csv', field: 'relationshipUserSourcedId', target: 'users.csv' },
	{ file: 'demographics.csv', field: 'userSourcedId', target: 'users.csv' },
	{ file: 'userFlags.csv', field: 'userSourcedId', target: 'users.csv' },
];

/**
 * @typedef {object} SdsModel
 * @property {'sds'} format
 * @property {Record<string, Row>} orgs by sourcedId
 * @property {Record<string, Row>} users by sourcedId
 * @property {Row[]} roles
 * @property {Record<string, Row>} classes by sourcedId
 * @property {Row[]} enrollments
 * @property {Row[]} relationships
 * @property {Record<string, Row>} academicSessions by sourcedId
 * @property {Record<string, Row>} courses by sourcedId
 * @property {Row[]} demographics
 * @property {Row[]} userFlags
 * Values are as SDS stores them (§1.2, R3 "Value Stored"): enums in their camelCase spelling,
 * booleans and emails lower-cased, everything else as received. For an id that repeats, the
 * first row is kept (the repeat is a problem).
 */

/**
 * @typedef {object} SdsOptions
 * @property {boolean} [strictCase] also report an enum or boolean that matches only
 *   case-insensitively (SDS itself accepts it: §1.2, R3)
 * @property {'allow' | 'unquoted' | 'any'} [edgeSpaces] passed to the CSV reader
 */

/**
 * @param {Record<string, string | Uint8Array>} files file name → content
 * @param {SdsOptions} [options]
 * @returns {{ problems: Problem[], model: SdsModel }}
 */
function readSds(files, options = {}) {
	/** @type {Problem[]} */
	const problems = [];
	/**
	 * @param {string} file
	 * @param {number} line
	 * @param {string} rule
	 * @param {string} message
	 */
	const report = (file, line, rule, message) => problems.push({ file, line, rule, message });

	// File names are exact (§1.1, R1 "named exactly as detailed"; older copy: case-sensitive).
	const known = Object.keys(FILES);
	for (const name of Object.keys(files)) {
		if (has(FILES, name)) continue;
		const near = known.find((k) => k.toLowerCase() === name.toLowerCase());
		report(
			name,
			0,
			'sds.file-name',
			near
				? `file name "${name}" must be spelled "${near}" (file names are exact)`
				: `"${name}" is not an SDS v2.1 file`,
		);
	}
	// Required files (§1.1, R1/R6).
	for (const name of REQUIRED_FILES) {
		if (!has(files, name)) report(name, 0, 'sds.file-missing', `${name} is required`);
	}
	// classes.csv and enrollments.csv come together (§1.1, R1 "you need to provide the two files").
	for (const [a, b] of [
		['classes.csv', 'enrollments.csv'],
		['enrollments.csv', 'classes.csv'],
	]) {
		if (has(files, a) && !has(files, b)) {
			report(b, 0, 'sds.file-missing', `${a} is present, so ${b} is required too`);
		}
	}

	/** @type {Record<string, { rows: Row[], lines: number[] }>} */
	const tables = {};
	for (const [name, spec] of Object.entries(FILES)) {
		if (!has(files, name)) continue;
		const csv = parseCsv(files[name], { file: name, edgeSpaces: options.edgeSpaces });
		problems.push(...csv.problems);
		const headerLine = 1;
		// Headers: case-sensitive names; required ones present; order not checked (§1.1/§1.3, R1:
		// "Column headers are case-sensitive"; required headers must be present, optional ones may
		// be left out; the page states no order).
		for (const h of csv.headers) {
			if (h === '' || spec.headers.includes(h)) continue;
			const near = spec.headers.find((k) => k.toLowerCase() === h.toLowerCase());
			if (near) {
				report(
					name,
					headerLine,
					'sds.header-case',
					`header "${h}" must be spelled "${near}" (headers are case-sensitive)`,
				);
			} else {
				report(
					name,
					headerLine,
					'sds.header-unknown',
					`"${h}" is not an SDS v2.1 header of ${name}`,
				);
			}
		}
		for (const h of spec.required) {
			if (!csv.headers.includes(h)) {
				report(name, headerLine, 'sds.header-missing', `the required header "${h}" is missing`);
			}
		}

		/** @type {Row[]} */
		const rows = [];
		csv.records.forEach((record, k) => {
			const line = csv.lines[k];
			/** @type {Row} */
			const row = {};
			for (const h of spec.headers) {
				if (!csv.headers.includes(h)) continue;
				let v = record[h] ?? '';
				if (v === '') {
					if (spec.required.includes(h)) {
						report(name, line, 'sds.value-missing', `${h} is required and is empty`);
					}
					put(row, h, v);
					continue;
				}
				const allowed = spec.enums?.[h];
				if (allowed) {
					// Enums match case-insensitively and are stored camelCase (§1.2, R3).
					const canonical = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
					if (!canonical) {
						report(name, line, 'sds.enum', `${h} "${v}" is not one of the SDS values`);
					} else {
						if (options.strictCase && canonical !== v) {
							report(name, line, 'sds.enum-case', `${h} "${v}" should be spelled "${canonical}"`);
						}
						v = canonical;
					}
				}
				if (spec.booleans?.includes(h)) {
					// Booleans: true/false, matched case-insensitively, stored lower-case (§1.2, R3).
					const lower = v.toLowerCase();
					if (lower !== 'true' && lower !== 'false') {
						report(name, line, 'sds.boolean', `${h} "${v}" is not true or false`);
					} else {
						if (options.strictCase && lower !== v) {
							report(name, line, 'sds.enum-case', `${h} "${v}" should be spelled "${lower}"`);
						}
						v = lower;
					}
				}
				// Dates: ISO 8601 (§1.2, R3; R4/R6 write YYYY-MM-DD).
				if (spec.dates?.includes(h) && !isIsoDateOrDateTime(v)) {
					report(name, line, 'sds.date', `${h} "${v}" is not an ISO 8601 date (YYYY-MM-DD)`);
				}
				if (spec.years?.includes(h) && !isYear(v)) {
					report(name, line, 'sds.year', `${h} "${v}" is not a year (YYYY)`);
				}
				put(row, h, v);
			}
			if (name === 'users.csv') {
				// username must be a UPN, name@domain (§1.3, R1 "must include the domain").
				if (row.username && !isEmail(row.username)) {
					report(
						name,
						line,
						'sds.username',
						`username "${row.username}" is not a UPN with a domain (name@domain)`,
					);
				}
				// email: Email type, RFC 5322 §3.4.1 syntax, stored lower-case (§1.2, R3).
				if (row.email) {
					if (!isEmail(row.email)) {
						report(name, line, 'sds.email', `email "${row.email}" is not an email address`);
					}
					row.email = row.email.toLowerCase();
				}
			}
			// A comma-separated list of ids (§1.3: classes.sessionSourcedIds, "comma list").
			if (name === 'classes.csv' && row.sessionSourcedIds) {
				if (row.sessionSourcedIds.split(',').some((item) => item === '')) {
					report(
						name,
						line,
						'sds.list-item',
						`sessionSourcedIds "${row.sessionSourcedIds}" has an empty item`,
					);
				}
			}
			rows.push(row);
		});
		tables[name] = { rows, lines: csv.lines };

		// sourcedId unique within its file (§1.2, R3: a Unique ID "is unique across all records";
		// matched case-sensitively).
		if (spec.id) {
			for (const dup of duplicatePairs(rows, [spec.id])) {
				if (dup.values[0] === '') continue;
				for (const k of dup.indexes.slice(1)) {
					report(
						name,
						csv.lines[k],
						'sds.duplicate-id',
						`${spec.id} "${dup.values[0]}" already appears on line ${csv.lines[dup.indexes[0]]}`,
					);
				}
			}
		}
	}

	/** @type {Record<string, Set<string>>} */
	const ids = {};
	for (const [name, spec] of Object.entries(FILES)) {
		if (spec.id && tables[name]) ids[name] = new Set(tables[name].rows.map((r) => r[spec.id]));
	}

	// Every reference resolves (§1.3; §1.1 R1 for academicSessions/courses).
	for (const ref of REFERENCES) {
		const table = tables[ref.file];
		if (!table) continue;
		table.rows.forEach((row, k) => {
			const v = row[ref.field];
			if (!v) return;
			const items = ref.list ? v.split(',').filter((x) => x !== '') : [v];
			for (const item of items) {
				if (!ids[ref.target]) {
					report(
						ref.file,
						table.lines[k],
						'sds.reference',
						`${ref.field} "${item}" refers to ${ref.target}, which is not in the file set`,
					);
				} else if (!ids[ref.target].has(item)) {
					report(
						ref.file,
						table.lines[k],
						'sds.reference',
						`${ref.field} "${item}" is not a sourcedId in ${ref.target}`,
					);
				}
			}
		});
	}

	const users = tables['users.csv'];
	if (users) {
		// username unique across users.csv, compared case-insensitively: it becomes the account's
		// UPN (§1.3, R1), SDS lower-cases addresses (§1.2, R3), R6 rejects a repeated username, and
		// SDS reports two records resolving to one account as DuplicateTargetEntries (§4b).
		/** @type {Map<string, { name: string, id: string, line: number }>} */
		const seen = new Map();
		users.rows.forEach((row, k) => {
			if (!row.username) return;
			const key = row.username.toLowerCase();
			const first = seen.get(key);
			if (first) {
				report(
					'users.csv',
					users.lines[k],
					'sds.username-duplicate',
					`username "${row.username}" is already used by user "${first.id}" ("${first.name}", line ${first.line}); usernames are compared case-insensitively`,
				);
			} else {
				seen.set(key, { name: row.username, id: row.sourcedId, line: users.lines[k] });
			}
		});
	}

	const relationships = tables['relationships.csv'];
	if (relationships && users) {
		// A contact named in relationships.csv needs givenName, familyName and email (§1.3 note ¹,
		// R1/R6, C).
		/** @type {Map<string, number>} */
		const userLine = new Map();
		users.rows.forEach((row, k) => {
			if (!userLine.has(row.sourcedId)) userLine.set(row.sourcedId, k);
		});
		/** @type {Set<string>} */
		const checked = new Set();
		for (const rel of relationships.rows) {
			const id = rel.relationshipUserSourcedId;
			if (!id || checked.has(id) || !userLine.has(id)) continue;
			checked.add(id);
			const k = userLine.get(id);
			const contact = users.rows[k];
			const missing = ['givenName', 'familyName', 'email'].filter((f) => !contact[f]);
			if (missing.length > 0) {
				report(
					'users.csv',
					users.lines[k],
					'sds.contact-incomplete',
					`user "${id}" is a contact in relationships.csv and has no ${missing.join(', ')}`,
				);
			}
		}
	}

	// Identity: one relationship per (student, contact), whatever the role (the brief's rule: two
	// rows for one pair give one person two relationships to the same contact).
	if (relationships) {
		for (const dup of duplicatePairs(relationships.rows, [
			'userSourcedId',
			'relationshipUserSourcedId',
		])) {
			const first = dup.indexes[0];
			for (const k of dup.indexes.slice(1)) {
				report(
					'relationships.csv',
					relationships.lines[k],
					'sds.relationship-duplicate',
					`student "${dup.values[0]}" and contact "${dup.values[1]}" already appear on line ${relationships.lines[first]} (relationshipRole "${relationships.rows[first].relationshipRole}", here "${relationships.rows[k].relationshipRole}")`,
				);
			}
		}
	}
	// One enrollment per (class, user).
	const enrollments = tables['enrollments.csv'];
	if (enrollments) {
		for (const dup of duplicatePairs(enrollments.rows, ['classSourcedId', 'userSourcedId'])) {
			for (const k of dup.indexes.slice(1)) {
				report(
					'enrollments.csv',
					enrollments.lines[k],
					'sds.enrollment-duplicate',
					`class "${dup.values[0]}" and user "${dup.values[1]}" already appear on line ${enrollments.lines[dup.indexes[0]]}`,
				);
			}
		}
	}
	const roles = tables['roles.csv'];
	if (roles) {
		// One row per (user, org, role).
		for (const dup of duplicatePairs(roles.rows, ['userSourcedId', 'orgSourcedId', 'role'])) {
			for (const k of dup.indexes.slice(1)) {
				report(
					'roles.csv',
					roles.lines[k],
					'sds.role-duplicate',
					`user "${dup.values[0]}" already has role "${dup.values[2]}" in org "${dup.values[1]}" on line ${roles.lines[dup.indexes[0]]}`,
				);
			}
		}
		// At most one isPrimary=true role per (user, org).
		const primary = roles.rows
			.map((row, k) => ({ row, k }))
			.filter((x) => x.row.isPrimary === 'true');
		for (const dup of duplicatePairs(
			primary.map((x) => x.row),
			['userSourcedId', 'orgSourcedId'],
		)) {
			const firstLine = roles.lines[primary[dup.indexes[0]].k];
			for (const j of dup.indexes.slice(1)) {
				report(
					'roles.csv',
					roles.lines[primary[j].k],
					'sds.primary-twice',
					`user "${dup.values[0]}" already has an isPrimary=true role in org "${dup.values[1]}" on line ${firstLine}`,
				);
			}
		}
	}

	/**
	 * @param {string} name
	 * @param {string} idField
	 * @returns {Record<string, Row>}
	 */
	const byId = (name, idField) => {
		/** @type {Record<string, Row>} */
		const out = {};
		for (const row of tables[name]?.rows ?? []) {
			const id = row[idField];
			if (id && !has(out, id)) put(out, id, row);
		}
		return out;
	};
	/** @param {string} name */
	const list = (name) => tables[name]?.rows ?? [];
	/** @type {SdsModel} */
	const model = {
		format: 'sds',
		orgs: byId('orgs.csv', 'sourcedId'),
		users: byId('users.csv', 'sourcedId'),
		roles: list('roles.csv'),
		classes: byId('classes.csv', 'sourcedId'),
		enrollments: list('enrollments.csv'),
		relationships: list('relationships.csv'),
		academicSessions: byId('academicSessions.csv', 'sourcedId'),
		courses: byId('courses.csv', 'sourcedId'),
		demographics: list('demographics.csv'),
		userFlags: list('userFlags.csv'),
	};
	return { problems, model };
}

module.exports = {
	readSds,
	SDS_FILES: FILES,
	SDS_ORG_TYPES: ORG_TYPES,
	SDS_ROLES: ROLES,
	SDS_RELATIONSHIP_ROLES: RELATIONSHIP_ROLES,
};
