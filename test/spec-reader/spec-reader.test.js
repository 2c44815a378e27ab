/**
 * The spec-reader can fail: hand-written file sets that follow the published formats pass with no
 * problem at all, and one change per rule makes it report exactly that problem (the whole
 * problem list is compared, so nothing else may be reported either). The fixtures are typed here
 * by hand from the format descriptions (roster-export-formats.md §1.3, §2.2, §2.5); no project
 * code produced them.
 */
const {
	parseCsv,
	readSds,
	readOneRoster,
	usersByUsername,
	duplicatePairs,
	conservation,
} = require('../helpers/spec-reader');

/** @param {string[]} l */
const lf = (...l) => l.join('\n') + '\n';
/** @param {string[]} l */
const crlf = (...l) => l.join('\r\n') + '\r\n';

/**
 * A copy of a file set with one exact piece of text replaced; the piece must be there, so a
 * mutation can never silently do nothing.
 * @param {Record<string, string>} files
 * @param {string} name
 * @param {string} from
 * @param {string} to
 */
function edit(files, name, from, to) {
	const text = files[name];
	if (typeof text !== 'string' || !text.includes(from)) {
		throw new Error(`fixture ${name} has no ${JSON.stringify(from)}`);
	}
	return { ...files, [name]: text.replace(from, to) };
}

/**
 * @param {Record<string, string>} files
 * @param {string} name
 */
function without(files, name) {
	const copy = { ...files };
	if (!(name in copy)) throw new Error(`fixture has no ${name}`);
	delete copy[name];
	return copy;
}

/**
 * @param {string} file
 * @param {number} line
 * @param {string} rule
 * @param {string} message
 */
const P = (file, line, rule, message) => ({ file, line, rule, message });

describe('csv.js (RFC 4180, reporting instead of repairing)', () => {
	test('a plain file: quoted fields, doubled quotes, commas inside quotes, CRLF', () => {
		const r = parseCsv('a,b,c\r\n1,"x, y","say ""hi"""\r\n2,,\r\n', { file: 't.csv' });
		expect(r.problems).toEqual([]);
		expect(r.headers).toEqual(['a', 'b', 'c']);
		expect(r.rows).toEqual([
			['1', 'x, y', 'say "hi"'],
			['2', '', ''],
		]);
		expect(r.records[0]).toEqual({ a: '1', b: 'x, y', c: 'say "hi"' });
		expect(r.lines).toEqual([2, 3]);
	});

	test('LF row ends and no final line break are accepted', () => {
		const r = parseCsv('a,b\n1,2\n3,4', { file: 't.csv' });
		expect(r.problems).toEqual([]);
		expect(r.rows).toEqual([
			['1', '2'],
			['3', '4'],
		]);
	});

	test('a BOM is skipped, as text or as bytes', () => {
		const text = parseCsv('\uFEFFa,b\n1,2\n', { file: 't.csv' });
		expect(text.problems).toEqual([]);
		expect(text.headers).toEqual(['a', 'b']);
		const bytes = parseCsv(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('a,b\n1,2\n')]), {
			file: 't.csv',
		});
		expect(bytes.problems).toEqual([]);
		expect(bytes.headers).toEqual(['a', 'b']);
	});

	test('bytes that are not UTF-8', () => {
		const r = parseCsv(Buffer.from([0x61, 0x0a, 0xff, 0x0a]), { file: 't.csv' });
		expect(r.problems).toEqual([P('t.csv', 0, 'csv.utf8', 'the file is not valid UTF-8')]);
	});

	test('a bare CR', () => {
		const r = parseCsv('a,b\n1,x\ry\n', { file: 't.csv' });
		expect(r.problems).toEqual([P('t.csv', 2, 'csv.bare-cr', 'a bare CR (not followed by LF)')]);
	});

	test('a line break inside a quoted value (LF and CRLF)', () => {
		const r = parseCsv('a,b\n1,"x\ny"\n2,"p\r\nq"\n', { file: 't.csv' });
		expect(r.problems).toEqual([
			P('t.csv', 2, 'csv.line-break', 'a line break (LF) inside a quoted value'),
			P('t.csv', 4, 'csv.line-break', 'a line break (CRLF) inside a quoted value'),
		]);
		// Parsing stays in step: two rows, the second starting on line 4.
		expect(r.rows).toEqual([
			['1', 'x\ny'],
			['2', 'p\r\nq'],
		]);
		expect(r.lines).toEqual([2, 4]);
	});

	test('an unterminated quote', () => {
		const r = parseCsv('a,b\n1,"open\n2,3\n', { file: 't.csv' });
		expect(r.problems).toEqual([
			P('t.csv', 2, 'csv.line-break', 'a line break (LF) inside a quoted value'),
			P('t.csv', 3, 'csv.line-break', 'a line break (LF) inside a quoted value'),
			P('t.csv', 2, 'csv.unterminated-quote', 'a quoted value is never closed'),
		]);
	});

	test('a row whose field count differs from the header', () => {
		const r = parseCsv('a,b,c\n1,2\n1,2,3,4\n', { file: 't.csv' });
		expect(r.problems).toEqual([
			P('t.csv', 2, 'csv.field-count', 'the row has 2 fields, the header has 3'),
			P('t.csv', 3, 'csv.field-count', 'the row has 4 fields, the header has 3'),
		]);
		expect(r.records[0]).toEqual({ a: '1', b: '2', c: '' });
	});

	test('control characters inside values: tab, NUL, DEL', () => {
		const r = parseCsv('a,b\nA\tB,x\n"y\u0000",\u007F\n', { file: 't.csv' });
		expect(r.problems).toEqual([
			P('t.csv', 2, 'csv.control-char', 'control character U+0009 in column "a"'),
			P('t.csv', 3, 'csv.control-char', 'control character U+0000 in column "a"'),
			P('t.csv', 3, 'csv.control-char', 'control character U+007F in column "b"'),
		]);
	});

	test('quotes in the wrong place', () => {
		const r = parseCsv('a,b\nab"c,1\n"x"y,2\n', { file: 't.csv' });
		expect(r.problems).toEqual([
			P(
				't.csv',
				2,
				'csv.quote-in-unquoted',
				'a double quote inside a value that is not quoted (RFC 4180 §2.5)',
			),
			P(
				't.csv',
				3,
				'csv.after-quote',
				'characters after the closing quote of a value (RFC 4180 §2.5)',
			),
		]);
		expect(r.rows[1]).toEqual(['xy', '2']);
	});

	test('blank lines, an empty file, empty and repeated headers', () => {
		expect(parseCsv('a,b\n1,2\n\n', { file: 't.csv' }).problems).toEqual([
			P('t.csv', 3, 'csv.blank-line', 'a blank line'),
		]);
		expect(parseCsv('', { file: 't.csv' }).problems).toEqual([
			P('t.csv', 0, 'csv.no-header', 'the file is empty: a header row is required'),
		]);
		expect(parseCsv('a,,a\n', { file: 't.csv' }).problems).toEqual([
			P('t.csv', 1, 'csv.header-empty', 'header 2 is empty'),
			P('t.csv', 1, 'csv.header-duplicate', 'header "a" appears twice'),
		]);
	});

	test('spaces are data by default (RFC 4180 §2.4) and can be reported', () => {
		const text = 'a,b\n x ," y"\n';
		expect(parseCsv(text, { file: 't.csv' }).problems).toEqual([]);
		expect(parseCsv(text, { file: 't.csv' }).rows).toEqual([[' x ', ' y']]);
		expect(parseCsv(text, { file: 't.csv', edgeSpaces: 'unquoted' }).problems).toEqual([
			P('t.csv', 2, 'csv.edge-space', 'a leading or trailing space in column "a"'),
		]);
		expect(parseCsv(text, { file: 't.csv', edgeSpaces: 'any' }).problems).toEqual([
			P('t.csv', 2, 'csv.edge-space', 'a leading or trailing space in column "a"'),
			P('t.csv', 2, 'csv.edge-space', 'a leading or trailing space in column "b"'),
		]);
	});

	test('a column named __proto__ is a column', () => {
		const r = parseCsv('__proto__,b\n1,2\n', { file: 't.csv' });
		expect(Object.keys(r.records[0])).toEqual(['__proto__', 'b']);
		expect(r.records[0].__proto__).toBe('1');
	});
});

