'use strict';
/**
 * A T-SQL WHERE-predicate engine for the sandbox: Bromcom injects `entityFilter` into a WHERE clause
 * over the entity's view (bromcom-soap-api.md §6.1), so the sandbox parses it as SQL Server would and
 * evaluates it per row.
 *
 * Semantics emulated (SQL Server, Latin1_General_CI_AS):
 *  - identifiers and keywords are case-insensitive; `[bracketed]` identifiers work;
 *  - string comparison is case-insensitive, accent-sensitive, and ignores trailing spaces;
 *  - three-valued logic: any comparison with NULL is UNKNOWN, and only TRUE rows are returned;
 *  - implicit conversion by data type precedence (datetime > float > decimal > int > bit > string):
 *    a string compared with a datetime column is parsed as a date, with an int column as an int,
 *    and a failure raises SQL Server's "Conversion failed …" error;
 *  - LIKE with % _ [set] [^set], on the text form of the left side (dates in style 0, "Sep  4 2024 12:00AM");
 *  - functions GETDATE, ISNULL, COALESCE, CONVERT, CAST, DATEADD, DATEDIFF, YEAR, MONTH, DAY,
 *    LOWER, UPPER, LTRIM, RTRIM, LEN;
 *  - errors carry SqlException wording ("Incorrect syntax near 'x'.", "Invalid column name 'x'.").
 *
 * Dates are numbers: milliseconds of the UK wall-clock time read as if it were UTC. That is what a
 * SQL `datetime` is (a wall-clock value without zone), and it makes comparison plain arithmetic.
 */

class SqlError extends Error {
	constructor(message, number = 102) {
		super(message);
		this.name = 'SqlException';
		this.number = number;
	}
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'AS', 'ESCAPE']);
// Words that would start another statement: reject them with SQL Server's wording.
const STATEMENT_WORDS = new Set(['SELECT', 'DROP', 'DELETE', 'INSERT', 'UPDATE', 'EXEC', 'EXECUTE', 'UNION', 'CREATE', 'ALTER', 'TRUNCATE', 'DECLARE', 'SET', 'FROM', 'WHERE', 'GO', 'WAITFOR', 'SHUTDOWN']);

// ---- Tokens -------------------------------------------------------------------------------------

function tokenize(text) {
	const tokens = [];
	let i = 0;
	const n = text.length;
	while (i < n) {
		const c = text[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		const start = i;
		if (c === '-' && text[i + 1] === '-') {
			// A comment would hide the rest of Bromcom's query: it is not valid inside a filter here.
			throw new SqlError("Incorrect syntax near '--'.");
		}
		if ((c === 'N' || c === 'n') && text[i + 1] === "'") {
			i++;
		}
		if (text[i] === "'") {
			let value = '';
			i++;
			for (;;) {
				if (i >= n) throw new SqlError(`Unclosed quotation mark after the character string '${value}'.`, 105);
				if (text[i] === "'") {
					if (text[i + 1] === "'") {
						value += "'";
						i += 2;
						continue;
					}
					i++;
					break;
				}
				value += text[i++];
			}
			tokens.push({ t: 'str', v: value, pos: start });
			continue;
		}
		if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] || ''))) {
			const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
			i += m[0].length;
			tokens.push({ t: 'num', v: m[0], pos: start });
			continue;
		}
		if (/[A-Za-z_@#]/.test(c)) {
			const m = /^[A-Za-z_@#][A-Za-z0-9_@#$]*/.exec(text.slice(i));
			i += m[0].length;
			const upper = m[0].toUpperCase();
			tokens.push({ t: KEYWORDS.has(upper) ? 'kw' : 'id', v: KEYWORDS.has(upper) ? upper : m[0], pos: start });
			continue;
		}
		if (c === '[') {
			const end = text.indexOf(']', i);
			if (end === -1) throw new SqlError(`Unclosed quotation mark after the character string '${text.slice(i + 1)}'.`, 105);
			tokens.push({ t: 'id', v: text.slice(i + 1, end), pos: start, quoted: true });
			i = end + 1;
			continue;
		}
		const two = text.slice(i, i + 2);
		if (['<=', '>=', '<>', '!=', '!<', '!>'].includes(two)) {
			tokens.push({ t: 'op', v: two, pos: start });
			i += 2;
			continue;
		}
		if ('=<>(),+-*/%'.includes(c)) {
			tokens.push({ t: 'op', v: c, pos: start });
			i++;
			continue;
		}
		throw new SqlError(`Incorrect syntax near '${c}'.`);
	}
	return tokens;
}

