/**
 * The sandbox answers like Bromcom's ASMX services: checked with an independent SOAP client (the
 * `soap` package, driven by the sandbox's own WSDL), raw SOAP 1.2 without action=, the HTTP POST form
 * binding, permissions, faults, writes, changes over time and fault injection.
 */
const soap = require('soap');
const { createSandbox } = require('../../sandbox/server');
const { parseDataSet } = require('../../nodes/Bromcom/core/wire/dataset');
const { parseFault } = require('../../nodes/Bromcom/core/wire/fault');

const NOW = '2026-11-18T10:30:00Z';
let sandbox;
let base;
const READ = '/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx';
const WRITE = '/Nucleus/WebServices/ThirdParty/TPWriteDataService.asmx';

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 7, now: NOW });
	base = await sandbox.start(0);
});
afterAll(() => sandbox.stop());

function soap11(op, params, { service = READ, action = op } = {}) {
	const body = Object.entries(params)
		.map(([k, v]) => `<${k}>${String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`)
		.join('');
	return fetch(base + service, {
		method: 'POST',
		headers: {
			'Content-Type': 'text/xml; charset=utf-8',
			SOAPAction: `"http://tempuri.org/${action}"`,
		},
		body: `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op} xmlns="http://tempuri.org/">${body}</${op}></soap:Body></soap:Envelope>`,
	});
}

async function read(
	entity,
	filter = '',
	{ username = 'sandbox', password = 'sandbox', schoolID = 20001 } = {},
) {
	const res = await soap11('getEntityDataBySchoolID', {
		schoolID,
		entityName: entity,
		entityFilter: filter,
		username,
		password,
	});
	const text = await res.text();
	return {
		status: res.status,
		text,
		data: res.status === 200 ? parseDataSet(text) : undefined,
		fault: res.status !== 200 ? parseFault(text) : undefined,
	};
}

