'use strict';
/**
 * The sandbox's Partner API (REST): `GET /v2/<Entity>?schoolId=…&entityFilter=<filter>{page:N}` and
 * `POST /v2/BehaviourEventRecords`, answered from the same school data as the SOAP services. Every
 * choice the public evidence leaves open is listed in sandbox/README.md ("Partner API"):
 *
 * - Headers `ApplicationId` / `ApplicationSecret` (names case-insensitive, as HTTP headers are); a
 *   missing or wrong pair is HTTP 401, a school that has not installed the application or an entity
 *   it did not grant is HTTP 403, an unknown entity 404, a bad filter 400 — each with a JSON body
 *   `{"success": false, "message": …}`.
 * - Paging: `{page:N}` at the end of the filter (N from 0), `pageSize` rows per page (default 100,000,
 *   lowered by tests); with `paging: 'next'` the answer also carries `meta.pagination.next`.
 * - Keys in lowerCamel (.NET's camel-case policy: the leading capital run lowered); datetimes as
 *   `YYYY-MM-DDTHH:MM:SS` wall-clock text without an offset; bits as true/false; padding of code
 *   columns as the SOAP side sends it (`padCodes`).
 */
const { FaultError } = require('./contract');
const { findEntity } = require('./entities');
const { IIS_500, IIS_503, LOGIN_PAGE } = require('./faults');
const { writeChunks } = require('./http');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** .NET's JsonNamingPolicy.CamelCase, written from its documented behaviour. */
function camel(name) {
	if (!name || !/[A-Z]/.test(name[0])) return name;
	const chars = [...name];
	for (let i = 0; i < chars.length; i++) {
		const upper = /[A-Z]/.test(chars[i]);
		if (i === 1 && !upper) break;
		if (i > 0 && i + 1 < chars.length && !/[A-Z]/.test(chars[i + 1])) {
			if (chars[i + 1] === ' ') chars[i] = chars[i].toLowerCase();
			break;
		}
		chars[i] = chars[i].toLowerCase();
	}
	return chars.join('');
}

/** A wall-clock datetime as REST text: no offset, fractional seconds only when non-zero. */
function restDateTime(wall) {
	const d = new Date(wall);
	let text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	const ms = d.getUTCMilliseconds();
	if (ms) text += `.${pad(ms, 3)}`.replace(/0+$/, '');
	return text;
}

function restValue(value, type) {
	if (value === null || value === undefined) return null;
	if (type === 'datetime') return restDateTime(value);
	if (type === 'bit') return Boolean(value);
	if (type === 'int' || type === 'float' || type.startsWith('decimal')) return Number(value);
	return String(value);
}

