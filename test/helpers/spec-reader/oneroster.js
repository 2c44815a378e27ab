/**
 * readOneRoster: checks a 1EdTech OneRoster 1.2 CSV package (bulk mode), written only from the
 * binding's public description, and reads it into a plain model for further assertions.
 *
 * Sources (tags as in /work/shared/reference/roster-export-formats.md §0):
 *   R8  https://www.imsglobal.org/spec/oneroster/v1p2/bind/csv (CSV Binding 1.2.1, Final)
 *   R9  a public TS implementation claiming the official conformance cases (its schema, manifest,
 *       primitive and header rules, as digested in §2.1–§2.6)
 *   R10 https://help.rapididentity.com/docs/en/oneroster-csv-provider-template (restates the
 *       binding's CSV rules)
 *   R11 https://guide.fariaedu.com/managebac-oneroster-custom-specification (manifest, bulk)
 *   R3  https://learn.microsoft.com/en-us/schooldatasync/data-ingestion-wiith-oneroster-1.2-csv
 * Each rule below names its section of roster-export-formats.md and its tags.
 */
const { parseCsv } = require('./csv');
const { put, has, duplicatePairs } = require('./identity');
const { isDate, isYear, isGuid } = require('./values');

/** @typedef {import('./csv').Problem} Problem */
/** @typedef {Record<string, string>} Row */

// The 21 data files (§2.1, R9): 9 rostering, 8 gradebook, 4 resources.
const ROSTERING_FILES = [
	'academicSessions',
	'classes',
	'courses',
	'demographics',
	'enrollments',
	'orgs',
	'roles',
	'userProfiles',
	'users',
];
const DATA_FILES = [
	...ROSTERING_FILES,
	'categories',
	'lineItems',
	'lineItemLearningObjectiveIds',
	'lineItemScoreScales',
	'results',
	'resultLearningObjectiveIds',
	'resultScoreScales',
	'scoreScales',
	'resources',
	'classResources',
	'courseResources',
	'userResources',
];

/**
 * @typedef {object} Vocabulary
 * @property {string[]} values
 * @property {boolean} ext whether `ext:<token>` is also allowed
 */

/**
 * @typedef {object} FileSpec
 * @property {string[]} headers in the exact order of §2.5
 * @property {string[]} required columns whose value may not be blank (`*` in §2.5)
 * @property {Record<string, Vocabulary>} [vocab]
 * @property {string[]} [booleans]
 * @property {string[]} [dates]
 * @property {string[]} [years]
 * @property {string[]} [lists] comma-separated list columns
 * @property {Record<string, string>} [refs] GUID reference column → the file it points into
 * @property {Record<string, string>} [listRefs] list-of-GUID column → the file it points into
 */

const STATUS = ['status', 'dateLastModified'];

// §2.6 (R9).
const V = {
	orgType: {
		values: ['department', 'school', 'district', 'local', 'state', 'national'],
		ext: true,
	},
	sessionType: { values: ['gradingPeriod', 'semester', 'schoolYear', 'term'], ext: true },
	classType: { values: ['homeroom', 'scheduled'], ext: true },
	roleType: { values: ['primary', 'secondary'], ext: false },
	role: {
		values: [
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
		],
		ext: true,
	},
	enrollmentRole: { values: ['administrator', 'proctor', 'student', 'teacher'], ext: true },
	sex: { values: ['male', 'female', 'unspecified', 'other'], ext: true },
};

/**
 * The rostering tables: headers in exact order and required values from §2.5 (R9; users and
 * roles also R11); vocabularies §2.6; primitives §2.4.
 * @type {Record<string, FileSpec>}
 */
