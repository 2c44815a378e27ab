/**
 * The client's fault matrix: every way a server, proxy or network can answer badly, against a hostile
 * HTTP(S) server on 127.0.0.1, through n8n's execution engine. Each case asserts the error kind and
 * message, how many requests the server saw, an upper bound on the time taken, and that the password
 * (in every spelling) appears in no message, description, output item, static data or log line.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const { LoggerProxy } = require('n8n-workflow');
const {
	createHostile,
	dataSetResponse,
	dataSetChunks,
	faultResponse,
	students,
} = require('../helpers/hostile');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');
const { secretForms } = require('../../nodes/Bromcom/core/wire/errors');

const PASSWORD = 'Pa$$w0rd&<Sïlent> 1+1';
const logs = [];
let hostile;
let other;
let base;
let otherBase;

beforeAll(async () => {
	const record = (level) => (message, meta) =>
		logs.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
	LoggerProxy.init({
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
	});
	hostile = createHostile();
	other = createHostile();
	base = await hostile.start();
	otherBase = await other.start();
});
afterAll(async () => {
	await hostile.stop();
	await other.stop();
	shutdown();
});
beforeEach(() => {
	hostile.reset();
	other.reset();
	logs.length = 0;
});

const STUDENTS = {
	resource: 'entity',
	operation: 'getMany',
	entity: { __rl: true, mode: 'name', value: 'Students' },
	recordStatus: 'all',
	returnAll: true,
};

async function read({ options = {}, parameters = {}, url = base, credentials = {} } = {}) {
	const started = Date.now();
	const result = await runNode({
		parameters: { ...STUDENTS, ...parameters, options: { attempts: 3, timeout: 30, ...options } },
		credentials: sandboxCredential(url, { username: 'msp', password: PASSWORD, ...credentials }),
	});
	result.ms = Date.now() - started;
	return result;
}

function expectNoSecret(result) {
	const dump = JSON.stringify([result.run, result.output, result.staticData, logs], (_k, v) =>
		v instanceof Error
			? {
					...v,
					message: v.message,
					stack: v.stack,
					description: /** @type {any} */ (v).description,
					cause: String(v.cause ?? ''),
				}
			: v,
	);
	for (const form of secretForms(PASSWORD)) expect(dump).not.toContain(form);
}

function expectError(result, kind, pattern) {
	expect(result.error).toBeDefined();
	expect(
		result.error.context?.kind ?? result.error.errorResponse?.kind ?? kindOf(result.error),
	).toBe(kind);
	expect(result.error.message).toMatch(pattern);
	expectNoSecret(result);
}

/** The BromcomError kind a NodeApiError carries (toNodeError stores it with the sanitised response). */
function kindOf(error) {
	if (error.name === 'NodeOperationError') return 'invalidInput';
	return error.errorResponse?.kind ?? error.cause?.kind;
}

const ok =
	(rows = students(3)) =>
	(_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
		res.end(dataSetResponse(rows));
	};
