const {
	classifyFault,
	FAULT_RULES,
	redact,
	stripAsmxPrefix,
	BromcomError,
} = require('../../nodes/Bromcom/core/wire/errors');
const { FIX_HINTS } = require('../../nodes/Bromcom/n8n/errors');

describe('fault classifier', () => {
	test.each([
		['Server was unable to process request. ---> Invalid username or password.', 'credentials'],
		["Login failed for user 'tp_groupcall'.", 'credentials'],
		['Access denied.', 'credentials'],
		['The account is locked.', 'credentials'],
		["You do not have permission to access entity 'Students'.", 'entityNotPermitted'],
		['Entity Students is not permitted for this account', 'entityNotPermitted'],
		[
			'Third party write access is not permitted for this user. A Third Party Write Licence is required.',
			'writeNotPermitted',
		],
		['No write permission', 'writeNotPermitted'],
		['School with ID 99999 was not found.', 'school'],
		["Invalid object name 'Studnts'.", 'unknownEntity'],
		['Unknown entity: Foo', 'unknownEntity'],
		["Incorrect syntax near 'OR'.", 'badFilter'],
		["Invalid column name 'Foo'.", 'badFilter'],
		["Conversion failed when converting the varchar value 'abc' to data type int.", 'badFilter'],
		["Unclosed quotation mark after the character string 'x'.", 'badFilter'],
		[
			'Server was unable to read request. ---> There is an error in XML document (1, 300).',
			'badRequest',
		],
		['Server did not recognize the value of HTTP Header SOAPAction: x.', 'badRequest'],
		[
			'Timeout expired.  The timeout period elapsed prior to completion of the operation.',
			'transient',
		],
		[
			'Transaction (Process ID 52) was deadlocked on lock resources with another process and has been chosen as the deadlock victim.',
			'transient',
		],
		['Object reference not set to an instance of an object.', 'serviceFault'],
	])('%s → %s', (text, kind) => {
		expect(classifyFault(text)).toBe(kind);
	});

	test('every rule carries its evidence and every kind has a fix hint naming where to act', () => {
		for (const rule of FAULT_RULES) expect(rule.evidence.length).toBeGreaterThan(20);
		expect(FIX_HINTS.credentials).toMatch(/Modules > Setup > System Users/);
		expect(FIX_HINTS.entityNotPermitted).toMatch(/Third Party Access Permissions & Logs/);
		expect(FIX_HINTS.writeNotPermitted).toMatch(/Third Party Write Back/);
		expect(FIX_HINTS.writeNotPermitted).toMatch(/Third Party Write Licence/);
	});

	test('only transient errors are retryable', () => {
		expect(new BromcomError({ kind: 'transient', message: 'x' }).retryable).toBe(true);
		for (const kind of /** @type {const} */ ([
			'credentials',
			'entityNotPermitted',
			'badFilter',
			'unknownEntity',
			'unexpectedPayload',
		]))
			expect(new BromcomError({ kind, message: 'x' }).retryable).toBe(false);
	});

	test('ASMX prefix stripping and secret redaction', () => {
		expect(
			stripAsmxPrefix('Server was unable to process request. ---> Outer ---> Inner message.'),
		).toBe('Inner message.');
		expect(redact('Login failed for sandbox with p&ss<1> (p&amp;ss&lt;1&gt;)', ['p&ss<1>'])).toBe(
			'Login failed for sandbox with *** (***)',
		);
		expect(redact('short ab', ['ab'])).toBe('short ab');
	});
});

describe('messages survive n8n error wrapping', () => {
	const { toNodeError } = require('../../nodes/Bromcom/n8n/errors');
	const { withoutErrorCodes } = require('../../nodes/Bromcom/core/wire/errors');
	const { BromcomError: E } = require('../../nodes/Bromcom/core/wire/errors');
	/** @type {import('n8n-workflow').INode} */
	const node = {
		id: '1',
		name: 'Bromcom',
		type: 'n8n-nodes-bromcom.bromcom',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

	test('socket error codes become words (n8n would otherwise replace the whole message)', () => {
		expect(withoutErrorCodes('read ECONNRESET after 3 s; ERROR stays; UPN stays')).toBe(
			'the connection was reset after 3 s; ERROR stays; UPN stays',
		);
		const error = toNodeError(
			node,
			new E({ kind: 'transient', message: 'The connection to Bromcom failed: read ECONNRESET' }),
			{ school: '20001' },
		);
		expect(error.message).toBe(
			'The connection to Bromcom failed: the connection was reset (school 20001).',
		);
	});
});

describe('faults as a real .NET server words them', () => {
	const { faultToError } = require('../../nodes/Bromcom/core/wire/fault');
	const VERBOSE = [
		"System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> System.InvalidOperationException: The query failed. ---> System.Data.SqlClient.SqlException: Invalid column name 'YearGroupX'.",
		'   at System.Data.SqlClient.SqlConnection.OnError(SqlException exception, Boolean breakConnection, Action`1 wrapCloseInAction)',
		'   at System.Data.SqlClient.SqlInternalConnection.OnError(SqlException exception, Boolean breakConnection)',
		'   at Bromcom.Nucleus.ThirdParty.DataService.GetEntityData(Int32 schoolID, String entityName, String entityFilter)',
		'   --- End of inner exception stack trace ---',
		'   at Bromcom.Nucleus.ThirdParty.TPReadOnlyDataService.getEntityDataBySchoolID(Int32 schoolID, String entityName, String entityFilter, String username, String password)',
		'   --- End of inner exception stack trace ---',
		...Array.from(
			{ length: 20 },
			(_, i) =>
				`   at System.Web.Services.Protocols.LogicalMethodInfo.Invoke${i}(Object target, Object[] values)`,
		),
	].join('\r\n');

	test('a verbose trace gives the innermost message as the message, the trimmed rest as details', () => {
		expect(VERBOSE.length).toBeGreaterThan(2000);
		const e = faultToError({ code: 'soap:Server', text: VERBOSE, version: '1.1' }, 500);
		expect(e.message).toBe("Invalid column name 'YearGroupX'.");
		expect(e.kind).toBe('badFilter');
		expect(e.faultText.length).toBeLessThanOrEqual(2001);
		expect(e.faultText).toMatch(/SqlException/);
	});

	test.each([
		["Access denied: user tp_msp has no access to entity 'Students'.", 'entityNotPermitted'],
		["Access to the view 'Students' is denied for this third party.", 'entityNotPermitted'],
		['The entity StudentContacts has not been granted to this application.', 'entityNotPermitted'],
		['Third party write back is not enabled for this school.', 'writeNotPermitted'],
		['Writeback disabled.', 'writeNotPermitted'],
		['Write access denied for user tp_msp.', 'writeNotPermitted'],
		['Access is denied.', 'credentials'],
		['The user name or password is incorrect.', 'credentials'],
		['Unauthorized', 'credentials'],
		[
			'Server was unable to process request. ---> Object reference not set to an instance of an object.',
			'serviceFault',
		],
	])('%s → %s (ranked by specificity, not first wording)', (text, kind) => {
		expect(faultToError({ code: 'soap:Server', text, version: '1.1' }).kind).toBe(kind);
	});

	test('a fault nothing specific matches says what Bromcom said, with no misleading hint', () => {
		expect(FIX_HINTS.serviceFault).toBe('');
		const e = faultToError({
			code: 'soap:Server',
			text: 'Server was unable to process request. ---> Object reference not set to an instance of an object.',
			version: '1.1',
		});
		expect(e.message).toBe('Object reference not set to an instance of an object.');
	});
});
