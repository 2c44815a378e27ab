'use strict';
/**
 * The Bromcom sandbox: a local HTTP server that answers like Bromcom's ASMX third-party services
 * (TPReadOnlyDataService.asmx, TPWriteDataService.asmx) over SOAP 1.1, SOAP 1.2 and the HTTP POST/GET
 * form bindings, backed by deterministic synthetic schools.
 *
 * The `soap` package's server is not used for the endpoints: it cannot write the inline-schema
 * DataSet/diffgram that ASMX returns, nor ASMX's routing (SOAPAction for 1.1, body element for 1.2
 * without `action=`) and fault texts. The `soap` package is used in the tests as an independent
 * client of this server's WSDL instead.
 *
 * Used in-process by tests (`createSandbox().start(0)`) and by `npm run sandbox`.
 */
const http = require('node:http');
const { XMLParser } = require('fast-xml-parser');

const asmx = require('./asmx');
const { buildSchool, ukWallClock, DAY, rng, hashSeed } = require('./data');
const { ENTITIES, entityNames, findEntity } = require('./entities');
const { compileFilter, SqlError } = require('./tsql');

const SERVICE_PATH = '/nucleus/webservices/thirdparty/';

/** Operations each service answers, with parameter names in contract order (docs/bromcom-facts.md, Operations and parameters). */
const READ_OPERATIONS = {
	findEntities: { params: [['username', 'string'], ['password', 'string']], returns: 'dataset' },
	findEntitiesBySchoolID: { params: [['schoolID', 'int'], ['username', 'string'], ['password', 'string']], returns: 'dataset' },
	findEntitiesBySchoolIDAsXml: { params: [['schoolID', 'int'], ['username', 'string'], ['password', 'string']], returns: 'string' },
	getEntityData: { params: [['entityName', 'string'], ['entityFilter', 'string'], ['username', 'string'], ['password', 'string']], returns: 'dataset' },
	getEntityDataBySchoolID: { params: [['schoolID', 'int'], ['entityName', 'string'], ['entityFilter', 'string'], ['username', 'string'], ['password', 'string']], returns: 'dataset' },
	getEntityDataBySchoolIDAsXml: { params: [['schoolID', 'int'], ['entityName', 'string'], ['entityFilter', 'string'], ['username', 'string'], ['password', 'string']], returns: 'string' },
	testDatabaseConnection: { params: [['schoolID', 'int']], returns: 'boolean' },
};

const WRITE_OPERATIONS = {
	updateDinnerBalance: { params: [['schoolId', 'int'], ['username', 'string'], ['password', 'string'], ['personId', 'int'], ['amount', 'decimal']], returns: 'boolean' },
	saveDinnerTransaction: {
		params: [['schoolId', 'int'], ['username', 'string'], ['password', 'string'], ['personId', 'int'], ['transactionDetails', 'string'], ['amount', 'decimal'], ['remainingBalance', 'decimal'], ['instant', 'dateTime'], ['transactionType', 'string'], ['externalId', 'int']],
		returns: 'int',
	},
	registerSingleSignOnUser: { params: [['schoolId', 'int'], ['username', 'string'], ['password', 'string'], ['userId', 'int'], ['emailAddress', 'string'], ['ssoProvider', 'string']], returns: 'boolean' },
	deregisterSingleSignOnUser: { params: [['schoolId', 'int'], ['username', 'string'], ['password', 'string'], ['userId', 'int'], ['emailAddress', 'string']], returns: 'boolean' },
	saveStudentAssessmentResult: {
		params: [['schoolId', 'int'], ['username', 'string'], ['password', 'string'], ['studentResultID', 'int'], ['studentID', 'int'], ['assessmentTypeID', 'int'], ['termID', 'int'], ['yearGroupID', 'int'], ['subjectID', 'int'], ['result', 'string'], ['resultDate', 'dateTime']],
		returns: 'int',
	},
};

const SERVICES = {
	tpreadonlydataservice: { name: 'TPReadOnlyDataService', path: 'TPReadOnlyDataService.asmx', operations: READ_OPERATIONS },
	tpwritedataservice: { name: 'TPWriteDataService', path: 'TPWriteDataService.asmx', operations: WRITE_OPERATIONS },
};

/** Demo accounts, the same in every school and size. */
const DEFAULT_ACCOUNTS = [
	{ username: 'sandbox', password: 'sandbox', entities: '*', write: true, note: 'every read entity and all write permissions' },
	{ username: 'readonly', password: 'readonly', entities: '*', write: false, note: 'every read entity, no write-back' },
	{ username: 'limited', password: 'limited', entities: ['Schools', 'Students', 'StudentFlatView'], write: false, note: 'only Schools, Students and StudentFlatView' },
	{ username: 'noaccess', password: 'noaccess', entities: [], write: false, note: 'no entity permissions (a newly created third-party user)' },
];

