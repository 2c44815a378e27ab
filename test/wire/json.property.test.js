/**
 * The Partner API's streaming JSON reader against JSON.parse (the oracle), and the REST ↔ SOAP key
 * casing, as fast-check properties:
 * - any envelope, serialised with any indentation and fed in any chunks (down to 1 character, so
 *   every escape, surrogate pair and number is split somewhere), gives exactly JSON.parse's rows and
 *   members;
 * - any prefix of a document, and any document with a character changed, either reads as JSON.parse
 *   reads it or fails with a BromcomError — nothing else escapes;
 * - every Bromcom column name known to the package and the sandbox survives SOAP → REST → SOAP, and so
 *   does any PascalCase name whose second letter is lower case.
 */
const fc = require('fast-check');

const { JsonEnvelopeReader } = require('../../nodes/Bromcom/core/wire/json');
const { BromcomError } = require('../../nodes/Bromcom/core/wire/errors');
const { restKey, soapKey, KNOWN_COLUMNS } = require('../../nodes/Bromcom/core/casing');
const { ENTITIES } = require('../../sandbox/entities');
const { camel } = require('../../sandbox/rest');

const scalar = fc.oneof(
	fc.string({ unit: 'binary' }),
	fc.string(),
	fc.integer(),
	fc.double({ noNaN: true, noDefaultInfinity: true }),
	fc.boolean(),
	fc.constant(null),
	fc.constantFrom(
		'AM            ',
		'Yes',
		'No',
		'2026-11-18T09:15:00',
		'\\"}{][,:',
		'\u2028\ud83d\ude00',
	),
);
const value = fc.letrec((tie) => ({
	v: fc.oneof(
		{ depthSize: 'small' },
		scalar,
		scalar,
		scalar,
		fc.array(tie('v'), { maxLength: 3 }),
		fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 }),
	),
})).v;
const row = fc.dictionary(
	fc.oneof(fc.string(), fc.constantFrom('studentID', 'upn', '__proto__', 'data', 'success')),
	value,
	{ maxKeys: 6 },
);
const envelope = fc.record(
	{
		success: fc.boolean(),
		data: fc.oneof(fc.array(row, { maxLength: 12 }), row, fc.constant(null)),
		meta: fc.oneof(
			fc.constant({}),
			fc.record({ pagination: fc.record({ next: fc.oneof(fc.constant(null), fc.webUrl()) }) }),
		),
		message: fc.string(),
	},
	{ requiredKeys: ['data'] },
);

/** Splits `text` at the given cut points (sorted, deduplicated) into chunks. */
function chunked(text, cuts) {
	const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
	const out = [];
	let from = 0;
	for (const p of points) {
		out.push(text.slice(from, p));
		from = p;
	}
	out.push(text.slice(from));
	return out;
}

function readAll(chunks) {
	const reader = new JsonEnvelopeReader();
	const rows = [];
	for (const chunk of chunks) for (const r of reader.write(chunk)) rows.push(r);
	return { rows, ...reader.end() };
}

function expected(doc) {
	const data = doc.data;
	const rows = Array.isArray(data) ? data : data === null || data === undefined ? [] : [data];
	const { data: _data, ...members } = doc;
	return { rows, members };
}

test('any envelope, any indentation, any chunking: the rows and members JSON.parse gives', () => {
	fc.assert(
		fc.property(
			envelope,
			fc.constantFrom(undefined, 0, 1, 2, '\t', '\r\n '),
			fc.array(fc.nat(), { maxLength: 40 }),
			fc.boolean(),
			(doc, indent, cuts, singles) => {
				const text = JSON.stringify(doc, null, indent);
				const parsed = JSON.parse(text);
				const want = expected(parsed);
				const pieces = singles ? [...text] : chunked(text, cuts);
				const got = readAll(pieces);
				expect(got.rows).toEqual(want.rows);
				expect(got.members).toEqual(want.members);
				expect(got.hasData).toBe(true);
				// __proto__ stays data, never a prototype
				for (const r of got.rows) expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
			},
		),
		{ numRuns: 1500 },
	);
});

