'use strict';
/**
 * Differential fuzzing of the DataSet extractor against fast-xml-parser (the oracle in
 * test/helpers/oracle.js), shared by `npm test` (10,000+ cases) and `npm run fuzz -- --cases N`.
 *
 * Documents come from the sandbox's ASMX writer (an independent implementation of the format) and
 * are then decorated the ways a real .NET server or a proxy may write them: xsi:nil cells, comments
 * and processing instructions between elements, attribute values holding ">", close tags with a
 * space, duplicated column declarations, `_xHHHH_` names of any value (including ones that name no
 * character). (`__proto__` has its own unit test: the oracle parser refuses such names.) Every document is read in one shot and fed in random chunk sizes from
 * 1 byte up: both must agree with each other and with the oracle. Mutated documents must give the
 * oracle's rows or a typed error, the same in one shot and in chunks.
 */
const fc = require('fast-check');
const { parseDataSet, DataSetReader } = require('../../nodes/Bromcom/core/wire/dataset');
const { BromcomError } = require('../../nodes/Bromcom/core/wire/errors');
const asmx = require('../../sandbox/asmx');
const { oracleParse } = require('../helpers/oracle');

const TYPES = ['int', 'string', 'datetime', 'bit', 'decimal:2', 'decimal:4', 'float', 'guid'];

const xmlChar = fc.oneof(
	{ weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 _-.,'.split('')) },
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			'&',
			'<',
			'>',
			'"',
			"'",
			'\t',
			'\n',
			'\r',
			']]',
			'&amp;',
			'â',
			'ë',
			'ŵ',
			'ß',
			'中',
			'😀',
			'\u00a0',
			'\u2028',
		),
	},
);
const xmlText = fc.array(xmlChar, { maxLength: 12 }).map((a) => a.join(''));

const columnName = fc.oneof(
	{ weight: 6, arbitrary: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'First Name',
			'2ndContact',
			'Email/Home',
			'Café',
			'A_x0020_B',
			'x-y',
			'Mark%',
			'Value',
			'Length',
		),
	},
);

/** @returns {fc.Arbitrary<any>} */
function valueFor(type) {
	switch (type) {
		case 'int':
			return fc.integer({ min: -2147483648, max: 2147483647 });
		case 'string':
			return fc.oneof(xmlText, fc.constantFrom('', '   ', '\t\n', "O'Brien", 'Siân', 'Zoë'));
		case 'datetime':
			return fc
				.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2099, 11, 31) })
				.map((ms) => ms - (ms % 10));
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

const hex = (n) =>
	fc
		.array(fc.constantFrom(...'0123456789ABCDEFabcdef'.split('')), { minLength: n, maxLength: n })
		.map((a) => a.join(''));
const decorations = fc.record({
	nil: fc.boolean(),
	comments: fc.boolean(),
	pis: fc.boolean(),
	attrGt: fc.boolean(),
	spacedClose: fc.boolean(),
	duplicate: fc.boolean(),
	escapedName: fc.option(fc.oneof(hex(4), hex(8)), { freq: 3 }),
	at: fc.double({ min: 0, max: 1, noNaN: true }),
});

const table = fc
	.uniqueArray(fc.record({ name: columnName, type: fc.constantFrom(...TYPES) }), {
		minLength: 1,
		maxLength: 8,
		selector: (c) => c.name.toLowerCase(),
	})
	.chain((columns) =>
		fc.record({
			columns: fc.constant(columns.map((c) => [c.name, c.type])),
			rows: fc
				.array(fc.tuple(...columns.map((c) => fc.option(valueFor(c.type), { freq: 4 }))), {
					maxLength: 12,
				})
				.map((rows) =>
					rows.map((values) => Object.fromEntries(columns.map((c, i) => [c.name, values[i]]))),
				),
			binding: fc.constantFrom('soap11', 'soap12', 'form'),
			offsetMode: fc.constantFrom('uk-local', 'utc'),
			pretty: fc.boolean(),
			decorate: decorations,
			seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
		}),
	);

/** A small deterministic PRNG for chunk sizes and decoration places. */
function prng(seed) {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 4294967296;
	};
}

/** Replaces a column's wire name everywhere it stands as a name (schema attribute, tags). */
function renameColumn(xml, from, to) {
	const esc = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return xml
		.replace(new RegExp(`name="${esc}"`, 'g'), `name="${to}"`)
		.replace(new RegExp(`<(/?)${esc}([\\s/>])`, 'g'), `<$1${to}$2`);
}

