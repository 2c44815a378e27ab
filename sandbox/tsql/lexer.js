'use strict';
/**
 * T-SQL lexer for the sandbox's filter engine: text → tokens `{ t, v, pos, quoted? }` with t one of
 * str, num, kw, id, op. Comments and unclosed quotes fail here with SQL Server's wording.
 */

class SqlError extends Error {
	constructor(message, number = 102) {
		super(message);
		this.name = 'SqlException';
		this.number = number;
	}
}

const KEYWORDS = new Set([
	'AND',
	'OR',
	'NOT',
	'LIKE',
	'IN',
	'BETWEEN',
	'IS',
	'NULL',
	'AS',
	'ESCAPE',
]);
// Words that would start another statement: reject them with SQL Server's wording.
const STATEMENT_WORDS = new Set([
	'SELECT',
	'DROP',
	'DELETE',
	'INSERT',
	'UPDATE',
	'EXEC',
	'EXECUTE',
	'UNION',
	'CREATE',
	'ALTER',
	'TRUNCATE',
	'DECLARE',
	'SET',
	'FROM',
	'WHERE',
	'GO',
	'WAITFOR',
	'SHUTDOWN',
]);

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
				if (i >= n)
					throw new SqlError(`Unclosed quotation mark after the character string '${value}'.`, 105);
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
			tokens.push({
				t: KEYWORDS.has(upper) ? 'kw' : 'id',
				v: KEYWORDS.has(upper) ? upper : m[0],
				pos: start,
			});
			continue;
		}
		if (c === '[') {
			const end = text.indexOf(']', i);
			if (end === -1)
				throw new SqlError(
					`Unclosed quotation mark after the character string '${text.slice(i + 1)}'.`,
					105,
				);
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

module.exports = { SqlError, tokenize, KEYWORDS, STATEMENT_WORDS };