const status =
	(code, body, headers = {}) =>
	(_req, res) => {
		res.writeHead(code, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
		res.end(body);
	};
const fault = (message, code = 500) =>
	status(code, faultResponse(message), { 'Content-Type': 'text/xml; charset=utf-8' });
const IIS_500 =
	'<!DOCTYPE html><html><head><title>500 - Internal server error.</title></head><body><h2>500 - Internal server error.</h2></body></html>';
const LOGIN =
	'<!DOCTYPE html><html><head><title>Bromcom - Log In</title></head><body><form><input name="Username"><input type="password" name="Password"></form></body></html>';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('faults Bromcom itself sends', () => {
	test('1 bad credentials: a login error, not retried', async () => {
		hostile.handle = fault('Invalid username or password.');
		const r = await read();
		expectError(r, 'credentials', /Invalid username or password/);
		expect(r.error.description).toMatch(/System Users/);
		expect(hostile.state.count).toBe(1);
	});
	test('2 an entity the account may not read', async () => {
		hostile.handle = fault("You do not have permission to access entity 'Students'.");
		const r = await read();
		expectError(r, 'entityNotPermitted', /permission to access entity 'Students'/);
		expect(hostile.state.count).toBe(1);
	});
	test('3 an unknown entity', async () => {
		hostile.handle = fault("Invalid object name 'Studnets'.");
		const r = await read();
		expectError(r, 'unknownEntity', /Invalid object name/);
		expect(hostile.state.count).toBe(1);
	});
	test('4 a bad filter', async () => {
		hostile.handle = fault("Incorrect syntax near 'Year'.");
		const r = await read();
		expectError(r, 'badFilter', /Incorrect syntax near/);
		expect(hostile.state.count).toBe(1);
	});
	test('5 a SOAP fault at HTTP 200 is a fault, not data, and not retried', async () => {
		hostile.handle = fault('Login failed.', 200);
		const r = await read();
		expectError(r, 'credentials', /Login failed/);
		expect(hostile.state.count).toBe(1);
	});
	test('6 a fault echoing the password at HTTP 500 and at 200, in every spelling', async () => {
		const echo = `Login failed for msp/${PASSWORD} (${encodeURIComponent(PASSWORD)}) [${[...PASSWORD].map((c) => `&#${c.codePointAt(0)};`).join('')}]`;
		for (const code of [500, 200]) {
			hostile.reset();
			hostile.handle = status(code, faultResponse(echo, { raw: true }), {
				'Content-Type': 'text/xml; charset=utf-8',
			});
			const r = await read();
			expectError(r, 'credentials', /Login failed for msp\/\*\*\*/);
			expect(hostile.state.count).toBe(1);
		}
	});
});

describe('server and proxy failures', () => {
	test('7 an IIS HTML 500 page is transient: three attempts, then a clear error', async () => {
		hostile.handle = status(500, IIS_500);
		const r = await read();
		expectError(r, 'transient', /HTTP 500 and an error page/);
		expect(hostile.state.count).toBe(3);
		expect(r.ms).toBeLessThan(8000);
	}, 15000);
	test.each([502, 503, 504])(
		'8 HTTP %i without Retry-After: retried with backoff, then transient',
		async (code) => {
			hostile.handle = status(code, '<html><body>Service Unavailable</body></html>');
			const r = await read();
			expectError(r, 'transient', new RegExp(`HTTP ${code}`));
			expect(hostile.state.count).toBe(3);
			expect(r.ms).toBeLessThan(8000);
		},
		15000,
	);
	test.each([503, 429])(
		'9 HTTP %i with Retry-After: 1 is honoured, then the data arrives',
		async (code) => {
			const times = [];
			hostile.handle = (req, res, n) => {
				times.push(Date.now());
				if (n === 1) return status(code, 'busy', { 'Retry-After': '1' })(req, res);
				return ok()(req, res);
			};
			const r = await read();
			expect(r.error).toBeUndefined();
			expect(r.output).toHaveLength(3);
			expect(hostile.state.count).toBe(2);
			expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
			expectNoSecret(r);
		},
		15000,
	);
	test('10 HTTP 429 with a Retry-After beyond the cap fails at once and says how long', async () => {
		hostile.handle = status(429, 'slow down', { 'Retry-After': '3600' });
		const r = await read();
		expectError(r, 'transient', /limiting requests \(HTTP 429\).*wait 3600 s/);
		expect(hostile.state.count).toBe(1);
		expect(r.ms).toBeLessThan(3000);
	});
	test('11 HTTP 404: no web service at this address, not retried', async () => {
		hostile.handle = status(404, 'The resource cannot be found.');
		const r = await read();
		expectError(r, 'unexpectedPayload', /No Bromcom web service answers at this address/);
		expect(hostile.state.count).toBe(1);
	});
	test('12 malformed XML in the middle of a row is a payload error, not retried', async () => {
		hostile.handle = status(
			200,
			dataSetResponse(students(5)).replace('</FirstName>', '</Firstname>'),
			{ 'Content-Type': 'text/xml' },
		);
		const r = await read();
		expectError(r, 'unexpectedPayload', /Malformed value for <FirstName>/);
		expect(hostile.state.count).toBe(1);
	});
	test('13 Content-Length longer than the body: cut off, re-read, then a transient error', async () => {
		const body = dataSetResponse(students(50));
		hostile.handle = (_req, res) => {
			res.writeHead(200, {
				'Content-Type': 'text/xml',
				'Content-Length': Buffer.byteLength(body) + 5000,
			});
			res.write(body.slice(0, body.length - 200));
			setTimeout(() => res.destroy(), 50);
		};
		const r = await read();
		expectError(r, 'transient', /connection|cut off/i);
		expect(hostile.state.count).toBe(3);
	}, 15000);
	test('14 the connection reset in the middle of the body, then a good answer', async () => {
		const body = dataSetResponse(students(200));
		hostile.handle = (req, res, n) => {
			if (n > 1) return ok(students(200))(req, res);
			res.writeHead(200, { 'Content-Type': 'text/xml' });
			res.write(body.slice(0, body.length / 2));
			setTimeout(() => res.socket.destroy(), 30);
		};
		const r = await read();
		expect(r.error).toBeUndefined();
		expect(r.output.map((s) => s.StudentID)).toEqual(students(200).map((s) => s.StudentID));
		expect(hostile.state.count).toBe(2);
		expectNoSecret(r);
	}, 15000);
	test('15 no answer at all: the timeout is a deadline', async () => {
		hostile.handle = () => new Promise(() => {});
		const r = await read({ options: { timeout: 1, attempts: 1 } });
		expectError(r, 'transient', /did not finish answering within the timeout \(1 s/);
		expect(r.ms).toBeLessThan(3000);
		expect(hostile.state.count).toBe(1);
	});
	test('16 a slow drip (1 byte every 100 ms) is cut at the deadline, not at the idle timeout', async () => {
		const body = dataSetResponse(students(20));
		hostile.handle = async (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/xml' });
			for (let i = 0; i < body.length && !res.destroyed; i++) {
				res.write(body[i]);
				await sleep(100);
			}
			res.end();
		};
		const r = await read({ options: { timeout: 2, attempts: 1 } });
		expectError(r, 'transient', /within the timeout \(2 s/);
		expect(r.ms).toBeLessThan(4000);
		expect(hostile.state.count).toBe(1);
	});
	test('17 an endless drip of rows is cut at the deadline and its connection closed', async () => {
		hostile.handle = async (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/xml' });
			const chunks = [...dataSetChunks(students(1))];
			res.write(chunks.slice(0, 3).join(''));
			for (let i = 2; !res.destroyed; i++) {
				res.write(
					`<Table diffgr:id="Table${i}" msdata:rowOrder="${i}"><StudentID>${i}</StudentID></Table>`,
				);
				await sleep(20);
			}
		};
		const r = await read({ options: { timeout: 2, attempts: 1 } });
		expectError(r, 'transient', /within the timeout \(2 s/);
		expect(r.ms).toBeLessThan(4000);
		await sleep(100);
		expect(hostile.state.clientClosedEarly).toBe(true);
	});
});

describe('HTTP 200 that is not Bromcom data', () => {
	test.each([
		[
			'JSON',
			'{"success":true,"data":[]}',
			'application/json',
			/answered with JSON instead of SOAP/,
		],
		['an empty body', '', 'text/xml', /empty response/],
		[
			'an HTML page',
			'<html><body><h1>Welcome</h1></body></html>',
			'text/html',
			/web page instead of SOAP data/,
		],
		['a login page', LOGIN, 'text/html', /web login page/],
		[
			'an envelope without a DataSet',
			'<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getEntityDataBySchoolIDResponse xmlns="http://tempuri.org/" /></soap:Body></soap:Envelope>',
			'text/xml',
			/no DataSet in it/,
		],
	])(
		'18 %s: a payload error, sent once (a re-read cannot fix it)',
		async (_name, body, type, pattern) => {
			hostile.handle = status(200, body, { 'Content-Type': type });
			const r = await read();
			expectError(r, 'unexpectedPayload', pattern);
			expect(hostile.state.count).toBe(1);
		},
	);
});

describe('redirects are never followed', () => {
	test.each([301, 302, 307, 308])(
		'19 HTTP %i to the same origin and to another: an error naming the target, nothing sent there',
		async (code) => {
			for (const target of [`${base}/Nucleus/Account/Login.aspx`, `${otherBase}/steal?x=1`]) {
				hostile.reset();
				other.reset();
				other.handle = ok(students(9));
				hostile.handle = status(code, '', { Location: target });
				const r = await read();
				const where = new URL(target);
				expectError(
					r,
					'unexpectedPayload',
					new RegExp(
						`redirects \\(HTTP ${code}\\) to ${where.origin.replace(/[.]/g, '\\.')}${where.pathname}.*check Hosting`,
					),
				);
				expect(hostile.state.count).toBe(1);
				expect(other.state.count).toBe(0);
			}
		},
	);
});

describe('TLS', () => {
	let tlsServer;
	let tlsBase;
	beforeAll(async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-tls-'));
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-subj',
				'/CN=127.0.0.1',
				'-days',
				'2',
				'-keyout',
				path.join(dir, 'key.pem'),
				'-out',
				path.join(dir, 'cert.pem'),
			],
			{ stdio: 'ignore' },
		);
		tlsServer = createHostile({
			tls: {
				key: fs.readFileSync(path.join(dir, 'key.pem')),
				cert: fs.readFileSync(path.join(dir, 'cert.pem')),
			},
		});
		tlsBase = await tlsServer.start();
		tlsServer.handle = ok(students(4));
	});
	afterAll(async () => tlsServer.stop());
	test('20 a self-signed certificate: refused with Ignore SSL Issues off, read with it on', async () => {
		const refused = await read({ url: tlsBase });
		expectError(
			refused,
			'unexpectedPayload',
			/TLS certificate was not accepted.*Ignore SSL Issues/,
		);
		const accepted = await read({ url: tlsBase, credentials: { ignoreSslIssues: true } });
		expect(accepted.error).toBeUndefined();
		expect(accepted.output).toHaveLength(4);
	});
});

describe('hostile documents', () => {
	test('21 entity expansion (a billion laughs) is refused quickly, nothing expanded', async () => {
		const lol =
			'<!DOCTYPE lolz [<!ENTITY lol "lol">' +
			Array.from(
				{ length: 9 },
				(_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
			).join('') +
			']>';
		const body = dataSetResponse(students(1))
			.replace(
				'<?xml version="1.0" encoding="utf-8"?>',
				`<?xml version="1.0" encoding="utf-8"?>${lol}`,
			)
			.replace('First1', '&lol9;');
		hostile.handle = status(200, body, { 'Content-Type': 'text/xml' });
		const r = await read();
		expectError(r, 'unexpectedPayload', /Invalid character reference/);
		expect(r.ms).toBeLessThan(2000);
		expect(hostile.state.count).toBe(1);
	});
	test('22 an external-entity DOCTYPE never reads a file', async () => {
		const body = dataSetResponse(students(1))
			.replace(
				'<?xml version="1.0" encoding="utf-8"?>',
				'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
			)
			.replace('First1', '&xxe;');
		hostile.handle = status(200, body, { 'Content-Type': 'text/xml' });
		const r = await read();
		expectError(r, 'unexpectedPayload', /Invalid character reference/);
		expect(JSON.stringify(r.run)).not.toContain('root:x:0');
	});
	test('23 ten thousand columns', async () => {
		const columns = Array.from({ length: 10000 }, (_, i) => [`C${i}`, i % 2 ? 'int' : 'string']);
		const row = Object.fromEntries(
			columns.map(([name, type], i) => [name, type === 'int' ? i : `v${i}`]),
		);
		hostile.handle = status(200, dataSetResponse([row, row], columns), {
			'Content-Type': 'text/xml',
		});
		const r = await read();
		expect(r.error).toBeUndefined();
		expect(r.output).toHaveLength(2);
		expect(Object.keys(r.output[0])).toHaveLength(10000);
		expect(r.output[1].C9999).toBe(9999);
		expect(r.ms).toBeLessThan(5000);
	});
	test('24 a schema nested 20,000 deep is refused in linear time', async () => {
		const deep = '<xs:complexType>'.repeat(20000) + '</xs:complexType>'.repeat(19999);
		const body = dataSetResponse(students(1)).replace('<xs:sequence>', `<xs:sequence>${deep}`);
		hostile.handle = status(200, body, { 'Content-Type': 'text/xml' });
		const r = await read();
		expectError(r, 'unexpectedPayload', /schema .* is malformed/);
		expect(r.ms).toBeLessThan(2000);
	});
	test('25 gzip + chunked, split inside multi-byte characters, with a BOM', async () => {
		const names = [
			{ StudentID: 1, FirstName: 'Siân', LastName: 'Ó Súilleabháin' },
			{ StudentID: 2, FirstName: '日本語', LastName: 'Zoë 👩‍🎓' },
		];
		const gz = zlib.gzipSync(
			Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(dataSetResponse(names), 'utf8')]),
		);
		hostile.handle = async (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Encoding': 'gzip' });
			for (let i = 0; i < gz.length; i += 7) {
				res.write(gz.subarray(i, i + 7));
				if (i % 700 === 0) await sleep(1);
			}
			res.end();
		};
		const r = await read();
		expect(r.error).toBeUndefined();
		expect(r.output).toEqual(names);
	});
	test('26 a 560 KB error body of unclosed <faultstring> tags is read in linear time', async () => {
		const body =
			'<soap:Envelope><soap:Body><soap:Fault>' + '<faultstring>x'.repeat(40000) + '</soap:Fault>';
		hostile.handle = status(500, body, { 'Content-Type': 'text/xml' });
		const r = await read({ options: { attempts: 1 } });
		expect(r.error).toBeDefined();
		expect(r.ms).toBeLessThan(1500);
		expect(hostile.state.count).toBe(1);
	});
	test('27 a column named _xFFFFFFFF_ (no such character) is kept as sent, never a RangeError', async () => {
		hostile.handle = status(
			200,
			dataSetResponse([{ StudentID: 1, FirstName: 'A', LastName: 'B' }]).replace(
				/FirstName/g,
				'_xFFFFFFFF_',
			),
			{ 'Content-Type': 'text/xml' },
		);
		const r = await read();
		expect(r.error).toBeUndefined();
		expect(r.output[0]._xFFFFFFFF_).toBe('A');
	});
});