function documentOf(t) {
	let xml = [
		...asmx.responseChunks(
			t.binding,
			'getEntityDataBySchoolID',
			{ type: 'dataset', columns: t.columns, rows: t.rows },
			t.offsetMode,
		),
	].join('');
	if (t.pretty)
		xml = xml.replace(/<\/Table>/g, '</Table>\n  ').replace(/(<Table [^>]*>)/g, '\n  $1\n    ');
	const d = t.decorate;
	const rnd = prng(t.seed);
	const start = xml.indexOf('<NewDataSet');
	if (d.escapedName) {
		const first = asmx.encodeName(t.columns[0][0]);
		xml = renameColumn(xml, first, `C_x${d.escapedName}_`);
	}
	if (d.nil && start !== -1) {
		// One present cell becomes an explicit NULL.
		const body = xml.slice(start);
		const cells = [
			...body.matchAll(/<(?!Table[\s>]|\/|NewDataSet)([A-Za-z_][\w.-]*)>([^<]*)<\/\1>/g),
		];
		if (cells.length) {
			const m = cells[Math.floor(rnd() * cells.length)];
			xml =
				xml.slice(0, start + m.index) +
				`<${m[1]} xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />` +
				xml.slice(start + m.index + m[0].length);
		}
	}
	if (d.attrGt) xml = xml.replace(/<Table diffgr:id=/, '<Table note="a>b" diffgr:id=');
	if (d.spacedClose && start !== -1)
		xml =
			xml.slice(0, start) +
			xml.slice(start).replace(/<\/([A-Za-z_][\w.-]*)>/g, (m, n) => (rnd() < 0.3 ? `</${n} >` : m));
	if (d.duplicate) xml = xml.replace(/(<xs:sequence>)(<xs:element [^>]*\/>)/, '$1$2$2');
	if ((d.comments || d.pis) && start !== -1) {
		const head = xml.slice(0, start);
		const tail = xml
			.slice(start)
			.replace(/></g, (m) =>
				rnd() < 0.15
					? `>${d.comments && (!d.pis || rnd() < 0.5) ? '<!-- a > b -->' : '<?bromcom x?>'}<`
					: m,
			);
		xml = head + tail;
	}
	return xml;
}

/** Feeds `xml` in chunks of random size (1 byte and up), the way a socket hands it over. */
function chunked(xml, seed, columns) {
	const rnd = prng(seed);
	const reader = new DataSetReader({ columns });
	const rows = [];
	let i = 0;
	while (i < xml.length) {
		const r = rnd();
		const size = r < 0.3 ? 1 : r < 0.8 ? 1 + Math.floor(rnd() * 16) : 1 + Math.floor(rnd() * 400);
		for (const row of reader.write(xml.slice(i, i + size))) rows.push(row);
		i += size;
	}
	reader.end();
	return { columns: reader.schema.tables[0]?.columns ?? [], rows };
}

