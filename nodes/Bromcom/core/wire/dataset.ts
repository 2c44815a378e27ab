/**
 * A purpose-built, streaming extractor for the .NET DataSets that Bromcom's ASMX services return
 * (docs/bromcom-facts.md, Response shape): an inline `xs:schema` followed by a `diffgr:diffgram` whose
 * `<NewDataSet>` holds one element per row.
 *
 * Why not a general XML parser: a year of attendance is hundreds of thousands of rows and tens of MB;
 * general parsers build a full tree and run at 4–7 MB/s on this shape. This reader scans with
 * indexOf, reads the schema once, and emits rows as soon as they are complete, so a caller can feed
 * it chunks and drop them. It is strict about structure (mismatched or unterminated tags are
 * typed errors, never silently wrong rows) and lenient about things that do not change meaning
 * (whitespace between elements, prefixes, attributes on rows).
 *
 * Output: every schema column present on every row (absent element = NULL = `null`), values typed
 * from the schema (see `convert`), column names decoded from .NET's `_xHHHH_` encoding.
 */
import { BromcomError } from './errors';
import { notADataSet } from './fault';
import { decodeEntities, decodeXmlName } from './xml';

export type ColumnKind =
	| 'string'
	| 'integer'
	| 'bigint'
	| 'decimal'
	| 'float'
	| 'boolean'
	| 'dateTime'
	| 'other';

export interface DataSetColumn {
	/** The column name as the user sees it (decoded). */
	name: string;
	/** The element name on the wire. */
	xmlName: string;
	/** The `xs:` type name without prefix, e.g. `int`, `dateTime`, `string`. */
	xsType: string;
	/** `msdata:DataType` when present, e.g. `System.Guid, mscorlib, …`. */
	dataType?: string;
	kind: ColumnKind;
}

export interface DataSetTable {
	name: string;
	xmlName: string;
	columns: DataSetColumn[];
}

export type CellValue = string | number | boolean | null;
export type DataSetRow = Record<string, CellValue>;

export interface DataSetSchema {
	dataSetName: string;
	tables: DataSetTable[];
}

export interface ParsedDataSet extends DataSetSchema {
	/** Columns of the first table (Bromcom always returns one table, named `Table`). */
	columns: DataSetColumn[];
	rows: DataSetRow[];
}

/** 32-bit and smaller: always exact as a JavaScript number. */
const INTEGER_TYPES = new Set([
	'int',
	'short',
	'byte',
	'unsignedByte',
	'unsignedShort',
	'unsignedInt',
]);
/** 64-bit and unbounded: can exceed 2^53, so the whole column is strings (one type per column). */
const BIGINT_TYPES = new Set([
	'long',
	'unsignedLong',
	'integer',
	'nonNegativeInteger',
	'positiveInteger',
	'negativeInteger',
	'nonPositiveInteger',
]);

export function columnKind(xsType: string): ColumnKind {
	if (xsType === 'string') return 'string';
	if (INTEGER_TYPES.has(xsType)) return 'integer';
	if (BIGINT_TYPES.has(xsType)) return 'bigint';
	if (xsType === 'decimal') return 'decimal';
	if (xsType === 'double' || xsType === 'float') return 'float';
	if (xsType === 'boolean') return 'boolean';
	if (xsType === 'dateTime' || xsType === 'date') return 'dateTime';
	return 'other';
}

const DECIMAL_RE = /^[+-]?(\d+)(?:\.(\d+))?$/;

/** Kinds whose values are kept as the text sent (dates, 64-bit integers, strings, anything else). */
export function isTextKind(kind: ColumnKind): boolean {
	return kind === 'string' || kind === 'dateTime' || kind === 'other' || kind === 'bigint';
}

/**
 * Converts a cell's text by its column kind, one rule per schema type so that a downstream node can
 * rely on a column's type (documented in the README):
 * - int, short, byte and their unsigned forms → number;
 * - long, unsignedLong, integer → string always (a 64-bit value can exceed 2^53, and a column that
 *   were numbers in one row and strings in the next could not be relied on);
 * - decimal → number; trailing zeros of the fraction do not count (`12.50` and `12.5000000000000000`
 *   are 12.5). Only a value with more than 15 significant digits, which no number holds exactly,
 *   stays a string;
 * - double/float → number (`INF`, `-INF`, `NaN` stay strings); boolean → true/false;
 * - dateTime → the ISO 8601 text with the server's offset, as sent.
 * Text that does not match its declared type is kept as sent, never guessed.
 */
