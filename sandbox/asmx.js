'use strict';
/**
 * What an ASP.NET ASMX service writes: DataSets (inline xs:schema + diffgram, one line), SOAP 1.1/1.2
 * envelopes, HTTP POST/GET wrappers, faults, and the service description (WSDL).
 * Shapes follow docs/bromcom-facts.md, Response shape and Errors.
 */
const { ukOffsetOfWallClock } = require('./data');

const TEMPURI = 'http://tempuri.org/';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const GUID_TYPE =
	'System.Guid, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';

function escapeText(s) {
	return s.replace(/[&<>\r]/g, (c) =>
		c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;',
	);
}

function escapeAttr(s) {
	return escapeText(s).replace(/"/g, '&quot;');
}

/** XmlConvert.EncodeLocalName for DataSet column names. */
function encodeName(name) {
	let out = '';
	for (let i = 0; i < name.length; i++) {
		const ch = name[i];
		const ok = i === 0 ? /[A-Za-z_]/.test(ch) : /[A-Za-z0-9_.-]/.test(ch);
		const looksLikeEscape = ch === '_' && /^_x[0-9A-Fa-f]{4}_/.test(name.slice(i));
		out +=
			ok && !looksLikeEscape
				? ch
				: `_x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
	}
	return out;
}

function xsType(type) {
	if (type === 'int') return 'xs:int';
	if (type === 'datetime') return 'xs:dateTime';
	if (type === 'bit') return 'xs:boolean';
	if (type === 'float') return 'xs:double';
	if (type.startsWith('decimal')) return 'xs:decimal';
	return 'xs:string';
}

function schemaXml(columns) {
	const cols = columns
		.map(
			([name, type]) =>
				`<xs:element name="${encodeName(name)}"${type === 'guid' ? ` msdata:DataType="${GUID_TYPE}"` : ''} type="${xsType(type)}" minOccurs="0" />`,
		)
		.join('');
	return (
		'<xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata">' +
		'<xs:element name="NewDataSet" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">' +
		`<xs:element name="Table"><xs:complexType><xs:sequence>${cols}</xs:sequence></xs:complexType></xs:element>` +
		'</xs:choice></xs:complexType></xs:element></xs:schema>'
	);
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/**
 * A datetime as .NET's DataSet writes it (DateTimeMode UnspecifiedLocal): the value, then the server's
 * local offset for that value; fractional seconds only when non-zero, trailing zeros trimmed.
 * `offsetMode` 'uk-local' (a UK server) or 'utc' (a server on UTC) — the real one is UNKNOWN (docs/bromcom-facts.md, Column types).
 */
function formatDateTime(wall, offsetMode) {
	const d = new Date(wall);
	let text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	const ms = d.getUTCMilliseconds();
	if (ms) text += `.${pad(ms, 3)}`.replace(/0+$/, '');
	const offset = offsetMode === 'utc' ? 0 : ukOffsetOfWallClock(wall);
	return `${text}${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

function formatValue(value, type, offsetMode) {
	if (type === 'datetime') return formatDateTime(value, offsetMode);
	if (type === 'bit') return value ? 'true' : 'false';
	if (type.startsWith('decimal:')) return Number(value).toFixed(Number(type.slice(8)));
	if (type === 'int' || type === 'float') return String(value);
	return String(value);
}

/** Writes one row; NULL columns are omitted, as DataSet.WriteXml does. */
function rowXml(columns, encoded, row, index, offsetMode, dateCache) {
	let out = `<Table diffgr:id="Table${index + 1}" msdata:rowOrder="${index}">`;
	for (let i = 0; i < columns.length; i++) {
		const [name, type] = columns[i];
		const value = row[name];
		if (value === null || value === undefined) continue;
		const tag = encoded[i];
		if (type === 'datetime') {
			let text = dateCache.get(value);
			if (text === undefined) {
				text = formatDateTime(value, offsetMode);
				dateCache.set(value, text);
			}
			out += `<${tag}>${text}</${tag}>`;
			continue;
		}
		const text = formatValue(value, type, offsetMode);
		if (text.length === 0) out += `<${tag} />`;
		else if (text.trim().length === 0)
			out += `<${tag} xml:space="preserve">${escapeText(text)}</${tag}>`;
		else out += `<${tag}>${escapeText(text)}</${tag}>`;
	}
	return `${out}</Table>`;
}

const DIFFGRAM_OPEN =
	'<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1">';

/**
 * The DataSet body as a sequence of string chunks (schema, then rows in batches), so a large result
 * is streamed to the socket instead of built as one string.
 */
function* dataSetChunks(columns, rows, offsetMode, batch = 500) {
	yield schemaXml(columns);
	if (rows.length === 0) {
		// Empty result: schema plus a self-closing diffgram (docs/bromcom-facts.md, Column types).
		yield '<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1" />';
		return;
	}
	yield `${DIFFGRAM_OPEN}<NewDataSet xmlns="">`;
	const encoded = columns.map(([name]) => encodeName(name));
	const dateCache = new Map();
	for (let i = 0; i < rows.length; i += batch) {
		let chunk = '';
		const end = Math.min(rows.length, i + batch);
		for (let k = i; k < end; k++)
			chunk += rowXml(columns, encoded, rows[k], k, offsetMode, dateCache);
		yield chunk;
	}
	yield '</NewDataSet></diffgr:diffgram>';
}

function envelopeOpen(version) {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${version === '1.2' ? SOAP12 : SOAP11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>`;
}
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

/** Chunks of a complete response body for a result, in the binding's wrapper. */
function* responseChunks(binding, operation, result, offsetMode) {
	const soap = binding === 'soap11' || binding === 'soap12';
	if (soap)
		yield `${envelopeOpen(binding === 'soap12' ? '1.2' : '1.1')}<${operation}Response xmlns="${TEMPURI}"><${operation}Result>`;
	if (result.type === 'dataset') {
		if (!soap) yield `<?xml version="1.0" encoding="utf-8"?><DataSet xmlns="${TEMPURI}">`;
		yield* dataSetChunks(result.columns, result.rows, offsetMode);
		if (!soap) yield '</DataSet>';
	} else {
		const text =
			result.type === 'boolean'
				? result.value
					? 'true'
					: 'false'
				: escapeText(String(result.value));
		if (soap) yield text;
		else
			yield `<?xml version="1.0" encoding="utf-8"?><${result.type} xmlns="${TEMPURI}">${text}</${result.type}>`;
	}
	if (soap) yield `</${operation}Result></${operation}Response>${ENVELOPE_CLOSE}`;
}

/**
 * A SOAP fault as ASMX writes it. `code` is 'Client' or 'Server'; server-side exceptions get ASMX's
 * "Server was unable to process request. --->" prefix unless `raw` (a SoapException thrown by code).
 */
function faultXml(version, code, message, raw = false) {
	const text = escapeText(raw ? message : `Server was unable to process request. ---> ${message}`);
	if (version === '1.2') {
		const value = code === 'Client' ? 'soap:Sender' : 'soap:Receiver';
		return `${envelopeOpen('1.2')}<soap:Fault><soap:Code><soap:Value>${value}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">${text}</soap:Text></soap:Reason><soap:Detail /></soap:Fault>${ENVELOPE_CLOSE}`;
	}
	return `${envelopeOpen('1.1')}<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${text}</faultstring><detail /></soap:Fault>${ENVELOPE_CLOSE}`;
}

// ---- WSDL -----------------------------------------------------------------------------------------

const XS_PARAM = {
	int: 's:int',
	string: 's:string',
	decimal: 's:decimal',
	dateTime: 's:dateTime',
	boolean: 's:boolean',
};

function wsdl(serviceName, operations, location) {
	const ops = Object.entries(operations);
	const paramXml = (params) =>
		params
			.map(([name, type]) =>
				type === 'string'
					? `<s:element minOccurs="0" maxOccurs="1" name="${name}" type="s:string" />`
					: `<s:element minOccurs="1" maxOccurs="1" name="${name}" type="${XS_PARAM[type]}" />`,
			)
			.join('');
	const resultXml = (op, returns) =>
		returns === 'dataset'
			? `<s:element minOccurs="0" maxOccurs="1" name="${op}Result"><s:complexType><s:sequence><s:element ref="s:schema" /><s:any /></s:sequence></s:complexType></s:element>`
			: `<s:element minOccurs="${returns === 'string' ? 0 : 1}" maxOccurs="1" name="${op}Result" type="${XS_PARAM[returns]}" />`;
	const types = ops
		.map(
			([op, def]) =>
				`<s:element name="${op}"><s:complexType><s:sequence>${paramXml(def.params)}</s:sequence></s:complexType></s:element><s:element name="${op}Response"><s:complexType><s:sequence>${resultXml(op, def.returns)}</s:sequence></s:complexType></s:element>`,
		)
		.join('');
	const httpTypes = [...new Set(ops.map(([, d]) => d.returns))]
		.map((r) =>
			r === 'dataset'
				? '<s:element name="DataSet" nillable="true"><s:complexType><s:sequence><s:element ref="s:schema" /><s:any /></s:sequence></s:complexType></s:element>'
				: `<s:element name="${r}" type="${XS_PARAM[r]}" />`,
		)
		.join('');
	const messages = ops
		.map(([op, def]) => {
			const httpParts = def.params
				.map(([name]) => `<wsdl:part name="${name}" type="s:string" />`)
				.join('');
			const out = def.returns === 'dataset' ? 'tns:DataSet' : `tns:${def.returns}`;
			return (
				`<wsdl:message name="${op}SoapIn"><wsdl:part name="parameters" element="tns:${op}" /></wsdl:message>` +
				`<wsdl:message name="${op}SoapOut"><wsdl:part name="parameters" element="tns:${op}Response" /></wsdl:message>` +
				`<wsdl:message name="${op}HttpGetIn">${httpParts}</wsdl:message><wsdl:message name="${op}HttpGetOut"><wsdl:part name="Body" element="${out}" /></wsdl:message>` +
				`<wsdl:message name="${op}HttpPostIn">${httpParts}</wsdl:message><wsdl:message name="${op}HttpPostOut"><wsdl:part name="Body" element="${out}" /></wsdl:message>`
			);
		})
		.join('');
	const portType = (suffix, kind) =>
		`<wsdl:portType name="${serviceName}${suffix}">${ops.map(([op]) => `<wsdl:operation name="${op}"><wsdl:input message="tns:${op}${kind}In" /><wsdl:output message="tns:${op}${kind}Out" /></wsdl:operation>`).join('')}</wsdl:portType>`;
	const soapBinding = (name, ns) =>
		`<wsdl:binding name="${serviceName}${name}" type="tns:${serviceName}Soap"><${ns}:binding transport="http://schemas.xmlsoap.org/soap/http" />${ops
			.map(
				([op]) =>
					`<wsdl:operation name="${op}"><${ns}:operation soapAction="${TEMPURI}${op}" style="document" /><wsdl:input><${ns}:body use="literal" /></wsdl:input><wsdl:output><${ns}:body use="literal" /></wsdl:output></wsdl:operation>`,
			)
			.join('')}</wsdl:binding>`;
	const httpBinding = (name, verb) =>
		`<wsdl:binding name="${serviceName}${name}" type="tns:${serviceName}${name}"><http:binding verb="${verb}" />${ops
			.map(
				([op]) =>
					`<wsdl:operation name="${op}"><http:operation location="/${op}" /><wsdl:input>${verb === 'GET' ? '<http:urlEncoded />' : '<mime:content type="application/x-www-form-urlencoded" />'}</wsdl:input><wsdl:output><mime:mimeXml part="Body" /></wsdl:output></wsdl:operation>`,
			)
			.join('')}</wsdl:binding>`;
	return (
		'<?xml version="1.0" encoding="utf-8"?>' +
		`<wsdl:definitions xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tm="http://microsoft.com/wsdl/mime/textMatching/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:tns="${TEMPURI}" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" targetNamespace="${TEMPURI}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">` +
		`<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="${TEMPURI}">${types}${httpTypes}</s:schema></wsdl:types>` +
		messages +
		portType('Soap', 'Soap') +
		portType('HttpGet', 'HttpGet') +
		portType('HttpPost', 'HttpPost') +
		soapBinding('Soap', 'soap') +
		soapBinding('Soap12', 'soap12') +
		httpBinding('HttpGet', 'GET') +
		httpBinding('HttpPost', 'POST') +
		`<wsdl:service name="${serviceName}">` +
		`<wsdl:port name="${serviceName}Soap" binding="tns:${serviceName}Soap"><soap:address location="${location}" /></wsdl:port>` +
		`<wsdl:port name="${serviceName}Soap12" binding="tns:${serviceName}Soap12"><soap12:address location="${location}" /></wsdl:port>` +
		`<wsdl:port name="${serviceName}HttpGet" binding="tns:${serviceName}HttpGet"><http:address location="${location}" /></wsdl:port>` +
		`<wsdl:port name="${serviceName}HttpPost" binding="tns:${serviceName}HttpPost"><http:address location="${location}" /></wsdl:port>` +
		'</wsdl:service></wsdl:definitions>'
	);
}

module.exports = {
	TEMPURI,
	SOAP11,
	SOAP12,
	escapeText,
	escapeAttr,
	encodeName,
	schemaXml,
	dataSetChunks,
	responseChunks,
	faultXml,
	formatDateTime,
	wsdl,
};