// ---------------------------------------------------------------------------------------------
// SDS v2.1 (roster-export-formats.md §1): a trust with two schools, a teacher in both, two pupils,
// one contact who is parent of one and guardian of the other, a class with a course and sessions.
// Optional headers are left out where the format allows it (R1).

const SDS = Object.freeze({
	'orgs.csv': crlf(
		'sourcedId,name,type,parentSourcedId',
		'T1,Oak Learning Trust,academicTrust,',
		'S1,Oak Primary,school,T1',
		'S2,"Elm Academy, Leeds",school,T1',
	),
	'users.csv': lf(
		'sourcedId,username,givenName,familyName,email,phone',
		'U1,asmith@oak.example.org,Amy,Smith,asmith@oak.example.org,',
		'U2,bjones@oak.example.org,Ben,Jones,,',
		'U3,cdavies@elm.example.org,Cara,"O""Neill-Davies",,',
		'P1,pat.jones@parents.example.org,Pat,Jones,Pat.Jones@Mail.example.com,+447700900123',
	),
	'roles.csv': lf(
		'userSourcedId,orgSourcedId,role,sessionSourcedId,isPrimary,roleStartDate',
		'U1,S1,teacher,Y2025,true,2025-09-01',
		'U1,S2,teacher,Y2025,false,2025-09-01',
		'U2,S1,student,Y2025,true,',
		'U3,S2,student,Y2025,true,',
	),
	'classes.csv': lf(
		'sourcedId,orgSourcedId,title,sessionSourcedIds,courseSourcedId',
		'C1,S1,7A Maths,"Y2025,T1A",CO1',
	),
	'enrollments.csv': lf('classSourcedId,userSourcedId,role', 'C1,U1,teacher', 'C1,U2,student'),
	'academicSessions.csv': lf(
		'sourcedId,title,type,schoolYear,startDate,endDate',
		'Y2025,2025/26,schoolYear,2026,2025-09-01,2026-07-31',
		'T1A,Autumn 2025,term,2026,2025-09-01,2025-12-19',
	),
	'courses.csv': lf(
		'sourcedId,orgSourcedId,title,code,schoolYearSourcedId',
		'CO1,S1,Maths Year 7,MA7,Y2025',
	),
	'relationships.csv': lf(
		'userSourcedId,relationshipUserSourcedId,relationshipRole',
		'U2,P1,parent',
		'U3,P1,guardian',
	),
	'demographics.csv': lf('userSourcedId,sex,birthDate', 'U2,female,2014-03-02'),
	'userFlags.csv': lf('userSourcedId,flag', 'U2,freeLunch'),
});