export function convert(text: string, kind: ColumnKind): CellValue {
	switch (kind) {
		case 'integer': {
			// Fast path: up to 15 plain digits (with an optional minus) is always a safe integer.
			const len = text.length;
			if (len > 0 && len <= 15) {
				let n = 0;
				let k = text.charCodeAt(0) === 45 /* - */ && len > 1 ? 1 : 0;
				for (; k < len; k++) {
					const c = text.charCodeAt(k) - 48;
					if (c < 0 || c > 9) break;
					n = n * 10 + c;
				}
				if (k === len) return text.charCodeAt(0) === 45 ? -n : n;
			}
			const n = Number(text);
			return Number.isSafeInteger(n) &&
				len > 0 &&
				!isSpace(text.charCodeAt(0)) &&
				!isSpace(text.charCodeAt(len - 1))
				? n
				: text;
		}
		case 'decimal': {
			const m = DECIMAL_RE.exec(text);
			if (m === null) return text;
			const digits = (m[1] + (m[2] ?? '').replace(/0+$/, '')).replace(/^0+/, '');
			return digits.length <= 15 ? Number(text) : text;
		}
		case 'float': {
			if (text === 'INF' || text === '-INF' || text === 'NaN' || text.length === 0) return text;
			const n = Number(text);
			return Number.isFinite(n) ? n : text;
		}
		case 'boolean':
			if (text === 'true' || text === '1') return true;
			if (text === 'false' || text === '0') return false;
			return text;
		default:
			return text;
	}
}

function payloadError(message: string): BromcomError {
	return new BromcomError({ kind: 'unexpectedPayload', message });
}

/** Whatever a malformed document makes the reader throw, the caller sees a typed error. */
function typed(error: unknown): BromcomError {
	if (error instanceof BromcomError) return error;
	return payloadError(
		`The Bromcom response could not be read (${error instanceof Error ? error.message : String(error)}).`,
	);
}

/** A body that stopped in the middle: reading it again can succeed. */
function cutOff(message: string): BromcomError {
	return new BromcomError({ kind: 'transient', message });
}

/** One attribute, whitespace before it (XML requires it between attributes), anchored where the last ended. */
const ATTR_RE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;

function malformedSchema(what: string): BromcomError {
	return payloadError(`The inline schema of the Bromcom response is malformed (${what}).`);
}

/**
 * The attributes of a schema tag (the text after its name). Strict as XML is: each attribute after
 * whitespace, quoted, no `<` in a value, no name twice, no unknown entity; anything else is a
 * malformed schema, never a tag read with an attribute (a column's type) silently dropped.
 */
function attributes(tag: string, element: string): Record<string, string> {
	const out: Record<string, string> = {};
	let at = 0;
	for (;;) {
		ATTR_RE.lastIndex = at;
		const m = ATTR_RE.exec(tag);
		if (m === null) break;
		const raw = m[2] ?? m[3] ?? '';
		const value = decodeEntities(raw);
		if (value === undefined || Object.prototype.hasOwnProperty.call(out, m[1]))
			throw malformedSchema(`<${element}> has a bad or repeated attribute ${m[1]}`);
		out[m[1]] = value;
		at = ATTR_RE.lastIndex;
	}
	if (tag.slice(at).trim() !== '')
		throw malformedSchema(
			`<${element}> has text that is not an attribute: ${tag.slice(at, at + 40).trim()}`,
		);
	return out;
}

function localName(qname: string): string {
	const i = qname.indexOf(':');
	return i === -1 ? qname : qname.slice(i + 1);
}

