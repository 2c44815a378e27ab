'use strict';
/**
 * Differential fuzzing of the Partner API's streaming JSON reader (core/wire/json.ts) against
 * JSON.parse, shared by `npm test` (fixed seeds) and `npm run fuzz` (long runs, new seeds).
 *
 * Documents are written by a serialiser of this file's own, not by JSON.stringify: random whitespace
 * between tokens, member names and strings with every kind of escape (\uXXXX for any character, each
 * half of a surrogate pair escaped or raw, `\/`), "data" sometimes spelled with escapes, members in
 * any order, numbers at the edges of the format (-0, 1e309, 5e-324, 2^53 + 1, 30 digits), nesting
 * hundreds of levels deep, a byte-order mark. Each is read three ways: in one piece, in random
 * character chunks (1 character up, so escapes and surrogate pairs are split), and as UTF-8 bytes cut
 * anywhere through the transport's decoder (transport/utf8.ts), as a socket hands it over.
 *
 * The oracle is JSON.parse. Where the reader and JSON.parse may differ, the reason is one of these,
 * each counted in the stats (anything else is a failure):
 * - notAnEnvelope: the text is JSON but not an object (`[]`, `"x"`, `1`): not a Partner API answer.
 * - dataNotRows: `data` is neither an array of objects, one object, nor null.
 * - duplicateData: two `data` members; JSON.parse keeps the last, the reader refuses the answer
 *   (rows of the first may already have been handed on, and which one a server meant is unknown).
 * - the byte-order mark: one at the very start of a body is not part of the JSON (RFC 8259 §8.1 lets
 *   a parser ignore it; the transport's decoder drops it, as TextDecoder does), so the oracle reads
 *   the text after it. Anywhere else it is not JSON whitespace, for both.
 * A document cut short must fail as cut off (`transient`, so the read is retried), never as malformed.
 */
const fc = require('fast-check');
const { JsonEnvelopeReader } = require('../../nodes/Bromcom/core/wire/json');
const { BromcomError } = require('../../nodes/Bromcom/core/wire/errors');
const { Utf8StreamDecoder } = require('../../nodes/Bromcom/transport/utf8');

/** A small deterministic PRNG for formatting choices and chunk sizes. */
function prng(seed) {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 4294967296;
	};
}

const NUMBERS = [
	'0',
	'-0',
	'0.0',
	'-0.0e0',
	'1',
	'-1',
	'0.1',
	'1E+2',
	'1e-2',
	'1e308',
	'1.7976931348623157e308',
	'1e309',
	'-1e309',
	'5e-324',
	'1e-400',
	'2.2250738585072014e-308',
	'9007199254740991',
	'9007199254740993',
	'-9007199254740993',
	'123456789012345678901234567890',
	'0.30000000000000004',
	'12.50',
];

const specialChar = fc.constantFrom(
	'"',
	'\\',
	'/',
	'\b',
	'\f',
	'\n',
	'\r',
	'\t',
	'\u0000',
	'\u001f',
	'\u007f',
	'\u2028',
	'\u2029',
	'\ufeff',
	'é',
	'中',
	'😀',
	'\ud83d',
	'\ude00',
	'{',
	'}',
	'[',
	']',
	',',
	':',
	' ',
);
const text = fc
	.array(
		fc.oneof(
			{ weight: 3, arbitrary: fc.string({ maxLength: 4 }) },
			{ weight: 2, arbitrary: specialChar },
		),
		{
			maxLength: 6,
		},
	)
	.map((parts) => parts.join(''));
const name = fc.oneof(
	{ weight: 4, arbitrary: text },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'studentID',
			'upn',
			'__proto__',
			'constructor',
			'data',
			'success',
			'meta',
		),
	},
);

/** A JSON value as a tree the serialiser writes; numbers are kept as text (`{ num: '1e309' }`). */
const value = fc.letrec((tie) => ({
	v: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		text,
		fc.record({ num: fc.constantFrom(...NUMBERS) }),
		fc.integer().map((n) => ({ num: String(n) })),
		fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ num: String(n) })),
		fc.boolean(),
		fc.constant(null),
		fc.array(tie('v'), { maxLength: 3 }).map((items) => ({ arr: items })),
		fc.array(fc.tuple(name, tie('v')), { maxLength: 3 }).map((members) => ({ obj: members })),
	),
})).v;
const row = fc.array(fc.tuple(name, value), { maxLength: 6 }).map((members) => ({ obj: members }));
/** A value nested `depth` levels deep (arrays and objects alternating), for the depth counters. */
const deep = fc
	.record({ depth: fc.integer({ min: 1, max: 600 }), leaf: value })
	.map(({ depth, leaf }) => {
		let v = leaf;
		for (let d = 0; d < depth; d++) v = d % 2 ? { arr: [v] } : { obj: [['k', v]] };
		return v;
	});