// ---- Types and values ---------------------------------------------------------------------------

const PRECEDENCE = { datetime: 6, float: 5, decimal: 4, int: 3, bit: 2, string: 1 };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Text of a datetime in SQL Server's default style 0, as used when LIKE or + converts it. */
function dateStyle0(ms) {
	const d = new Date(ms);
	const h = d.getUTCHours();
	const h12 = h % 12 === 0 ? 12 : h % 12;
	return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.getUTCFullYear()} ${String(h12).padStart(2, ' ')}:${String(d.getUTCMinutes()).padStart(2, '0')}${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * Parses a string as a datetime the way SQL Server does for the formats Bromcom clients send:
 * 'YYYYMMDD', 'YYYYMMDD HH:MM[:SS]', ISO 8601 'YYYY-MM-DDTHH:MM:SS[.fff][Z]' (language-independent),
 * and 'YYYY-MM-DD[ HH:MM:SS]' whose reading depends on DATEFORMAT (ymd under us_english; under
 * British English, dmy, it is read as year-day-month).
 */
function parseDate(text, dateFormat) {
	const s = text.trim();
	let m = /^(\d{4})(\d{2})(\d{2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(s);
	if (m) return makeDate(+m[1], +m[2], +m[3], m[4], m[5], m[6], m[7]);
	m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z)?$/.exec(s);
	if (m) return makeDate(+m[1], +m[2], +m[3], m[4], m[5], m[6], m[7]);
	m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(s);
	if (m) {
		const [a, b] = dateFormat === 'dmy' ? [+m[3], +m[2]] : [+m[2], +m[3]];
		return makeDate(+m[1], a, b, m[4], m[5], m[6], m[7]);
	}
	m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
	if (m) {
		const [month, day] = dateFormat === 'dmy' ? [+m[2], +m[1]] : [+m[1], +m[2]];
		return makeDate(+m[3], month, day, m[4], m[5], m[6]);
	}
	return null;
}

function makeDate(y, mo, d, h, mi, s, frac) {
	if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
	const hh = +(h || 0);
	const mm = +(mi || 0);
	const ss = +(s || 0);
	if (hh > 23 || mm > 59 || ss > 59) return undefined;
	const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
	return Date.UTC(y, mo - 1, d, hh, mm, ss, ms);
}

function typeOfLiteral(v) {
	if (v === null) return 'null';
	if (typeof v === 'boolean') return 'bit';
	if (typeof v === 'number') return 'int';
	return 'string';
}

function toText(value, type) {
	if (value === null) return null;
	if (type === 'datetime') return dateStyle0(value);
	if (type === 'bit') return value ? '1' : '0';
	return String(value);
}

function convertTo(value, fromType, toType, ctx) {
	if (value === null) return null;
	if (fromType === toType) return value;
	switch (toType) {
		case 'datetime': {
			if (fromType === 'string') {
				const d = parseDate(String(value), ctx.dateFormat);
				if (d === null || d === undefined) {
					throw new SqlError(
						d === undefined
							? 'The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.'
							: 'Conversion failed when converting date and/or time from character string.',
						d === undefined ? 242 : 241,
					);
				}
				return d;
			}
			if (fromType === 'int' || fromType === 'decimal' || fromType === 'float') return Date.UTC(1900, 0, 1) + Number(value) * 86400000;
			return value;
		}
		case 'int':
		case 'decimal':
		case 'float': {
			if (fromType === 'bit') return value ? 1 : 0;
			if (fromType === 'string') {
				const t = String(value).trim();
				const ok = toType === 'int' ? /^[+-]?\d+$/.test(t) : /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t);
				if (!ok) {
					throw new SqlError(`Conversion failed when converting the varchar value '${value}' to data type ${toType === 'int' ? 'int' : toType}.`, 245);
				}
				return Number(t);
			}
			if (fromType === 'datetime') throw new SqlError(`Implicit conversion from data type datetime to ${toType} is not allowed. Use the CONVERT function to run this query.`, 257);
			return Number(value);
		}
		case 'bit': {
			if (fromType === 'string') {
				const t = String(value).trim().toLowerCase();
				if (t === 'true' || t === '1') return true;
				if (t === 'false' || t === '0') return false;
				throw new SqlError(`Conversion failed when converting the varchar value '${value}' to data type bit.`, 245);
			}
			return Number(value) !== 0;
		}
		case 'string':
			return toText(value, fromType);
		default:
			return value;
	}
}

/** Compares two non-null values of the same SQL type: -1, 0, 1. */
function compareSame(a, b, type) {
	if (type === 'string') {
		const x = String(a).replace(/ +$/, '').toLocaleLowerCase('en-GB');
		const y = String(b).replace(/ +$/, '').toLocaleLowerCase('en-GB');
		return x < y ? -1 : x > y ? 1 : 0;
	}
	if (type === 'bit') return (a ? 1 : 0) - (b ? 1 : 0);
	return a < b ? -1 : a > b ? 1 : 0;
}

function unify(a, b, ctx) {
	// a, b: { v, type }. Returns [va, vb, type] converted to the higher-precedence type.
	if (a.type === 'null' || b.type === 'null') return [null, null, 'null'];
	const type = PRECEDENCE[a.type] >= PRECEDENCE[b.type] ? a.type : b.type;
	return [convertTo(a.v, a.type, type, ctx), convertTo(b.v, b.type, type, ctx), type];
}

function likeToRegExp(pattern, escape) {
	let re = '^';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (escape && c === escape && i + 1 < pattern.length) {
			re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
		} else if (c === '%') re += '[\\s\\S]*';
		else if (c === '_') re += '[\\s\\S]';
		else if (c === '[') {
			const end = pattern.indexOf(']', i + 1);
			if (end === -1) {
				re += '\\[';
				continue;
			}
			let set = pattern.slice(i + 1, end);
			let negate = false;
			if (set.startsWith('^')) {
				negate = true;
				set = set.slice(1);
			}
			re += `[${negate ? '^' : ''}${set.replace(/[\\\]]/g, '\\$&')}]`;
			i = end;
		} else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	}
	return new RegExp(`${re}$`, 'i');
}

