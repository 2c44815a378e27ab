// The sandbox's T-SQL engine in its three parts: lexer, parser (AST), evaluator. The sandbox is the
// oracle the product is tested against, so each part is tested on its own here.
const fc = require('fast-check');
const { tokenize, SqlError } = require('../../sandbox/tsql/lexer');
const { parse } = require('../../sandbox/tsql/parser');
const { compileCondition } = require('../../sandbox/tsql/evaluator');
const { compileFilter } = require('../../sandbox/tsql');

const sqlError = (fn) => {
	try {
		fn();
	} catch (e) {
		if (e instanceof SqlError) return { message: e.message, number: e.number };
		throw e;
	}
	throw new Error('no SqlError');
};

describe('lexer', () => {
	test('tokens of a filter, with their kinds and positions', () => {
		expect(tokenize("[Last Name] LIKE N'O''B%' AND Year>=7.5")).toEqual([
			{ t: 'id', v: 'Last Name', pos: 0, quoted: true },
			{ t: 'kw', v: 'LIKE', pos: 12 },
			{ t: 'str', v: "O'B%", pos: 17 },
			{ t: 'kw', v: 'AND', pos: 26 },
			{ t: 'id', v: 'Year', pos: 30 },
			{ t: 'op', v: '>=', pos: 34 },
			{ t: 'num', v: '7.5', pos: 36 },
		]);
	});
	test('keywords are case-insensitive and normalised; identifiers keep their case', () => {
		expect(tokenize('a and not B').map((t) => [t.t, t.v])).toEqual([
			['id', 'a'],
			['kw', 'AND'],
			['kw', 'NOT'],
			['id', 'B'],
		]);
	});
	test('a comment, an unclosed quote and a stray character fail as SQL Server says', () => {
		expect(sqlError(() => tokenize('A = 1 -- x'))).toEqual({
			message: "Incorrect syntax near '--'.",
			number: 102,
		});
		expect(sqlError(() => tokenize("A = 'abc"))).toEqual({
			message: "Unclosed quotation mark after the character string 'abc'.",
			number: 105,
		});
		expect(sqlError(() => tokenize('A = 1; DROP'))).toEqual({
			message: "Incorrect syntax near ';'.",
			number: 102,
		});
	});
});

describe('parser', () => {
	const col = (name) => ({ k: 'column', name });
	const int = (v) => ({ k: 'literal', value: { v, type: 'int' } });
	test('AND binds tighter than OR; NOT applies to the predicate after it', () => {
		expect(parse('A = 1 OR B = 2 AND NOT C = 3')).toEqual({
			k: 'or',
			left: { k: 'compare', op: '=', left: col('A'), right: int(1) },
			right: {
				k: 'and',
				left: { k: 'compare', op: '=', left: col('B'), right: int(2) },
				right: { k: 'not', expr: { k: 'compare', op: '=', left: col('C'), right: int(3) } },
			},
		});
	});
	test('a parenthesised scalar is not mistaken for a condition', () => {
		expect(parse('(A + 1) = 2')).toEqual({
			k: 'compare',
			op: '=',
			left: { k: 'binary', op: '+', left: col('A'), right: int(1) },
			right: int(2),
		});
		expect(parse('(A = 1)')).toEqual({ k: 'compare', op: '=', left: col('A'), right: int(1) });
	});
	test('NOT LIKE / NOT IN / NOT BETWEEN, IS NOT NULL, functions', () => {
		expect(parse("A NOT LIKE 'x%' ESCAPE '!'")).toMatchObject({
			k: 'like',
			negate: true,
			escape: '!',
		});
		expect(parse('A NOT IN (1, 2)')).toMatchObject({
			k: 'in',
			negate: true,
			items: [int(1), int(2)],
		});
		expect(parse('A NOT BETWEEN 1 AND 2')).toMatchObject({
			k: 'between',
			negate: true,
			low: int(1),
			high: int(2),
		});
		expect(parse('A IS NOT NULL')).toEqual({ k: 'isNull', not: true, expr: col('A') });
		expect(parse('CONVERT(date, A) > GETDATE()')).toMatchObject({
			k: 'compare',
			left: { k: 'call', name: 'CONVERT', castType: { type: 'datetime', dateOnly: true } },
			right: { k: 'call', name: 'GETDATE', args: [] },
		});
		expect(parse('DATEDIFF(day, A, B) < 3')).toMatchObject({
			left: { k: 'call', name: 'DATEDIFF', datePart: 'day' },
		});
	});
	test('syntax is checked before names: an unknown column does not hide a syntax error', () => {
		expect(sqlError(() => parse('NoSuchColumn = '))).toEqual({
			message: 'Incorrect syntax near the end of the filter.',
			number: 102,
		});
		expect(sqlError(() => parse('A = 1 B = 2'))).toEqual({
			message: "Incorrect syntax near 'B'.",
			number: 102,
		});
		expect(sqlError(() => parse('A'))).toMatchObject({ number: 4145 });
		expect(sqlError(() => parse('A = 1 OR DROP = 1'))).toMatchObject({ number: 102 });
	});
	test('an empty filter is no condition', () => {
		expect(parse('   ')).toBeNull();
	});
});