const envelope = fc.record({
	data: fc.oneof(
		{
			weight: 6,
			arbitrary: fc
				.array(
					fc.oneof(
						{ weight: 5, arbitrary: row },
						{ weight: 1, arbitrary: deep.map((d) => ({ obj: [['nested', d]] })) },
					),
					{ maxLength: 10 },
				)
				.map((rows) => ({ arr: rows })),
		},
		{ weight: 1, arbitrary: row },
		{ weight: 1, arbitrary: fc.constant(null) },
		// Not rows: a number, a string, an array holding a non-object (explained: dataNotRows).
		{
			weight: 1,
			arbitrary: fc.oneof(
				value,
				fc.array(value, { minLength: 1, maxLength: 3 }).map((items) => ({ arr: items })),
			),
		},
	),
	hasData: fc.boolean(),
	others: fc.array(fc.tuple(name, fc.oneof(value, deep)), { maxLength: 4 }),
	dataAt: fc.nat(),
	dataName: fc.constantFrom('data', 'data', 'data', 'd\\u0061ta', '\\u0064\\u0061\\u0074\\u0061'),
	duplicateData: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
	top: fc.constantFrom(
		'object',
		'object',
		'object',
		'object',
		'object',
		'object',
		'array',
		'string',
		'number',
	),
	bom: fc.constantFrom(false, false, false, true),
	seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** Writes a string the way JSON allows, each character escaped or not at random. */
function writeString(s, rnd) {
	let out = '"';
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		const ch = s[i];
		if (ch === '"' || ch === '\\') out += `\\${ch}`;
		else if (c < 0x20) {
			const short = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' }[c];
			out += short && rnd() < 0.5 ? short : `\\u${c.toString(16).padStart(4, '0')}`;
		} else if (ch === '/' && rnd() < 0.5) out += '\\/';
		else if (rnd() < 0.15) {
			const hex = c.toString(16).padStart(4, '0');
			out += `\\u${rnd() < 0.5 ? hex : hex.toUpperCase()}`;
		} else out += ch;
	}
	return `${out}"`;
}

function space(rnd) {
	if (rnd() < 0.6) return '';
	let out = '';
	const n = 1 + Math.floor(rnd() * 3);
	for (let i = 0; i < n; i++) out += ' \t\n\r'[Math.floor(rnd() * 4)];
	return out;
}

/** JSON text of a value tree, with random whitespace and escapes. */
function write(v, rnd) {
	if (v === null) return 'null';
	if (typeof v === 'boolean') return String(v);
	if (typeof v === 'string') return writeString(v, rnd);
	if (v.num !== undefined) return v.num;
	if (v.arr !== undefined)
		return `[${space(rnd)}${v.arr.map((x) => write(x, rnd)).join(`${space(rnd)},${space(rnd)}`)}${space(rnd)}]`;
	return `{${space(rnd)}${v.obj
		.map(([k, x]) => `${writeString(k, rnd)}${space(rnd)}:${space(rnd)}${write(x, rnd)}`)
		.join(`${space(rnd)},${space(rnd)}`)}${space(rnd)}}`;
}

function documentOf(e) {
	const rnd = prng(e.seed);
	if (e.top === 'array') return `[${write(e.data && e.data.arr ? e.data : { arr: [] }, rnd)}]`;
	if (e.top === 'string') return writeString('{"data":[]}', rnd);
	if (e.top === 'number') return '12';
	const members = e.others.map(
		([k, v]) => `${writeString(k, rnd)}${space(rnd)}:${space(rnd)}${write(v, rnd)}`,
	);
	if (e.hasData) {
		const data = `"${e.dataName}"${space(rnd)}:${space(rnd)}${write(e.data, rnd)}`;
		members.splice(e.dataAt % (members.length + 1), 0, data);
		if (e.duplicateData) members.push(`"data":${space(rnd)}${write({ arr: [] }, rnd)}`);
	}
	const body = `${space(rnd)}{${space(rnd)}${members.join(`${space(rnd)},${space(rnd)}`)}${space(rnd)}}${space(rnd)}`;
	return e.bom ? `\ufeff${body}` : body;
}

/** The oracle: JSON.parse, after a leading byte-order mark (not part of the JSON, see above). */
function oracle(textIn) {
	try {
		return {
			ok: true,
			value: JSON.parse(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn),
		};
	} catch {
		return { ok: false };
	}
}

/** What the reader must give for a document JSON.parse read as `doc`, or why it may refuse it. */
function expectation(doc, textIn) {
	if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
		return { refuse: 'notAnEnvelope' };
	// Members named "data" as the text has them (after unescaping): more than one is refused.
	if (dataMembers(textIn) > 1) return { refuse: 'duplicateData' };
	const hasData = Object.prototype.hasOwnProperty.call(doc, 'data');
	const data = doc.data;
	const rows = !hasData || data === null ? [] : Array.isArray(data) ? data : [data];
	if (hasData && data !== null && typeof data !== 'object') return { refuse: 'dataNotRows' };
	if (rows.some((r) => r === null || typeof r !== 'object' || Array.isArray(r)))
		return { refuse: 'dataNotRows' };
	const members = {};
	for (const k of Object.keys(doc))
		if (k !== 'data')
			Object.defineProperty(members, k, {
				value: doc[k],
				enumerable: true,
				writable: true,
				configurable: true,
			});
	return { rows, members, hasData };
}

/** How many top-level members of a valid JSON document are named "data" (names unescaped by JSON.parse). */
function dataMembers(textIn) {
	let count = 0;
	let depth = 0;
	let inString = false;
	let escaped = false;
	let start = -1;
	for (let i = 0; i < textIn.length; i++) {
		const ch = textIn[i];
		if (inString) {
			if (escaped) escaped = false;
			else if (ch === '\\') escaped = true;
			else if (ch === '"') {
				inString = false;
				if (depth === 1) {
					let j = i + 1;
					while (j < textIn.length && ' \t\n\r'.includes(textIn[j])) j++;
					if (textIn[j] === ':' && JSON.parse(textIn.slice(start, i + 1)) === 'data') count++;
				}
			}
			continue;
		}
		if (ch === '"') {
			inString = true;
			start = i;
		} else if (ch === '{' || ch === '[') depth++;
		else if (ch === '}' || ch === ']') depth--;
	}
	return count;
}

/** Reads `chunks` with the reader: rows, members and hasData, or the error. */
function read(chunks) {
	try {
		const reader = new JsonEnvelopeReader();
		const rows = [];
		for (const chunk of chunks) for (const r of reader.write(chunk)) rows.push(r);
		const end = reader.end();
		return { ok: true, rows, members: end.members, hasData: end.hasData };
	} catch (error) {
		return { ok: false, error };
	}
}

function charChunks(textIn, seed) {
	const rnd = prng(seed);
	const out = [];
	for (let i = 0; i < textIn.length; ) {
		const r = rnd();
		const size = r < 0.3 ? 1 : r < 0.8 ? 1 + Math.floor(rnd() * 8) : 1 + Math.floor(rnd() * 200);
		out.push(textIn.slice(i, i + size));
		i += size;
	}
	return out;
}

/** UTF-8 bytes cut at random places, decoded as the transport decodes a body (BOM dropped). */
function byteChunks(textIn, seed) {
	const rnd = prng(seed ^ 0x9e3779b9);
	const bytes = Buffer.from(textIn, 'utf8');
	const decoder = new Utf8StreamDecoder();
	const out = [];
	for (let i = 0; i < bytes.length; ) {
		const size = rnd() < 0.4 ? 1 : 1 + Math.floor(rnd() * 64);
		out.push(decoder.decode(bytes.subarray(i, i + size), { stream: true }));
		i += size;
	}
	out.push(decoder.decode());
	return { chunks: out, text: new TextDecoder('utf-8').decode(bytes) };
}

/** Deep equality that tells -0 from 0, and own "__proto__" members from prototypes. */
function same(a, b) {
	if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
	if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	for (let i = 0; i < ka.length; i++)
		if (ka[i] !== kb[i] || !same(a[ka[i]], b[kb[i]])) return false;
	return true;
}

const mutation = fc.record({
	kind: fc.constantFrom('truncate', 'truncate', 'delete', 'insert', 'replace', 'swap'),
	// A place in the text (fc.double would favour 0 and 1, the ends).
	at: fc.nat(),
	text: fc.constantFrom(
		'"',
		'\\',
		'{',
		'}',
		'[',
		']',
		',',
		':',
		' ',
		'x',
		'-',
		'e',
		'.',
		'0',
		'\u0000',
		'\ufeff',
		'\ud800',
		'n',
		'"data":[]',
		'\\u',
		'\\x',
	),
});

function mutate(t, m) {
	const pos = m.at % (t.length + 1);
	if (m.kind === 'truncate') return t.slice(0, pos);
	if (m.kind === 'delete') return t.slice(0, pos) + t.slice(pos + 1);
	if (m.kind === 'insert') return t.slice(0, pos) + m.text + t.slice(pos);
	if (m.kind === 'replace') return t.slice(0, pos) + m.text + t.slice(pos + 1);
	return t.slice(0, pos) + t.slice(pos + 1, pos + 2) + t.slice(pos, pos + 1) + t.slice(pos + 2);
}

/**
 * Checks one text read three ways against the oracle. Returns 'accepted', the explained reason for a
 * refusal, or 'refused' (JSON.parse refuses it too); throws on any other outcome.
 */
function check(textIn, seed, stats) {
	const one = read([textIn]);
	const chars = read(charChunks(textIn, seed));
	const bytes = byteChunks(textIn, seed);
	const viaBytes = read(bytes.chunks);
	for (const r of [one, chars, viaBytes])
		if (!r.ok && !(r.error instanceof BromcomError))
			throw new Error(`untyped error: ${r.error && r.error.stack}\n${JSON.stringify(textIn)}`);
	const agree = (a, b, what) => {
		if (a.ok !== b.ok || (a.ok && !(same(a.rows, b.rows) && same(a.members, b.members))))
			throw new Error(
				`${what}: ${a.ok ? 'read' : a.error.message} vs ${b.ok ? 'read' : b.error.message}\n${JSON.stringify(textIn)}`,
			);
	};
	agree(one, chars, 'one piece and character chunks disagree');
	const o = oracle(textIn);
	const outcome = judge(one, o, textIn);
	// The byte path reads what the decoder makes of the bytes (a lone surrogate becomes U+FFFD).
	const ob = oracle(bytes.text);
	judge(viaBytes, ob, bytes.text);
	stats[outcome] = (stats[outcome] || 0) + 1;
	return outcome;
}

function judge(got, o, textIn) {
	if (!o.ok) {
		if (got.ok) throw new Error(`accepted what JSON.parse refuses: ${JSON.stringify(textIn)}`);
		return 'refused';
	}
	const want = expectation(o.value, textIn);
	if (want.refuse) {
		if (got.ok)
			throw new Error(`accepted a document that is ${want.refuse}: ${JSON.stringify(textIn)}`);
		return want.refuse;
	}
	if (!got.ok)
		throw new Error(`refused a valid envelope (${got.error.message}): ${JSON.stringify(textIn)}`);
	if (!same(got.rows, want.rows))
		throw new Error(
			`rows differ from JSON.parse's:\n${JSON.stringify(got.rows)}\n${JSON.stringify(want.rows)}\n${JSON.stringify(textIn)}`,
		);
	if (!same(got.members, want.members))
		throw new Error(
			`members differ from JSON.parse's:\n${JSON.stringify(got.members)}\n${JSON.stringify(want.members)}\n${JSON.stringify(textIn)}`,
		);
	if (got.hasData !== want.hasData) throw new Error(`hasData differs: ${JSON.stringify(textIn)}`);
	return 'accepted';
}

/**
 * `cases` generated and `cases` mutated documents; returns counts. Throws (with fast-check's
 * counterexample and seed) on the first disagreement that is not explained.
 */
function runJsonFuzz({ cases, seed = Date.now() % 2 ** 31 }) {
	const stats = { seed, generated: 0, mutated: 0, cutOff: 0, outcomes: {}, mutatedOutcomes: {} };
	fc.assert(
		fc.property(envelope, (e) => {
			const textIn = documentOf(e);
			check(textIn, e.seed, stats.outcomes);
			stats.generated++;
		}),
		{ numRuns: cases, seed },
	);
	fc.assert(
		fc.property(envelope, mutation, (e, m) => {
			const valid = documentOf(e);
			const textIn = mutate(valid, m);
			check(textIn, e.seed, stats.mutatedOutcomes);
			// A valid envelope cut short (past its opening brace) is cut off: retried, not malformed.
			if (
				m.kind === 'truncate' &&
				oracle(valid).ok &&
				!expectation(oracle(valid).value, valid).refuse
			) {
				const trimmed = textIn.replace(/^\ufeff/, '').trim();
				if (trimmed.startsWith('{') && !oracle(textIn).ok) {
					const r = read(charChunks(textIn, e.seed));
					if (r.ok || r.error.kind !== 'transient')
						throw new Error(
							`a cut-off envelope did not fail as cut off (${r.ok ? 'read' : r.error.message}): ${JSON.stringify(textIn)}`,
						);
					stats.cutOff++;
				}
			}
			stats.mutated++;
		}),
		{ numRuns: cases, seed: seed + 1 },
	);
	return stats;
}

module.exports = { runJsonFuzz, documentOf, check, read };