describe('readSds (SDS v2.1 CSV)', () => {
	test('the hand-written valid set has no problem', () => {
		const { problems, model } = readSds(SDS);
		expect(problems).toEqual([]);
		expect(Object.keys(model.users)).toEqual(['U1', 'U2', 'U3', 'P1']);
		expect(model.users.U3.familyName).toBe('O"Neill-Davies');
		expect(model.orgs.S2.name).toBe('Elm Academy, Leeds');
		// Emails are stored lower-case (§1.2, R3).
		expect(model.users.P1.email).toBe('pat.jones@mail.example.com');
		expect(model.classes.C1.sessionSourcedIds).toBe('Y2025,T1A');
		expect(model.relationships).toHaveLength(2);
	});

	test('the minimum set: orgs, users, roles', () => {
		const minimum = {
			'orgs.csv': SDS['orgs.csv'],
			'users.csv': SDS['users.csv'],
			'roles.csv': 'userSourcedId,orgSourcedId,role\nU1,S1,teacher\n',
		};
		expect(readSds(minimum).problems).toEqual([]);
	});

	test('a BOM is accepted', () => {
		const files = { ...SDS, 'orgs.csv': '\uFEFF' + SDS['orgs.csv'] };
		const { problems, model } = readSds(files);
		expect(problems).toEqual([]);
		expect(Object.keys(model.orgs)).toEqual(['T1', 'S1', 'S2']);
	});

	test('a duplicate username differing only in case', () => {
		const files = edit(
			SDS,
			'users.csv',
			'U2,bjones@oak.example.org,Ben,Jones,,',
			'U2,ASmith@Oak.example.org,Ben,Jones,,',
		);
		expect(readSds(files).problems).toEqual([
			P(
				'users.csv',
				3,
				'sds.username-duplicate',
				'username "ASmith@Oak.example.org" is already used by user "U1" ("asmith@oak.example.org", line 2); usernames are compared case-insensitively',
			),
		]);
	});

	test('a relationship pair twice, once parent and once guardian', () => {
		const files = edit(SDS, 'relationships.csv', 'U3,P1,guardian', 'U2,P1,guardian');
		expect(readSds(files).problems).toEqual([
			P(
				'relationships.csv',
				3,
				'sds.relationship-duplicate',
				'student "U2" and contact "P1" already appear on line 2 (relationshipRole "parent", here "guardian")',
			),
		]);
	});

	test('a tab inside a name', () => {
		const files = edit(SDS, 'users.csv', 'Ben,Jones', 'Ben\tJ,Jones');
		expect(readSds(files).problems).toEqual([
			P('users.csv', 3, 'csv.control-char', 'control character U+0009 in column "givenName"'),
		]);
	});

	test('a line break inside a quoted value', () => {
		const files = edit(SDS, 'orgs.csv', '"Elm Academy, Leeds"', '"Elm Academy,\r\nLeeds"');
		expect(readSds(files).problems).toEqual([
			P('orgs.csv', 4, 'csv.line-break', 'a line break (CRLF) inside a quoted value'),
		]);
	});

	test('an unresolved reference, and a reference into a missing file', () => {
		const files = edit(SDS, 'roles.csv', 'U3,S2,student', 'U9,S2,student');
		expect(readSds(files).problems).toEqual([
			P('roles.csv', 5, 'sds.reference', 'userSourcedId "U9" is not a sourcedId in users.csv'),
		]);
		const noSessions = without(SDS, 'academicSessions.csv');
		const problems = readSds(noSessions).problems;
		expect(problems).toContainEqual(
			P(
				'classes.csv',
				2,
				'sds.reference',
				'sessionSourcedIds "T1A" refers to academicSessions.csv, which is not in the file set',
			),
		);
		expect(problems.every((p) => p.rule === 'sds.reference')).toBe(true);
		// 4 roles + 2 class sessions + 1 course school year.
		expect(problems).toHaveLength(7);
	});

	test('every reference kind is followed', () => {
		const cases = [
			[
				'orgs.csv',
				'S1,Oak Primary,school,T1',
				'S1,Oak Primary,school,T9',
				'parentSourcedId "T9"',
				3,
			],
			['roles.csv', 'U2,S1,student,Y2025', 'U2,S9,student,Y2025', 'orgSourcedId "S9"', 4],
			['roles.csv', 'U2,S1,student,Y2025', 'U2,S1,student,Y2099', 'sessionSourcedId "Y2099"', 4],
			['classes.csv', 'C1,S1,', 'C1,S9,', 'orgSourcedId "S9"', 2],
			['classes.csv', 'T1A",CO1', 'T1A",CO9', 'courseSourcedId "CO9"', 2],
			['courses.csv', 'CO1,S1,', 'CO1,S9,', 'orgSourcedId "S9"', 2],
			['courses.csv', 'MA7,Y2025', 'MA7,Y1999', 'schoolYearSourcedId "Y1999"', 2],
			['enrollments.csv', 'C1,U2,student', 'C9,U2,student', 'classSourcedId "C9"', 3],
			['enrollments.csv', 'C1,U2,student', 'C1,U9,student', 'userSourcedId "U9"', 3],
			['relationships.csv', 'U2,P1,parent', 'U9,P1,parent', 'userSourcedId "U9"', 2],
			['relationships.csv', 'U2,P1,parent', 'U2,P9,parent', 'relationshipUserSourcedId "P9"', 2],
			['demographics.csv', 'U2,female', 'U9,female', 'userSourcedId "U9"', 2],
			['userFlags.csv', 'U2,freeLunch', 'U9,freeLunch', 'userSourcedId "U9"', 2],
		];
		for (const [file, from, to, what, line] of cases) {
			const problems = readSds(edit(SDS, String(file), String(from), String(to))).problems;
			expect(problems).toHaveLength(1);
			expect(problems[0]).toMatchObject({ file, line, rule: 'sds.reference' });
			expect(problems[0].message.startsWith(String(what))).toBe(true);
		}
	});

	test('isPrimary=true twice for one user in one org', () => {
		const files = edit(
			SDS,
			'roles.csv',
			'U1,S1,teacher,Y2025,true,2025-09-01',
			'U1,S1,teacher,Y2025,true,2025-09-01\nU1,S1,administrator,Y2025,TRUE,',
		);
		expect(readSds(files).problems).toEqual([
			P(
				'roles.csv',
				3,
				'sds.primary-twice',
				'user "U1" already has an isPrimary=true role in org "S1" on line 2',
			),
		]);
	});

	test('the same role twice for one user in one org', () => {
		const files = edit(SDS, 'roles.csv', 'U1,S2,teacher,Y2025,false', 'U1,S1,Teacher,Y2025,false');
		expect(readSds(files).problems).toEqual([
			P(
				'roles.csv',
				3,
				'sds.role-duplicate',
				'user "U1" already has role "teacher" in org "S1" on line 2',
			),
		]);
	});

	test('an enrollment pair twice', () => {
		const files = edit(SDS, 'enrollments.csv', 'C1,U2,student', 'C1,U1,student');
		expect(readSds(files).problems).toEqual([
			P(
				'enrollments.csv',
				3,
				'sds.enrollment-duplicate',
				'class "C1" and user "U1" already appear on line 2',
			),
		]);
	});

	test('bad enum values, one per enumeration', () => {
		const cases = [
			['orgs.csv', 'Oak Primary,school', 'Oak Primary,schol', 3, 'type "schol"'],
			['roles.csv', 'U2,S1,student', 'U2,S1,pupil', 4, 'role "pupil"'],
			['enrollments.csv', 'C1,U2,student', 'C1,U2,learner', 3, 'role "learner"'],
			['relationships.csv', 'U2,P1,parent', 'U2,P1,mother', 2, 'relationshipRole "mother"'],
			['academicSessions.csv', 'Autumn 2025,term', 'Autumn 2025,halfTerm', 3, 'type "halfTerm"'],
			['demographics.csv', 'U2,female', 'U2,f', 2, 'sex "f"'],
		];
		for (const [file, from, to, line, what] of cases) {
			expect(readSds(edit(SDS, String(file), String(from), String(to))).problems).toEqual([
				P(String(file), Number(line), 'sds.enum', `${what} is not one of the SDS values`),
			]);
		}
	});

	test('enums and booleans match case-insensitively and are stored camelCase (R3)', () => {
		const files = edit(
			edit(
				SDS,
				'orgs.csv',
				'T1,Oak Learning Trust,academicTrust',
				'T1,Oak Learning Trust,ACADEMICTRUST',
			),
			'roles.csv',
			'U3,S2,student,Y2025,true',
			'U3,S2,Student,Y2025,True',
		);
		const { problems, model } = readSds(files);
		expect(problems).toEqual([]);
		expect(model.orgs.T1.type).toBe('academicTrust');
		expect(model.roles[3]).toMatchObject({ role: 'student', isPrimary: 'true' });
		expect(readSds(files, { strictCase: true }).problems).toEqual([
			P('orgs.csv', 2, 'sds.enum-case', 'type "ACADEMICTRUST" should be spelled "academicTrust"'),
			P('roles.csv', 5, 'sds.enum-case', 'role "Student" should be spelled "student"'),
			P('roles.csv', 5, 'sds.enum-case', 'isPrimary "True" should be spelled "true"'),
		]);
	});

	test('a boolean that is not true/false', () => {
		const files = edit(SDS, 'roles.csv', 'U1,S2,teacher,Y2025,false', 'U1,S2,teacher,Y2025,no');
		expect(readSds(files).problems).toEqual([
			P('roles.csv', 3, 'sds.boolean', 'isPrimary "no" is not true or false'),
		]);
	});

	test('dates must be ISO 8601; a year must be YYYY', () => {
		const files = edit(
			SDS,
			'roles.csv',
			'U1,S1,teacher,Y2025,true,2025-09-01',
			'U1,S1,teacher,Y2025,true,9/1/2025',
		);
		expect(readSds(files).problems).toEqual([
			P(
				'roles.csv',
				2,
				'sds.date',
				'roleStartDate "9/1/2025" is not an ISO 8601 date (YYYY-MM-DD)',
			),
		]);
		const feb30 = edit(SDS, 'demographics.csv', '2014-03-02', '2014-02-30');
		expect(readSds(feb30).problems).toEqual([
			P(
				'demographics.csv',
				2,
				'sds.date',
				'birthDate "2014-02-30" is not an ISO 8601 date (YYYY-MM-DD)',
			),
		]);
		const dateTime = edit(SDS, 'demographics.csv', '2014-03-02', '2014-03-02T00:00:00Z');
		expect(readSds(dateTime).problems).toEqual([]);
		const year = edit(SDS, 'academicSessions.csv', 'schoolYear,2026', 'schoolYear,2025/26');
		expect(readSds(year).problems).toEqual([
			P('academicSessions.csv', 2, 'sds.year', 'schoolYear "2025/26" is not a year (YYYY)'),
		]);
	});

	test('username must be a UPN with a domain; email must be an address', () => {
		const upn = edit(SDS, 'users.csv', 'U2,bjones@oak.example.org', 'U2,bjones');
		expect(readSds(upn).problems).toEqual([
			P(
				'users.csv',
				3,
				'sds.username',
				'username "bjones" is not a UPN with a domain (name@domain)',
			),
		]);
		const email = edit(
			SDS,
			'users.csv',
			'Amy,Smith,asmith@oak.example.org',
			'Amy,Smith,asmith@@oak',
		);
		expect(readSds(email).problems).toEqual([
			P('users.csv', 2, 'sds.email', 'email "asmith@@oak" is not an email address'),
		]);
	});

	test('a contact without an email', () => {
		const files = edit(SDS, 'users.csv', 'Pat,Jones,Pat.Jones@Mail.example.com,', 'Pat,Jones,,');
		expect(readSds(files).problems).toEqual([
			P(
				'users.csv',
				5,
				'sds.contact-incomplete',
				'user "P1" is a contact in relationships.csv and has no email',
			),
		]);
	});

	test('a required value left empty', () => {
		const files = edit(SDS, 'classes.csv', 'C1,S1,7A Maths', 'C1,S1,');
		expect(readSds(files).problems).toEqual([
			P('classes.csv', 2, 'sds.value-missing', 'title is required and is empty'),
		]);
	});

	test('a sourcedId twice in one file', () => {
		const files = edit(SDS, 'users.csv', 'U3,cdavies', 'U2,cdavies');
		const problems = readSds(files).problems;
		expect(problems).toContainEqual(
			P('users.csv', 4, 'sds.duplicate-id', 'sourcedId "U2" already appears on line 3'),
		);
	});

	test('file names are exact; required files; classes come with enrollments', () => {
		const renamed = without({ ...SDS, 'Users.csv': SDS['users.csv'] }, 'users.csv');
		const problems = readSds(renamed).problems;
		expect(problems.slice(0, 2)).toEqual([
			P(
				'Users.csv',
				0,
				'sds.file-name',
				'file name "Users.csv" must be spelled "users.csv" (file names are exact)',
			),
			P('users.csv', 0, 'sds.file-missing', 'users.csv is required'),
		]);
		expect(readSds(without(SDS, 'enrollments.csv')).problems).toEqual([
			P(
				'enrollments.csv',
				0,
				'sds.file-missing',
				'classes.csv is present, so enrollments.csv is required too',
			),
		]);
		expect(readSds({ ...SDS, 'students.csv': 'x\n1\n' }).problems).toEqual([
			P('students.csv', 0, 'sds.file-name', '"students.csv" is not an SDS v2.1 file'),
		]);
	});

	test('headers are case-sensitive; required headers present; unknown headers reported', () => {
		const files = edit(SDS, 'orgs.csv', 'sourcedId,name,type', 'sourcedId,Name,type');
		expect(readSds(files).problems).toEqual([
			P(
				'orgs.csv',
				1,
				'sds.header-case',
				'header "Name" must be spelled "name" (headers are case-sensitive)',
			),
			P('orgs.csv', 1, 'sds.header-missing', 'the required header "name" is missing'),
		]);
		const extra = edit(SDS, 'userFlags.csv', 'userSourcedId,flag', 'userSourcedId,flags');
		expect(readSds(extra).problems).toEqual([
			P(
				'userFlags.csv',
				1,
				'sds.header-unknown',
				'"flags" is not an SDS v2.1 header of userFlags.csv',
			),
		]);
	});

	test('an empty item in sessionSourcedIds', () => {
		const files = edit(SDS, 'classes.csv', '"Y2025,T1A"', '"Y2025,,T1A"');
		expect(readSds(files).problems).toEqual([
			P('classes.csv', 2, 'sds.list-item', 'sessionSourcedIds "Y2025,,T1A" has an empty item'),
		]);
	});
});

