/**
 * The Partner API route's fault matrix: a hostile HTTP server on 127.0.0.1 answers the REST reads and
 * writes as a broken or malicious server, proxy or network would, through n8n's execution engine. Each
 * case asserts the error kind and message, how many requests each server saw, and that the application
 * secret (in every spelling) appears in no message, description, output item, static data or log line,
 * at any HTTP status — and never in a URL.
 */
const { LoggerProxy } = require('n8n-workflow');
const { createHostile } = require('../helpers/hostile');
const { partnerCredential, runNode, shutdown } = require('../helpers/n8n');
const { secretForms } = require('../../nodes/Bromcom/core/wire/errors');

const SECRET = 'Sëcret&<app> 1+1/%';
const logs = [];
let hostile;
let other;
let base;
let otherBase;
let seen = [];

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
	seen = [];
});

const STUDENTS = {
	authentication: 'partnerApplication',
	resource: 'entity',
	operation: 'getMany',
	entity: { __rl: true, mode: 'name', value: 'Students' },
	recordStatus: 'all',
	returnAll: true,
};

async function read({ options = {}, parameters = {}, credentials = {} } = {}) {
	const started = Date.now();
	const result = await runNode({
		parameters: { ...STUDENTS, ...parameters, options: { attempts: 3, timeout: 30, ...options } },
		credentials: partnerCredential(base, {
			applicationId: 'msp-app',
			applicationSecret: SECRET,
			...credentials,
		}),
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
	for (const form of secretForms(SECRET)) expect(dump).not.toContain(form);
	for (const url of seen) for (const form of secretForms(SECRET)) expect(url).not.toContain(form);
}

function kindOf(error) {
	if (error.name === 'NodeOperationError') return 'invalidInput';
	return error.errorResponse?.kind ?? error.cause?.kind;
}

function expectError(result, kind, pattern, description) {
	expect(result.error).toBeDefined();
	expect(kindOf(result.error)).toBe(kind);
	expect(result.error.message).toMatch(pattern);
	if (description) expect(result.error.description).toMatch(description);
	expectNoSecret(result);
}

const rowsOf = (n, offset = 0) =>
	Array.from({ length: n }, (_, i) => ({
		studentID: offset + i + 1,
		firstName: `First${offset + i + 1}`,
		upn: `U${offset + i + 1}`,
	}));

/** A handler that records the request and answers JSON. */
const answer =
	(status, body, headers = {}) =>
	(req, res) => {
		seen.push(req.url);
		res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
		res.end(typeof body === 'string' ? body : JSON.stringify(body));
	};
const page = (rows, meta = {}) => ({ success: true, data: rows, meta });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('the request', () => {
	test('the secret travels in the ApplicationId/ApplicationSecret headers, never the URL; schoolId and {page:0} in the query; keys come back with SOAP names', async () => {
		/** @type {Record<string, any>} */
		let headers = {};
		hostile.handle = (req, res) => {
			headers = req.headers;
			answer(200, page(rowsOf(3)))(req, res);
		};
		const r = await read({ parameters: { schoolId: '20002' } });
		expect(r.error).toBeUndefined();
		expect(r.output).toEqual([
			{ StudentID: 1, FirstName: 'First1', UPN: 'U1' },
			{ StudentID: 2, FirstName: 'First2', UPN: 'U2' },
			{ StudentID: 3, FirstName: 'First3', UPN: 'U3' },
		]);
		expect(headers.applicationid).toBe('msp-app');
		expect(headers.applicationsecret).toBe(SECRET);
		expect(headers.accept).toMatch(/application\/json/);
		expect(seen[0]).toMatch(/^\/v2\/Students\?schoolId=20002&entityFilter=(\{|%7B)page:0(\}|%7D)$/);
		expectNoSecret(r);
	});
});

describe('statuses and bodies the Partner API may send', () => {
	test.each([
		[
			401,
			'credentials',
			/did not accept the Application ID and Secret \(HTTP 401\)/,
			/Application ID and Application Secret/,
		],
		[
			403,
			'entityNotPermitted',
			/refused \/v2\/Students for school 20001 \(HTTP 403\)/,
			/Config > Setup > Partner Applications/,
		],
		[404, 'unknownEntity', /has no \/v2\/Students \(HTTP 404\)/, /\/v2\/<Entity>/],
		[
			400,
			'badFilter',
			/could not run \/v2\/Students with this filter \(HTTP 400\): Invalid column for \*\*\*/,
			/filter/,
		],
	])(
		'HTTP %i whose body echoes the secret: kind %s, what to fix, no secret',
		async (code, kind, message, fix) => {
			hostile.handle = answer(code, { success: false, message: `Invalid column for ${SECRET}` });
			const r = await read();
			expectError(r, kind, message, fix);
			expect(hostile.state.count).toBe(1); // never retried
		},
	);

	test('"success": false at HTTP 200 is an error with the server\'s words, secret removed', async () => {
		hostile.handle = answer(200, { success: false, message: `Scope missing for ${SECRET}` });
		const r = await read();
		expectError(
			r,
			'entityNotPermitted',
			/"success": false to \/v2\/Students: Scope missing for \*\*\*/,
		);
	});

	test('429 with Retry-After is waited for and retried; then the rows', async () => {
		hostile.handle = (req, res, n) =>
			n === 1
				? answer(429, { message: 'slow down' }, { 'Retry-After': '1' })(req, res)
				: answer(200, page(rowsOf(2)))(req, res);
		const r = await read();
		expect(r.error).toBeUndefined();
		expect(r.output).toHaveLength(2);
		expect(hostile.state.count).toBe(2);
		expect(r.ms).toBeGreaterThanOrEqual(950);
	});

	test('a 503 on every attempt fails as temporary after exactly Attempts requests', async () => {
		hostile.handle = answer(503, '<html>Service Unavailable</html>', {
			'Content-Type': 'text/html',
		});
		const r = await read({ options: { attempts: 2 } });
		expectError(r, 'transient', /unavailable or failed \(HTTP 503\)/);
		expect(hostile.state.count).toBe(2);
	});

	test('a web login page at HTTP 200 is not data: it says to check the Base URL, no retry', async () => {
		hostile.handle = answer(200, '<!DOCTYPE html><html><body>Log in</body></html>', {
			'Content-Type': 'text/html',
		});
		const r = await read();
		expectError(r, 'unexpectedPayload', /answered with a web page \(HTML\).*Base URL/);
		expect(hostile.state.count).toBe(1);
	});

	test('JSON that is not the envelope is refused', async () => {
		hostile.handle = answer(200, { items: [{ a: 1 }] });
		const r = await read();
		expectError(r, 'unexpectedPayload', /not a Partner API answer/);
	});

	test('a body cut off mid-row is retried as a broken transfer; with one attempt it says so', async () => {
		const body = JSON.stringify(page(rowsOf(50)));
		hostile.handle = (req, res, n) => {
			seen.push(req.url);
			res.writeHead(200, {
				'Content-Type': 'application/json',
				'Content-Length': Buffer.byteLength(body),
			});
			if (n === 1) {
				res.write(body.slice(0, 300));
				setTimeout(() => res.destroy(), 20);
			} else res.end(body);
		};
		const ok = await read();
		expect(ok.error).toBeUndefined();
		expect(ok.output).toHaveLength(50);
		expect(hostile.state.count).toBe(2);
		hostile.reset();
		hostile.handle = (req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(body.slice(0, 300));
		};
		const cut = await read({ options: { attempts: 1 } });
		expectError(cut, 'transient', /cut off after 300 characters/);
	});

	test('a single row is not mistaken for an array: `data` as one object is one item', async () => {
		hostile.handle = answer(200, { success: true, data: { studentID: 7, firstName: 'Solo' } });
		const r = await read();
		expect(r.output).toEqual([{ StudentID: 7, FirstName: 'Solo' }]);
	});
});

describe('nothing is sent anywhere else', () => {
	test.each([301, 302, 307, 308])(
		'HTTP %i to another host is an error naming it; the other host sees nothing',
		async (code) => {
			other.handle = answer(200, page(rowsOf(9)));
			hostile.handle = answer(code, '', { Location: `${otherBase}/v2/Students?steal=1` });
			const r = await read();
			expectError(
				r,
				'unexpectedPayload',
				new RegExp(
					`redirects \\(HTTP ${code}\\) to ${otherBase.replace(/[.]/g, '\\.')}/v2/Students`,
				),
			);
			expect(hostile.state.count).toBe(1);
			expect(other.state.count).toBe(0);
		},
	);

	test('a next-page link to another host is not followed (the secret would go with it)', async () => {
		other.handle = answer(200, page(rowsOf(9)));
		hostile.handle = answer(
			200,
			page(rowsOf(3), { pagination: { next: `${otherBase}/v2/Students?page=2` } }),
		);
		const r = await read();
		expectError(
			r,
			'unexpectedPayload',
			/next-page link .* points at http:\/\/127\.0\.0\.1:\d+, not at the credential's Base URL/,
		);
		expect(other.state.count).toBe(0);
	});
});

describe('paging', () => {
	test('{page:N} is followed while a page is full (Page Size), and stops at the first short page', async () => {
		hostile.handle = (req, res) => {
			const n = Number(/page:(\d+)/.exec(decodeURIComponent(req.url))[1]);
			answer(200, page(n < 3 ? rowsOf(5, n * 5) : rowsOf(2, 15)))(req, res);
		};
		const r = await read({ credentials: { pageSize: 5 } });
		expect(r.error).toBeUndefined();
		expect(r.output.map((s) => s.StudentID)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
		expect(seen.map((u) => /page:(\d+)/.exec(decodeURIComponent(u))[1])).toEqual([
			'0',
			'1',
			'2',
			'3',
		]);
	});

	test('meta.pagination.next is followed on the same host until it is null', async () => {
		hostile.handle = (req, res) => {
			const n = Number(new URL(req.url, base).searchParams.get('p') ?? 0);
			const next = n < 2 ? `${base}/v2/Students?schoolId=20001&p=${n + 1}` : null;
			answer(200, page(rowsOf(4, n * 4), { pagination: { next } }))(req, res);
		};
		const r = await read();
		expect(r.error).toBeUndefined();
		expect(r.output).toHaveLength(12);
		expect(hostile.state.count).toBe(3);
	});

	test('a server that ignores {page:N} and sends page 0 again stops the read instead of repeating rows', async () => {
		hostile.handle = answer(200, page(rowsOf(5)));
		const r = await read({ credentials: { pageSize: 5 } });
		expectError(r, 'unexpectedPayload', /sent the same page of \/v2\/Students twice/);
		expect(hostile.state.count).toBe(2);
		expect(r.output).toEqual([]);
	});

	test('Limit stops reading and paging: 7 of 100,000 rows, the connection closed early, no second page', async () => {
		const rows = rowsOf(100000);
		hostile.handle = async (req, res) => {
			seen.push(req.url);
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.write('{"success":true,"data":[');
			for (let k = 0; k < rows.length; k += 1000) {
				if (res.destroyed) return;
				const part = rows
					.slice(k, k + 1000)
					.map((x) => JSON.stringify(x))
					.join(',');
				if (!res.write((k === 0 ? '' : ',') + part))
					await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
			}
			res.end(']}');
		};
		const r = await read({
			parameters: { returnAll: false, limit: 7 },
			credentials: { pageSize: 100000 },
		});
		expect(r.error).toBeUndefined();
		expect(r.output.map((s) => s.StudentID)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		await sleep(200);
		expect(hostile.state.clientClosedEarly).toBe(true);
		expect(hostile.state.count).toBe(1);
	});

	test('Timeout is a deadline: a server dripping bytes is cut off at the timeout', async () => {
		hostile.handle = async (req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.write('{"success":true,"data":[');
			for (let k = 0; k < 400 && !res.destroyed; k++) {
				res.write(' ');
				await sleep(100);
			}
			res.end(']}');
		};
		const r = await read({ options: { timeout: 2, attempts: 1 } });
		expectError(r, 'transient', /did not finish answering within the timeout \(2 s/);
		expect(r.ms).toBeLessThan(6000);
	});
});
