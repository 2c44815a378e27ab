'use strict';
/**
 * The sandbox over HTTP: ASMX's routes (`…/ThirdParty/<Service>.asmx` for SOAP, `…/<op>` for the
 * form bindings, `?wsdl`), the response as ASMX streams it (with injected faults applied: delays,
 * drips, truncation, resets, HTML and login pages), the write audit, the request log, and the
 * loopback-only admin API under `/__sandbox/` that tests and `npm run dev` drive.
 */
const asmx = require('./asmx');
const { SERVICE_PATH, SERVICES, WRITE_OPERATIONS, FaultError } = require('./contract');
const { IIS_500, IIS_503, LOGIN_PAGE } = require('./faults');
const { parseSoap, paramsFromForm } = require('./soap');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `ctx`: { operations, faults, api, audit, requests, offsetMode, httpGetEnabled }. Returns the request
 * handler of the HTTP server.
 */
function createHandler(ctx) {
	const { operations, faults, api, audit, requests, offsetMode, httpGetEnabled } = ctx;

	async function readBody(req) {
		const chunks = [];
		let size = 0;
		for await (const chunk of req) {
			size += chunk.length;
			if (size > 20 * 1024 * 1024) throw new Error('Request too large');
			chunks.push(chunk);
		}
		return Buffer.concat(chunks).toString('utf8');
	}

	function contentTypeFor(binding) {
		return binding === 'soap12' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
	}

	async function send(res, status, contentType, chunks, rule) {
		res.statusCode = status;
		res.setHeader('Content-Type', contentType);
		res.setHeader('Cache-Control', 'private');
		res.setHeader('X-AspNet-Version', '4.0.30319');
		if (rule && (rule.kind === 'truncate' || rule.kind === 'malformed')) {
			let body = [...chunks].join('');
			if (rule.kind === 'truncate')
				body = body.slice(0, Math.max(1, Math.floor(body.length * (rule.fraction ?? 0.6))));
			else body = body.replace('</Table>', '</Tabel>').replace(/<\/(\w+)Result>/, '<$1Result>');
			res.setHeader('Content-Length', Buffer.byteLength(body));
			res.end(body);
			return;
		}
		await writeChunks(res, chunks, rule);
	}

	async function handle(req, res) {
		const url = new URL(req.url, 'http://sandbox');
		const path = decodeURIComponent(url.pathname).toLowerCase();
		if (path.startsWith('/__sandbox/')) return admin(req, res, path.slice('/__sandbox/'.length));
		if (path.startsWith('/v2/') && ctx.rest) return ctx.rest.handle(req, res, url);
		if (!path.startsWith(SERVICE_PATH)) return plain(res, 404, 'The resource cannot be found.');
		const rest = path.slice(SERVICE_PATH.length);
		const m = /^(tpreadonlydataservice|tpwritedataservice)\.asmx(?:\/([^/]+))?\/?$/.exec(rest);
		if (!m) return plain(res, 404, 'The resource cannot be found.');
		const service = SERVICES[m[1]];
		const location = `http://${req.headers.host}/Nucleus/WebServices/ThirdParty/${service.path}`;
		const pathOp = m[2]
			? Object.keys(service.operations).find((op) => op.toLowerCase() === m[2])
			: undefined;

		if (req.method === 'GET' && !m[2]) {
			if (url.searchParams.has('wsdl') || url.search.toLowerCase() === '?wsdl') {
				res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
				return res.end(asmx.wsdl(service.name, service.operations, location));
			}
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			return res.end(
				`<html><head><title>${service.name} Web Service</title></head><body><h1>${service.name}</h1><p>The following operations are supported:</p><ul>${Object.keys(
					service.operations,
				)
					.map((o) => `<li>${o}</li>`)
					.join('')}</ul><p>Bromcom sandbox (not a real Bromcom service).</p></body></html>`,
			);
		}

		let binding;
		let operation;
		let params;
		const contentType = String(req.headers['content-type'] || '').toLowerCase();
		const record = { at: new Date().toISOString(), service: service.name, method: req.method };
		try {
			if (m[2]) {
				if (!pathOp)
					return plain(
						res,
						500,
						`Request format is unrecognized for URL unexpectedly ending in '/${m[2]}'.`,
					);
				binding = 'form';
				operation = pathOp;
				if (req.method === 'GET' && !httpGetEnabled)
					return plain(
						res,
						500,
						"Request format is unrecognized for URL unexpectedly ending in '/" + pathOp + "'.",
					);
				const form =
					req.method === 'GET' ? url.searchParams : new URLSearchParams(await readBody(req));
				params = paramsFromForm(service.operations[operation], form);
			} else if (req.method === 'POST') {
				const body = await readBody(req);
				const action = String(req.headers.soapaction || '').replace(/^"|"$/g, '');
				const actionParam = /action\s*=\s*"?([^";]+)"?/.exec(
					String(req.headers['content-type'] || ''),
				);
				const routed = (a) => (a && a.startsWith(asmx.TEMPURI) ? a.slice(asmx.TEMPURI.length) : a);
				if (contentType.startsWith('application/soap+xml')) {
					binding = 'soap12';
					// SOAP 1.2: the action= parameter, else the SOAPAction header a live client sends, else the body element.
					const hint = routed(actionParam ? actionParam[1] : action) || undefined;
					if (hint && !service.operations[hint])
						throw new FaultError(
							`Server did not recognize the value of HTTP Header SOAPAction: ${actionParam ? actionParam[1] : action}.`,
							{ code: 'Client', raw: true },
						);
					({ operation, params } = parseSoap(body, service, hint));
				} else if (contentType.startsWith('text/xml')) {
					binding = 'soap11';
					const op = routed(action);
					if (!op || !service.operations[op])
						throw new FaultError(
							`Server did not recognize the value of HTTP Header SOAPAction: ${action}.`,
							{ code: 'Client', raw: true },
						);
					({ operation, params } = parseSoap(body, service, op));
				} else if (contentType.startsWith('application/x-www-form-urlencoded')) {
					return plain(res, 500, 'Request format is invalid: application/x-www-form-urlencoded.');
				} else {
					return plain(
						res,
						415,
						`Cannot process the message because the content type '${req.headers['content-type'] || ''}' was not the expected type 'text/xml; charset=utf-8'.`,
					);
				}
			} else {
				return plain(res, 405, 'Method not allowed.');
			}
		} catch (e) {
			if (!(e instanceof FaultError)) throw e;
			binding = binding || 'soap11';
			return sendFault(res, binding, e, record);
		}

		const schoolId = params.schoolID ?? params.schoolId;
		if (ctx.load) ctx.load.begin(schoolId, res);
		Object.assign(record, {
			operation,
			binding,
			schoolId,
			username: params.username,
			entity: params.entityName,
			filter: params.entityFilter,
		});
		// When the answer ended (the client has it, or went away): how long each read took.
		res.once('close', () => {
			record.doneAt = new Date().toISOString();
		});
		const rule = faults.take({
			service: service.name,
			operation,
			entity: params.entityName,
			schoolId,
			filter: params.entityFilter,
		});
		if (rule) record.injected = rule.kind;
		requests.push(record);
		if (rule) {
			if (rule.kind === 'delay') await sleep(rule.ms ?? 1000);
			else if (rule.kind === 'reset') return req.socket.destroy();
			else if (rule.kind === 'html500')
				return send(res, 500, 'text/html; charset=utf-8', [IIS_500]);
			else if (rule.kind === 'status503')
				return send(res, 503, 'text/html; charset=us-ascii', [IIS_503]);
			else if (rule.kind === 'loginPage')
				return send(res, 200, 'text/html; charset=utf-8', [LOGIN_PAGE]);
			else if (rule.kind === 'status') {
				// Any HTTP status from the front end (429 with Retry-After, a 502), as on the Partner API.
				if (rule.retryAfter !== undefined) res.setHeader('Retry-After', String(rule.retryAfter));
				return send(res, rule.status ?? 429, 'text/html; charset=utf-8', [
					rule.body ?? `<html><body><h1>HTTP ${rule.status ?? 429}</h1></body></html>`,
				]);
			} else if (rule.kind === 'fault')
				return sendFault(res, binding, new FaultError(rule.message || 'Injected fault.'), record);
		}

		let result;
		try {
			result = operations[operation](params);
		} catch (e) {
			if (!(e instanceof FaultError)) throw e;
			if (service.operations === WRITE_OPERATIONS)
				logWrite(operation, params, { error: e.message });
			return sendFault(res, binding, e, record);
		}
		if (service.operations === WRITE_OPERATIONS)
			logWrite(operation, params, { result: result.value });
		record.status = 200;
		record.rows = result.rows ? result.rows.length : undefined;
		if (rule && rule.kind === 'resetAfterApply') return req.socket.destroy();
		if (rule && rule.kind === 'loginPageAfterApply')
			return send(res, 200, 'text/html; charset=utf-8', [LOGIN_PAGE]);
		const chunks = asmx.responseChunks(binding, operation, result, offsetMode);
		return send(res, 200, contentTypeFor(binding), chunks, rule);
	}

	function logWrite(operation, params, outcome) {
		const { password: _password, ...safe } = params;
		audit.push({
			at: new Date().toISOString(),
			operation,
			schoolId: params.schoolId,
			username: params.username,
			params: safe,
			...outcome,
		});
	}

	function sendFault(res, binding, e, record) {
		record.status = e.http;
		record.fault = e.message;
		if (!requests.includes(record)) requests.push(record);
		if (binding === 'form')
			return plain(res, 500, `System.InvalidOperationException: ${e.message}`);
		res.writeHead(e.http, { 'Content-Type': contentTypeFor(binding) });
		return res.end(asmx.faultXml(binding === 'soap12' ? '1.2' : '1.1', e.code, e.message, e.raw));
	}

	// ---- Admin over HTTP (loopback only) ------------------------------------------------------------

	async function admin(req, res, action) {
		const remote = req.socket.remoteAddress || '';
		if (!/^(127\.|::1$|::ffff:127\.)/.test(remote)) return plain(res, 403, 'Loopback only.');
		try {
			const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};
			let out;
			if (action === 'info' && req.method === 'GET') out = api.info();
			else if (action === 'audit' && req.method === 'GET') out = api.audit();
			else if (action === 'requests' && req.method === 'GET') out = api.requests();
			else if (action === 'faults' && req.method === 'POST') out = api.injectFault(body);
			else if (action === 'faults' && req.method === 'DELETE') out = api.clearFaults();
			else if (action === 'rest' && req.method === 'POST') out = Object.assign(api.rest, body);
			else if (action === 'change' && req.method === 'POST') {
				const { action: change, ...args } = body;
				if (typeof api.changes[change] !== 'function')
					throw new Error(
						`Unknown change "${change}". Known: ${Object.keys(api.changes).join(', ')}`,
					);
				out = api.changes[change](args);
			} else return plain(res, 404, 'Unknown admin endpoint.');
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(out ?? { ok: true }));
		} catch (e) {
			res.writeHead(400, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ error: e.message }));
		}
	}

	return handle;
}

/**
 * Writes a response's chunks as they come (waiting for the socket to drain), or dripped slowly under
 * a `drip` fault; stops when the client has gone. Both routes answer through it.
 */
async function writeChunks(res, chunks, rule) {
	for (const chunk of chunks) {
		if (res.destroyed) return;
		if (rule && rule.kind === 'drip') {
			for (let i = 0; i < chunk.length; i += rule.bytes || 2048) {
				if (!res.write(chunk.slice(i, i + (rule.bytes || 2048))))
					await new Promise((r) => res.once('drain', r));
				await sleep(rule.ms ?? 50);
			}
		} else if (!res.write(chunk)) {
			await new Promise((r) => res.once('drain', r));
		}
	}
	res.end();
}

function plain(res, status, text) {
	res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
	res.end(text);
}

module.exports = { createHandler, plain, writeChunks };