describe('independent client: soap.createClientAsync(<url>?wsdl)', () => {
	test.each([
		['SOAP 1.1', false],
		['SOAP 1.2', true],
	])('%s: findEntitiesBySchoolID and getEntityDataBySchoolID', async (_label, forceSoap12) => {
		const client = await soap.createClientAsync(`${base}${READ}?wsdl`, {
			forceSoap12Headers: forceSoap12,
		});
		const [entities, raw1] = await client.findEntitiesBySchoolIDAsync({
			schoolID: 20001,
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(entities.findEntitiesBySchoolIDResult).toBeDefined();
		const names = parseDataSet(raw1).rows.map((r) => String(r.EntityName));
		expect(names).toContain('Students');
		expect(names).toEqual(
			[...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
		);
		const [result, raw2] = await client.getEntityDataBySchoolIDAsync({
			schoolID: 20001,
			entityName: 'Students',
			entityFilter: "LastName = 'O''Brien'",
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(result.getEntityDataBySchoolIDResult).toBeDefined();
		expect(parseDataSet(raw2).rows).toEqual(
			sandbox
				.rows('Students', 20001, "LastName = 'O''Brien'")
				.map((r) => expect.objectContaining({ StudentID: r.StudentID })),
		);
		const wrong = await client
			.findEntitiesBySchoolIDAsync({ schoolID: 20001, username: 'sandbox', password: 'nope' })
			.catch((e) => e);
		expect(String(wrong.message || wrong)).toMatch(/Invalid username or password/);
	});

	test('the write service WSDL is usable too', async () => {
		const client = await soap.createClientAsync(`${base}${WRITE}?wsdl`);
		expect(Object.keys(client.describe().TPWriteDataService.TPWriteDataServiceSoap)).toEqual(
			expect.arrayContaining([
				'updateDinnerBalance',
				'saveDinnerTransaction',
				'registerSingleSignOnUser',
				'deregisterSingleSignOnUser',
				'saveStudentAssessmentResult',
			]),
		);
	});
});

describe('bindings and routing', () => {
	test('raw SOAP 1.2 without action= in the content type, as live clients send it, routed by the body element', async () => {
		const res = await fetch(base + READ, {
			method: 'POST',
			headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' },
			body: '<?xml version="1.0" encoding="utf-8"?><soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap12:Body><getEntityDataBySchoolID xmlns="http://tempuri.org/"><schoolID>20001</schoolID><entityName>Staff</entityName><entityFilter></entityFilter><username>sandbox</username><password>sandbox</password></getEntityDataBySchoolID></soap12:Body></soap12:Envelope>',
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
		const text = await res.text();
		expect(text).toContain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
		expect(parseDataSet(text).rows).toHaveLength(sandbox.rows('Staff').length);
	});

	test('HTTP POST form binding returns the <DataSet xmlns="http://tempuri.org/"> wrapper; paths are case-insensitive', async () => {
		const res = await fetch(
			`${base}/nucleus/webservices/thirdparty/TPReadonlyDataService.asmx/findEntitiesBySchoolID`,
			{
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: 'schoolID=20001&username=limited&password=limited',
			},
		);
		const text = await res.text();
		expect(
			text.startsWith(
				'<?xml version="1.0" encoding="utf-8"?><DataSet xmlns="http://tempuri.org/"><xs:schema',
			),
		).toBe(true);
		expect(parseDataSet(text).rows.map((r) => r.EntityName)).toEqual([
			'Schools',
			'StudentFlatView',
			'Students',
		]);
		const missing = await fetch(`${base}${READ}/findEntitiesBySchoolID`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'schoolID=20001',
		});
		expect(missing.status).toBe(500);
		expect(await missing.text()).toMatch(/Missing parameter: username/);
	});

	test('ASMX framework faults: unknown SOAPAction, non-integer schoolID, parameters outside the namespace are ignored', async () => {
		const bad = await soap11('nope', {}, { action: 'nope' });
		expect(bad.status).toBe(500);
		expect(parseFault(await bad.text())).toMatchObject({
			code: 'soap:Client',
			text: 'Server did not recognize the value of HTTP Header SOAPAction: http://tempuri.org/nope.',
		});
		const notInt = await soap11('findEntitiesBySchoolID', {
			schoolID: '20001x',
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(parseFault(await notInt.text()).text).toMatch(
			/^Server was unable to read request\. ---> There is an error in XML document/,
		);
		const unqualified = await fetch(base + READ, {
			method: 'POST',
			headers: {
				'Content-Type': 'text/xml; charset=utf-8',
				SOAPAction: '"http://tempuri.org/findEntitiesBySchoolID"',
			},
			body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><findEntitiesBySchoolID xmlns="http://tempuri.org/"><schoolID>20001</schoolID><username xmlns="">sandbox</username><password xmlns="">sandbox</password></findEntitiesBySchoolID></soap:Body></soap:Envelope>',
		});
		// The credentials were not in the service namespace, so ASMX saw none: an authentication fault.
		expect(parseFault(await unqualified.text()).text).toMatch(/Invalid username or password/);
	});

	test('?wsdl declares the exact WSDL element names and both SOAP bindings', async () => {
		const text = await (await fetch(`${base}${READ}?wsdl`)).text();
		expect(text).toContain(
			'<s:element name="getEntityDataBySchoolID"><s:complexType><s:sequence><s:element minOccurs="1" maxOccurs="1" name="schoolID" type="s:int" /><s:element minOccurs="0" maxOccurs="1" name="entityName" type="s:string" /><s:element minOccurs="0" maxOccurs="1" name="entityFilter" type="s:string" />',
		);
		expect(text).toContain('soapAction="http://tempuri.org/getEntityDataBySchoolID"');
		expect(text).toContain('<wsdl:port name="TPReadOnlyDataServiceSoap12"');
		const write = await (await fetch(`${base}${WRITE}?wsdl`)).text();
		expect(write).toContain('name="schoolId" type="s:int"');
	});
});

describe('responses shaped like ASMX', () => {
	test('one line; schema typed from the data; NULL columns omitted; UK offsets; decimals keep their scale', async () => {
		const { text, data } = await read('StudentFlatView');
		expect(text).not.toContain('\n');
		expect(data.columns.find((c) => c.name === 'IsDataProcessingConsentGranted').xsType).toBe(
			'boolean',
		);
		expect(data.columns.find((c) => c.name === 'PresentPercentageWithEA').xsType).toBe('decimal');
		expect(text).toMatch(/<PresentPercentageWithEA>\d+\.\d\d<\/PresentPercentageWithEA>/);
		expect(text).toMatch(/<EnrolmentStartDate>\d{4}-09-0\dT00:00:00\+01:00<\/EnrolmentStartDate>/);
		expect(text).toMatch(/<DateOfBirth>\d{4}-(0[1-3]|1[1-2])-\d\dT00:00:00\+00:00<\/DateOfBirth>/);
		const onRoll = data.rows.find((r) => r.EnrolmentEndDate === null);
		expect(onRoll).toBeDefined();
		expect(text).toMatch(/<Table diffgr:id="Table1" msdata:rowOrder="0">/);
	});

	test('Guid columns carry msdata:DataType; empty result is schema + self-closing diffgram', async () => {
		const { text, data } = await read('People', '1=0');
		expect(text).toContain(
			'<xs:element name="PersonGUID" msdata:DataType="System.Guid, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089" type="xs:string" minOccurs="0" />',
		);
		expect(text).toContain(
			'<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1" />',
		);
		expect(data.rows).toEqual([]);
		expect(data.columns.length).toBe(sandbox.columns('People').length);
	});

	test('entity names are matched case-insensitively; rows come in a stable order', async () => {
		const a = await read('STUDENTS');
		const b = await read('students');
		expect(a.data.rows).toEqual(b.data.rows);
		expect(a.data.rows.length).toBe(sandbox.rows('Students').length);
	});
});

describe('entityFilter semantics over HTTP', () => {
	test.each([
		["LastName LIKE 'o''b%'", (r) => /^o'b/i.test(r.LastName)],
		["YearGroup IN ('7')", (r) => r.YearGroup === '7'],
		[
			'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())',
			(r, now) => r.StartDate <= now && (r.EndDate === null || r.EndDate >= now),
		],
		['EndDate IS NULL', (r) => r.EndDate === null],
		['MiddleName IS NOT NULL', (r) => r.MiddleName !== null],
		["FirstName = N'ZOË'", (r) => r.FirstName === 'Zoë'],
		["FirstName = 'Zoe'", () => false],
	])('%s', async (filter, expected) => {
		const now = sandbox.now();
		const all = sandbox.rows('Students');
		const { data } = await read('Students', filter);
		expect(data.rows.map((r) => r.StudentID)).toEqual(
			all.filter((r) => expected(r, now)).map((r) => r.StudentID),
		);
	});

	test('a syntax error or unknown column is the SOAP fault an ASMX service would return', async () => {
		const bad = await read('Students', "LastName = 'x' OR");
		expect(bad.status).toBe(500);
		expect(bad.fault).toMatchObject({
			code: 'soap:Server',
			text: 'Server was unable to process request. ---> Incorrect syntax near the end of the filter.',
		});
		expect((await read('Students', 'Foo = 1')).fault.text).toMatch(/Invalid column name 'Foo'\./);
		expect((await read('Students', "x' OR 1=1 --")).fault.text).toMatch(/Unclosed quotation mark/);
	});
});

describe('accounts and permissions', () => {
	test('findEntitiesBySchoolID lists only granted entities; ungranted, unknown, bad password, wrong school are faults', async () => {
		expect(
			(await read('Staff', '', { username: 'limited', password: 'limited' })).fault.text,
		).toMatch(/do not have permission to access entity 'Staff'/);
		expect((await read('Studnts')).fault.text).toMatch(/Invalid object name 'Studnts'/);
		expect((await read('Students', '', { password: 'wrong' })).fault.text).toMatch(
			/Invalid username or password/,
		);
		expect((await read('Students', '', { schoolID: 99999 })).fault.text).toMatch(
			/School with ID 99999 was not found/,
		);
		expect(
			(await read('Students', '', { username: 'noaccess', password: 'noaccess' })).fault.text,
		).toMatch(/permission/);
	});

	test('revoking an entity removes it from the list and the data', async () => {
		sandbox.changes.revokeEntity({ schoolId: 20002, entity: 'Students' });
		try {
			const res = await soap11('findEntitiesBySchoolID', {
				schoolID: 20002,
				username: 'sandbox',
				password: 'sandbox',
			});
			expect(parseDataSet(await res.text()).rows.map((r) => r.EntityName)).not.toContain(
				'Students',
			);
			expect((await read('Students', '', { schoolID: 20002 })).fault.text).toMatch(/permission/);
			expect((await read('Students', '', { schoolID: 20001 })).status).toBe(200);
		} finally {
			sandbox.changes.grantEntity({ schoolId: 20002, entity: 'Students' });
		}
	});
});

describe('write service', () => {
	const write = (op, params, who = { username: 'sandbox', password: 'sandbox' }) =>
		soap11(op, { schoolId: 20001, ...who, ...params }, { service: WRITE });

	test('each write changes the data and is recorded once in the audit log (password never recorded)', async () => {
		sandbox.clearAudit();
		const student = sandbox.rows('Students', 20001, 'EndDate IS NULL')[0].StudentID;
		expect(
			(await write('updateDinnerBalance', { personId: student, amount: '12.50' })).status,
		).toBe(200);
		expect((await read('StudentMeals', `PersonID = ${student}`)).data.rows[0].DinnerBalance).toBe(
			12.5,
		);
		const tx = await write('saveDinnerTransaction', {
			personId: student,
			transactionDetails: '',
			amount: '2.30',
			remainingBalance: '10.20',
			instant: '2026-11-18T12:10:00',
			transactionType: 'Sale',
			externalId: 555,
		});
		expect(await tx.text()).toMatch(
			/<saveDinnerTransactionResult>\d+<\/saveDinnerTransactionResult>/,
		);
		expect((await read('DinnerTransactions', 'ExternalID = 555')).data.rows).toEqual([
			expect.objectContaining({
				PersonID: student,
				Amount: 2.3,
				RemainingBalance: 10.2,
				TransactionType: 'Sale',
				Instant: '2026-11-18T12:10:00+00:00',
			}),
		]);
		expect(
			(
				await write('registerSingleSignOnUser', {
					userId: student,
					emailAddress: 'a@example.com',
					ssoProvider: 'Google',
				})
			).status,
		).toBe(200);
		expect((await read('SingleSignOnUsers', `UserID = ${student}`)).data.rows).toHaveLength(1);
		expect(
			(
				await write('deregisterSingleSignOnUser', {
					userId: student,
					emailAddress: 'a@example.com',
				})
			).status,
		).toBe(200);
		expect((await read('SingleSignOnUsers', `UserID = ${student}`)).data.rows).toHaveLength(0);
		const ar = await write('saveStudentAssessmentResult', {
			studentResultID: 0,
			studentID: student,
			assessmentTypeID: 1,
			termID: 1,
			yearGroupID: 1,
			subjectID: 2,
			result: '7',
			resultDate: '2026-11-18T00:00:00',
		});
		const resultId = Number(/Result>(\d+)</.exec(await ar.text())[1]);
		expect(
			(await read('AssociationAssessmentResults', `StudentResultID = ${resultId}`)).data.rows[0],
		).toMatchObject({ StudentID: student, Result: '7', SubjectName: 'Mathematics' });
		const audit = sandbox.audit();
		expect(audit.map((a) => a.operation)).toEqual([
			'updateDinnerBalance',
			'saveDinnerTransaction',
			'registerSingleSignOnUser',
			'deregisterSingleSignOnUser',
			'saveStudentAssessmentResult',
		]);
		expect(audit[0].params).toEqual({
			schoolId: 20001,
			username: 'sandbox',
			personId: student,
			amount: 12.5,
		});
		expect(JSON.stringify(audit)).not.toMatch(/"password"/);
	});

	test('write without permission is a fault and changes nothing', async () => {
		const student = sandbox.rows('Students')[0].StudentID;
		const before = sandbox.rows('StudentMeals', 20001, `PersonID = ${student}`)[0].DinnerBalance;
		const res = await write(
			'updateDinnerBalance',
			{ personId: student, amount: '99.00' },
			{ username: 'readonly', password: 'readonly' },
		);
		expect(res.status).toBe(500);
		expect(parseFault(await res.text()).text).toMatch(/Third party write access is not permitted/);
		expect(sandbox.rows('StudentMeals', 20001, `PersonID = ${student}`)[0].DinnerBalance).toBe(
			before,
		);
	});
});

describe('changes over time', () => {
	test('add a student, mark a leaver, restore, edit a contact email, revoke consent, term rollover', async () => {
		const current = () =>
			sandbox
				.rows('Students', 20001, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())')
				.map((r) => r.StudentID);
		const before = current();
		const { studentId } = sandbox.changes.addStudent({
			schoolId: 20001,
			firstName: 'Siân',
			lastName: "O'Neill",
			yearGroup: 7,
		});
		expect(current()).toEqual([...before, studentId]);
		sandbox.changes.markLeaver({ schoolId: 20001, studentId });
		expect(current()).toEqual(before);
		sandbox.changes.restoreLeaver({ schoolId: 20001, studentId });
		expect(current()).toContain(studentId);

		const link = sandbox.rows('StudentContacts')[0];
		sandbox.changes.editContactEmail({
			schoolId: 20001,
			personId: link.ContactPersonID,
			email: 'new.address@example.com',
		});
		expect(
			sandbox.rows('Emails', 20001, `PersonID = ${link.ContactPersonID} AND Priority = 1`)[0]
				.EmailAddress,
		).toBe('new.address@example.com');
		sandbox.changes.revokeConsent({ schoolId: 20001, personId: studentId });
		// The school's lawful basis is Consent: Bromcom now withholds the pupil from third parties…
		expect(sandbox.rows('StudentFlatView', 20001, `StudentID = ${studentId}`)).toEqual([]);
		expect(sandbox.rows('Attendances', 20001, `StudentID = ${studentId}`)).toEqual([]);
		// …and returns them, flag false, when the basis is not Consent or withholding is off.
		sandbox.changes.setLawfulBasis({ schoolId: 20001, basis: 'Public Task' });
		expect(
			sandbox.rows('StudentFlatView', 20001, `StudentID = ${studentId}`)[0]
				.IsDataProcessingConsentGranted,
		).toBe(false);
		sandbox.changes.setLawfulBasis({ schoolId: 20001, basis: 'Consent' });
		sandbox.changes.setWithholdUnconsented({ on: false });
		expect(sandbox.rows('StudentFlatView', 20001, `StudentID = ${studentId}`)).toHaveLength(1);
		sandbox.changes.setWithholdUnconsented({ on: true });

		const onRoll = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';
		const years = new Map(
			sandbox.rows('Students', 20001, onRoll).map((r) => [r.StudentID, r.YearGroup]),
		);
		const result = sandbox.changes.rollover({ schoolId: 20001 });
		expect(result.moved).toBeGreaterThan(0);
		const after = sandbox.rows('Students', 20001, 'EndDate IS NULL');
		const moved = after.filter((r) => years.has(r.StudentID));
		expect(moved.length).toBeGreaterThan(0);
		expect(moved.filter((r) => Number(r.YearGroup) !== Number(years.get(r.StudentID)) + 1)).toEqual(
			[],
		);
		// The final year left.
		const finalYear = String(Math.max(...[...years.values()].map(Number)));
		const wereFinalYear = [...years].filter(([, y]) => y === finalYear).map(([id]) => id);
		expect(wereFinalYear.length).toBeGreaterThan(0);
		expect(
			sandbox.rows('Students', 20001, onRoll).filter((r) => wereFinalYear.includes(r.StudentID)),
		).toEqual([]);
	});

	test('the admin endpoint works over loopback HTTP', async () => {
		const res = await fetch(`${base}/__sandbox/change`, {
			method: 'POST',
			body: JSON.stringify({ action: 'addStudent', schoolId: 20003, firstName: 'Zoë' }),
		});
		const { studentId } = /** @type {any} */ (await res.json());
		expect(sandbox.rows('Students', 20003, `StudentID = ${studentId}`)[0].FirstName).toBe('Zoë');
		const info = /** @type {any} */ (await (await fetch(`${base}/__sandbox/info`)).json());
		expect(info.accounts[0]).toEqual(
			expect.objectContaining({ username: 'sandbox', password: 'sandbox' }),
		);
	});
});

describe('fault injection', () => {
	test.each([
		['status503', 503, /Service Unavailable/],
		['html500', 500, /500 - Internal server error/],
		['loginPage', 200, /Log In/],
	])('%s', async (kind, status, body) => {
		sandbox.injectFault({ kind, match: { entity: 'Schools' } });
		const res = await soap11('getEntityDataBySchoolID', {
			schoolID: 20001,
			entityName: 'Schools',
			entityFilter: '',
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(res.status).toBe(status);
		expect(await res.text()).toMatch(body);
		expect((await read('Schools')).status).toBe(200);
	});

	test('truncated and malformed bodies, connection reset, delay', async () => {
		sandbox.injectFault({ kind: 'truncate', match: { entity: 'Staff' } });
		const cut = await (
			await soap11('getEntityDataBySchoolID', {
				schoolID: 20001,
				entityName: 'Staff',
				entityFilter: '',
				username: 'sandbox',
				password: 'sandbox',
			})
		).text();
		expect(() => parseDataSet(cut)).toThrow(/cut off/);
		sandbox.injectFault({ kind: 'malformed', match: { entity: 'Staff' } });
		const broken = await (
			await soap11('getEntityDataBySchoolID', {
				schoolID: 20001,
				entityName: 'Staff',
				entityFilter: '',
				username: 'sandbox',
				password: 'sandbox',
			})
		).text();
		expect(() => parseDataSet(broken)).toThrow(/Mismatched|Malformed/);
		sandbox.injectFault({ kind: 'reset', match: { entity: 'Staff' } });
		await expect(
			soap11('getEntityDataBySchoolID', {
				schoolID: 20001,
				entityName: 'Staff',
				entityFilter: '',
				username: 'sandbox',
				password: 'sandbox',
			}),
		).rejects.toThrow();
		sandbox.injectFault({ kind: 'delay', ms: 300, match: { entity: 'Staff' } });
		const started = Date.now();
		expect((await read('Staff')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});
});