// ---------------------------------------------------------------------------------------------
// OneRoster 1.2 CSV, bulk (roster-export-formats.md §2): the manifest declares all 21 data files,
// seven of them bulk. Headers are in the exact order of §2.5.

const MANIFEST = lf(
	'propertyName,value',
	'manifest.version,1.0',
	'oneroster.version,1.2',
	'file.academicSessions,bulk',
	'file.categories,absent',
	'file.classes,bulk',
	'file.classResources,absent',
	'file.courses,bulk',
	'file.courseResources,absent',
	'file.demographics,absent',
	'file.enrollments,bulk',
	'file.lineItems,absent',
	'file.lineItemLearningObjectiveIds,absent',
	'file.lineItemScoreScales,absent',
	'file.orgs,bulk',
	'file.resources,absent',
	'file.results,absent',
	'file.resultLearningObjectiveIds,absent',
	'file.resultScoreScales,absent',
	'file.roles,bulk',
	'file.scoreScales,absent',
	'file.userProfiles,absent',
	'file.userResources,absent',
	'file.users,bulk',
	'source.systemName,hand-written fixture',
);

const OR = Object.freeze({
	'manifest.csv': MANIFEST,
	'orgs.csv': crlf(
		'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
		'T1,,,Oak Learning Trust,ext:academicTrust,,',
		'S1,,,Oak Primary,school,100001,T1',
	),
	'academicSessions.csv': lf(
		'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
		'Y2025,,,2025/26,schoolYear,2025-09-01,2026-07-31,,2026',
		'T1A,,,Autumn 2025,term,2025-09-01,2025-12-19,Y2025,2026',
	),
	'courses.csv': lf(
		'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes',
		'CO1,,,Y2025,Maths Year 7,MA7,06,S1,Mathematics,',
	),
	'classes.csv': lf(
		'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
		'C1,,,7A Maths,06,CO1,7A/Ma,scheduled,Room 4,S1,"Y2025,T1A",Mathematics,,"1,2"',
		'H1,,,Form 7A,06,CO1,7A,homeroom,,S1,Y2025,,,',
	),
	'users.csv': lf(
		'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns',
		'U1,,,true,asmith@oak.example.org,,Amy,Smith,,,asmith@oak.example.org,,,,,,,,,,S1,',
		'U2,,,true,bjones@oak.example.org,{MIS:1001},Ben,Jones,,1001,,,,P1,06,,,,,,S1,',
		'P1,,,true,pat.jones@parents.example.org,,Pat,Jones,,,pat@mail.example.com,,,U2,,,,,,,S1,',
	),
	'roles.csv': lf(
		'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
		'R1,,,U1,primary,teacher,2025-09-01,,S1,',
		'R2,,,U2,primary,student,,,S1,',
		'R3,,,P1,primary,parent,,,S1,',
		'R4,,,U1,secondary,teacher,,,T1,',
	),
	'enrollments.csv': lf(
		'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
		'E1,,,C1,S1,U1,teacher,true,,',
		'E2,,,C1,S1,U2,student,false,,',
		'E3,,,H1,S1,U2,student,,,',
	),
});

