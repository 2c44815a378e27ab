'use strict';
/**
 * A T-SQL WHERE-predicate engine for the sandbox: Bromcom injects `entityFilter` into a WHERE clause
 * over the entity's view (docs/bromcom-facts.md, "entityFilter"), so the sandbox parses it as SQL
 * Server would and evaluates it per row: lexer.js → parser.js (AST) → evaluator.js, over values.js.
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
 */
const { SqlError, tokenize } = require('./lexer');
const { parse } = require('./parser');
const { compileCondition } = require('./evaluator');
const { parseDate, dateStyle0 } = require('./values');

/**
 * Compiles a filter against a table's columns. `columns`: [{ name, type }] with types
 * string|int|decimal|float|bit|datetime. Returns (row) => boolean (only TRUE rows pass).
 */
function compileFilter(text, columns, options = {}) {
	const ast = parse(text);
	if (ast === null) return () => true;
	const predicate = compileCondition(ast, columns, {
		dateFormat: options.dateFormat || 'mdy',
		now: options.now,
	});
	return (row) => predicate(row) === true;
}

module.exports = { compileFilter, parse, SqlError, parseDate, dateStyle0, tokenize };
