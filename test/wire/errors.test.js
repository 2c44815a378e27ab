const { classifyFault, FAULT_RULES, redact, stripAsmxPrefix, BromcomError, FIX_HINTS } = require('../../nodes/Bromcom/wire/errors');

describe('fault classifier', () => {
	test.each([
		['Server was unable to process request. ---> Invalid username or password.', 'credentials'],
		['Login failed for user \'tp_groupcall\'.', 'credentials'],
		['Access denied.', 'credentials'],
		['The account is locked.', 'credentials'],
		["You do not have permission to access entity 'Students'.", 'entityNotPermitted'],
		['Entity Students is not permitted for this account', 'entityNotPermitted'],
		['Third party write access is not permitted for this user. A Third Party Write Licence is required.', 'writeNotPermitted'],
		['No write permission', 'writeNotPermitted'],
		['School with ID 99999 was not found.', 'school'],
		["Invalid object name 'Studnts'.", 'unknownEntity'],
		['Unknown entity: Foo', 'unknownEntity'],
		["Incorrect syntax near 'OR'.", 'badFilter'],
		["Invalid column name 'Foo'.", 'badFilter'],
		["Conversion failed when converting the varchar value 'abc' to data type int.", 'badFilter'],
		['Unclosed quotation mark after the character string \'x\'.', 'badFilter'],
		['Server was unable to read request. ---> There is an error in XML document (1, 300).', 'badRequest'],
		['Server did not recognize the value of HTTP Header SOAPAction: x.', 'badRequest'],
		['Timeout expired.  The timeout period elapsed prior to completion of the operation.', 'transient'],
		['Transaction (Process ID 52) was deadlocked on lock resources with another process and has been chosen as the deadlock victim.', 'transient'],
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
		for (const kind of ['credentials', 'entityNotPermitted', 'badFilter', 'unknownEntity', 'unexpectedPayload']) expect(new BromcomError({ kind, message: 'x' }).retryable).toBe(false);
	});

	test('ASMX prefix stripping and secret redaction', () => {
		expect(stripAsmxPrefix('Server was unable to process request. ---> Outer ---> Inner message.')).toBe('Inner message.');
		expect(redact('Login failed for sandbox with p&ss<1> (p&amp;ss&lt;1&gt;)', ['p&ss<1>'])).toBe('Login failed for sandbox with *** (***)');
		expect(redact('short ab', ['ab'])).toBe('short ab');
	});
});

describe('messages survive n8n error wrapping', () => {
	const { withoutErrorCodes, toNodeError } = require('../../nodes/Bromcom/transport');
	const { BromcomError: E } = require('../../nodes/Bromcom/wire/errors');
	const node = { id: '1', name: 'Bromcom', type: 'n8n-nodes-bromcom.bromcom', typeVersion: 1, position: [0, 0], parameters: {} };

	test('socket error codes become words (n8n would otherwise replace the whole message)', () => {
		expect(withoutErrorCodes('read ECONNRESET after 3 s; ERROR stays; UPN stays')).toBe('the connection was reset after 3 s; ERROR stays; UPN stays');
		const error = toNodeError(node, new E({ kind: 'transient', message: 'The connection to Bromcom failed: read ECONNRESET' }), { school: '20001' });
		expect(error.message).toBe('The connection to Bromcom failed: the connection was reset (school 20001).');
	});
});