/** Parses the inline `xs:schema` text (from `<xs:schema` to `</xs:schema>`). */
export function parseSchema(schemaXml: string): DataSetSchema {
	// A tag: quoted attribute values may hold `>` but never `<` (so a broken quote fails at the next
	// tag, and the scan stays linear).
	const TAG_RE =
		/<(\/?)([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:[^>"'<]|"[^"<]*"|'[^'<]*')*?)(\/?)>/g;
	// Stack of open `element` names (null for other schema constructs).
	const stack: Array<{ qname: string; local: string; elementName: string | null }> = [];
	let dataSetName = '';
	const tables: DataSetTable[] = [];
	let pendingColumn: DataSetColumn | null = null;
	let m: RegExpExecArray | null;
	// Open `element`s on the stack, kept as a count so the schema parse stays linear in its size.
	let depth = 0;
	let last = 0;
	// Between tags only text, comments, CDATA and processing instructions (whatever they hold): a `<`
	// that starts none of them is a tag this scan could not read, and skipping it would drop a
	// declaration. Returns where scanning resumes when one of them runs past `end` (a tag-like text
	// inside a comment is not a tag), else -1.
	const checkGap = (end: number): number => {
		let lt = schemaXml.indexOf('<', last);
		while (lt !== -1 && lt < end) {
			const close = schemaXml.startsWith('<!--', lt)
				? '-->'
				: schemaXml.startsWith('<![CDATA[', lt)
					? ']]>'
					: schemaXml.startsWith('<?', lt)
						? '?>'
						: schemaXml.startsWith('<!', lt)
							? '>'
							: '';
			if (close === '')
				throw malformedSchema(`a tag cannot be read: ${schemaXml.slice(lt, lt + 40)}`);
			const done = schemaXml.indexOf(close, lt + 2);
			if (done === -1) throw malformedSchema('a comment or instruction is not closed');
			const after = done + close.length;
			if (after > end) return after;
			lt = schemaXml.indexOf('<', after);
		}
		return -1;
	};
	while ((m = TAG_RE.exec(schemaXml)) !== null) {
		const resume = checkGap(m.index);
		if (resume !== -1) {
			last = TAG_RE.lastIndex = resume;
			continue;
		}
		last = TAG_RE.lastIndex;
		const [, closing, prefix = '', local, rest, selfClosing] = m;
		const qname = prefix + local;
		if (closing) {
			const top = stack.pop();
			if (top === undefined || top.qname !== qname) {
				throw payloadError(
					`The inline schema of the Bromcom response is malformed (unexpected </${qname}>).`,
				);
			}
			if (top.elementName !== null) depth--;
			if (top.elementName !== null && top.local === 'element') pendingColumn = null;
			continue;
		}
		if (local === 'element') {
			const attrs = attributes(rest, qname);
			const xmlName = attrs.name ?? '';
			if (depth === 0) {
				dataSetName = xmlName;
			} else if (depth === 1) {
				tables.push({
					name: attrs['msdata:ColumnName'] ?? decodeXmlName(xmlName),
					xmlName,
					columns: [],
				});
			} else if (depth === 2 && tables.length > 0) {
				const xsType = localName(attrs.type ?? 'string');
				const column: DataSetColumn = {
					name: attrs['msdata:ColumnName'] ?? decodeXmlName(xmlName),
					xmlName,
					xsType,
					kind: columnKind(xsType),
				};
				if (attrs['msdata:DataType']) column.dataType = attrs['msdata:DataType'];
				tables[tables.length - 1].columns.push(column);
				pendingColumn = attrs.type === undefined ? column : null;
			}
			if (!selfClosing) {
				stack.push({ qname, local, elementName: xmlName });
				depth++;
			}
		} else {
			// A column without a `type` attribute declares it in a nested simpleType restriction.
			if (local === 'restriction' && pendingColumn !== null) {
				const base = attributes(rest, qname).base;
				if (base) {
					pendingColumn.xsType = localName(base);
					pendingColumn.kind = columnKind(pendingColumn.xsType);
				}
			}
			if (!selfClosing) stack.push({ qname, local, elementName: null });
		}
	}
	if (checkGap(schemaXml.length) !== -1)
		throw malformedSchema('a comment or instruction is not closed');
	if (stack.length > 0)
		throw payloadError(
			'The inline schema of the Bromcom response is malformed (unclosed elements).',
		);
	if (!dataSetName)
		throw payloadError('The Bromcom response has an inline schema without a DataSet element.');
	// A DataSet cannot hold one column twice, so no server sends it; a repeat that says the same is
	// read once, one that disagrees (another type) has no right reading.
	for (const table of tables) {
		const seen = new Map<string, DataSetColumn>();
		for (const c of table.columns) {
			const first = seen.get(c.xmlName);
			if (first === undefined) seen.set(c.xmlName, c);
			else if (first.name !== c.name || first.xsType !== c.xsType || first.dataType !== c.dataType)
				throw malformedSchema(`column ${c.name} of ${table.name} is declared twice, differently`);
		}
	}
	return { dataSetName, tables };
}

interface TableReader {
	table: DataSetTable;
	index: Map<string, number>;
	template: DataSetRow;
	closeTags: string[];
	/** The common case of a row as one regular expression (see `fastRowPattern`). */
	fast: RegExp | undefined;
	/** Per column: whether rows keep it (all, unless the reader projects). */
	kept: boolean[];
	/** The columns the fast pattern captures, in capture-group order. */
	fastColumns: number[];
	/** Per column: how its text becomes a value (`conversionOf`), decided once from the schema. */
	conversions: number[];
	/** Per column: its kind (for `convert`). */
	kinds: ColumnKind[];
	/** Per column: its name, for a plain store; undefined when one is `__proto__` (see `setCell`). */
	names: string[] | undefined;
}

/** A cell's text is the value (empty text is an empty string). */
const TEXT = 0;
/** The text is the value, empty text is NULL (64-bit integers). */
const TEXT_OR_NULL = 1;
/** The text is converted by `convert`, empty text is NULL (numbers, booleans). */
const CONVERTED = 2;

/** How a column's text becomes its value, once per column rather than per cell. */
function conversionOf(kind: ColumnKind): number {
	if (kind === 'string' || kind === 'dateTime' || kind === 'other') return TEXT;
	return isTextKind(kind) ? TEXT_OR_NULL : CONVERTED;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A row in the shape ASMX writes nearly always, as one sticky regular expression: `<Table …>` then,
 * in schema order, each column either absent (NULL) or `<Name>text</Name>` with plain text (no `<`,
 * `&` or CR), then `</Table>`. V8 compiles it to native code, which is several times faster than
 * scanning tag by tag. Anything else — a CDATA section, an entity, `xml:space`, a self-closing
 * element, a column out of order or undeclared, a row cut off at the end of a chunk — does not
 * match, and the row is read by the general scanner, which is strict about every case.
 */
function fastRowPattern(table: DataSetTable, kept: boolean[]): RegExp | undefined {
	// A very wide table (hundreds of columns) would make a pattern too large to compile: scan it instead.
	if (table.columns.length > 256) return undefined;
	// A column rows do not keep is matched the same way but not captured (no string is made for it).
	const cells = table.columns
		.map(
			(c, k) =>
				`(?:<${escapeRegExp(c.xmlName)}>${kept[k] ? '(' : '(?:'}[^<&\r]*)</${escapeRegExp(c.xmlName)}>)?`,
		)
		.join('');
	return new RegExp(
		// Attributes quote-aware like the scanner's tagEndOf: an unbalanced quote reads the same both ways.
		`<${escapeRegExp(table.xmlName)}(?:\\s[^<>"']*(?:"[^"]*"[^<>"']*|'[^']*'[^<>"']*)*)?(?<!/)>${cells}</${escapeRegExp(table.xmlName)}>`,
		'y',
	);
}

enum Phase {
	Schema,
	Diffgram,
	DataSetStart,
	Rows,
	AfterRows,
	Done,
}

const SCHEMA_START_RE = /<([A-Za-z_][\w.-]*:)?schema[\s>/]/;
const DIFFGRAM_START_RE = /<([A-Za-z_][\w.-]*:)?diffgram[\s>/]/;

function isSpace(c: number): boolean {
	return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Whether `name` stands in `buf` at `at` (a char loop: faster than startsWith for short names here). */
function matchAt(buf: string, name: string, at: number): boolean {
	const n = name.length;
	if (at + n > buf.length) return false;
	for (let i = 0; i < n; i++) if (buf.charCodeAt(at + i) !== name.charCodeAt(i)) return false;
	return true;
}

/** What may follow an element name in a tag: whitespace, `>` or `/` (NaN past the end: not yet). */
function isNameEnd(c: number): boolean {
	return c === 62 || c === 47 || c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * Incremental reader. Feed text with `write()` (any chunking, including mid-tag), collect the rows
 * it returns, then call `end()`. `parseDataSet()` is the one-shot form.
 */
export interface DataSetReaderOptions {
	/**
	 * Keep only these columns (by name) in the rows: the others are read and checked exactly as
	 * usual but not stored, so a reader that needs three columns of a wide table makes three values
	 * per row. Rows still have every kept column (NULL when absent). Undefined: every column.
	 */
	columns?: readonly string[];
}

export class DataSetReader {
	schema?: DataSetSchema;
	private readonly keep: Set<string> | undefined;
	private buf = '';
	private phase = Phase.Schema;
	private diffgramName = '';
	private tablesByXmlName = new Map<string, TableReader>();
	private rowCount = 0;

	constructor(options: DataSetReaderOptions = {}) {
		this.keep = options.columns ? new Set(options.columns) : undefined;
	}

	/** Rows emitted so far. */
	get count(): number {
		return this.rowCount;
	}

	write(chunk: string): DataSetRow[] {
		this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
		const rows: DataSetRow[] = [];
		let pos: number;
		try {
			pos = this.advance(0, rows);
		} catch (error) {
			throw typed(error);
		}
		if (pos > 0) this.buf = pos >= this.buf.length ? '' : this.buf.slice(pos);
		return rows;
	}

	/** Text held back waiting for the rest of a tag, row or schema (bounded by the caller). */
	get buffered(): number {
		return this.buf.length;
	}

	/** Whether the inline schema has not been seen yet (the body may not be a DataSet at all). */
	get awaitingSchema(): boolean {
		return this.phase === Phase.Schema;
	}

	/** The text held back, for describing a body that turned out not to be a DataSet. */
	get pendingText(): string {
		return this.buf;
	}

	/**
	 * Validates that the document was complete. Throws a typed error if it was not: `transient` when the
	 * data stopped in the middle (cut off in transit: a re-read can fix it), `unexpectedPayload` when the
	 * answer was complete but is not a DataSet (a re-read cannot).
	 */
	end(): void {
		if (this.phase === Phase.Done) return;
		if (this.phase === Phase.Schema) throw notADataSet(this.buf);
		if (this.phase === Phase.Diffgram && /<\/([\w.-]+:)?Envelope\s*>/.test(this.buf)) {
			throw payloadError('The Bromcom response had a schema but no data section (no diffgram).');
		}
		if (this.phase === Phase.AfterRows) {
			throw cutOff(
				'The Bromcom response ended before the end of the data (the diffgram was not closed); it was probably cut off in transit.',
			);
		}
		throw cutOff(
			`The Bromcom response was cut off after ${this.rowCount} row(s): the data did not finish. This usually means the connection dropped or a proxy truncated a large response.`,
		);
	}

	private advance(start: number, rows: DataSetRow[]): number {
		const buf = this.buf;
		let pos = start;
		for (;;) {
			switch (this.phase) {
				case Phase.Schema: {
					const m = SCHEMA_START_RE.exec(pos === 0 ? buf : buf.slice(pos));
					if (m === null) return pos;
					const at = pos + m.index;
					const prefix = m[1] ?? '';
					const closeTag = `</${prefix}schema>`;
					const end = buf.indexOf(closeTag, at);
					if (end === -1) return pos;
					this.schema = parseSchema(buf.slice(at, end + closeTag.length));
					for (const table of this.schema.tables) {
						const index = new Map<string, number>();
						table.columns.forEach((c, i) => index.set(c.xmlName, i));
						const keep = this.keep;
						const kept = table.columns.map((c) => keep === undefined || keep.has(c.name));
						// Every row starts as a copy of this (all columns NULL), so rows share one shape.
						const template: DataSetRow = {};
						table.columns.forEach((c, k) => {
							if (kept[k]) setCell(template, c, null);
						});
						this.tablesByXmlName.set(table.xmlName, {
							table,
							index,
							template,
							closeTags: table.columns.map((c) => `</${c.xmlName}>`),
							fast: fastRowPattern(table, kept),
							kept,
							fastColumns: kept.flatMap((k, i) => (k ? [i] : [])),
							conversions: table.columns.map((c) => conversionOf(c.kind)),
							kinds: table.columns.map((c) => c.kind),
							names: table.columns.some((c) => c.name === '__proto__')
								? undefined
								: table.columns.map((c) => c.name),
						});
					}
					pos = end + closeTag.length;
					this.phase = Phase.Diffgram;
					break;
				}
				case Phase.Diffgram: {
					const m = DIFFGRAM_START_RE.exec(buf.slice(pos));
					if (m === null) {
						// The schema may legitimately be the whole answer only if the wrapper closes.
						return pos;
					}
					const at = pos + m.index;
					const gt = tagEndOf(buf, at + 1);
					if (gt === -1) return pos;
					this.diffgramName = `${m[1] ?? ''}diffgram`;
					pos = gt + 1;
					if (buf.charCodeAt(gt - 1) === 47 /* / */) {
						this.phase = Phase.Done; // `<diffgr:diffgram … />`: no rows.
						return pos;
					}
					this.phase = Phase.DataSetStart;
					break;
				}
				case Phase.DataSetStart: {
					const at = skipMisc(buf, pos);
					if (at === -1 || at >= buf.length) return pos;
					pos = at;
					if (buf.charCodeAt(pos + 1) === 47 /* / */) {
						const end = closeTagEnd(buf, pos, this.diffgramName);
						if (end === INCOMPLETE) return pos;
						if (end === MISMATCH)
							throw payloadError(
								'The Bromcom response has an unexpected closing tag where its data should start.',
							);
						this.phase = Phase.Done;
						return end;
					}
					const name = this.schema!.dataSetName;
					if (buf.length - pos < name.length + 2) return pos;
					if (
						buf.charCodeAt(pos) !== 60 ||
						!matchAt(buf, name, pos + 1) ||
						!isNameEnd(buf.charCodeAt(pos + 1 + name.length))
					) {
						// diffgr:before / diffgr:errors can come first when there are no current rows.
						if (matchAt(buf, '<diffgr:', pos)) {
							this.phase = Phase.AfterRows;
							break;
						}
						throw payloadError(`The Bromcom response's data does not start with <${name}>.`);
					}
					const gt = tagEndOf(buf, pos + 1 + name.length);
					if (gt === -1) return pos;
					pos = gt + 1;
					this.phase = buf.charCodeAt(gt - 1) === 47 ? Phase.AfterRows : Phase.Rows;
					break;
				}
				case Phase.Rows: {
					const next = this.readRows(pos, rows);
					if (this.phase === Phase.Rows) return next;
					pos = next;
					break;
				}
				case Phase.AfterRows: {
					// Anything between `</NewDataSet>` and `</diffgr:diffgram>` (`diffgr:before`,
					// `diffgr:errors`) describes earlier versions, not rows: skip it.
					let at = buf.indexOf(`</${this.diffgramName}`, pos);
					while (at !== -1) {
						const end = closeTagEnd(buf, at, this.diffgramName);
						if (end === INCOMPLETE) return at;
						if (end !== MISMATCH) {
							this.phase = Phase.Done;
							return end;
						}
						at = buf.indexOf(`</${this.diffgramName}`, at + 2);
					}
					// Keep a tail that may hold the start of the close tag.
					return Math.max(pos, buf.length - this.diffgramName.length - 3);
				}
				case Phase.Done:
					return buf.length;
			}
		}
	}

	/** Reads complete rows from `pos`; returns where the unconsumed text starts. */
	private readRows(start: number, rows: DataSetRow[]): number {
		const buf = this.buf;
		const len = buf.length;
		let pos = start;
		let cached: TableReader | undefined;
		let cachedName = '';
		for (;;) {
			const next = skipMisc(buf, pos);
			if (next === -1) return pos;
			pos = next;
			if (pos >= len) return pos;
			if (buf.charCodeAt(pos) !== 60 /* < */)
				throw payloadError(`Unexpected text between rows at row ${this.rowCount + 1}.`);
			if (buf.charCodeAt(pos + 1) === 47 /* / */) {
				const end = closeTagEnd(buf, pos, this.schema!.dataSetName);
				if (end === INCOMPLETE) return pos;
				if (end === MISMATCH)
					throw payloadError(`Unexpected closing tag after row ${this.rowCount}.`);
				this.phase = Phase.AfterRows;
				return end;
			}
			const rowStart = pos;
			const fast = cached?.fast;
			if (cached !== undefined && fast !== undefined) {
				const next = this.readFastRows(buf, cached, fast, pos, rows);
				if (next !== pos) {
					pos = next;
					continue;
				}
			}
			// Row element name: nearly always the same table as the previous row, so compare in place.
			let p: number;
			if (
				cachedName !== '' &&
				buf.startsWith(cachedName, pos + 1) &&
				isNameEnd(buf.charCodeAt(pos + 1 + cachedName.length))
			) {
				p = pos + 1 + cachedName.length;
			} else {
				p = pos + 1;
				while (p < len) {
					const c = buf.charCodeAt(p);
					if (isSpace(c) || c === 62 /* > */ || c === 47 /* / */) break;
					p++;
				}
				if (p >= len) return rowStart;
				const tableName = buf.slice(pos + 1, p);
				cached = this.tablesByXmlName.get(tableName);
				if (cached === undefined)
					throw payloadError(
						`The Bromcom response has a row element <${tableName}> that its schema does not declare.`,
					);
				cachedName = tableName;
			}
			const gt = tagEndOf(buf, p);
			if (gt === -1) return rowStart;
			const { table, index, template, kept, conversions, kinds } = cached!;
			const columns = table.columns;
			const ncol = columns.length;
			// A copy of the all-NULL template: every column present, one object shape for the whole table.
			const row: DataSetRow = { ...template };
			let filled = 0;
			let extra: Record<string, CellValue> | undefined;
			pos = gt + 1;
			if (buf.charCodeAt(gt - 1) !== 47 /* not <Table/> */) {
				let complete = false;
				for (;;) {
					const at = skipMisc(buf, pos);
					if (at === -1 || at >= len) break;
					pos = at;
					if (buf.charCodeAt(pos) !== 60)
						throw payloadError(`Unexpected text inside row ${this.rowCount + 1}.`);
					if (buf.charCodeAt(pos + 1) === 47) {
						const end = closeTagEnd(buf, pos, cachedName);
						if (end === INCOMPLETE) break;
						if (end === MISMATCH)
							throw payloadError(`Mismatched closing tag in row ${this.rowCount + 1}.`);
						pos = end;
						complete = true;
						break;
					}
					// Column element name: columns come in schema order with NULLs left out, so the next
					// column is usually the expected one; compare in place before slicing anything.
					let q = -1;
					let ci = -1;
					let name = '';
					for (let k = filled; k < ncol && k < filled + 3; k++) {
						const candidate = columns[k].xmlName;
						if (
							matchAt(buf, candidate, pos + 1) &&
							isNameEnd(buf.charCodeAt(pos + 1 + candidate.length))
						) {
							ci = k;
							name = candidate;
							q = pos + 1 + candidate.length;
							break;
						}
					}
					if (ci === -1) {
						q = pos + 1;
						while (q < len) {
							const c = buf.charCodeAt(q);
							if (isSpace(c) || c === 62 || c === 47) break;
							q++;
						}
						if (q >= len) break;
						name = buf.slice(pos + 1, q);
						ci = index.get(name) ?? -1;
					}
					const tagEnd = buf.charCodeAt(q) === 62 ? q : tagEndOf(buf, q);
					if (tagEnd === -1) break;
					// xsi:nil="true" marks an explicit NULL (a .NET writer sends it for some nullable types).
					const nil = tagEnd > q + 1 && NIL_RE.test(buf.slice(q, tagEnd));
					let text: string;
					let after: number;
					if (buf.charCodeAt(tagEnd - 1) === 47) {
						text = '';
						after = tagEnd + 1;
					} else {
						const r = readElementText(buf, tagEnd + 1, name);
						if (r === null) break;
						text = r.text;
						after = r.end;
					}
					if (ci === -1) {
						const extraName = decodeXmlName(name);
						if (this.keep === undefined || this.keep.has(extraName))
							(extra ??= {})[extraName] = nil ? null : text;
					} else {
						const column = columns[ci];
						if (kept[ci])
							setCell(row, column, nil ? null : this.cell(ci, conversions[ci], kinds[ci], text));
						if (ci >= filled) filled = ci + 1;
					}
					pos = after;
				}
				if (!complete) return rowStart;
			}
			if (extra !== undefined)
				for (const [k, v] of Object.entries(extra)) setCell(row, { name: k }, v);
			rows.push(row);
			this.rowCount++;
		}
	}

	/**
	 * Reads consecutive rows of one table in the shape `fastRowPattern` matches, from `start`; returns
	 * where the first row it does not match starts (`start` itself when none), for the general scanner.
	 * A method of its own so that V8 optimises this loop, which runs once per row, apart from the general
	 * scanner (inside readRows the per-cell call was not inlined: parsing 100,000 attendance rows took
	 * 2.12e9 instructions there, 1.72e9 here; valgrind --tool=callgrind, node --single-threaded).
	 */
	private readFastRows(
		buf: string,
		reader: TableReader,
		fast: RegExp,
		start: number,
		rows: DataSetRow[],
	): number {
		const { fastColumns: captured, conversions, kinds, names, template } = reader;
		let pos = start;
		for (;;) {
			fast.lastIndex = pos;
			const m = fast.exec(buf);
			if (m === null) return pos;
			const row: DataSetRow = { ...template };
			for (let g = 0; g < captured.length; g++) {
				const text = m[g + 1];
				if (text === undefined) continue;
				const k = captured[g];
				const value = this.cell(k, conversions[k], kinds[k], text);
				// A plain store unless a column is named __proto__ (see setCell).
				if (names !== undefined) row[names[k]] = value;
				else setCell(row, reader.table.columns[k], value);
			}
			rows.push(row);
			this.rowCount++;
			pos = fast.lastIndex;
		}
	}

	/** A cell's value from its text: typed by the column; empty text is NULL except for strings. */
	private cell(k: number, conversion: number, kind: ColumnKind, text: string): CellValue {
		if (conversion === TEXT) return this.own(k, text);
		if (text.length === 0) return null;
		return conversion === TEXT_OR_NULL ? this.own(k, text) : convert(text, kind);
	}

	/** Per column: recent long values, so repeated text (dates, codes, descriptions) is stored once. */
	private interned: Array<Map<string, string> | undefined> = [];
	/** Per column: the last value returned by `own`. */
	private last: Array<string | undefined> = [];

	/**
	 * A value the row can keep without keeping the response. V8 represents a slice of 13 or more
	 * characters as a view of its parent string, so a kept date would keep the whole chunk it came
	 * from alive (and, across a pull, the whole response). Long values are copied out (and repeated
	 * ones shared); short ones are copies already.
	 */
	private own(column: number, text: string): string {
		// A repeat of the previous row's value (a register's session, a mark, the session's date) is
		// that same string, so kept rows share it instead of holding one each; checked before the
		// interning map, which has to hash the text.
		const last = this.last[column];
		if (last === text) return last;
		if (text.length < 13) {
			// A short value is already a copy.
			this.last[column] = text;
			return text;
		}
		let cache = this.interned[column];
		if (cache === undefined) cache = this.interned[column] = new Map();
		let value = cache.get(text);
		if (value === undefined) {
			value = (text + ' ').slice(0, -1);
			if (cache.size >= 4096) cache.clear();
			cache.set(value, value);
		}
		this.last[column] = value;
		return value;
	}
}

function decodeText(raw: string): string | undefined {
	let text = raw;
	// XML end-of-line normalisation (a real server sends CR as &#xD;, so this is rare).
	if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
	return text.indexOf('&') === -1 ? text : decodeEntities(text);
}

const INCOMPLETE = -1;
const MISMATCH = -2;
const NIL_RE = /(?:^|\s)(?:[A-Za-z_][\w.-]*:)?nil\s*=\s*(?:"true"|'true')/;

/** Sets a cell; `__proto__` is an ordinary column name here, never the prototype. */
function setCell(row: DataSetRow, column: { name: string }, value: CellValue): void {
	if (column.name === '__proto__')
		Object.defineProperty(row, '__proto__', {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	else row[column.name] = value;
}

/**
 * Skips whitespace, comments and processing instructions between elements (well-formed XML may
 * carry them anywhere). Returns where the next markup or text starts, or -1 when the buffer ends
 * inside a comment or PI (more input is needed).
 */
function skipMisc(buf: string, from: number): number {
	let pos = from;
	const len = buf.length;
	for (;;) {
		while (pos < len && isSpace(buf.charCodeAt(pos))) pos++;
		if (pos >= len || buf.charCodeAt(pos) !== 60) return pos;
		const c = buf.charCodeAt(pos + 1);
		if (c === 33 /* ! */) {
			if (len - pos < 4) return '<!--'.startsWith(buf.slice(pos)) ? -1 : pos;
			if (!buf.startsWith('<!--', pos)) return pos;
			const end = buf.indexOf('-->', pos + 4);
			if (end === -1) return -1;
			pos = end + 3;
		} else if (c === 63 /* ? */) {
			const end = buf.indexOf('?>', pos + 2);
			if (end === -1) return -1;
			pos = end + 2;
		} else if (Number.isNaN(c)) {
			return -1;
		} else {
			return pos;
		}
	}
}

/** The `>` that ends a start tag whose name ends at `from`, skipping quoted attribute values; -1 if not yet here. */
function tagEndOf(buf: string, from: number): number {
	let quote = 0;
	for (let i = from; i < buf.length; i++) {
		const c = buf.charCodeAt(i);
		if (quote !== 0) {
			if (c === quote) quote = 0;
		} else if (c === 34 || c === 39) {
			quote = c;
		} else if (c === 62) {
			return i;
		} else if (c === 60) {
			throw payloadError('Malformed tag: "<" inside a tag.');
		}
	}
	return -1;
}

/** Where `</name>` (whitespace allowed before `>`) at `at` ends; INCOMPLETE or MISMATCH otherwise. */
function closeTagEnd(buf: string, at: number, name: string): number {
	const len = buf.length;
	const afterName = at + 2 + name.length;
	if (afterName > len) return '</'.concat(name).startsWith(buf.slice(at)) ? INCOMPLETE : MISMATCH;
	if (!matchAt(buf, name, at + 2)) return MISMATCH;
	let p = afterName;
	while (p < len && isSpace(buf.charCodeAt(p))) p++;
	if (p >= len) return INCOMPLETE;
	return buf.charCodeAt(p) === 62 ? p + 1 : MISMATCH;
}

/**
 * The text of an element, from after its start tag up to and including `</name>`: plain text,
 * character references, CDATA sections and comments. A value cannot contain elements. Returns null
 * when the buffer ends first (including inside `<![CDATA[` or `<!--`).
 */
function readElementText(
	buf: string,
	from: number,
	name: string,
): { text: string; end: number } | null {
	let pos = from;
	let text = '';
	for (;;) {
		const lt = buf.indexOf('<', pos);
		if (lt === -1) return null;
		if (lt > pos) {
			const plain = decodeText(buf.slice(pos, lt));
			if (plain === undefined) throw payloadError(`Invalid character reference in <${name}>.`);
			text = text.length === 0 ? plain : text + plain;
		}
		const rest = buf.length - lt;
		if (buf.startsWith('<![CDATA[', lt)) {
			const end = buf.indexOf(']]>', lt + 9);
			if (end === -1) return null;
			text += buf.slice(lt + 9, end);
			pos = end + 3;
		} else if (buf.startsWith('<!--', lt)) {
			const end = buf.indexOf('-->', lt + 4);
			if (end === -1) return null;
			pos = end + 3;
		} else if (buf.startsWith('<?', lt)) {
			const end = buf.indexOf('?>', lt + 2);
			if (end === -1) return null;
			pos = end + 2;
		} else if (
			rest < 9 &&
			('<![CDATA['.startsWith(buf.slice(lt)) || '<!--'.startsWith(buf.slice(lt)))
		) {
			return null;
		} else if (buf.charCodeAt(lt + 1) === 47 /* / */) {
			const end = closeTagEnd(buf, lt, name);
			if (end === INCOMPLETE) return null;
			if (end === MISMATCH)
				throw payloadError(`Malformed value for <${name}>: expected </${name}>.`);
			return { text, end };
		} else if (rest < 2) {
			return null;
		} else {
			throw payloadError(`Malformed value for <${name}>: expected </${name}>.`);
		}
	}
}

export function parseDataSet(xml: string): ParsedDataSet {
	const reader = new DataSetReader();
	const rows = reader.write(xml);
	reader.end();
	const schema = reader.schema!;
	return { ...schema, columns: schema.tables[0]?.columns ?? [], rows };
}
