/**
 * The credential test, through n8n-core's CredentialTestContext (what n8n's credential tester hands a
 * node's `methods.credentialTest`), against the sandbox and a hostile server. It must pass only when
 * the account really can read Bromcom data, and say what is wrong otherwise.
 */
const { CredentialTestContext } = require('n8n-core');
const { createSandbox } = require('../../sandbox/server');
const { createHostile, faultResponse } = require('../helpers/hostile');
const { sandboxCredential, shutdown, NODE_TYPES } = require('../helpers/n8n');
const { secretForms } = require('../../nodes/Bromcom/core/wire/errors');

const PASSWORD = 'Cr3d&<test> pass';
let sandbox;
let base;
let hostile;
let hostileBase;
beforeAll(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 8,
		now: '2026-11-18T10:30:00Z',
		accounts: [
			{ username: 'msp', password: PASSWORD, entities: '*', write: false, note: 'test' },
			{
				username: 'fresh',
				password: PASSWORD,
				entities: [],
				write: false,
				note: 'no permissions yet',
			},
		],
	});
	base = await sandbox.start(0);
	hostile = createHostile();
	hostileBase = await hostile.start();
});
afterAll(async () => {
	await sandbox.stop();
	await hostile.stop();
	shutdown();
});

async function test_(data) {
	const fn = NODE_TYPES['n8n-nodes-bromcom.bromcom'].methods.credentialTest.bromcomMisApiTest;
	const result = await fn.call(new CredentialTestContext(/** @type {any} */ ({})), {
		id: '',
		name: 'Bromcom',
		type: 'bromcomMisApi',
		data,
	});
	for (const form of secretForms(PASSWORD)) expect(JSON.stringify(result)).not.toContain(form);
	return result;
}

test('every node names the same function-based credential test', () => {
	for (const type of Object.values(NODE_TYPES)) {
		expect(type.description.credentials[0]).toMatchObject({
			name: 'bromcomMisApi',
			testedBy: 'bromcomMisApiTest',
		});
		expect(typeof type.methods.credentialTest.bromcomMisApiTest).toBe('function');
	}
});

test('a good account: OK, with how many entities it may read', async () => {
	const r = await test_(sandboxCredential(base, { username: 'msp', password: PASSWORD }));
	expect(r.status).toBe('OK');
	expect(r.message).toMatch(
		new RegExp(
			`^Connection successful: school 20001, ${sandbox.info().entities.length} entities granted \\(`,
		),
	);
});

test('a wrong password: the login error and where to fix it', async () => {
	const r = await test_(sandboxCredential(base, { username: 'msp', password: 'not-it' }));
	expect(r.status).toBe('Error');
	expect(r.message).toMatch(/Invalid username or password.*Modules > Setup > System Users/);
});

test('an account with no entity permissions fails and names the permissions screen', async () => {
	const r = await test_(sandboxCredential(base, { username: 'fresh', password: PASSWORD }));
	expect(r.status).toBe('Error');
	expect(r.message).toMatch(/may read no entities yet.*Third Party Access Permissions & Logs/);
});

test.each([
	[
		'a Base URL that redirects to a login page',
		(_q, res) => {
			res.writeHead(302, { Location: '/Nucleus/Account/Login.aspx' });
			res.end();
		},
		/redirects \(HTTP 302\) to http:\/\/127\.0\.0\.1:\d+\/Nucleus\/Account\/Login\.aspx/,
	],
	[
		'an HTML page at HTTP 200 (the service help page)',
		(_q, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html' });
			res.end(
				'<html><body><h1>TPReadOnlyDataService</h1><p>The following operations are supported.</p></body></html>',
			);
		},
		/web page instead of SOAP data/,
	],
	[
		'a login page at HTTP 200',
		(_q, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html' });
			res.end('<!DOCTYPE html><html><body><form><input type="password"></form></body></html>');
		},
		/web login page/,
	],
	[
		'an IIS error page at HTTP 500 (not a refused login)',
		(_q, res) => {
			res.writeHead(500, { 'Content-Type': 'text/html' });
			res.end(
				'<!DOCTYPE html><html><head><title>500 - Internal server error.</title></head><body></body></html>',
			);
		},
		/HTTP 500 and an error page/,
	],
	[
		'a fault that echoes the password at HTTP 200',
		(_q, res) => {
			res.writeHead(200, { 'Content-Type': 'text/xml' });
			res.end(faultResponse(`Login failed for msp with ${PASSWORD}`));
		},
		/Login failed for msp with \*\*\*/,
	],
])('%s fails with what it is', async (_name, handle, pattern) => {
	hostile.handle = handle;
	const r = await test_(sandboxCredential(hostileBase, { username: 'msp', password: PASSWORD }));
	expect(r.status).toBe('Error');
	expect(r.message).toMatch(pattern);
});