describe('evaluator', () => {
	const columns = [
		{ name: 'Name', type: 'string' },
		{ name: 'Year', type: 'int' },
		{ name: 'Start', type: 'datetime' },
	];
	const ctx = { dateFormat: 'mdy', now: () => Date.UTC(2026, 11, 1) };
	const run = (text, row) => compileCondition(parse(text), columns, ctx)(row);

	test('three-valued logic: NULL compares as UNKNOWN, NOT UNKNOWN stays UNKNOWN', () => {
		expect(run('Year = 7', { Year: null })).toBeNull();
		expect(run('NOT Year = 7', { Year: null })).toBeNull();
		expect(run('Year = 7 OR Year IS NULL', { Year: null })).toBe(true);
		expect(run('Year = 7 AND Year IS NULL', { Year: null })).toBeNull();
		expect(run('Year = 7 AND Year IS NOT NULL', { Year: null })).toBe(false);
		expect(run('Year IN (7, NULL)', { Year: 8 })).toBeNull();
		expect(run('Year NOT IN (7, NULL)', { Year: 8 })).toBeNull();
	});
	test('string comparison ignores case and trailing spaces; LIKE with escape', () => {
		expect(run("Name = 'smith'", { Name: 'Smith   ' })).toBe(true);
		expect(run("Name LIKE '50!%%' ESCAPE '!'", { Name: '50% off' })).toBe(true);
		expect(run("Name LIKE '50!%%' ESCAPE '!'", { Name: '500 off' })).toBe(false);
		expect(run("Name LIKE 'O''B[r]%'", { Name: "O'Brien" })).toBe(true);
	});
	test('implicit conversion by type precedence, and its failure', () => {
		expect(run("Year = '7'", { Year: 7 })).toBe(true);
		expect(run("Start >= '2026-09-01'", { Start: Date.UTC(2026, 8, 1) })).toBe(true);
		expect(sqlError(() => run("Year = 'seven'", { Year: 7 }))).toMatchObject({
			message: expect.stringMatching(/^Conversion failed/),
		});
	});
	test('binding errors: unknown column 207, arity 174, unknown function 195', () => {
		expect(sqlError(() => run('Nope = 1', {}))).toEqual({
			message: "Invalid column name 'Nope'.",
			number: 207,
		});
		expect(sqlError(() => run('LEN(Name, Name) = 1', {}))).toMatchObject({ number: 174 });
		expect(sqlError(() => run('FOO(Name) = 1', {}))).toMatchObject({ number: 195 });
	});

	test('AND / OR / NOT over comparisons with NULLs agree with Kleene logic (property)', () => {
		const leaf = fc.record({
			column: fc.constantFrom('A', 'B'),
			op: fc.constantFrom('=', '<>', '<', '>=', '!>', '!<'),
			value: fc.integer({ min: 0, max: 3 }),
		});
		const tree = fc.letrec((tie) => ({
			node: fc.oneof(
				{ depthSize: 'small', withCrossShrink: true },
				leaf,
				fc.record({ k: fc.constantFrom('and', 'or'), left: tie('node'), right: tie('node') }),
				fc.record({ k: fc.constant('not'), expr: tie('node') }),
			),
		})).node;
		const text = (n) =>
			n.k === 'not'
				? `NOT (${text(n.expr)})`
				: n.k
					? `(${text(n.left)} ${n.k.toUpperCase()} ${text(n.right)})`
					: `${n.column} ${n.op} ${n.value}`;
		const cmp = {
			'=': (a, b) => a === b,
			'<>': (a, b) => a !== b,
			'<': (a, b) => a < b,
			'>=': (a, b) => a >= b,
			'!>': (a, b) => a <= b,
			'!<': (a, b) => a >= b,
		};
		const kleene = (n, row) => {
			if (n.k === 'not') {
				const v = kleene(n.expr, row);
				return v === null ? null : !v;
			}
			if (n.k === 'and' || n.k === 'or') {
				const a = kleene(n.left, row);
				const b = kleene(n.right, row);
				if (n.k === 'and')
					return a === false || b === false ? false : a === null || b === null ? null : true;
				return a === true || b === true ? true : a === null || b === null ? null : false;
			}
			const v = row[n.column];
			return v === null ? null : cmp[n.op](v, n.value);
		};
		const cols = [
			{ name: 'A', type: 'int' },
			{ name: 'B', type: 'int' },
		];
		const cell = fc.option(fc.integer({ min: 0, max: 3 }), { nil: null });
		fc.assert(
			fc.property(tree, cell, cell, (n, a, b) => {
				const row = { A: a, B: b };
				expect(compileCondition(parse(text(n)), cols, ctx)(row)).toBe(kleene(n, row));
				// The filter returns the row only when the condition is TRUE.
				expect(compileFilter(text(n), cols, ctx)(row)).toBe(kleene(n, row) === true);
			}),
			{ numRuns: 500 },
		);
	});
});