test('cut-off and corrupted documents: the same as JSON.parse, or a BromcomError — nothing else escapes', () => {
	let typed = 0;
	fc.assert(
		fc.property(
			envelope,
			fc.nat(),
			fc.oneof(
				fc.constant(''),
				fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', 'x', ' ', '\u0000'),
			),
			fc.array(fc.nat(), { maxLength: 8 }),
			(doc, at, replacement, cuts) => {
				const text = JSON.stringify(doc);
				const k = at % (text.length + 1);
				const broken =
					replacement === ''
						? text.slice(0, k)
						: text.slice(0, k) + replacement + text.slice(k + 1);
				let oracle;
				try {
					oracle = JSON.parse(broken);
				} catch {
					oracle = undefined;
				}
				try {
					const got = readAll(chunked(broken, cuts));
					// Accepted: it must be a real envelope JSON.parse agrees with.
					expect(oracle).toBeDefined();
					expect(got.rows).toEqual(expected(oracle).rows);
				} catch (error) {
					if (!(error instanceof BromcomError)) throw error;
					typed++;
					const isEnvelope =
						oracle !== null &&
						typeof oracle === 'object' &&
						!Array.isArray(oracle) &&
						(oracle.data === undefined ||
							oracle.data === null ||
							(typeof oracle.data === 'object' &&
								(!Array.isArray(oracle.data) ||
									oracle.data.every(
										(r) => r !== null && typeof r === 'object' && !Array.isArray(r),
									))));
					// Refused: JSON.parse must refuse it too, or it is not an envelope of rows.
					expect(oracle === undefined || !isEnvelope).toBe(true);
				}
			},
		),
		{ numRuns: 3000 },
	);
	expect(typed).toBeGreaterThan(500);
});

test('a body that is not JSON says what it is', () => {
	/** @type {Array<[string, RegExp]>} */
	const bodies = [
		['<!DOCTYPE html><html>', /web page \(HTML\)/],
		['<?xml version="1.0"?><soap:Envelope/>', /XML/],
		['', /empty body/],
		['Service Unavailable', /not JSON/],
	];
	for (const [body, what] of bodies) {
		const reader = new JsonEnvelopeReader();
		expect(() => {
			reader.write(body);
			reader.end();
		}).toThrow(what);
	}
});

test('one row of 1 MB in 1-character chunks is read in linear time', () => {
	const big = JSON.stringify({ success: true, data: [{ comment: 'x'.repeat(1 << 20), n: 1 }] });
	const started = Date.now();
	const reader = new JsonEnvelopeReader();
	let rows = 0;
	for (let k = 0; k < big.length; k += 1) rows += reader.write(big[k]).length;
	reader.end();
	expect(rows).toBe(1);
	// Quadratic work (re-scanning the pending text per chunk) would take minutes here.
	expect(Date.now() - started).toBeLessThan(20_000);
});

describe('casing', () => {
	test('the package and the sandbox agree on .NET camel-casing, and every known column survives the round trip', () => {
		const names = new Set(KNOWN_COLUMNS);
		for (const entity of Object.values(ENTITIES))
			for (const [name] of entity.columns) names.add(name);
		for (const name of names) {
			expect(restKey(name)).toBe(camel(name));
			expect(soapKey(restKey(name))).toBe(name);
		}
		expect(restKey('UPN')).toBe('upn');
		expect(restKey('LEAName')).toBe('leaName');
		expect(restKey('KS1MathsScaledScore')).toBe('kS1MathsScaledScore');
		expect(restKey('NCyearActual')).toBe('nCyearActual');
		expect(restKey('StudentID')).toBe('studentID');
	});

	test("any PascalCase name whose second letter is lower case survives SOAP → REST → SOAP, unless its REST key is a known column's", () => {
		// "Upn" and "UPN" share the REST key "upn": the known column wins (the rule in core/casing.ts).
		const taken = new Set(KNOWN_COLUMNS.map(restKey));
		expect(soapKey(restKey('Upn'))).toBe('UPN');
		fc.assert(
			fc.property(fc.stringMatching(/^[A-Z][a-z][A-Za-z0-9_]{0,20}$/), (name) => {
				fc.pre(!taken.has(restKey(name)));
				return soapKey(restKey(name)) === name;
			}),
			{ numRuns: 2000 },
		);
		// Found by this property once: "Id" must not come back as "ID" (no known column is named ID).
		expect(soapKey(restKey('Id'))).toBe('Id');
	});
});