/** Fault texts: Bromcom's real ones are UNKNOWN (docs/bromcom-facts.md, Errors); these are plausible and configurable. */
const DEFAULT_MESSAGES = {
	badCredentials: 'Invalid username or password.',
	unknownSchool: (id) => `School with ID ${id} was not found.`,
	entityNotPermitted: (entity) => `You do not have permission to access entity '${entity}'.`,
	unknownEntity: (entity) => `Invalid object name '${entity}'.`,
	writeNotPermitted: 'Third party write access is not permitted for this user. A Third Party Write Licence is required.',
};

class FaultError extends Error {
	constructor(message, { code = 'Server', raw = false, http = 500 } = {}) {
		super(message);
		this.code = code;
		this.raw = raw;
		this.http = http;
	}
}

function parseNow(now) {
	if (now === undefined || now === null) return () => ukWallClock(Date.now());
	if (typeof now === 'function') return now;
	const instant = now instanceof Date ? now.getTime() : Date.parse(String(now));
	if (Number.isNaN(instant)) throw new Error(`Invalid sandbox "now": ${now}`);
	const wall = ukWallClock(instant);
	return () => wall;
}

function createSandbox(options = {}) {
	const size = options.size || 'small';
	const seed = options.seed === undefined ? 1 : Number(options.seed);
	const nowFn = parseNow(options.now);
	const offsetMode = options.offsetMode || 'uk-local';
	const dateFormat = options.dateFormat || 'mdy';
	const httpGetEnabled = options.httpGet !== false;
	// Bromcom's APIs are reported to pad some code values with trailing spaces (docs/bromcom-facts.md, Column types:
	// "AM" as "AM             "). With padCodes on, these columns go out padded, as a fixed-width
	// char column would; the T-SQL engine compares them as SQL Server does (trailing spaces ignored).
	let padCodes = options.padCodes === true;
	const PADDED = { CalendarName: 15, Mark: 4, GenderCode: 10, StaffCode: 10, CollectionTypeName: 20 };
	const padRow = (row) => {
		let out = row;
		for (const [column, width] of Object.entries(PADDED)) {
			const v = row[column];
			if (typeof v === 'string' && v.length < width) {
				if (out === row) out = { ...row };
				out[column] = v.padEnd(width, ' ');
			}
		}
		return out;
	};
	const messages = { ...DEFAULT_MESSAGES, ...(options.messages || {}) };
	const accounts = (options.accounts || DEFAULT_ACCOUNTS).map((a) => ({ ...a }));
	const { edgeCaseSchool, FIXTURE_SCHOOL_ID } = require('./fixtures');
	const schoolIds = [...(options.schools || require('./data').SIZES[size].schools), ...(options.fixtures ? [FIXTURE_SCHOOL_ID] : [])];

	const schools = new Map();
	const revoked = new Map(); // `${schoolId}:${username}` → Set(entity lower)
	let faults = [];
	const audit = [];
	const requests = [];
	let server = null;
	const sockets = new Set();

	function school(id) {
		if (!schoolIds.includes(id)) return undefined;
		if (!schools.has(id)) schools.set(id, id === FIXTURE_SCHOOL_ID && options.fixtures ? edgeCaseSchool({ seed, now: nowFn() }) : buildSchool({ seed, schoolId: id, size, now: nowFn() }));
		return schools.get(id);
	}

	function entityRows(s, entity) {
		if (!s.cache.has(entity)) s.cache.set(entity, ENTITIES[entity].rows(s));
		return s.cache.get(entity);
	}

	function touch(s) {
		s.version++;
		for (const key of [...s.cache.keys()]) if (key !== 'lessons') s.cache.delete(key);
	}

	function authenticate(schoolId, username, password) {
		const s = school(schoolId);
		if (!s) throw new FaultError(messages.unknownSchool(schoolId));
		const account = accounts.find((a) => a.username === username && a.password === password);
		if (!account) throw new FaultError(messages.badCredentials);
		return { s, account };
	}

	function permitted(s, account, entity) {
		if (account.entities !== '*' && !account.entities.some((e) => e.toLowerCase() === entity.toLowerCase())) return false;
		const set = revoked.get(`${s.id}:${account.username}`);
		return !(set && set.has(entity.toLowerCase()));
	}

	function permittedEntities(s, account) {
		return entityNames().filter((e) => permitted(s, account, e));
	}

	// Schema changes between polls (Bromcom adds and removes columns over time): per sandbox instance.
	const addedColumns = new Map();
	const removedColumns = new Map();
	function columnsOf(entity) {
		const removed = removedColumns.get(entity);
		const base = removed ? ENTITIES[entity].columns.filter(([name]) => !removed.has(name)) : ENTITIES[entity].columns;
		return addedColumns.has(entity) ? [...base, ...addedColumns.get(entity)] : base;
	}

	function sqlColumns(entity) {
		return columnsOf(entity).map(([name, type]) => ({ name, type: type === 'guid' ? 'string' : type.startsWith('decimal') ? 'decimal' : type }));
	}

	function readEntity(schoolId, entityName, filter, username, password) {
		const { s, account } = authenticate(schoolId, username, password);
		const entity = findEntity(entityName);
		if (!entity) throw new FaultError(messages.unknownEntity(String(entityName ?? '')));
		if (!permitted(s, account, entity)) throw new FaultError(messages.entityNotPermitted(entity));
		let predicate;
		try {
			predicate = compileFilter(filter || '', sqlColumns(entity), { now: nowFn, dateFormat });
		} catch (e) {
			if (e instanceof SqlError) throw new FaultError(e.message);
			throw e;
		}
		let rows;
		try {
			rows = entityRows(s, entity).filter(predicate);
		} catch (e) {
			if (e instanceof SqlError) throw new FaultError(e.message);
			throw e;
		}
		return { type: 'dataset', columns: columnsOf(entity), rows: padCodes ? rows.map(padRow) : rows, entity };
	}

	function listEntities(schoolId, username, password) {
		const { s, account } = authenticate(schoolId, username, password);
		return { type: 'dataset', columns: [['EntityName', 'string']], rows: permittedEntities(s, account).map((e) => ({ EntityName: e })) };
	}

	function asXml(result) {
		return { type: 'string', value: [...asmx.dataSetChunks(result.columns, result.rows, offsetMode)].join('') };
	}

	function writeContext(params) {
		const { s, account } = authenticate(params.schoolId, params.username, params.password);
		if (!account.write) throw new FaultError(messages.writeNotPermitted);
		return s;
	}

	function student(s, personId) {
		const p = s.people.get(personId);
		if (!p || p.kind !== 'student') throw new FaultError(`Person with ID ${personId} was not found.`);
		return p;
	}

	const handlers = {
		findEntities: (p) => listEntities(schoolIds[0], p.username, p.password),
		findEntitiesBySchoolID: (p) => listEntities(p.schoolID, p.username, p.password),
		findEntitiesBySchoolIDAsXml: (p) => asXml(listEntities(p.schoolID, p.username, p.password)),
		getEntityData: (p) => readEntity(schoolIds[0], p.entityName, p.entityFilter, p.username, p.password),
		getEntityDataBySchoolID: (p) => readEntity(p.schoolID, p.entityName, p.entityFilter, p.username, p.password),
		getEntityDataBySchoolIDAsXml: (p) => asXml(readEntity(p.schoolID, p.entityName, p.entityFilter, p.username, p.password)),
		testDatabaseConnection: (p) => ({ type: 'boolean', value: schoolIds.includes(p.schoolID) }),
		updateDinnerBalance: (p) => {
			const s = writeContext(p);
			student(s, p.personId);
			const meal = s.meals.get(p.personId) || { personId: p.personId, balance: 0, mealType: 'Paid Meal' };
			meal.balance = p.amount;
			s.meals.set(p.personId, meal);
			touch(s);
			return { type: 'boolean', value: true };
		},
		saveDinnerTransaction: (p) => {
			const s = writeContext(p);
			student(s, p.personId);
			if (!['TopUp', 'Sale', 'Refund', 'Adjustment'].includes(p.transactionType)) throw new FaultError(`'${p.transactionType}' is not a valid transaction type.`);
			const id = s.transactions.length + 1;
			s.transactions.push({ DinnerTransactionID: id, PersonID: p.personId, ExternalID: p.externalId, TransactionType: p.transactionType, TransactionDetails: p.transactionDetails ?? '', Amount: p.amount, RemainingBalance: p.remainingBalance, Instant: p.instant });
			const meal = s.meals.get(p.personId);
			if (meal) meal.balance = p.remainingBalance;
			touch(s);
			return { type: 'int', value: id };
		},
		registerSingleSignOnUser: (p) => {
			const s = writeContext(p);
			if (!s.people.has(p.userId)) throw new FaultError(`User with ID ${p.userId} was not found.`);
			if (!['Microsoft', 'Google'].includes(p.ssoProvider)) throw new FaultError(`'${p.ssoProvider}' is not a supported single sign-on provider.`);
			s.ssoUsers = s.ssoUsers.filter((u) => u.UserID !== p.userId);
			s.ssoUsers.push({ UserID: p.userId, EmailAddress: p.emailAddress, SSOProvider: p.ssoProvider, RegisteredOn: nowFn() });
			touch(s);
			return { type: 'boolean', value: true };
		},
		deregisterSingleSignOnUser: (p) => {
			const s = writeContext(p);
			const before = s.ssoUsers.length;
			s.ssoUsers = s.ssoUsers.filter((u) => !(u.UserID === p.userId && String(u.EmailAddress).toLowerCase() === String(p.emailAddress ?? '').toLowerCase()));
			touch(s);
			return { type: 'boolean', value: s.ssoUsers.length < before };
		},
		saveStudentAssessmentResult: (p) => {
			const s = writeContext(p);
			student(s, p.studentID);
			const existing = entityRows(s, 'AssociationAssessmentResults');
			const id = p.studentResultID > 0 ? p.studentResultID : existing.reduce((m, r) => Math.max(m, r.StudentResultID), 0) + s.assessmentWrites.size + 1;
			const subject = s.subjects[p.subjectID - 1];
			s.assessmentWrites.set(id, {
				StudentResultID: id,
				StudentID: p.studentID,
				AssessmentTypeID: p.assessmentTypeID,
				AssessmentTypeName: p.assessmentTypeID === 2 ? 'Target' : 'Working At',
				TermID: p.termID,
				TermName: ['Autumn', 'Spring', 'Summer'][p.termID - 1] ?? null,
				YearGroupID: p.yearGroupID,
				SubjectID: p.subjectID,
				SubjectName: subject ? subject.name : null,
				Result: p.result,
				IsGrade: true,
				ResultDate: p.resultDate,
			});
			touch(s);
			return { type: 'int', value: id };
		},
	};

	// ---- Request parsing ---------------------------------------------------------------------------

	const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: false, parseTagValue: false, trimValues: false, processEntities: true, htmlEntities: false });

	function scopeOf(node, parent) {
		const scope = { ...parent };
		if (node && typeof node === 'object') {
			for (const key of Object.keys(node)) {
				if (key === '@_xmlns') scope[''] = node[key];
				else if (key.startsWith('@_xmlns:')) scope[key.slice(8)] = node[key];
			}
		}
		return scope;
	}

	function qname(key, scope) {
		const i = key.indexOf(':');
		return { ns: scope[i < 0 ? '' : key.slice(0, i)], local: i < 0 ? key : key.slice(i + 1) };
	}

	function elementChildren(node, scope) {
		if (!node || typeof node !== 'object') return [];
		return Object.keys(node)
			.filter((k) => !k.startsWith('@_') && k !== '#text' && !k.startsWith('?'))
			.map((k) => {
				const value = node[k];
				const childScope = scopeOf(value, scope);
				return { key: k, value, scope: childScope, ...qname(k, childScope) };
			});
	}

	function textOf(value) {
		if (value === null || value === undefined) return '';
		if (typeof value === 'object') return value['#text'] === undefined ? '' : String(value['#text']);
		return String(value);
	}

	function readError(detail) {
		return new FaultError(`Server was unable to read request. ---> There is an error in XML document (1, 1). ---> ${detail}`, { code: 'Client', raw: true });
	}

	function convertParam(type, text, name, binding) {
		if (type === 'string') return text;
		const t = text.trim();
		if (type === 'int') {
			if (!/^[+-]?\d+$/.test(t)) {
				if (binding === 'form') throw new FaultError(`Cannot convert ${text} to System.Int32.\r\nParameter name: type ---> Input string was not in a correct format.`, { raw: true });
				throw readError('Input string was not in a correct format.');
			}
			return Number(t);
		}
		if (type === 'decimal') {
			if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) throw readError('Input string was not in a correct format.');
			return Number(t);
		}
		if (type === 'dateTime') {
			const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(t);
			if (!m) throw readError(`The string '${text}' is not a valid AllXsd value.`);
			let wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
			if (m[7]) {
				// A value with a zone is converted to the server's local time, as XmlSerializer does.
				const offset = m[7] === 'Z' ? 0 : (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4, 6)));
				wall = ukWallClock(wall - offset * 60000);
			}
			return wall;
		}
		return text;
	}

	function paramsFromSoap(def, opNode, opScope) {
		const params = {};
		for (const [name, type] of def.params) params[name] = type === 'string' ? null : type === 'int' ? 0 : null;
		for (const child of elementChildren(opNode, opScope)) {
			// ASMX ignores parameters outside the service namespace, and names are case-sensitive.
			if (child.ns !== asmx.TEMPURI) continue;
			const spec = def.params.find(([name]) => name === child.local);
			if (!spec) continue;
			params[spec[0]] = convertParam(spec[1], textOf(child.value), spec[0], 'soap');
		}
		return params;
	}

	function parseSoap(body, service, actionHint) {
		let doc;
		try {
			doc = parser.parse(body, true);
		} catch (e) {
			throw readError(String(e.message || e).split('\n')[0]);
		}
		const root = elementChildren(doc, {}).find((c) => c.local === 'Envelope');
		if (!root || (root.ns !== asmx.SOAP11 && root.ns !== asmx.SOAP12)) throw readError('The root element is not a SOAP envelope.');
		const version = root.ns === asmx.SOAP12 ? '1.2' : '1.1';
		const bodyNode = elementChildren(root.value, root.scope).find((c) => c.local === 'Body' && c.ns === root.ns);
		const opNode = bodyNode ? elementChildren(bodyNode.value, bodyNode.scope)[0] : undefined;
		let operation = actionHint;
		if (!operation) {
			if (!opNode || opNode.ns !== asmx.TEMPURI || !service.operations[opNode.local]) {
				throw new FaultError(`Unable to handle request without a valid action parameter. Please supply a valid soap action.`, { code: 'Client', raw: true });
			}
			operation = opNode.local;
		}
		const def = service.operations[operation];
		if (!opNode || opNode.local !== operation || opNode.ns !== asmx.TEMPURI) {
			throw readError(`<${opNode ? opNode.local : 'Body'} xmlns='${opNode ? opNode.ns || '' : ''}'> was not expected.`);
		}
		return { version, operation, params: paramsFromSoap(def, opNode.value, opNode.scope) };
	}

	function paramsFromForm(def, form) {
		const params = {};
		for (const [name, type] of def.params) {
			if (!form.has(name)) throw new FaultError(`Missing parameter: ${name}.`, { raw: true });
			params[name] = convertParam(type, form.get(name), name, 'form');
		}
		return params;
	}

	// ---- Fault injection ---------------------------------------------------------------------------

	function takeFault(ctx) {
		const i = faults.findIndex((f) => {
			const m = f.match || {};
			if (m.service && m.service.toLowerCase() !== ctx.service.toLowerCase()) return false;
			if (m.operation && m.operation !== ctx.operation) return false;
			if (m.entity && String(ctx.entity || '').toLowerCase() !== m.entity.toLowerCase()) return false;
			if (m.schoolId !== undefined && m.schoolId !== ctx.schoolId) return false;
			return true;
		});
		if (i === -1) return undefined;
		const rule = faults[i];
		if (rule.times !== 0) {
			rule.times = (rule.times ?? 1) - 1;
			if (rule.times === 0) faults.splice(i, 1);
		}
		return rule;
	}

	const IIS_500 = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>500 - Internal server error.</title></head><body><div id="header"><h1>Server Error</h1></div><div id="content"><div class="content-container"><fieldset><h2>500 - Internal server error.</h2><h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3></fieldset></div></div></body></html>';
	const IIS_503 = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd"><HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY><h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>';
	const LOGIN_PAGE = '<!DOCTYPE html><html lang="en"><head><title>Bromcom - Log In</title></head><body><form method="post" action="/Nucleus/Account/Login"><label>School ID</label><input name="SchoolID"><label>Username</label><input name="Username"><label>Password</label><input type="password" name="Password"><button>Log In</button></form></body></html>';

	const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

	// ---- HTTP ---------------------------------------------------------------------------------------

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
			if (rule.kind === 'truncate') body = body.slice(0, Math.max(1, Math.floor(body.length * (rule.fraction ?? 0.6))));
			else body = body.replace('</Table>', '</Tabel>').replace(/<\/(\w+)Result>/, '<$1Result>');
			res.setHeader('Content-Length', Buffer.byteLength(body));
			res.end(body);
			return;
		}
		for (const chunk of chunks) {
			if (res.destroyed) return;
			if (rule && rule.kind === 'drip') {
				for (let i = 0; i < chunk.length; i += rule.bytes || 2048) {
					if (!res.write(chunk.slice(i, i + (rule.bytes || 2048)))) await new Promise((r) => res.once('drain', r));
					await sleep(rule.ms ?? 50);
				}
			} else if (!res.write(chunk)) {
				await new Promise((r) => res.once('drain', r));
			}
		}
		res.end();
	}

	async function handle(req, res) {
		const url = new URL(req.url, 'http://sandbox');
		const path = decodeURIComponent(url.pathname).toLowerCase();
		if (path.startsWith('/__sandbox/')) return admin(req, res, path.slice('/__sandbox/'.length));
		if (!path.startsWith(SERVICE_PATH)) return plain(res, 404, 'The resource cannot be found.');
		const rest = path.slice(SERVICE_PATH.length);
		const m = /^(tpreadonlydataservice|tpwritedataservice)\.asmx(?:\/([^/]+))?\/?$/.exec(rest);
		if (!m) return plain(res, 404, 'The resource cannot be found.');
		const service = SERVICES[m[1]];
		const location = `http://${req.headers.host}/Nucleus/WebServices/ThirdParty/${service.path}`;
		const pathOp = m[2] ? Object.keys(service.operations).find((op) => op.toLowerCase() === m[2]) : undefined;

		if (req.method === 'GET' && !m[2]) {
			if (url.searchParams.has('wsdl') || url.search.toLowerCase() === '?wsdl') {
				res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
				return res.end(asmx.wsdl(service.name, service.operations, location));
			}
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			return res.end(`<html><head><title>${service.name} Web Service</title></head><body><h1>${service.name}</h1><p>The following operations are supported:</p><ul>${Object.keys(service.operations).map((o) => `<li>${o}</li>`).join('')}</ul><p>Bromcom sandbox (not a real Bromcom service).</p></body></html>`);
		}

		let binding;
		let operation;
		let params;
		const contentType = String(req.headers['content-type'] || '').toLowerCase();
		const record = { at: new Date().toISOString(), service: service.name, method: req.method };
		try {
			if (m[2]) {
				if (!pathOp) return plain(res, 500, `Request format is unrecognized for URL unexpectedly ending in '/${m[2]}'.`);
				binding = 'form';
				operation = pathOp;
				if (req.method === 'GET' && !httpGetEnabled) return plain(res, 500, 'Request format is unrecognized for URL unexpectedly ending in \'/' + pathOp + "'.");
				const form = req.method === 'GET' ? url.searchParams : new URLSearchParams(await readBody(req));
				params = paramsFromForm(service.operations[operation], form);
			} else if (req.method === 'POST') {
				const body = await readBody(req);
				const action = String(req.headers.soapaction || '').replace(/^"|"$/g, '');
				const actionParam = /action\s*=\s*"?([^";]+)"?/.exec(String(req.headers['content-type'] || ''));
				const routed = (a) => (a && a.startsWith(asmx.TEMPURI) ? a.slice(asmx.TEMPURI.length) : a);
				if (contentType.startsWith('application/soap+xml')) {
					binding = 'soap12';
					// SOAP 1.2: the action= parameter, else the SOAPAction header a live client sends, else the body element.
					const hint = routed(actionParam ? actionParam[1] : action) || undefined;
					if (hint && !service.operations[hint]) throw new FaultError(`Server did not recognize the value of HTTP Header SOAPAction: ${actionParam ? actionParam[1] : action}.`, { code: 'Client', raw: true });
					({ operation, params } = parseSoap(body, service, hint));
				} else if (contentType.startsWith('text/xml')) {
					binding = 'soap11';
					const op = routed(action);
					if (!op || !service.operations[op]) throw new FaultError(`Server did not recognize the value of HTTP Header SOAPAction: ${action}.`, { code: 'Client', raw: true });
					({ operation, params } = parseSoap(body, service, op));
				} else if (contentType.startsWith('application/x-www-form-urlencoded')) {
					return plain(res, 500, 'Request format is invalid: application/x-www-form-urlencoded.');
				} else {
					return plain(res, 415, `Cannot process the message because the content type '${req.headers['content-type'] || ''}' was not the expected type 'text/xml; charset=utf-8'.`);
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
		Object.assign(record, { operation, binding, schoolId, username: params.username, entity: params.entityName, filter: params.entityFilter });
		const rule = takeFault({ service: service.name, operation, entity: params.entityName, schoolId });
		if (rule) record.injected = rule.kind;
		requests.push(record);
		if (rule) {
			if (rule.kind === 'delay') await sleep(rule.ms ?? 1000);
			else if (rule.kind === 'reset') return req.socket.destroy();
			else if (rule.kind === 'html500') return send(res, 500, 'text/html; charset=utf-8', [IIS_500]);
			else if (rule.kind === 'status503') return send(res, 503, 'text/html; charset=us-ascii', [IIS_503]);
			else if (rule.kind === 'loginPage') return send(res, 200, 'text/html; charset=utf-8', [LOGIN_PAGE]);
			else if (rule.kind === 'fault') return sendFault(res, binding, new FaultError(rule.message || 'Injected fault.'), record);
		}

		let result;
		try {
			result = handlers[operation](params);
		} catch (e) {
			if (!(e instanceof FaultError)) throw e;
			if (service.operations === WRITE_OPERATIONS) logWrite(operation, params, { error: e.message });
			return sendFault(res, binding, e, record);
		}
		if (service.operations === WRITE_OPERATIONS) logWrite(operation, params, { result: result.value });
		record.status = 200;
		record.rows = result.rows ? result.rows.length : undefined;
		if (rule && rule.kind === 'resetAfterApply') return req.socket.destroy();
		if (rule && rule.kind === 'loginPageAfterApply') return send(res, 200, 'text/html; charset=utf-8', [LOGIN_PAGE]);
		const chunks = asmx.responseChunks(binding, operation, result, offsetMode);
		return send(res, 200, contentTypeFor(binding), chunks, rule);
	}

	function logWrite(operation, params, outcome) {
		const { password: _password, ...safe } = params;
		audit.push({ at: new Date().toISOString(), operation, schoolId: params.schoolId, username: params.username, params: safe, ...outcome });
	}

	function sendFault(res, binding, e, record) {
		record.status = e.http;
		record.fault = e.message;
		if (!requests.includes(record)) requests.push(record);
		if (binding === 'form') return plain(res, 500, `System.InvalidOperationException: ${e.message}`);
		res.writeHead(e.http, { 'Content-Type': contentTypeFor(binding) });
		return res.end(asmx.faultXml(binding === 'soap12' ? '1.2' : '1.1', e.code, e.message, e.raw));
	}

	function plain(res, status, text) {
		res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
		res.end(text);
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
			else if (action === 'change' && req.method === 'POST') {
				const { action: change, ...args } = body;
				if (typeof api.changes[change] !== 'function') throw new Error(`Unknown change "${change}". Known: ${Object.keys(api.changes).join(', ')}`);
				out = api.changes[change](args);
			} else return plain(res, 404, 'Unknown admin endpoint.');
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(out ?? { ok: true }));
		} catch (e) {
			res.writeHead(400, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ error: e.message }));
		}
	}

	// ---- Changes over time --------------------------------------------------------------------------

	function requireSchool(id) {
		const s = school(Number(id ?? schoolIds[0]));
		if (!s) throw new Error(`Unknown school ${id}`);
		return s;
	}

	function today(s) {
		return Math.floor(nowFn() / DAY) * DAY;
	}

	function requireStudent(s, id) {
		const st = s.people.get(Number(id));
		if (!st || st.kind !== 'student') throw new Error(`No student ${id} in school ${s.id}`);
		return st;
	}

	function enrol(s, st, setSeed) {
		const y = Number(st.yearGroup);
		const tgs = s.tutorGroups.get(y);
		const r = rng(seed, s.id, st.personId, 'enrol', setSeed);
		st.tutorGroup = tgs[r.int(0, tgs.length - 1)];
		const start = Math.max(st.start, today(s));
		let id = s.associates.reduce((mx, a) => Math.max(mx, a.id), 0) + 1;
		const add = (c) => s.associates.push({ id: id++, personId: st.personId, collectionId: c.collectionId, collectionName: c.name, start, end: st.end });
		add(s.yearGroups.get(y));
		add(st.tutorGroup);
		add(s.houses[st.houseIndex % s.houses.length]);
		const set = r.int(0, 99);
		for (const [, list] of s.classes.get(y)) add(list[set % list.length]);
	}

	const api = {
		get url() {
			return server ? `http://127.0.0.1:${server.address().port}` : undefined;
		},
		accounts,
		schoolIds,
		now: () => nowFn(),
		school: (id = schoolIds[0]) => requireSchool(id),
		/** Rows of an entity exactly as a permitted, unfiltered read returns them (for expected values in tests). */
		rows: (entity, schoolId = schoolIds[0], filter = '') => {
			const s = requireSchool(schoolId);
			const name = findEntity(entity);
			if (!name) throw new Error(`Unknown entity ${entity}`);
			return entityRows(s, name).filter(compileFilter(filter, sqlColumns(name), { now: nowFn, dateFormat }));
		},
		columns: (entity) => columnsOf(findEntity(entity)),
		info: () => ({ url: api.url, size, seed, schools: schoolIds, accounts: accounts.map(({ username, password, note }) => ({ username, password, note })), entities: entityNames() }),
		audit: () => audit.slice(),
		clearAudit: () => {
			audit.length = 0;
		},
		requests: () => requests.slice(),
		clearRequests: () => {
			requests.length = 0;
		},
		injectFault: (rule) => {
			const known = ['delay', 'drip', 'html500', 'status503', 'malformed', 'truncate', 'reset', 'resetAfterApply', 'loginPageAfterApply', 'loginPage', 'fault'];
			if (!known.includes(rule.kind)) throw new Error(`Unknown fault kind "${rule.kind}". Known: ${known.join(', ')}`);
			faults.push({ times: 1, ...rule });
			return { ok: true, pending: faults.length };
		},
		clearFaults: () => {
			faults = [];
			return { ok: true };
		},
		changes: {
			addStudent: ({ schoolId, firstName = 'New', lastName = 'Student', yearGroup, consent = true } = {}) => {
				const s = requireSchool(schoolId);
				const y = Number(yearGroup ?? s.cfg.years[0]);
				const id = s.nextId++;
				const st = {
					kind: 'student',
					personId: id,
					title: null,
					first: firstName,
					middle: null,
					last: lastName,
					preferredFirst: firstName,
					gender: 'F',
					dob: Date.UTC(new Date(s.yearStart).getUTCFullYear() - y - 5, 3, 1),
					consent,
					upn: `N${String(id).padStart(12, '0')}`,
					admissionNumber: String(90000 + (id % 10000)).padStart(6, '0'),
					yearGroup: String(y),
					start: today(s),
					end: null,
					tutorIndex: 0,
					houseIndex: id % 4,
					setIndex: 0,
					noClasses: false,
					guid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
				};
				s.people.set(id, st);
				s.students.push(st);
				enrol(s, st, 'add');
				s.meals.set(id, { personId: id, balance: 0, mealType: 'Paid Meal' });
				touch(s);
				return { studentId: id };
			},
			updateStudent: ({ schoolId, studentId, ...fields }) => {
				const s = requireSchool(schoolId);
				const st = requireStudent(s, studentId);
				const map = { firstName: 'first', lastName: 'last', preferredFirstName: 'preferredFirst', middleName: 'middle', upn: 'upn' };
				for (const [k, v] of Object.entries(fields)) {
					if (!map[k]) throw new Error(`updateStudent cannot change "${k}"`);
					st[map[k]] = v;
				}
				touch(s);
				return { ok: true };
			},
			editContactEmail: ({ schoolId, personId, email }) => {
				const s = requireSchool(schoolId);
				if (!s.people.has(Number(personId))) throw new Error(`No person ${personId}`);
				const list = s.emails.filter((e) => e.personId === Number(personId)).sort((a, b) => a.priority - b.priority);
				if (list.length) list[0].address = email;
				else s.emails.push({ id: s.emails.reduce((m, e) => Math.max(m, e.id), 0) + 1, personId: Number(personId), address: email, type: 'Home', priority: 1 });
				touch(s);
				return { ok: true };
			},
			markLeaver: ({ schoolId, studentId }) => {
				const s = requireSchool(schoolId);
				const st = requireStudent(s, studentId);
				const end = today(s) - DAY;
				st.end = end;
				for (const a of s.associates) if (a.personId === st.personId && (a.end === null || a.end > end)) {
					a.end = end;
					a.endedByLeaving = true;
				}
				touch(s);
				return { ok: true, endDate: end };
			},
			restoreLeaver: ({ schoolId, studentId }) => {
				const s = requireSchool(schoolId);
				const st = requireStudent(s, studentId);
				st.end = null;
				for (const a of s.associates) if (a.personId === st.personId && a.endedByLeaving) {
					a.end = null;
					delete a.endedByLeaving;
				}
				touch(s);
				return { ok: true };
			},
			setConsent: ({ schoolId, personId, granted }) => {
				const s = requireSchool(schoolId);
				const p = s.people.get(Number(personId));
				if (!p) throw new Error(`No person ${personId}`);
				p.consent = Boolean(granted);
				touch(s);
				return { ok: true };
			},
			revokeConsent: ({ schoolId, personId }) => api.changes.setConsent({ schoolId, personId, granted: false }),
			setLawfulBasis: ({ schoolId, basis }) => {
				const s = requireSchool(schoolId);
				s.lawfulBasis = basis;
				touch(s);
				return { ok: true };
			},
			/** Pads (or stops padding) the code columns of every answer from now on. */
			setPadding: ({ on }) => {
				padCodes = on === true;
				return { ok: true, padCodes };
			},
			/** A new column, NULL in every row, as when Bromcom extends an entity. */
			addColumn: ({ entity, name, type = 'string' }) => {
				const e = findEntity(entity);
				addedColumns.set(e, [...(addedColumns.get(e) ?? []), [name, type]]);
				return { ok: true };
			},
			removeColumn: ({ entity, name }) => {
				const e = findEntity(entity);
				removedColumns.set(e, new Set([...(removedColumns.get(e) ?? []), name]));
				return { ok: true };
			},
			revokeEntity: ({ schoolId, username = 'sandbox', entity }) => {
				const s = requireSchool(schoolId);
				const key = `${s.id}:${username}`;
				if (!revoked.has(key)) revoked.set(key, new Set());
				revoked.get(key).add(String(entity).toLowerCase());
				return { ok: true };
			},
			grantEntity: ({ schoolId, username = 'sandbox', entity }) => {
				const s = requireSchool(schoolId);
				const set = revoked.get(`${s.id}:${username}`);
				if (set) set.delete(String(entity).toLowerCase());
				return { ok: true };
			},
			/**
			 * September rollover: the final year leaves, everyone else moves up a year with new tutor
			 * groups and class sets, and a new intake joins the first year.
			 */
			rollover: ({ schoolId } = {}) => {
				const s = requireSchool(schoolId);
				const years = s.cfg.years;
				const end = today(s) - DAY;
				const moved = [];
				for (const st of s.students.slice()) {
					if (st.end !== null && st.end < today(s)) continue;
					if (st.start > today(s)) continue;
					for (const a of s.associates) if (a.personId === st.personId && (a.end === null || a.end > end)) a.end = end;
					if (Number(st.yearGroup) === years[years.length - 1]) {
						st.end = end;
						continue;
					}
					st.yearGroup = String(Number(st.yearGroup) + 1);
					enrol(s, st, `rollover${s.version}`);
					moved.push(st.personId);
				}
				const intake = Math.max(1, Math.round(s.cfg.perYear / 2));
				const added = [];
				for (let i = 0; i < intake; i++) {
					const r = rng(seed, s.id, 'intake', s.version, i);
					added.push(api.changes.addStudent({ schoolId: s.id, firstName: r.pick(['Ada', 'Ben', 'Cara', 'Dev', 'Efa', 'Finn']), lastName: r.pick(['Intake', 'Newton', 'Starter']), yearGroup: years[0] }).studentId);
				}
				touch(s);
				return { moved: moved.length, joined: added.length };
			},
		},
		async start(port = 0, host = '127.0.0.1') {
			server = http.createServer((req, res) => {
				handle(req, res).catch((e) => {
					if (!res.headersSent) plain(res, 500, `Sandbox error: ${e.message}`);
					else res.destroy();
				});
			});
			server.on('connection', (socket) => {
				sockets.add(socket);
				socket.on('close', () => sockets.delete(socket));
			});
			await new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, resolve);
			});
			return api.url;
		},
		async stop() {
			if (!server) return;
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
			server = null;
		},
	};
	return api;
}

module.exports = { createSandbox, DEFAULT_ACCOUNTS, READ_OPERATIONS, WRITE_OPERATIONS, hashSeed };
