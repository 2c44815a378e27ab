'use strict';
/**
 * Values of the sandbox's T-SQL engine: `{ v, type }` with type string|int|decimal|float|bit|datetime|null.
 * Dates are numbers: milliseconds of the UK wall-clock time read as if it were UTC (a SQL `datetime`
 * is a wall-clock value without zone), so comparison is arithmetic. Conversion follows SQL Server's
 * data type precedence and fails with its "Conversion failed …" wording.
 */
const { SqlError } = require('./lexer');

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
			if (fromType === 'int' || fromType === 'decimal' || fromType === 'float')
				return Date.UTC(1900, 0, 1) + Number(value) * 86400000;
			return value;
		}
		case 'int':
		case 'decimal':
		case 'float': {
			if (fromType === 'bit') return value ? 1 : 0;
			if (fromType === 'string') {
				const t = String(value).trim();
				const ok =
					toType === 'int'
						? /^[+-]?\d+$/.test(t)
						: /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t);
				if (!ok) {
					throw new SqlError(
						`Conversion failed when converting the varchar value '${value}' to data type ${toType === 'int' ? 'int' : toType}.`,
						245,
					);
				}
				return Number(t);
			}
			if (fromType === 'datetime')
				throw new SqlError(
					`Implicit conversion from data type datetime to ${toType} is not allowed. Use the CONVERT function to run this query.`,
					257,
				);
			return Number(value);
		}
		case 'bit': {
			if (fromType === 'string') {
				const t = String(value).trim().toLowerCase();
				if (t === 'true' || t === '1') return true;
				if (t === 'false' || t === '0') return false;
				throw new SqlError(
					`Conversion failed when converting the varchar value '${value}' to data type bit.`,
					245,
				);
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

function sqlType(name) {
	const t = name.toLowerCase();
	if (t === 'date') return { type: 'datetime', dateOnly: true };
	if (['datetime', 'datetime2', 'smalldatetime', 'datetimeoffset'].includes(t))
		return { type: 'datetime' };
	if (['int', 'bigint', 'smallint', 'tinyint'].includes(t)) return { type: 'int' };
	if (['decimal', 'numeric', 'money'].includes(t)) return { type: 'decimal' };
	if (['float', 'real'].includes(t)) return { type: 'float' };
	if (t === 'bit') return { type: 'bit' };
	if (['varchar', 'nvarchar', 'char', 'nchar', 'text', 'ntext'].includes(t))
		return { type: 'string' };
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

module.exports = {
	PRECEDENCE,
	parseDate,
	dateStyle0,
	makeDate,
	typeOfLiteral,
	toText,
	convertTo,
	compareSame,
	unify,
	likeToRegExp,
	sqlType,
	dateAdd,
	dateDiff,
};
