'use strict';
/**
 * A hostile HTTP(S) server on 127.0.0.1 for the client's fault matrix. Each test sets `server.handle`
 * (req, res, n) to answer the n-th request however a broken network, proxy or server would; the server
 * counts requests, records the bytes it wrote and whether the client hung up early.
 *
 * Bodies come from the sandbox's ASMX writer (sandbox/asmx.js), the project's independent oracle.
 */
const http = require('node:http');
const https = require('node:https');

const asmx = require('../../sandbox/asmx');

/** @param {{ tls?: { key: Buffer | string, cert: Buffer | string } }} [options] */
function createHostile({ tls } = {}) {
	const sockets = new Set();
	const state = {
		count: 0,
		bodies: [],
		bytesWritten: 0,
		clientClosedEarly: false,
		/** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, count: number) => any} */
		handle: (_req, res) => {
			res.statusCode = 500;
			res.end('no handler');
		},
	};
	const onRequest = async (req, res) => {
		const chunks = [];
		for await (const c of req) chunks.push(c);
		state.count++;
		state.bodies.push(Buffer.concat(chunks).toString('utf8'));
		const write = res.write.bind(res);
		res.write = (chunk, ...rest) => {
			state.bytesWritten += Buffer.byteLength(chunk);
			return write(chunk, ...rest);
		};
		res.on('close', () => {
			if (!res.writableFinished) state.clientClosedEarly = true;
		});
		try {
			await state.handle(req, res, state.count);
		} catch {
			res.destroy();
		}
	};
	const server = tls
		? https.createServer({ key: tls.key, cert: tls.cert }, onRequest)
		: http.createServer(onRequest);
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	server.on('secureConnection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	return {
		state,
		set handle(fn) {
			state.handle = fn;
		},
		reset() {
			state.count = 0;
			state.bodies = [];
			state.bytesWritten = 0;
			state.clientClosedEarly = false;
		},
		async start() {
			await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
			return `${tls ? 'https' : 'http'}://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
		},
		async stop() {
			for (const s of sockets) s.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

const COLUMNS = [
	['StudentID', 'int'],
	['FirstName', 'string'],
	['LastName', 'string'],
];

/** A complete SOAP 1.1 getEntityDataBySchoolID answer holding `rows`, as one string. */
function dataSetResponse(rows, columns = COLUMNS, operation = 'getEntityDataBySchoolID') {
	return [
		...asmx.responseChunks('soap11', operation, { type: 'dataset', columns, rows }, 'utc'),
	].join('');
}

/** The chunks of such an answer (schema, then rows in batches), for streaming large ones. */
function dataSetChunks(rows, columns = COLUMNS, operation = 'getEntityDataBySchoolID') {
	return asmx.responseChunks('soap11', operation, { type: 'dataset', columns, rows }, 'utc');
}

function faultResponse(message, { raw = false } = {}) {
	return asmx.faultXml('1.1', 'Server', message, raw);
}

function students(n, offset = 0) {
	return Array.from({ length: n }, (_, i) => ({
		StudentID: offset + i + 1,
		FirstName: `First${offset + i + 1}`,
		LastName: `Last${offset + i + 1}`,
	}));
}

module.exports = {
	createHostile,
	dataSetResponse,
	dataSetChunks,
	faultResponse,
	students,
	COLUMNS,
};