describe('readOneRoster (OneRoster 1.2 CSV, bulk)', () => {
	test('the hand-written valid package has no problem', () => {
		const { problems, model } = readOneRoster(OR);
		expect(problems).toEqual([]);
		expect(model.manifest['file.users']).toBe('bulk');
		expect(Object.keys(model.users)).toEqual(['U1', 'U2', 'P1']);
		expect(model.agents).toEqual([
			{ userSourcedId: 'U2', agentSourcedId: 'P1' },
			{ userSourcedId: 'P1', agentSourcedId: 'U2' },
		]);
		expect(model.classes.C1.termSourcedIds).toBe('Y2025,T1A');
	});

	test('a BOM is accepted', () => {
		const files = {
			...OR,
			'manifest.csv': '\uFEFF' + MANIFEST,
			'users.csv': '\uFEFF' + OR['users.csv'],
		};
		expect(readOneRoster(files).problems).toEqual([]);
	});

	test('a wrong header order', () => {
		const files = edit(OR, 'users.csv', 'givenName,familyName', 'familyName,givenName');
		expect(readOneRoster(files).problems).toEqual([
			P(
				'users.csv',
				1,
				'or.header-order',
				'header 7 is "familyName"; the binding requires "givenName" there',
			),
		]);
	});

	test('a missing header, and extension columns', () => {
		const missing = {
			...OR,
			'orgs.csv': crlf(
				'sourcedId,status,dateLastModified,name,type,identifier',
				'T1,,,Oak Learning Trust,ext:academicTrust,',
				'S1,,,Oak Primary,school,100001',
			),
		};
		expect(readOneRoster(missing).problems).toEqual([
			P(
				'orgs.csv',
				1,
				'or.header-order',
				'header 7 is missing; the binding requires "parentSourcedId" there',
			),
		]);
		const metadata = edit(
			edit(OR, 'courses.csv', 'subjects,subjectCodes', 'subjects,subjectCodes,metadata.department'),
			'courses.csv',
			'Mathematics,',
			'Mathematics,,Maths',
		);
		expect(readOneRoster(metadata).problems).toEqual([]);
		const extra = edit(
			edit(OR, 'courses.csv', 'subjects,subjectCodes', 'subjects,subjectCodes,department'),
			'courses.csv',
			'Mathematics,',
			'Mathematics,,Maths',
		);
		expect(readOneRoster(extra).problems).toEqual([
			P(
				'courses.csv',
				1,
				'or.header-extension',
				'extra header "department": an extension column must be named metadata.<name> and follow the spec columns',
			),
		]);
	});

	test('a missing manifest row', () => {
		const files = edit(OR, 'manifest.csv', 'file.scoreScales,absent\n', '');
		expect(readOneRoster(files).problems).toEqual([
			P('manifest.csv', 0, 'or.manifest-row-missing', 'manifest.csv has no "file.scoreScales" row'),
		]);
	});

	test('manifest header, versions, modes, properties', () => {
		expect(
			readOneRoster(edit(OR, 'manifest.csv', 'propertyName,value', 'propertyName,Value')).problems,
		).toEqual([
			P(
				'manifest.csv',
				1,
				'or.manifest-header',
				'the header must be exactly "propertyName,value", not "propertyName,Value"',
			),
		]);
		expect(
			readOneRoster(edit(OR, 'manifest.csv', 'oneroster.version,1.2', 'oneroster.version,1.1'))
				.problems,
		).toEqual([P('manifest.csv', 3, 'or.manifest-value', 'oneroster.version is "1.1", not "1.2"')]);
		expect(
			readOneRoster(edit(OR, 'manifest.csv', 'manifest.version,1.0', 'manifest.version,1'))
				.problems,
		).toEqual([P('manifest.csv', 2, 'or.manifest-value', 'manifest.version is "1", not "1.0"')]);
		expect(
			readOneRoster(edit(OR, 'manifest.csv', 'file.categories,absent', 'file.categories,Absent'))
				.problems,
		).toEqual([
			P(
				'manifest.csv',
				5,
				'or.manifest-value',
				'file.categories is "Absent"; it must be absent, bulk or delta',
			),
		]);
		expect(
			readOneRoster(
				edit(OR, 'manifest.csv', 'source.systemName', 'file.students,absent\nsource.systemName'),
			).problems,
		).toEqual([
			P('manifest.csv', 25, 'or.manifest-property', '"file.students" names no OneRoster data file'),
		]);
		expect(
			readOneRoster(edit(OR, 'manifest.csv', 'file.users,bulk', 'file.users,bulk\nfile.users,bulk'))
				.problems,
		).toEqual([
			P(
				'manifest.csv',
				25,
				'or.manifest-duplicate',
				'property "file.users" already appears on line 24',
			),
		]);
		expect(readOneRoster(without(OR, 'manifest.csv')).problems).toEqual([
			P('manifest.csv', 0, 'or.manifest-missing', 'manifest.csv is required'),
		]);
	});

	test('a data file is present iff the manifest declares it bulk or delta', () => {
		expect(readOneRoster(without(OR, 'courses.csv')).problems).toContainEqual(
			P(
				'courses.csv',
				0,
				'or.file-missing',
				'the manifest declares file.courses bulk, but courses.csv is missing',
			),
		);
		const undeclared = edit(OR, 'manifest.csv', 'file.roles,bulk', 'file.roles,absent');
		expect(readOneRoster(undeclared).problems).toEqual([
			P(
				'roles.csv',
				0,
				'or.file-undeclared',
				'roles.csv is present, but the manifest declares file.roles absent',
			),
		]);
		expect(readOneRoster({ ...OR, 'Users.csv': OR['users.csv'] }).problems).toEqual([
			P('Users.csv', 0, 'or.file-unknown', 'file name "Users.csv" must be spelled "users.csv"'),
		]);
	});

	test('a gradebook or resources file: declared, not empty, bulk status blank, GUID sourcedId', () => {
		// The digest gives no headers for these files, so only the generic rules apply to them.
		const declared = edit(OR, 'manifest.csv', 'file.scoreScales,absent', 'file.scoreScales,bulk');
		const scoreScales = lf('sourcedId,status,dateLastModified,title', 'SS1,,,Grades 1-9');
		expect(readOneRoster({ ...declared, 'scoreScales.csv': scoreScales }).problems).toEqual([]);
		const bad = lf('sourcedId,status,dateLastModified,title', 'SS 1,active,,Grades 1-9');
		expect(readOneRoster({ ...declared, 'scoreScales.csv': bad }).problems).toEqual([
			P(
				'scoreScales.csv',
				2,
				'or.bulk-status',
				'status must be blank in a bulk file, not "active"',
			),
			P('scoreScales.csv', 2, 'or.guid', 'sourcedId "SS 1" is not a GUID'),
		]);
		const noRow = edit(OR, 'manifest.csv', 'file.scoreScales,absent\n', '');
		expect(readOneRoster({ ...noRow, 'scoreScales.csv': scoreScales }).problems).toEqual([
			P('manifest.csv', 0, 'or.manifest-row-missing', 'manifest.csv has no "file.scoreScales" row'),
			P(
				'scoreScales.csv',
				0,
				'or.file-undeclared',
				'scoreScales.csv is present, but the manifest has no file.scoreScales row',
			),
		]);
	});

	test('an empty data file', () => {
		const files = {
			...OR,
			'enrollments.csv': OR['enrollments.csv'].split('\n')[0] + '\n',
		};
		expect(readOneRoster(files).problems).toEqual([
			P(
				'enrollments.csv',
				0,
				'or.empty-file',
				'enrollments.csv has no data rows (declare it absent and leave it out)',
			),
		]);
	});

	test('status and dateLastModified must be blank in bulk', () => {
		const files = edit(OR, 'roles.csv', 'R2,,,U2', 'R2,active,2025-09-01T00:00:00.000Z,U2');
		expect(readOneRoster(files).problems).toEqual([
			P('roles.csv', 3, 'or.bulk-status', 'status must be blank in a bulk file, not "active"'),
			P(
				'roles.csv',
				3,
				'or.bulk-status',
				'dateLastModified must be blank in a bulk file, not "2025-09-01T00:00:00.000Z"',
			),
		]);
	});

	test('delta is reported unless allowed, and then its rows are checked', () => {
		const files = edit(
			edit(OR, 'manifest.csv', 'file.roles,bulk', 'file.roles,delta'),
			'roles.csv',
			'R2,,,U2',
			'R2,active,2025-09-01T00:00:00.000Z,U2',
		);
		const problems = readOneRoster(files).problems;
		expect(problems[0]).toEqual(
			P(
				'manifest.csv',
				0,
				'or.delta',
				'file.roles is delta; this reader checks bulk packages (SDS only supports BULK, R3)',
			),
		);
		expect(readOneRoster(files, { allowDelta: true }).problems).toEqual([
			P('roles.csv', 2, 'or.delta-status', 'status "" must be active or tobedeleted'),
			P('roles.csv', 2, 'or.delta-status', 'dateLastModified "" is not YYYY-MM-DDTHH:MM:SS.sssZ'),
			P('roles.csv', 4, 'or.delta-status', 'status "" must be active or tobedeleted'),
			P('roles.csv', 4, 'or.delta-status', 'dateLastModified "" is not YYYY-MM-DDTHH:MM:SS.sssZ'),
			P('roles.csv', 5, 'or.delta-status', 'status "" must be active or tobedeleted'),
			P('roles.csv', 5, 'or.delta-status', 'dateLastModified "" is not YYYY-MM-DDTHH:MM:SS.sssZ'),
		]);
	});

	test('required values', () => {
		const files = edit(OR, 'classes.csv', 'Room 4,S1,"Y2025,T1A"', 'Room 4,S1,');
		expect(readOneRoster(files).problems).toEqual([
			P('classes.csv', 2, 'or.value-missing', 'termSourcedIds is required and is empty'),
		]);
	});

	test('vocabularies: case-sensitive, ext: only where extensible', () => {
		expect(
			readOneRoster(edit(OR, 'roles.csv', 'primary,teacher,2025', 'primary,Teacher,2025')).problems,
		).toEqual([
			P(
				'roles.csv',
				2,
				'or.vocabulary',
				'role "Teacher" is not in the vocabulary (nor ext:<token>)',
			),
		]);
		expect(
			readOneRoster(edit(OR, 'roles.csv', 'R2,,,U2,primary', 'R2,,,U2,ext:main')).problems,
		).toEqual([P('roles.csv', 3, 'or.vocabulary', 'roleType "ext:main" is not in the vocabulary')]);
		expect(
			readOneRoster(edit(OR, 'roles.csv', 'primary,teacher,2025', 'primary,ext:cover,2025'))
				.problems,
		).toEqual([]);
		const cases = [
			['orgs.csv', 'school,100001', 'School,100001', 3, 'type "School"'],
			['academicSessions.csv', 'Autumn 2025,term', 'Autumn 2025,halfTerm', 3, 'type "halfTerm"'],
			['classes.csv', '7A,homeroom', '7A,tutor', 3, 'classType "tutor"'],
			['enrollments.csv', 'U2,student,false', 'U2,learner,false', 3, 'role "learner"'],
		];
		for (const [file, from, to, line, what] of cases) {
			expect(readOneRoster(edit(OR, String(file), String(from), String(to))).problems).toEqual([
				P(
					String(file),
					Number(line),
					'or.vocabulary',
					`${what} is not in the vocabulary (nor ext:<token>)`,
				),
			]);
		}
	});

	test('GUIDs: charset and length', () => {
		const space = edit(OR, 'enrollments.csv', 'E3,,,H1', 'E 3,,,H1');
		expect(readOneRoster(space).problems).toEqual([
			P('enrollments.csv', 4, 'or.guid', 'sourcedId "E 3" is not a GUID'),
		]);
		const long = 'X'.repeat(256);
		const tooLong = edit(OR, 'enrollments.csv', 'E3,,,H1', `${long},,,H1`);
		expect(readOneRoster(tooLong).problems).toEqual([
			P('enrollments.csv', 4, 'or.guid', `sourcedId "${long}" is not a GUID`),
		]);
		const okChars = edit(OR, 'enrollments.csv', 'E3,,,H1', 'e.3-x_y/z@w,,,H1');
		expect(readOneRoster(okChars).problems).toEqual([]);
	});

	test('booleans exactly true/false; dates YYYY-MM-DD; years YYYY', () => {
		expect(readOneRoster(edit(OR, 'users.csv', 'U1,,,true', 'U1,,,TRUE')).problems).toEqual([
			P('users.csv', 2, 'or.boolean', 'enabledUser "TRUE" must be exactly true or false'),
		]);
		expect(
			readOneRoster(edit(OR, 'roles.csv', 'teacher,2025-09-01', 'teacher,2025-9-1')).problems,
		).toEqual([P('roles.csv', 2, 'or.date', 'beginDate "2025-9-1" is not a date YYYY-MM-DD')]);
		expect(readOneRoster(edit(OR, 'academicSessions.csv', ',,2026\n', ',,26\n')).problems).toEqual([
			P('academicSessions.csv', 2, 'or.year', 'schoolYear "26" is not a year YYYY'),
		]);
	});

	test('lists: no empty items', () => {
		expect(readOneRoster(edit(OR, 'classes.csv', '"Y2025,T1A"', '"Y2025,T1A,"')).problems).toEqual([
			P('classes.csv', 2, 'or.list', 'termSourcedIds "Y2025,T1A," has an empty item'),
		]);
		expect(readOneRoster(edit(OR, 'classes.csv', '"1,2"', '"1,,2"')).problems).toEqual([
			P('classes.csv', 2, 'or.list', 'periods "1,,2" has an empty item'),
		]);
	});

	test('unresolved references', () => {
		const cases = [
			['users.csv', ',,S1,\n', ',,S9,\n', 2, 'primaryOrgSourcedId "S9"', 'orgs'],
			['users.csv', ',P1,06,', ',P9,06,', 3, 'agentSourcedIds "P9"', 'users'],
			['roles.csv', 'R2,,,U2,', 'R2,,,U9,', 3, 'userSourcedId "U9"', 'users'],
			['roles.csv', 'student,,,S1,', 'student,,,S9,', 3, 'orgSourcedId "S9"', 'orgs'],
			['enrollments.csv', 'E1,,,C1,', 'E1,,,C9,', 2, 'classSourcedId "C9"', 'classes'],
			['enrollments.csv', 'E1,,,C1,S1,', 'E1,,,C1,S9,', 2, 'schoolSourcedId "S9"', 'orgs'],
			['enrollments.csv', 'E1,,,C1,S1,U1,', 'E1,,,C1,S1,U9,', 2, 'userSourcedId "U9"', 'users'],
			['classes.csv', '06,CO1,7A/Ma', '06,CO9,7A/Ma', 2, 'courseSourcedId "CO9"', 'courses'],
			['classes.csv', 'Room 4,S1,', 'Room 4,S9,', 2, 'schoolSourcedId "S9"', 'orgs'],
			['classes.csv', '"Y2025,T1A"', '"Y2025,T9"', 2, 'termSourcedIds "T9"', 'academicSessions'],
			[
				'courses.csv',
				'CO1,,,Y2025',
				'CO1,,,Y1999',
				2,
				'schoolYearSourcedId "Y1999"',
				'academicSessions',
			],
			['courses.csv', '06,S1,', '06,S9,', 2, 'orgSourcedId "S9"', 'orgs'],
			['orgs.csv', '100001,T1', '100001,T9', 3, 'parentSourcedId "T9"', 'orgs'],
			[
				'academicSessions.csv',
				',Y2025,2026',
				',Y1999,2026',
				3,
				'parentSourcedId "Y1999"',
				'academicSessions',
			],
		];
		for (const [file, from, to, line, what, target] of cases) {
			const problems = readOneRoster(edit(OR, String(file), String(from), String(to))).problems;
			expect(problems).toEqual([
				P(
					String(file),
					Number(line),
					'or.reference',
					`${what} is not a sourcedId in ${target}.csv`,
				),
			]);
		}
	});

	test('sourcedId unique per file; usernames unique case-insensitively', () => {
		expect(readOneRoster(edit(OR, 'roles.csv', 'R4,,,U1', 'R3,,,U1')).problems).toEqual([
			P('roles.csv', 5, 'or.duplicate-id', 'sourcedId "R3" already appears on line 4'),
		]);
		expect(
			readOneRoster(
				edit(OR, 'users.csv', 'true,pat.jones@parents.example.org', 'true,BJones@oak.example.org'),
			).problems,
		).toEqual([
			P(
				'users.csv',
				4,
				'or.username-duplicate',
				'username "BJones@oak.example.org" is already used by user "U2" ("bjones@oak.example.org", line 3); usernames are compared case-insensitively (SDS, R3)',
			),
		]);
	});

	test('identity: a role or an enrollment twice', () => {
		expect(
			readOneRoster(
				edit(OR, 'roles.csv', 'R4,,,U1,secondary,teacher,,,T1', 'R4,,,U1,secondary,teacher,,,S1'),
			).problems,
		).toEqual([
			P(
				'roles.csv',
				5,
				'or.role-duplicate',
				'user "U1" already has role "teacher" in org "S1" on line 2',
			),
		]);
		expect(readOneRoster(edit(OR, 'enrollments.csv', 'E3,,,H1', 'E3,,,C1')).problems).toEqual([
			P(
				'enrollments.csv',
				4,
				'or.enrollment-duplicate',
				'class "C1" and user "U2" already appear on line 3',
			),
		]);
	});

	test('a tab and a line break inside values', () => {
		expect(readOneRoster(edit(OR, 'users.csv', 'Amy,Smith', 'Amy,Sm\tith')).problems).toEqual([
			P('users.csv', 2, 'csv.control-char', 'control character U+0009 in column "familyName"'),
		]);
		expect(readOneRoster(edit(OR, 'classes.csv', 'Room 4', '"Room\n4"')).problems).toEqual([
			P('classes.csv', 2, 'csv.line-break', 'a line break (LF) inside a quoted value'),
		]);
	});
});