// ---- Parser → compiled evaluator ---------------------------------------------------------------

/**
 * Compiles a filter against a table's columns. `columns`: [{ name, type }] with types
 * string|int|decimal|float|bit|datetime. Returns (row) => boolean.
 */
function compileFilter(text, columns, options = {}) {
	const ctx = { dateFormat: options.dateFormat || 'mdy', now: options.now };
	const source = String(text || '').trim();
	if (source === '') return () => true;
	const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
	const tokens = tokenize(source);
	let p = 0;
	const peek = (o = 0) => tokens[p + o];
	const near = (tok) => (tok ? (tok.t === 'str' ? `'${tok.v}'` : tok.v) : source.split(/\s+/).pop());
	const syntax = (tok) => new SqlError(`Incorrect syntax near ${tok ? `'${tok.t === 'str' ? tok.v : tok.v}'` : 'the end of the filter'}.`);
	const isOp = (v, o = 0) => peek(o) && peek(o).t === 'op' && peek(o).v === v;
	const isKw = (v, o = 0) => peek(o) && peek(o).t === 'kw' && peek(o).v === v;
	const expectOp = (v) => {
		if (!isOp(v)) throw syntax(peek());
		p++;
	};

	// Boolean expressions compile to (row) => true|false|null.
	function parseOr() {
		let left = parseAnd();
		while (isKw('OR')) {
			p++;
			const l = left;
			const r = parseAnd();
			left = (row) => {
				const a = l(row);
				if (a === true) return true;
				const b = r(row);
				if (b === true) return true;
				return a === null || b === null ? null : false;
			};
		}
		return left;
	}
	function parseAnd() {
		let left = parseNot();
		while (isKw('AND')) {
			p++;
			const l = left;
			const r = parseNot();
			left = (row) => {
				const a = l(row);
				if (a === false) return false;
				const b = r(row);
				if (b === false) return false;
				return a === null || b === null ? null : true;
			};
		}
		return left;
	}
	function parseNot() {
		if (isKw('NOT')) {
			p++;
			const inner = parseNot();
			return (row) => {
				const v = inner(row);
				return v === null ? null : !v;
			};
		}
		return parsePredicate();
	}
	function parsePredicate() {
		if (isOp('(')) {
			// Either a parenthesised condition or a parenthesised scalar: try the condition first.
			const save = p;
			try {
				p++;
				const inner = parseOr();
				expectOp(')');
				const next = peek();
				if (!next || (next.t === 'kw' && (next.v === 'AND' || next.v === 'OR')) || (next.t === 'op' && next.v === ')')) return inner;
			} catch (e) {
				if (!(e instanceof SqlError)) throw e;
			}
			p = save;
		}
		const left = parseScalar();
		const tok = peek();
		const cmp = tok && tok.t === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>=', '!<', '!>'].includes(tok.v) ? tok.v : null;
		if (cmp) {
			p++;
			const right = parseScalar();
			return (row) => {
				const [a, b, type] = unify(left(row), right(row), ctx);
				if (type === 'null' || a === null || b === null) return null;
				const c = compareSame(a, b, type);
				switch (cmp) {
					case '=':
						return c === 0;
					case '<>':
					case '!=':
						return c !== 0;
					case '<':
					case '!>':
						return cmp === '<' ? c < 0 : c <= 0;
					case '<=':
						return c <= 0;
					case '>':
					case '!<':
						return cmp === '>' ? c > 0 : c >= 0;
					default:
						return c >= 0;
				}
			};
		}
		let negate = false;
		if (isKw('NOT') && peek(1) && peek(1).t === 'kw' && ['LIKE', 'IN', 'BETWEEN'].includes(peek(1).v)) {
			negate = true;
			p++;
		}
		const wrap = (f) => (negate ? (row) => {
			const v = f(row);
			return v === null ? null : !v;
		} : f);
		if (isKw('LIKE')) {
			p++;
			const pattern = parseScalar();
			let escape = null;
			if (isKw('ESCAPE')) {
				p++;
				const e = peek();
				if (!e || e.t !== 'str') throw syntax(e);
				escape = e.v;
				p++;
			}
			const cache = new Map();
			return wrap((row) => {
				const a = left(row);
				const b = pattern(row);
				if (a.type === 'null' || b.type === 'null' || a.v === null || b.v === null) return null;
				const text = toText(a.v, a.type);
				const pat = toText(b.v, b.type);
				let re = cache.get(pat);
				if (!re) cache.set(pat, (re = likeToRegExp(pat, escape)));
				return re.test(text.replace(/ +$/, '')) || re.test(text);
			});
		}
		if (isKw('IN')) {
			p++;
			expectOp('(');
			const items = [parseScalar()];
			while (isOp(',')) {
				p++;
				items.push(parseScalar());
			}
			expectOp(')');
			return wrap((row) => {
				const a = left(row);
				if (a.type === 'null' || a.v === null) return null;
				let sawNull = false;
				for (const item of items) {
					const [x, y, type] = unify(a, item(row), ctx);
					if (type === 'null' || x === null || y === null) {
						sawNull = true;
						continue;
					}
					if (compareSame(x, y, type) === 0) return true;
				}
				return sawNull ? null : false;
			});
		}
		if (isKw('BETWEEN')) {
			p++;
			const low = parseScalar();
			if (!isKw('AND')) throw syntax(peek());
			p++;
			const high = parseScalar();
			return wrap((row) => {
				const v = left(row);
				const [a1, b1, t1] = unify(v, low(row), ctx);
				const [a2, b2, t2] = unify(v, high(row), ctx);
				const ge = t1 === 'null' || a1 === null || b1 === null ? null : compareSame(a1, b1, t1) >= 0;
				const le = t2 === 'null' || a2 === null || b2 === null ? null : compareSame(a2, b2, t2) <= 0;
				if (ge === false || le === false) return false;
				return ge === null || le === null ? null : true;
			});
		}
		if (isKw('IS')) {
			p++;
			let not = false;
			if (isKw('NOT')) {
				not = true;
				p++;
			}
			if (!isKw('NULL')) throw syntax(peek());
			p++;
			return (row) => {
				const v = left(row);
				const isNull = v.type === 'null' || v.v === null;
				return not ? !isNull : isNull;
			};
		}
		throw new SqlError(`An expression of non-boolean type specified in a context where a condition is expected, near '${near(peek() || tokens[p - 1])}'.`, 4145);
	}

	// Scalars compile to (row) => { v, type }.
	function parseScalar() {
		let left = parseTerm();
		while (isOp('+') || isOp('-')) {
			const op = peek().v;
			p++;
			const l = left;
			const r = parseTerm();
			left = (row) => {
				const a = l(row);
				const b = r(row);
				if (a.type === 'null' || b.type === 'null' || a.v === null || b.v === null) return { v: null, type: a.type === 'null' ? b.type : a.type };
				if (op === '+' && a.type === 'string' && b.type === 'string') return { v: String(a.v) + String(b.v), type: 'string' };
				const [x, y, type] = unify(a, b, ctx);
				if (type === 'string') return { v: String(x) + String(y), type };
				if (type === 'datetime') return { v: op === '+' ? x + y : x - y, type };
				return { v: op === '+' ? x + y : x - y, type };
			};
		}
		return left;
	}
	function parseTerm() {
		const tok = peek();
		if (!tok) throw syntax(tok);
		if (tok.t === 'op' && tok.v === '-') {
			p++;
			const inner = parseTerm();
			return (row) => {
				const v = inner(row);
				return v.v === null ? v : { v: -v.v, type: v.type };
			};
		}
		if (tok.t === 'op' && tok.v === '(') {
			p++;
			const inner = parseScalar();
			expectOp(')');
			return inner;
		}
		if (tok.t === 'num') {
			p++;
			const v = { v: Number(tok.v), type: /[.eE]/.test(tok.v) ? 'decimal' : 'int' };
			return () => v;
		}
		if (tok.t === 'str') {
			p++;
			const v = { v: tok.v, type: 'string' };
			return () => v;
		}
		if (tok.t === 'kw' && tok.v === 'NULL') {
			p++;
			const v = { v: null, type: 'null' };
			return () => v;
		}
		if (tok.t === 'id') {
			if (!tok.quoted && STATEMENT_WORDS.has(tok.v.toUpperCase())) throw syntax(tok);
			if (!tok.quoted && isOp('(', 1)) return parseFunction();
			p++;
			const column = byName.get(tok.v.toLowerCase());
			if (!column) throw new SqlError(`Invalid column name '${tok.v}'.`, 207);
			const name = column.name;
			const type = column.type;
			return (row) => {
				const v = row[name];
				return { v: v === undefined ? null : v, type };
			};
		}
		throw syntax(tok);
	}
	function parseFunction() {
		const name = peek().v.toUpperCase();
		p += 2; // name (
		const typeArg = () => {
			const t = peek();
			if (!t || t.t !== 'id') throw syntax(t);
			p++;
			// Skip a length such as varchar(50).
			if (isOp('(')) {
				while (peek() && !isOp(')')) p++;
				expectOp(')');
			}
			return sqlType(t.v);
		};
		const args = [];
		let castType = null;
		let datePart = null;
		if (name === 'CONVERT') {
			castType = typeArg();
			expectOp(',');
			args.push(parseScalar());
			if (isOp(',')) {
				p++;
				parseScalar(); // style: accepted, not needed for the comparisons the sandbox meets
			}
		} else if (name === 'CAST') {
			args.push(parseScalar());
			if (!isKw('AS')) throw syntax(peek());
			p++;
			castType = typeArg();
		} else if (name === 'DATEADD' || name === 'DATEDIFF') {
			const t = peek();
			if (!t || t.t !== 'id') throw syntax(t);
			datePart = t.v.toLowerCase();
			p++;
			expectOp(',');
			args.push(parseScalar());
			expectOp(',');
			args.push(parseScalar());
		} else if (!isOp(')')) {
			args.push(parseScalar());
			while (isOp(',')) {
				p++;
				args.push(parseScalar());
			}
		}
		expectOp(')');
		const arity = (n) => {
			if (args.length !== n) throw new SqlError(`The ${name.toLowerCase()} function requires ${n} argument(s).`, 174);
		};
		switch (name) {
			case 'GETDATE':
			case 'SYSDATETIME':
			case 'CURRENT_TIMESTAMP':
				arity(0);
				return () => ({ v: typeof ctx.now === 'function' ? ctx.now() : ctx.now, type: 'datetime' });
			case 'ISNULL':
				arity(2);
				return (row) => {
					const a = args[0](row);
					if (a.v !== null && a.type !== 'null') return a;
					const b = args[1](row);
					if (a.type === 'null') return b;
					return { v: convertTo(b.v, b.type, a.type, ctx), type: a.type };
				};
			case 'COALESCE':
				return (row) => {
					for (const f of args) {
						const v = f(row);
						if (v.v !== null && v.type !== 'null') return v;
					}
					return { v: null, type: 'null' };
				};
			case 'CONVERT':
			case 'CAST':
				return (row) => {
					const a = args[0](row);
					if (a.v === null || a.type === 'null') return { v: null, type: castType.type };
					let v = convertTo(a.v, a.type, castType.type, ctx);
					if (castType.dateOnly && v !== null) v = Math.floor(v / 86400000) * 86400000;
					return { v, type: castType.type };
				};
			case 'DATEADD':
				return (row) => {
					const n = args[0](row);
					const d = args[1](row);
					if (n.v === null || d.v === null) return { v: null, type: 'datetime' };
					const base = convertTo(d.v, d.type, 'datetime', ctx);
					return { v: dateAdd(datePart, Number(n.v), base), type: 'datetime' };
				};
			case 'DATEDIFF':
				return (row) => {
					const a = args[0](row);
					const b = args[1](row);
					if (a.v === null || b.v === null) return { v: null, type: 'int' };
					return { v: dateDiff(datePart, convertTo(a.v, a.type, 'datetime', ctx), convertTo(b.v, b.type, 'datetime', ctx)), type: 'int' };
				};
			case 'YEAR':
			case 'MONTH':
			case 'DAY':
				arity(1);
				return (row) => {
					const a = args[0](row);
					if (a.v === null) return { v: null, type: 'int' };
					const d = new Date(convertTo(a.v, a.type, 'datetime', ctx));
					return { v: name === 'YEAR' ? d.getUTCFullYear() : name === 'MONTH' ? d.getUTCMonth() + 1 : d.getUTCDate(), type: 'int' };
				};
			case 'LOWER':
			case 'UPPER':
			case 'LTRIM':
			case 'RTRIM':
			case 'LEN':
				arity(1);
				return (row) => {
					const a = args[0](row);
					if (a.v === null) return { v: null, type: name === 'LEN' ? 'int' : 'string' };
					const s = toText(a.v, a.type);
					if (name === 'LOWER') return { v: s.toLowerCase(), type: 'string' };
					if (name === 'UPPER') return { v: s.toUpperCase(), type: 'string' };
					if (name === 'LTRIM') return { v: s.replace(/^ +/, ''), type: 'string' };
					if (name === 'RTRIM') return { v: s.replace(/ +$/, ''), type: 'string' };
					return { v: s.replace(/ +$/, '').length, type: 'int' };
				};
			default:
				throw new SqlError(`'${name.toLowerCase()}' is not a recognized built-in function name.`, 195);
		}
	}

	const predicate = parseOr();
	if (p < tokens.length) throw syntax(peek());
	return (row) => predicate(row) === true;
}

