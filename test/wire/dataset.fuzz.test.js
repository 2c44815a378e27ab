/**
 * Differential fuzzing of the DataSet extractor against fast-xml-parser.
 * Documents are written by the sandbox's ASMX writer (an independent implementation of the format),
 * with random columns, types, names needing .NET encoding, hostile text, NULLs, envelopes,
 * whitespace and chunking. Mutated documents must give either the same rows or a typed error.
 */
const fc = require('fast-check');
const { parseDataSet, DataSetReader } = require('../../nodes/Bromcom/wire/dataset');
const { BromcomError } = require('../../nodes/Bromcom/wire/errors');
const asmx = require('../../sandbox/asmx');
const { oracleParse } = require('../helpers/oracle');

const TYPES = ['int', 'string', 'datetime', 'bit', 'decimal:2', 'decimal:4', 'float', 'guid'];

// Text an XML 1.0 document can carry (the .NET writer refuses the rest).
const xmlChar = fc.oneof(
	{ weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 _-.,'.split('')) },
	{ weight: 2, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', ']]>', '&amp;', 'â', 'ë', 'ŵ', 'ß', '中', '😀', '\u00a0', '\u2028') },
);
const xmlText = fc.array(xmlChar, { maxLength: 12 }).map((a) => a.join(''));

const columnName = fc.oneof(
	{ weight: 4, arbitrary: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/) },
	{ weight: 1, arbitrary: fc.constantFrom('First Name', '2ndContact', 'Email/Home', 'Café', 'A_x0020_B', 'x-y', 'Mark%') },
);

function valueFor(type) {
	switch (type) {
		case 'int':
			return fc.integer({ min: -2147483648, max: 2147483647 });
		case 'string':
			return fc.oneof(xmlText, fc.constantFrom('', '   ', '\t\n', "O'Brien", 'Siân', 'Zoë'));
		case 'datetime':
			return fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => ms - (ms % 10));
		case 'bit':
			return fc.boolean();
		case 'decimal:2':
			return fc.integer({ min: -99999999, max: 99999999 }).map((n) => n / 100);
		case 'decimal:4':
			return fc.integer({ min: -999999999, max: 999999999 }).map((n) => n / 10000);
		case 'float':
			return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });
		default:
			return fc.uuid();
	}
}

const table = fc
	.uniqueArray(fc.record({ name: columnName, type: fc.constantFrom(...TYPES) }), { minLength: 1, maxLength: 8, selector: (c) => c.name.toLowerCase() })
	.chain((columns) =>
		fc.record({
			columns: fc.constant(columns.map((c) => [c.name, c.type])),
			rows: fc.array(fc.tuple(...columns.map((c) => fc.option(valueFor(c.type), { freq: 4 }))), { maxLength: 12 }).map((rows) =>
				rows.map((values) => Object.fromEntries(columns.map((c, i) => [c.name, values[i]]))),
			),
			binding: fc.constantFrom('soap11', 'soap12', 'form'),
			offsetMode: fc.constantFrom('uk-local', 'utc'),
			pretty: fc.boolean(),
			chunk: fc.integer({ min: 1, max: 300 }),
		}),
	);

function documentOf(t) {
	let xml = [...asmx.responseChunks(t.binding, 'getEntityDataBySchoolID', { type: 'dataset', columns: t.columns, rows: t.rows }, t.offsetMode)].join('');
	if (t.pretty) xml = xml.replace(/<\/Table>/g, '</Table>\n  ').replace(/(<Table [^>]*>)/g, '\n  $1\n    ');
	return xml;
}

function chunked(xml, size) {
	const reader = new DataSetReader();
	const rows = [];
	for (let i = 0; i < xml.length; i += size) rows.push(...reader.write(xml.slice(i, i + size)));
	reader.end();
	return rows;
}

describe('DataSet extractor vs fast-xml-parser', () => {
	test('same columns and rows on 1,000 generated documents, in one pass and in random chunks', () => {
		fc.assert(
			fc.property(table, (t) => {
				const xml = documentOf(t);
				const ours = parseDataSet(xml);
				const oracle = oracleParse(xml);
				expect(ours.columns.map((c) => c.name)).toEqual(oracle.columns);
				expect(ours.columns.map((c) => c.name)).toEqual(t.columns.map(([n]) => n));
				expect(ours.rows).toEqual(oracle.rows);
				expect(chunked(xml, t.chunk)).toEqual(ours.rows);
			}),
			{ numRuns: 1000 },
		);
	});

	test('1,000 mutated documents: the same rows as the oracle, or a typed error; never a crash or a hang', () => {
		const mutation = fc.record({
			kind: fc.constantFrom('truncate', 'delete', 'insert', 'swap', 'duplicateTag'),
			at: fc.double({ min: 0, max: 1, noNaN: true }),
			length: fc.integer({ min: 1, max: 20 }),
			text: fc.constantFrom('<', '>', '&', '</', '<Table>', '/>', '"', 'x', '<![CDATA[', ']]>', '&#;', '&#x110000;', '\u0000'),
		});
		let typedErrors = 0;
		let agreed = 0;
		fc.assert(
			fc.property(table, mutation, (t, m) => {
				const xml = documentOf(t);
				const pos = Math.floor(m.at * xml.length);
				let mutated;
				if (m.kind === 'truncate') mutated = xml.slice(0, pos);
				else if (m.kind === 'delete') mutated = xml.slice(0, pos) + xml.slice(pos + m.length);
				else if (m.kind === 'insert') mutated = xml.slice(0, pos) + m.text + xml.slice(pos);
				else if (m.kind === 'swap') mutated = xml.slice(0, pos) + xml.slice(pos + 1, pos + 2) + xml.slice(pos, pos + 1) + xml.slice(pos + 2);
				else mutated = xml.replace('</Table>', '</Table></Table>');
				const started = Date.now();
				let ours;
				try {
					ours = parseDataSet(mutated);
				} catch (e) {
					if (!(e instanceof BromcomError)) throw new Error(`untyped error ${e && e.stack}`);
					typedErrors++;
					return;
				} finally {
					expect(Date.now() - started).toBeLessThan(2000);
				}
				// Accepted: a mutation in a place that does not change the data (or that the oracle
				// reads the same way) must still give exactly the oracle's rows.
				let oracle;
				try {
					oracle = oracleParse(mutated);
				} catch {
					oracle = undefined;
				}
				if (oracle && oracle.columns.join('|') === ours.columns.map((c) => c.name).join('|')) {
					expect(ours.rows).toEqual(oracle.rows);
					agreed++;
				}
			}),
			{ numRuns: 1000 },
		);
		expect(typedErrors).toBeGreaterThan(100);
		expect(agreed).toBeGreaterThan(50);
	});
});