describe('identity.js', () => {
	test('usersByUsername groups case-insensitively unless asked not to', () => {
		const { model } = readSds(
			edit(SDS, 'users.csv', 'U2,bjones@oak.example.org', 'U2,ASMITH@oak.example.org'),
		);
		expect(usersByUsername(model)['asmith@oak.example.org']).toEqual(['U1', 'U2']);
		expect(usersByUsername(model, { caseSensitive: true })['ASMITH@oak.example.org']).toEqual([
			'U2',
		]);
	});

	test('duplicatePairs', () => {
		const rows = [
			{ a: '1', b: 'x' },
			{ a: '1', b: 'y' },
			{ a: '1', b: 'x' },
			{ a: '1,x', b: '' },
		];
		expect(duplicatePairs(rows, ['a', 'b'])).toEqual([{ values: ['1', 'x'], indexes: [0, 2] }]);
		expect(duplicatePairs(rows, ['a'])).toEqual([{ values: ['1'], indexes: [0, 1, 2] }]);
	});

	test('conservation: per org and role, the users who hold it (both formats)', () => {
		expect(conservation(readSds(SDS).model)).toEqual({
			S1: { student: ['U2'], teacher: ['U1'] },
			S2: { student: ['U3'], teacher: ['U1'] },
		});
		expect(conservation(readOneRoster(OR).model)).toEqual({
			S1: { parent: ['P1'], student: ['U2'], teacher: ['U1'] },
			T1: { teacher: ['U1'] },
		});
	});
});