const FILES = {
	orgs: {
		headers: ['sourcedId', ...STATUS, 'name', 'type', 'identifier', 'parentSourcedId'],
		required: ['sourcedId', 'name', 'type'],
		vocab: { type: V.orgType },
		refs: { parentSourcedId: 'orgs' },
	},
	academicSessions: {
		headers: [
			'sourcedId',
			...STATUS,
			'title',
			'type',
			'startDate',
			'endDate',
			'parentSourcedId',
			'schoolYear',
		],
		required: ['sourcedId', 'title', 'type', 'startDate', 'endDate', 'schoolYear'],
		vocab: { type: V.sessionType },
		dates: ['startDate', 'endDate'],
		years: ['schoolYear'],
		refs: { parentSourcedId: 'academicSessions' },
	},
	courses: {
		headers: [
			'sourcedId',
			...STATUS,
			'schoolYearSourcedId',
			'title',
			'courseCode',
			'grades',
			'orgSourcedId',
			'subjects',
			'subjectCodes',
		],
		required: ['sourcedId', 'title', 'orgSourcedId'],
		lists: ['grades', 'subjects', 'subjectCodes'],
		refs: { schoolYearSourcedId: 'academicSessions', orgSourcedId: 'orgs' },
	},
	classes: {
		headers: [
			'sourcedId',
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
		required: [
			'sourcedId',
			'title',
			'courseSourcedId',
			'classType',
			'schoolSourcedId',
			'termSourcedIds',
		],
		vocab: { classType: V.classType },
		lists: ['grades', 'subjects', 'subjectCodes', 'periods'],
		refs: { courseSourcedId: 'courses', schoolSourcedId: 'orgs' },
		listRefs: { termSourcedIds: 'academicSessions' },
	},
	users: {
		headers: [
			'sourcedId',
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
		required: ['sourcedId', 'enabledUser', 'username', 'givenName', 'familyName'],
		booleans: ['enabledUser'],
		lists: ['userIds', 'grades'],
		refs: { primaryOrgSourcedId: 'orgs' },
		listRefs: { agentSourcedIds: 'users' },
	},
	roles: {
		headers: [
			'sourcedId',
			...STATUS,
			'userSourcedId',
			'roleType',
			'role',
			'beginDate',
			'endDate',
			'orgSourcedId',
			'userProfileSourcedId',
		],
		required: ['sourcedId', 'userSourcedId', 'roleType', 'role', 'orgSourcedId'],
		vocab: { roleType: V.roleType, role: V.role },
		dates: ['beginDate', 'endDate'],
		refs: { userSourcedId: 'users', orgSourcedId: 'orgs', userProfileSourcedId: 'userProfiles' },
	},
	enrollments: {
		headers: [
			'sourcedId',
			...STATUS,
			'classSourcedId',
			'schoolSourcedId',
			'userSourcedId',
			'role',
			'primary',
			'beginDate',
			'endDate',
		],
		required: ['sourcedId', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'],
		vocab: { role: V.enrollmentRole },
		booleans: ['primary'],
		dates: ['beginDate', 'endDate'],
		refs: { classSourcedId: 'classes', schoolSourcedId: 'orgs', userSourcedId: 'users' },
	},
	demographics: {
		headers: [
			'sourcedId',
			...STATUS,
			'birthDate',
			'sex',
			'americanIndianOrAlaskaNative',
			'asian',
			'blackOrAfricanAmerican',
			'nativeHawaiianOrOtherPacificIslander',
			'white',
			'demographicRaceTwoOrMoreRaces',
			'hispanicOrLatinoEthnicity',
			'countryOfBirthCode',
			'stateOfBirthAbbreviation',
			'cityOfBirth',
			'publicSchoolResidenceStatus',
		],
		required: ['sourcedId'],
		vocab: { sex: V.sex },
		dates: ['birthDate'],
		// The race/ethnicity flags are booleans in OneRoster (our reading of the information model;
		// the digest does not type them).
		booleans: [
			'americanIndianOrAlaskaNative',
			'asian',
			'blackOrAfricanAmerican',
			'nativeHawaiianOrOtherPacificIslander',
			'white',
			'demographicRaceTwoOrMoreRaces',
			'hispanicOrLatinoEthnicity',
		],
	},
	userProfiles: {
		headers: [
			'sourcedId',
			...STATUS,
			'userSourcedId',
			'profileType',
			'vendorId',
			'applicationId',
			'description',
			'credentialType',
			'username',
			'password',
		],
		required: [
			'sourcedId',
			'userSourcedId',
			'profileType',
			'vendorId',
			'credentialType',
			'username',
		],
		refs: { userSourcedId: 'users' },
	},
};

// Manifest properties besides file.* (§2.2, R9).
const OPTIONAL_PROPERTIES = ['source.systemName', 'source.systemCode'];
const MODES = ['absent', 'bulk', 'delta'];

/**
 * @typedef {object} OneRosterModel
 * @property {'oneroster'} format
 * @property {Record<string, string>} manifest propertyName → value
 * @property {Record<string, Row>} orgs by sourcedId
 * @property {Record<string, Row>} users by sourcedId
 * @property {Row[]} roles
 * @property {Record<string, Row>} classes by sourcedId
 * @property {Record<string, Row>} courses by sourcedId
 * @property {Record<string, Row>} academicSessions by sourcedId
 * @property {Row[]} enrollments
 * @property {Row[]} demographics
 * @property {Row[]} userProfiles
 * @property {{ userSourcedId: string, agentSourcedId: string }[]} agents from users.agentSourcedIds
 * @property {Record<string, Row[]>} other rows of the gradebook/resources files, by file name
 * Values are exactly as read (the binding is case-sensitive, §2.1).
 */

/**
 * @typedef {object} OneRosterOptions
 * @property {boolean} [allowDelta] accept files declared `delta` (default: reported, since this
 *   reader is for bulk packages and SDS "only supports BULK mode", R3)
 * @property {'allow' | 'unquoted' | 'any'} [edgeSpaces] passed to the CSV reader
 */

/**
 * @param {string} v
 * @param {Vocabulary} vocab
 */
function inVocabulary(v, vocab) {
	return vocab.values.includes(v) || (vocab.ext && /^ext:[^\s,]+$/.test(v));
}

/**
 * @param {Record<string, string | Uint8Array>} files file name → content (manifest.csv and the
 *   data files, as they would sit in the ZIP)
 * @param {OneRosterOptions} [options]
 * @returns {{ problems: Problem[], model: OneRosterModel }}
 */
function readOneRoster(files, options = {}) {
	/** @type {Problem[]} */
	const problems = [];
	/**
	 * @param {string} file
	 * @param {number} line
	 * @param {string} rule
	 * @param {string} message
	 */
	const report = (file, line, rule, message) => problems.push({ file, line, rule, message });
	/** @param {string | Uint8Array} text @param {string} file */
	const csvOf = (text, file) => {
		const csv = parseCsv(text, { file, edgeSpaces: options.edgeSpaces });
		problems.push(...csv.problems);
		return csv;
	};

	// Names: manifest.csv and <dataFile>.csv; names are case-sensitive (§2.1, R10).
	const knownNames = ['manifest.csv', ...DATA_FILES.map((f) => `${f}.csv`)];
	for (const name of Object.keys(files)) {
		if (knownNames.includes(name)) continue;
		const near = knownNames.find((k) => k.toLowerCase() === name.toLowerCase());
		report(
			name,
			0,
			'or.file-unknown',
			near
				? `file name "${name}" must be spelled "${near}"`
				: `"${name}" is not a OneRoster 1.2 CSV file`,
		);
	}

	// manifest.csv (§2.2, R9/R11).
	/** @type {Record<string, string>} */
	const manifest = {};
	/** @type {Record<string, string>} data file → declared mode */
	const modes = {};
	if (!has(files, 'manifest.csv')) {
		report('manifest.csv', 0, 'or.manifest-missing', 'manifest.csv is required');
	} else {
		const csv = csvOf(files['manifest.csv'], 'manifest.csv');
		if (csv.headers.join(',') !== 'propertyName,value' || csv.headers.length !== 2) {
			report(
				'manifest.csv',
				1,
				'or.manifest-header',
				`the header must be exactly "propertyName,value", not "${csv.headers.join(',')}"`,
			);
		}
		/** @type {Map<string, number>} */
		const lineOf = new Map();
		csv.rows.forEach((row, k) => {
			const line = csv.lines[k];
			const [prop = '', value = ''] = row;
			if (lineOf.has(prop)) {
				report(
					'manifest.csv',
					line,
					'or.manifest-duplicate',
					`property "${prop}" already appears on line ${lineOf.get(prop)}`,
				);
				return;
			}
			lineOf.set(prop, line);
			put(manifest, prop, value);
			if (prop.startsWith('file.')) {
				const data = prop.slice('file.'.length);
				if (!DATA_FILES.includes(data)) {
					report(
						'manifest.csv',
						line,
						'or.manifest-property',
						`"${prop}" names no OneRoster data file`,
					);
				} else if (!MODES.includes(value)) {
					report(
						'manifest.csv',
						line,
						'or.manifest-value',
						`${prop} is "${value}"; it must be absent, bulk or delta`,
					);
				} else {
					modes[data] = value;
				}
			} else if (prop === 'manifest.version') {
				if (value !== '1.0') {
					report(
						'manifest.csv',
						line,
						'or.manifest-value',
						`manifest.version is "${value}", not "1.0"`,
					);
				}
			} else if (prop === 'oneroster.version') {
				if (value !== '1.2') {
					report(
						'manifest.csv',
						line,
						'or.manifest-value',
						`oneroster.version is "${value}", not "1.2"`,
					);
				}
			} else if (!OPTIONAL_PROPERTIES.includes(prop)) {
				report(
					'manifest.csv',
					line,
					'or.manifest-property',
					`"${prop}" is not a manifest property`,
				);
			}
		});
		for (const prop of [
			'manifest.version',
			'oneroster.version',
			...DATA_FILES.map((f) => `file.${f}`),
		]) {
			if (!lineOf.has(prop)) {
				report('manifest.csv', 0, 'or.manifest-row-missing', `manifest.csv has no "${prop}" row`);
			}
		}
	}

	// A data file is in the package iff the manifest declares it bulk or delta (§2.2, R9; §2.1
	// R10: absent files are declared `absent` and left out). Without a manifest, every file
	// present is read as bulk.
	const noManifest = !has(files, 'manifest.csv');
	/** @type {Record<string, string>} data file → the mode it is read in */
	const readAs = {};
	for (const data of DATA_FILES) {
		const name = `${data}.csv`;
		const mode = modes[data];
		const present = has(files, name);
		if (noManifest) {
			if (present) readAs[data] = 'bulk';
			continue;
		}
		if ((mode === 'bulk' || mode === 'delta') && !present) {
			report(
				name,
				0,
				'or.file-missing',
				`the manifest declares file.${data} ${mode}, but ${name} is missing`,
			);
		} else if (present && mode !== 'bulk' && mode !== 'delta') {
			report(
				name,
				0,
				'or.file-undeclared',
				mode
					? `${name} is present, but the manifest declares file.${data} ${mode}`
					: `${name} is present, but the manifest has no file.${data} row`,
			);
			readAs[data] = 'bulk';
		} else if (present) {
			readAs[data] = mode;
		}
		if (mode === 'delta' && !options.allowDelta) {
			report(
				'manifest.csv',
				0,
				'or.delta',
				`file.${data} is delta; this reader checks bulk packages (SDS only supports BULK, R3)`,
			);
		}
	}

	/** @type {Record<string, { rows: Row[], lines: number[] }>} */
	const tables = {};
	/** @type {Record<string, Row[]>} */
	const other = {};
	for (const data of DATA_FILES) {
		if (!readAs[data]) continue;
		const name = `${data}.csv`;
		const mode = readAs[data];
		const csv = csvOf(files[name], name);
		// Files with no data rows are not permitted (§2.1, R10).
		if (csv.headers.length > 0 && csv.rows.length === 0) {
			report(
				name,
				0,
				'or.empty-file',
				`${name} has no data rows (declare it absent and leave it out)`,
			);
		}
		const spec = FILES[data];
		if (spec) {
			// Headers in the exact spec order, then only metadata.* extension columns (§2.1 R9/R10).
			const expected = spec.headers;
			for (let k = 0; k < expected.length; k++) {
				if (csv.headers[k] !== expected[k]) {
					report(
						name,
						1,
						'or.header-order',
						csv.headers[k] === undefined
							? `header ${k + 1} is missing; the binding requires "${expected[k]}" there`
							: `header ${k + 1} is "${csv.headers[k]}"; the binding requires "${expected[k]}" there`,
					);
					break;
				}
			}
			for (const h of csv.headers.slice(expected.length)) {
				if (!h.startsWith('metadata.') && !expected.includes(h)) {
					report(
						name,
						1,
						'or.header-extension',
						`extra header "${h}": an extension column must be named metadata.<name> and follow the spec columns`,
					);
				}
			}
		}

		/** @type {Row[]} */
		const rows = [];
		csv.records.forEach((record, k) => {
			const line = csv.lines[k];
			/** @type {Row} */
			const row = {};
			for (const h of csv.headers) if (h !== '' && !has(row, h)) put(row, h, record[h] ?? '');
			rows.push(row);
			// status and dateLastModified: present but blank in bulk (§2.3, R9/R11/R12); required in
			// delta, status active|tobedeleted, dateLastModified YYYY-MM-DDTHH:MM:SS.sssZ (§2.3, R9).
			for (const h of STATUS) {
				if (!csv.headers.includes(h)) continue;
				const v = row[h];
				if (mode === 'bulk' && v !== '') {
					report(name, line, 'or.bulk-status', `${h} must be blank in a bulk file, not "${v}"`);
				}
				if (mode === 'delta') {
					if (h === 'status' && v !== 'active' && v !== 'tobedeleted') {
						report(name, line, 'or.delta-status', `status "${v}" must be active or tobedeleted`);
					}
					if (
						h === 'dateLastModified' &&
						!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v)
					) {
						report(
							name,
							line,
							'or.delta-status',
							`dateLastModified "${v}" is not YYYY-MM-DDTHH:MM:SS.sssZ`,
						);
					}
				}
			}
			if (!spec) {
				// Gradebook/resources files: only the sourcedId GUID rule, when the file has one.
				if (has(row, 'sourcedId') && !isGuid(row.sourcedId)) {
					report(name, line, 'or.guid', `sourcedId "${row.sourcedId}" is not a GUID`);
				}
				return;
			}
			for (const h of spec.required) {
				if (has(row, h) && row[h] === '') {
					report(name, line, 'or.value-missing', `${h} is required and is empty`);
				}
			}
			for (const [h, v] of Object.entries(row)) {
				if (v === '') continue;
				const vocab = spec.vocab?.[h];
				if (vocab && !inVocabulary(v, vocab)) {
					report(
						name,
						line,
						'or.vocabulary',
						`${h} "${v}" is not in the vocabulary${vocab.ext ? ' (nor ext:<token>)' : ''}`,
					);
				}
				// Booleans exactly true/false, case-sensitive (§2.4, R9).
				if (spec.booleans?.includes(h) && v !== 'true' && v !== 'false') {
					report(name, line, 'or.boolean', `${h} "${v}" must be exactly true or false`);
				}
				// Dates YYYY-MM-DD, years YYYY (§2.4, R9).
				if (spec.dates?.includes(h) && !isDate(v)) {
					report(name, line, 'or.date', `${h} "${v}" is not a date YYYY-MM-DD`);
				}
				if (spec.years?.includes(h) && !isYear(v)) {
					report(name, line, 'or.year', `${h} "${v}" is not a year YYYY`);
				}
				// Lists: comma-separated in one cell, no empty items (§2.4, R9).
				const isList = spec.lists?.includes(h) || has(spec.listRefs ?? {}, h);
				if (isList && v.split(',').some((item) => item === '')) {
					report(name, line, 'or.list', `${h} "${v}" has an empty item`);
				}
				// GUIDs: sourcedId and every reference (§2.4, R9).
				if (h === 'sourcedId' || has(spec.refs ?? {}, h)) {
					if (!isGuid(v)) report(name, line, 'or.guid', `${h} "${v}" is not a GUID`);
				}
				if (has(spec.listRefs ?? {}, h)) {
					for (const item of v.split(',')) {
						if (item !== '' && !isGuid(item)) {
							report(name, line, 'or.guid', `${h} item "${item}" is not a GUID`);
						}
					}
				}
			}
		});
		// sourcedId unique in its file (§2.5: sourcedId identifies the record; R9).
		if (csv.headers.includes('sourcedId')) {
			for (const dup of duplicatePairs(rows, ['sourcedId'])) {
				if (dup.values[0] === '') continue;
				for (const k of dup.indexes.slice(1)) {
					report(
						name,
						csv.lines[k],
						'or.duplicate-id',
						`sourcedId "${dup.values[0]}" already appears on line ${csv.lines[dup.indexes[0]]}`,
					);
				}
			}
		}
		if (spec) tables[data] = { rows, lines: csv.lines };
		else put(other, data, rows);
	}

	// References resolve (§2.5; R9's reference checks).
	/** @type {Record<string, Set<string>>} */
	const ids = {};
	for (const [data, t] of Object.entries(tables))
		ids[data] = new Set(t.rows.map((r) => r.sourcedId));
	/**
	 * @param {string} data
	 * @param {number} line
	 * @param {string} field
	 * @param {string} value
	 * @param {string} target
	 */
	const resolve = (data, line, field, value, target) => {
		if (!ids[target]) {
			report(
				`${data}.csv`,
				line,
				'or.reference',
				`${field} "${value}" refers to ${target}.csv, which is not in the package`,
			);
		} else if (!ids[target].has(value)) {
			report(
				`${data}.csv`,
				line,
				'or.reference',
				`${field} "${value}" is not a sourcedId in ${target}.csv`,
			);
		}
	};
	for (const [data, t] of Object.entries(tables)) {
		const spec = FILES[data];
		t.rows.forEach((row, k) => {
			for (const [field, target] of Object.entries(spec.refs ?? {})) {
				if (row[field]) resolve(data, t.lines[k], field, row[field], target);
			}
			for (const [field, target] of Object.entries(spec.listRefs ?? {})) {
				if (!row[field]) continue;
				for (const item of row[field].split(',')) {
					if (item !== '') resolve(data, t.lines[k], field, item, target);
				}
			}
		});
	}

	const users = tables.users;
	if (users) {
		// username unique across users.csv, compared case-insensitively. The binding itself does
		// not demand it, but Microsoft's OneRoster route converts users.csv into SDS v2.1 users.csv
		// (R3), where username is the account's UPN (R1, §1.3), addresses are lower-cased (§1.2,
		// R3) and two records resolving to one account are reported DuplicateTargetEntries (§4b).
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
					'or.username-duplicate',
					`username "${row.username}" is already used by user "${first.id}" ("${first.name}", line ${first.line}); usernames are compared case-insensitively (SDS, R3)`,
				);
			} else {
				seen.set(key, { name: row.username, id: row.sourcedId, line: users.lines[k] });
			}
		});
	}
	// Identity (our inference, as for SDS: converted to SDS by R3 these rows become SDS roles and
	// enrollments, where a repeated pair is one person counted twice).
	const roles = tables.roles;
	if (roles) {
		for (const dup of duplicatePairs(roles.rows, ['userSourcedId', 'orgSourcedId', 'role'])) {
			for (const k of dup.indexes.slice(1)) {
				report(
					'roles.csv',
					roles.lines[k],
					'or.role-duplicate',
					`user "${dup.values[0]}" already has role "${dup.values[2]}" in org "${dup.values[1]}" on line ${roles.lines[dup.indexes[0]]}`,
				);
			}
		}
	}
	const enrollments = tables.enrollments;
	if (enrollments) {
		for (const dup of duplicatePairs(enrollments.rows, ['classSourcedId', 'userSourcedId'])) {
			for (const k of dup.indexes.slice(1)) {
				report(
					'enrollments.csv',
					enrollments.lines[k],
					'or.enrollment-duplicate',
					`class "${dup.values[0]}" and user "${dup.values[1]}" already appear on line ${enrollments.lines[dup.indexes[0]]}`,
				);
			}
		}
	}

	/**
	 * @param {string} data
	 * @returns {Record<string, Row>}
	 */
	const byId = (data) => {
		/** @type {Record<string, Row>} */
		const out = {};
		for (const row of tables[data]?.rows ?? []) {
			if (row.sourcedId && !has(out, row.sourcedId)) put(out, row.sourcedId, row);
		}
		return out;
	};
	/** @param {string} data */
	const list = (data) => tables[data]?.rows ?? [];
	/** @type {{ userSourcedId: string, agentSourcedId: string }[]} */
	const agents = [];
	for (const row of list('users')) {
		for (const item of (row.agentSourcedIds ?? '').split(',')) {
			if (item !== '') agents.push({ userSourcedId: row.sourcedId, agentSourcedId: item });
		}
	}
	/** @type {OneRosterModel} */
	const model = {
		format: 'oneroster',
		manifest,
		orgs: byId('orgs'),
		users: byId('users'),
		roles: list('roles'),
		classes: byId('classes'),
		courses: byId('courses'),
		academicSessions: byId('academicSessions'),
		enrollments: list('enrollments'),
		demographics: list('demographics'),
		userProfiles: list('userProfiles'),
		agents,
		other,
	};
	return { problems, model };
}

module.exports = {
	readOneRoster,
	ONEROSTER_FILES: FILES,
	ONEROSTER_DATA_FILES: DATA_FILES,
	ONEROSTER_VOCABULARIES: V,
};
