/**
 * The differential oracle: reads a DataSet with fast-xml-parser (a general, independent XML parser)
 * and applies the typing rules written out again here, separately from the product's code.
 * If the product's purpose-built extractor and this disagree on any document, one of them is wrong.
 */
const { XMLParser } = require('fast-xml-parser');

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@_',
	removeNSPrefix: true,
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: false,
	processEntities: true,
	// Decodes numeric character references (&#xD;); XML itself requires them.
	htmlEntities: true,
	isArray: (name) => name === 'element',
	// Processing instructions carry no data.
	ignorePiTags: true,
});

// XmlConvert's _xHHHH_ / _xHHHHHHHH_ escapes; an escape naming no character (past U+10FFFF, or a
// lone surrogate) is kept as sent.
function decodeName(name) {
	return name.replace(/_x([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8})_/g, (m, h) => {
		const code = parseInt(h, 16);
		return code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? m : String.fromCodePoint(code);
	});
}

// `__proto__` is a column like any other, never the prototype.
function put(row, key, value) {
	Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
}

function typed(text, xsType) {
	const t = xsType.replace(/^.*:/, '');
	// 64-bit and unbounded integers: strings, whatever their size (one type per column).
	if (['long', 'unsignedLong', 'integer'].includes(t)) return text === '' ? null : text;
	if (['int', 'short', 'byte', 'unsignedByte', 'unsignedShort', 'unsignedInt'].includes(t)) {
		if (text === '') return null;
		const n = Number(text);
		return Number.isSafeInteger(n) && text.trim() === text ? n : text;
	}
	if (t === 'decimal') {
		if (text === '') return null;
		const m = /^[+-]?(\d+)(?:\.(\d+))?$/.exec(text);
		if (!m) return text;
		// Trailing zeros of the fraction are not significant digits.
		return (m[1] + (m[2] || '').replace(/0+$/, '')).replace(/^0+/, '').length <= 15
			? Number(text)
			: text;
	}
	if (t === 'double' || t === 'float') {
		if (text === '') return null;
		const n = Number(text);
		return ['INF', '-INF', 'NaN'].includes(text) || !Number.isFinite(n) ? text : n;
	}
	if (t === 'boolean') {
		if (text === '') return null;
		return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
	}
	return text;
}

function find(node, key) {
	if (!node || typeof node !== 'object') return undefined;
	if (key in node) return node[key];
	for (const k of Object.keys(node)) {
		if (k.startsWith('@_')) continue;
		const found = find(node[k], key);
		if (found !== undefined) return found;
	}
	return undefined;
}

function oracleParse(xml) {
	const doc = parser.parse(xml);
	const schema = find(doc, 'schema');
	const dataSetElement = schema.element[0];
	const tables = dataSetElement.complexType.choice.element.map((t) => ({
		xmlName: t['@_name'],
		columns: (t.complexType.sequence.element || []).map((c) => ({
			xmlName: c['@_name'],
			name: c['@_ColumnName'] || decodeName(c['@_name']),
			type: c['@_type'] || 'xs:string',
		})),
	}));
	const diffgram = find(doc, 'diffgram');
	const dataSet =
		diffgram && typeof diffgram === 'object' ? diffgram[dataSetElement['@_name']] : undefined;
	const rows = [];
	const table = tables[0];
	let list = dataSet && typeof dataSet === 'object' ? dataSet[table.xmlName] : undefined;
	if (list !== undefined && !Array.isArray(list)) list = [list];
	for (const raw of list || []) {
		const row = {};
		for (const c of table.columns) {
			let v =
				raw && typeof raw === 'object' && Object.prototype.hasOwnProperty.call(raw, c.xmlName)
					? raw[c.xmlName]
					: undefined;
			if (v === undefined) {
				put(row, c.name, null);
				continue;
			}
			if (typeof v === 'object' && v !== null && v['@_nil'] === 'true') {
				put(row, c.name, null);
				continue;
			}
			if (typeof v === 'object') v = v['#text'] === undefined ? '' : String(v['#text']);
			put(row, c.name, typed(String(v), c.type));
		}
		// Elements the schema does not declare are kept as text (the product's rule: lose nothing).
		const declared = new Set(table.columns.map((c) => c.xmlName));
		for (const key of Object.keys(raw && typeof raw === 'object' ? raw : {})) {
			if (key.startsWith('@_') || key.startsWith('?') || key === '#text' || declared.has(key))
				continue;
			const v = raw[key];
			put(
				row,
				decodeName(key),
				typeof v === 'object'
					? v['@_nil'] === 'true'
						? null
						: v['#text'] === undefined
							? ''
							: String(v['#text'])
					: String(v),
			);
		}
		rows.push(row);
	}
	return { columns: table.columns.map((c) => c.name), rows };
}

module.exports = { oracleParse };