describe('Limit stops the download', () => {
	test('28 Limit 50 of 100,000 rows: 50 items, the connection closed early, a fraction of the body sent', async () => {
		const rows = students(100000);
		let total = 0;
		for (const c of dataSetChunks(rows)) total += Buffer.byteLength(c);
		hostile.handle = async (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/xml' });
			for (const chunk of dataSetChunks(rows)) {
				if (res.destroyed) return;
				if (!res.write(chunk))
					await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
			}
			res.end();
		};
		const r = await read({ parameters: { returnAll: false, limit: 50 } });
		expect(r.error).toBeUndefined();
		expect(r.output.map((s) => s.StudentID)).toEqual(rows.slice(0, 50).map((s) => s.StudentID));
		await sleep(200);
		expect(hostile.state.clientClosedEarly).toBe(true);
		// Loopback socket buffers take a few MB before the server sees the close; the rest is never sent.
		expect(hostile.state.bytesWritten).toBeLessThan(total / 2);
	});
});

describe('write-back is never re-sent once it may have reached Bromcom', () => {
	const writesSeen = () =>
		hostile.state.bodies.filter((b) => b.includes('<registerSingleSignOnUser ')).length;
	const REGISTER = {
		resource: 'singleSignOn',
		operation: 'register',
		userId: '5001',
		emailAddress: 'a.pupil@school.example',
		ssoProvider: 'Google',
		dryRun: false,
	};
	test('29 a reset after the request was sent: one request, an unknown outcome', async () => {
		hostile.handle = (_req, res) => res.socket.destroy();
		const r = await runNode({
			parameters: { ...REGISTER, options: { attempts: 3 } },
			credentials: sandboxCredential(base, { password: PASSWORD }),
		});
		expect(r.error).toBeDefined();
		expect(r.error.message).toMatch(/may or may not have applied it/);
		expect(writesSeen()).toBe(1);
		expectNoSecret(r);
	});
	test('30 a 1.1 MB hostile write answer is read in linear time', async () => {
		hostile.handle = status(200, '<registerSingleSignOnUserResult>'.repeat(35000), {
			'Content-Type': 'text/xml',
		});
		const started = Date.now();
		const r = await runNode({
			parameters: { ...REGISTER, options: { attempts: 1 } },
			credentials: sandboxCredential(base, { password: PASSWORD }),
		});
		expect(Date.now() - started).toBeLessThan(2000);
		expect(writesSeen()).toBe(1);
		// 200 with no write response proves nothing: an unknown outcome, never "sent".
		expect(r.error.message).toMatch(/was not a write response.*may or may not have applied it/);
		expectNoSecret(r);
	});
});