function header(req, name) {
	const value = req.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** The query parameter `name`, its name matched case-insensitively. */
function param(url, name) {
	for (const [key, value] of url.searchParams) if (key.toLowerCase() === name) return value;
	return undefined;
}

/**
 * `ctx`: { state, faults, audit, requests }. Returns `handle(req, res, url)` for paths under /v2/ and
 * the settings a test can change (`pageSize`, `paging`).
 */
function createRest(ctx, options = {}) {
	const { state, faults, audit, requests } = ctx;
	const settings = {
		pageSize: options.restPageSize || 100000,
		paging: options.restPaging || 'suffix',
		// A JSON serialiser set to ignore nulls (.NET's NullValueHandling.Ignore) leaves NULL columns out.
		omitNulls: options.restOmitNulls === true,
	};

	function json(res, status, body, extraHeaders = {}) {
		res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...extraHeaders });
		res.end(JSON.stringify(body));
	}

	function refuse(res, record, status, message, extraHeaders) {
		record.status = status;
		record.message = message;
		return json(res, status, { success: false, message }, extraHeaders);
	}

	function application(req) {
		const id = header(req, 'ApplicationId');
		const secret = header(req, 'ApplicationSecret');
		return state.applications.find((a) => a.applicationId === id && a.applicationSecret === secret);
	}

	const granted = (app, schoolId, entity) =>
		(app.schools === '*' || app.schools.includes(schoolId)) &&
		(app.entities === '*' || app.entities.some((e) => e.toLowerCase() === entity.toLowerCase()));

	async function readBody(req) {
		const chunks = [];
		let size = 0;
		for await (const chunk of req) {
			size += chunk.length;
			if (size > 1024 * 1024) throw new Error('Request too large');
			chunks.push(chunk);
		}
		return Buffer.concat(chunks).toString('utf8');
	}

	async function send(res, status, chunks, rule) {
		res.statusCode = status;
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		if (rule && rule.kind === 'truncate') {
			const body = [...chunks].join('');
			const cut = body.slice(0, Math.max(1, Math.floor(body.length * (rule.fraction ?? 0.6))));
			res.setHeader('Content-Length', Buffer.byteLength(cut));
			return res.end(cut);
		}
		return await writeChunks(res, chunks, rule);
	}

	/** The JSON answer, streamed in batches of rows. */
	function* pageChunks(columns, rows, meta) {
		const names = columns.map(([name, type]) => [name, camel(name), type]);
		yield '{"success":true,"data":[';
		let chunk = '';
		for (let k = 0; k < rows.length; k++) {
			const out = {};
			for (const [name, key, type] of names) {
				const value = restValue(rows[k][name], type);
				if (value !== null || !settings.omitNulls) out[key] = value;
			}
			chunk += (k === 0 ? '' : ',') + JSON.stringify(out);
			if (chunk.length > 64 * 1024) {
				yield chunk;
				chunk = '';
			}
		}
		yield `${chunk}],"meta":${JSON.stringify(meta)}}`;
	}

	/** Applies an injected fault before the answer; returns true when it has answered. */
	async function applyFault(req, res, rule) {
		if (!rule) return false;
		if (rule.kind === 'delay') await sleep(rule.ms ?? 1000);
		else if (rule.kind === 'reset') {
			req.socket.destroy();
			return true;
		} else if (rule.kind === 'html500') {
			res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(IIS_500);
			return true;
		} else if (rule.kind === 'status503') {
			res.writeHead(503, { 'Content-Type': 'text/html; charset=us-ascii' });
			res.end(IIS_503);
			return true;
		} else if (rule.kind === 'loginPage') {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(LOGIN_PAGE);
			return true;
		} else if (rule.kind === 'status') {
			json(
				res,
				rule.status || 500,
				rule.body ?? { success: false, message: rule.message || 'Injected failure.' },
				rule.retryAfter === undefined ? {} : { 'Retry-After': String(rule.retryAfter) },
			);
			return true;
		} else if (rule.kind === 'redirect') {
			res.writeHead(rule.status || 302, { Location: rule.location || 'https://example.org/' });
			res.end();
			return true;
		} else if (rule.kind === 'fault') {
			json(res, 200, { success: false, message: rule.message || 'Injected fault.' });
			return true;
		}
		return false;
	}

	async function handle(req, res, url) {
		const segments = url.pathname.split('/').filter(Boolean);
		const entityName = decodeURIComponent(segments[1] || '');
		const record = {
			at: new Date().toISOString(),
			route: 'rest',
			method: req.method,
			path: url.pathname,
			query: url.search,
			applicationId: header(req, 'ApplicationId'),
			secretInQuery: /applicationsecret/i.test(url.search),
		};
		requests.push(record);
		const app = application(req);
		if (!app) return refuse(res, record, 401, 'Invalid application credentials.');
		record.applicationId = app.applicationId;
		const entity = findEntity(entityName);
		if (segments.length !== 2 || !entity)
			return refuse(res, record, 404, `The endpoint /v2/${entityName} does not exist.`);
		record.entity = entity;

		if (req.method === 'POST') return await write(req, res, record, app, entity);
		if (req.method !== 'GET') return refuse(res, record, 405, 'Method not allowed.');

		const schoolId = Number(param(url, 'schoolid'));
		record.schoolId = schoolId;
		if (ctx.load) ctx.load.begin(schoolId, res);
		const raw = param(url, 'entityfilter') ?? '';
		const m = /\{page:(\d+)\}$/.exec(raw);
		const page = m ? Number(m[1]) : 0;
		const filter = m ? raw.slice(0, m.index) : raw;
		Object.assign(record, { filter, page });
		const rule = faults.take({
			service: 'PartnerApi',
			operation: 'GET',
			entity,
			schoolId,
			filter,
			page,
		});
		if (rule) record.injected = rule.kind;
		if (await applyFault(req, res, rule)) return;
		if (!state.school(schoolId))
			return refuse(res, record, 403, `The application is not installed for school ${schoolId}.`);
		if (!granted(app, schoolId, entity))
			return refuse(
				res,
				record,
				403,
				`The application does not have the scope for ${entity} in school ${schoolId}.`,
			);
		let result;
		try {
			result = state.queryEntity(state.school(schoolId), entity, filter);
		} catch (e) {
			if (e instanceof FaultError) return refuse(res, record, 400, e.message);
			throw e;
		}
		const size = settings.pageSize;
		const pageNumber = rule && rule.kind === 'repeatPage' ? 0 : page;
		const rows = result.rows.slice(pageNumber * size, (pageNumber + 1) * size);
		const more = (page + 1) * size < result.rows.length;
		const meta = {};
		if (settings.paging === 'next' || (rule && rule.kind === 'foreignNext')) {
			let next = null;
			if (rule && rule.kind === 'foreignNext')
				next = rule.location || 'https://example.org/v2/next';
			else if (more) {
				const nextUrl = new URL(url.href);
				nextUrl.search = '';
				next = `http://${req.headers.host}${nextUrl.pathname}?schoolId=${schoolId}&entityFilter=${encodeURIComponent(filter)}{page:${page + 1}}`;
			}
			meta.pagination = { next };
		}
		record.status = 200;
		record.rows = rows.length;
		return await send(res, 200, pageChunks(result.columns, rows, meta), rule);
	}

	async function write(req, res, record, app, entity) {
		let body;
		try {
			body = JSON.parse((await readBody(req)) || '{}');
		} catch {
			return refuse(res, record, 400, 'The request body is not valid JSON.');
		}
		const schoolId = Number(body.schoolId ?? body.schoolID);
		record.schoolId = schoolId;
		if (ctx.load) ctx.load.begin(schoolId, res);
		const rule = faults.take({ service: 'PartnerApi', operation: 'POST', entity, schoolId });
		if (rule) record.injected = rule.kind;
		if (rule && rule.kind !== 'resetAfterApply' && (await applyFault(req, res, rule))) return;
		const s = state.school(schoolId);
		if (!s)
			return refuse(res, record, 403, `The application is not installed for school ${schoolId}.`);
		if (entity !== 'BehaviourEventRecords')
			return refuse(res, record, 405, `${entity} cannot be written over the Partner API.`);
		if (!app.write || !granted(app, schoolId, entity))
			return refuse(
				res,
				record,
				403,
				`The application does not have the write scope for ${entity} in school ${schoolId}.`,
			);
		const outcome = state.saveBehaviourEvent(s, body);
		audit.push({
			at: new Date().toISOString(),
			route: 'rest',
			operation: 'BehaviourEventRecords',
			schoolId,
			applicationId: app.applicationId,
			params: body,
			...(outcome.error ? { error: outcome.error } : { result: outcome.id }),
		});
		if (outcome.error) return refuse(res, record, 400, outcome.error);
		record.status = 200;
		if (rule && rule.kind === 'resetAfterApply') return req.socket.destroy();
		return json(res, 200, { success: true, data: { eventRecordId: outcome.id } });
	}

	return { handle, settings };
}

module.exports = { createRest, camel, restDateTime };