/** Outcome of reading: rows, or a typed error; an untyped one is a failure of its own. */
function outcome(fn) {
	const started = Date.now();
	try {
		const r = fn();
		return {
			ok: true,
			columns: r.columns.map((c) => c.name),
			rows: r.rows,
			ms: Date.now() - started,
		};
	} catch (e) {
		if (!(e instanceof BromcomError)) return { untyped: true, error: e, ms: Date.now() - started };
		return { ok: false, error: e, ms: Date.now() - started };
	}
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A column subset to project on, picked by the case's seed: some declared names and maybe an unknown one. */
function projectionFor(t, one) {
	const rnd = prng((t.seed ^ 0x5bd1e995) >>> 0);
	const names = [...new Set([...(one.ok ? one.columns : []), ...t.columns.map(([n]) => n)])];
	const pick = names.filter(() => rnd() < 0.4);
	if (rnd() < 0.2) pick.push('NotAColumn');
	return pick;
}

/** A row restricted to `keep`, in its own key order (what a projecting reader must give). */
function restrict(rows, keep) {
	const set = new Set(keep);
	return rows.map((row) => {
		const out = {};
		for (const k of Object.keys(row))
			if (set.has(k))
				Object.defineProperty(out, k, {
					value: row[k],
					enumerable: true,
					writable: true,
					configurable: true,
				});
		return out;
	});
}

const mutation = fc.record({
	kind: fc.constantFrom('truncate', 'delete', 'insert', 'swap', 'duplicateTag'),
	at: fc.double({ min: 0, max: 1, noNaN: true }),
	length: fc.integer({ min: 1, max: 20 }),
	text: fc.constantFrom(
		'<',
		'>',
		'&',
		'</',
		'<Table>',
		'/>',
		'"',
		'x',
		'<![CDATA[',
		']]>',
		'&#;',
		'&#x110000;',
		'\u0000',
		'<!--',
		'-->',
		'<?',
		' ',
		'xsi:nil="true"',
	),
});

function mutate(xml, m) {
	const pos = Math.floor(m.at * xml.length);
	if (m.kind === 'truncate') return xml.slice(0, pos);
	if (m.kind === 'delete') return xml.slice(0, pos) + xml.slice(pos + m.length);
	if (m.kind === 'insert') return xml.slice(0, pos) + m.text + xml.slice(pos);
	if (m.kind === 'swap')
		return (
			xml.slice(0, pos) + xml.slice(pos + 1, pos + 2) + xml.slice(pos, pos + 1) + xml.slice(pos + 2)
		);
	return xml.replace('</Table>', '</Table></Table>');
}

/**
 * Runs `cases` generated and `cases` mutated documents. Returns counts; throws (with fast-check's
 * counterexample) on the first untyped exception, hang, or disagreement.
 */
function runFuzz({ cases, seed = Date.now() % 2 ** 31, maxMs = 1000 }) {
	const stats = {
		seed,
		generated: 0,
		chunkedAgreed: 0,
		oracleAgreed: 0,
		mutated: 0,
		typedErrors: 0,
		mutatedAgreed: 0,
		slowest: 0,
	};
	const check = (cond, message) => {
		if (!cond) throw new Error(message);
	};
	fc.assert(
		fc.property(table, (t) => {
			const xml = documentOf(t);
			const one = outcome(() => parseDataSet(xml));
			const parts = outcome(() => chunked(xml, t.seed));
			stats.slowest = Math.max(stats.slowest, one.ms, parts.ms);
			check(
				!one.untyped && !parts.untyped,
				`untyped exception: ${(one.error || parts.error)?.stack}`,
			);
			check(one.ms < maxMs && parts.ms < maxMs, `slow: ${one.ms} ms / ${parts.ms} ms`);
			check(one.ok, `a well-formed document was rejected: ${one.error?.message}`);
			const oracle = oracleParse(xml);
			check(
				same(one.columns, oracle.columns),
				`columns differ from the oracle: ${JSON.stringify(one.columns)} vs ${JSON.stringify(oracle.columns)}`,
			);
			check(
				same(one.rows, oracle.rows),
				`rows differ from the oracle:\n${JSON.stringify(one.rows)}\n${JSON.stringify(oracle.rows)}`,
			);
			check(
				parts.ok && same(parts.rows, one.rows),
				`chunked differs from one shot: ${parts.error?.message ?? JSON.stringify(parts.rows)}`,
			);
			// Projection: a reader keeping some columns gives exactly those columns of the same rows.
			const keep = projectionFor(t, one);
			const projected = outcome(() => chunked(xml, t.seed + 1, keep));
			check(
				projected.ok && same(projected.rows, restrict(one.rows, keep)),
				`projected on ${JSON.stringify(keep)} differs: ${projected.error?.message ?? JSON.stringify(projected.rows)}`,
			);
			stats.generated++;
			stats.oracleAgreed++;
			stats.chunkedAgreed++;
		}),
		{ numRuns: cases, seed },
	);
	fc.assert(
		fc.property(table, mutation, (t, m) => {
			const xml = mutate(documentOf(t), m);
			const one = outcome(() => parseDataSet(xml));
			const parts = outcome(() => chunked(xml, t.seed));
			stats.slowest = Math.max(stats.slowest, one.ms, parts.ms);
			check(
				!one.untyped && !parts.untyped,
				`untyped exception: ${(one.error || parts.error)?.stack}`,
			);
			check(one.ms < maxMs && parts.ms < maxMs, `slow: ${one.ms} ms / ${parts.ms} ms`);
			check(
				one.ok === parts.ok && (!one.ok || same(one.rows, parts.rows)),
				`chunked and one shot disagree: ${one.ok ? 'rows' : one.error.message} vs ${parts.ok ? 'rows' : parts.error.message}`,
			);
			// Projection accepts and rejects exactly the same documents (it reads every column the same way).
			const keep = projectionFor(t, one);
			const projected = outcome(() => chunked(xml, t.seed + 1, keep));
			check(!projected.untyped, `untyped exception (projected): ${projected.error?.stack}`);
			check(
				projected.ok === one.ok && (!one.ok || same(projected.rows, restrict(one.rows, keep))),
				`projected on ${JSON.stringify(keep)} and the full read disagree: ${one.ok ? 'rows' : one.error.message} vs ${projected.ok ? JSON.stringify(projected.rows) : projected.error.message}`,
			);
			stats.mutated++;
			if (!one.ok) {
				stats.typedErrors++;
				return;
			}
			let oracle;
			try {
				oracle = oracleParse(xml);
			} catch {
				oracle = undefined;
			}
			if (oracle && same(oracle.columns, one.columns)) {
				check(
					same(one.rows, oracle.rows),
					`accepted a mutated document with rows that differ from the oracle:\n${JSON.stringify(one.rows)}\n${JSON.stringify(oracle.rows)}`,
				);
				stats.mutatedAgreed++;
			}
		}),
		{ numRuns: cases, seed: seed + 1 },
	);
	return stats;
}

module.exports = { runFuzz, documentOf, chunked, table };
