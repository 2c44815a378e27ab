'use strict';
/**
 * Reading requests as ASMX does: a SOAP 1.1 / 1.2 envelope (routed by SOAPAction, the `action=`
 * parameter or the body element), or the HTTP POST/GET form binding. Parameters outside the service
 * namespace are ignored and names are case-sensitive, as XmlSerializer does; a value that does not
 * convert fails with ASMX's "Server was unable to read request" fault.
 */
const { XMLParser } = require('fast-xml-parser');

const asmx = require('./asmx');
const { FaultError } = require('./contract');
const { ukWallClock } = require('./data');

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@_',
	removeNSPrefix: false,
	parseTagValue: false,
	trimValues: false,
	processEntities: true,
	htmlEntities: false,
});

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
	return new FaultError(
		`Server was unable to read request. ---> There is an error in XML document (1, 1). ---> ${detail}`,
		{ code: 'Client', raw: true },
	);
}

function convertParam(type, text, name, binding) {
	if (type === 'string') return text;
	const t = text.trim();
	if (type === 'int') {
		if (!/^[+-]?\d+$/.test(t)) {
			if (binding === 'form')
				throw new FaultError(
					`Cannot convert ${text} to System.Int32.\r\nParameter name: type ---> Input string was not in a correct format.`,
					{ raw: true },
				);
			throw readError('Input string was not in a correct format.');
		}
		return Number(t);
	}
	if (type === 'decimal') {
		if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t))
			throw readError('Input string was not in a correct format.');
		return Number(t);
	}
	if (type === 'dateTime') {
		const m =
			/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
				t,
			);
		if (!m) throw readError(`The string '${text}' is not a valid AllXsd value.`);
		let wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
		if (m[7]) {
			// A value with a zone is converted to the server's local time, as XmlSerializer does.
			const offset =
				m[7] === 'Z'
					? 0
					: (m[7][0] === '-' ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4, 6)));
			wall = ukWallClock(wall - offset * 60000);
		}
		return wall;
	}
	return text;
}

function paramsFromSoap(def, opNode, opScope) {
	const params = {};
	for (const [name, type] of def.params)
		params[name] = type === 'string' ? null : type === 'int' ? 0 : null;
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
	if (!root || (root.ns !== asmx.SOAP11 && root.ns !== asmx.SOAP12))
		throw readError('The root element is not a SOAP envelope.');
	const version = root.ns === asmx.SOAP12 ? '1.2' : '1.1';
	const bodyNode = elementChildren(root.value, root.scope).find(
		(c) => c.local === 'Body' && c.ns === root.ns,
	);
	const opNode = bodyNode ? elementChildren(bodyNode.value, bodyNode.scope)[0] : undefined;
	let operation = actionHint;
	if (!operation) {
		if (!opNode || opNode.ns !== asmx.TEMPURI || !service.operations[opNode.local]) {
			throw new FaultError(
				`Unable to handle request without a valid action parameter. Please supply a valid soap action.`,
				{ code: 'Client', raw: true },
			);
		}
		operation = opNode.local;
	}
	const def = service.operations[operation];
	if (!opNode || opNode.local !== operation || opNode.ns !== asmx.TEMPURI) {
		throw readError(
			`<${opNode ? opNode.local : 'Body'} xmlns='${opNode ? opNode.ns || '' : ''}'> was not expected.`,
		);
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

module.exports = { parseSoap, paramsFromForm, convertParam, readError };