function sqlType(name) {
	const t = name.toLowerCase();
	if (t === 'date') return { type: 'datetime', dateOnly: true };
	if (['datetime', 'datetime2', 'smalldatetime', 'datetimeoffset'].includes(t)) return { type: 'datetime' };
	if (['int', 'bigint', 'smallint', 'tinyint'].includes(t)) return { type: 'int' };
	if (['decimal', 'numeric', 'money'].includes(t)) return { type: 'decimal' };
	if (['float', 'real'].includes(t)) return { type: 'float' };
	if (t === 'bit') return { type: 'bit' };
	if (['varchar', 'nvarchar', 'char', 'nchar', 'text', 'ntext'].includes(t)) return { type: 'string' };
	throw new SqlError(`Type ${name} is not a defined system type.`, 243);
}

function dateAdd(part, n, ms) {
	const d = new Date(ms);
	switch (part) {
		case 'year':
		case 'yy':
		case 'yyyy':
			d.setUTCFullYear(d.getUTCFullYear() + n);
			return d.getTime();
		case 'month':
		case 'mm':
		case 'm':
			d.setUTCMonth(d.getUTCMonth() + n);
			return d.getTime();
		case 'week':
		case 'wk':
		case 'ww':
			return ms + n * 7 * 86400000;
		case 'day':
		case 'dd':
		case 'd':
			return ms + n * 86400000;
		case 'hour':
		case 'hh':
			return ms + n * 3600000;
		case 'minute':
		case 'mi':
		case 'n':
			return ms + n * 60000;
		case 'second':
		case 'ss':
		case 's':
			return ms + n * 1000;
		default:
			throw new SqlError(`'${part}' is not a recognized dateadd option.`, 155);
	}
}

function dateDiff(part, a, b) {
	const da = new Date(a);
	const db = new Date(b);
	switch (part) {
		case 'year':
		case 'yy':
		case 'yyyy':
			return db.getUTCFullYear() - da.getUTCFullYear();
		case 'month':
		case 'mm':
		case 'm':
			return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
		case 'day':
		case 'dd':
		case 'd':
			return Math.floor(b / 86400000) - Math.floor(a / 86400000);
		case 'hour':
		case 'hh':
			return Math.floor(b / 3600000) - Math.floor(a / 3600000);
		case 'minute':
		case 'mi':
		case 'n':
			return Math.floor(b / 60000) - Math.floor(a / 60000);
		default:
			throw new SqlError(`'${part}' is not a recognized datediff option.`, 155);
	}
}

module.exports = { compileFilter, SqlError, parseDate, dateStyle0, tokenize };
