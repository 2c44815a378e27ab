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

const { DEFAULT_ACCOUNTS, READ_OPERATIONS, WRITE_OPERATIONS } = require('./contract');
const { hashSeed } = require('./data');
const { entityNames, findEntity } = require('./entities');
const { createFaults } = require('./faults');
const { createHandler, plain } = require('./http');
const { createChanges } = require('./mutations');
const { createOperations } = require('./operations');
const { createRest } = require('./rest');
const { createState } = require('./state');
const { compileFilter } = require('./tsql');

/**
 * The parts: state.js (schools, accounts, reads), operations.js (what each SOAP operation does),
 * mutations.js (changes over time), faults.js (injection), soap.js (request parsing), http.js
 * (routes, responses, admin). This file wires them into one sandbox and its test API.
 */
function createSandbox(options = {}) {
	const state = createState(options);
	const offsetMode = options.offsetMode || 'uk-local';
	const faults = createFaults();
	const audit = [];
	const requests = [];
	// Requests in flight per school, and the most seen at once: what politeness limits bound.
	const inFlight = new Map();
	const peak = new Map();
	const load = {
		/** Counts a request for `schoolId` until `res` closes. */
		begin(schoolId, res) {
			const id = Number(schoolId);
			if (!Number.isFinite(id)) return;
			const now = (inFlight.get(id) || 0) + 1;
			inFlight.set(id, now);
			if (now > (peak.get(id) || 0)) peak.set(id, now);
			res.once('close', () => inFlight.set(id, (inFlight.get(id) || 1) - 1));
		},
	};
	const rest = createRest({ state, faults, audit, requests, load }, options);
	let server = null;
	const sockets = new Set();

	const api = {
		get url() {
			return server ? `http://127.0.0.1:${server.address().port}` : undefined;
		},
		accounts: state.accounts,
		applications: state.applications,
		/** Partner API settings a test may change: `pageSize`, `paging` ('suffix' | 'next'). */
		rest: rest.settings,
		schoolIds: state.schoolIds,
		now: () => state.nowFn(),
		school: (id = state.schoolIds[0]) => state.requireSchool(id),
		/** Who a Bromcom person is across the trust: `<school>:<id>`, or the shared person's `trust:…` key. */
		identityOf: (schoolId, personId) => {
			const p = state.requireSchool(schoolId).people.get(Number(personId));
			return p ? p.globalKey : undefined;
		},
		/** Whether Bromcom withholds students and staff without consent (lawful basis Consent); on by default. */
		get withholdUnconsented() {
			return state.withholdUnconsented;
		},
		set withholdUnconsented(on) {
			state.withholdUnconsented = on;
		},
		/** Rows of an entity exactly as a permitted, unfiltered read returns them (for expected values in tests). */
		rows: (entity, schoolId = state.schoolIds[0], filter = '') => {
			const s = state.requireSchool(schoolId);
			const name = findEntity(entity);
			if (!name) throw new Error(`Unknown entity ${entity}`);
			return state.visibleRows(s, state.entityRows(s, name)).filter(
				compileFilter(filter, state.sqlColumns(name), {
					now: state.nowFn,
					dateFormat: state.dateFormat,
				}),
			);
		},
		columns: (entity) => state.columnsOf(findEntity(entity)),
		info: () => ({
			url: api.url,
			size: state.size,
			seed: state.seed,
			schools: state.schoolIds,
			accounts: state.accounts.map(({ username, password, note }) => ({
				username,
				password,
				note,
			})),
			entities: entityNames(),
		}),
		audit: () => audit.slice(),
		clearAudit: () => {
			audit.length = 0;
		},
		requests: () => requests.slice(),
		/** The most requests seen at once per school since the last reset: { 20001: 2, … }. */
		peakConcurrency: () => Object.fromEntries(peak),
		resetConcurrency: () => peak.clear(),
		clearRequests: () => {
			requests.length = 0;
		},
		injectFault: (rule) => faults.inject(rule),
		clearFaults: () => faults.clear(),
		changes: createChanges(state),
		async start(port = 0, host = '127.0.0.1') {
			const handle = createHandler({
				operations: createOperations(state, offsetMode),
				faults,
				api,
				audit,
				requests,
				offsetMode,
				httpGetEnabled: options.httpGet !== false,
				rest,
				load,
			});
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
