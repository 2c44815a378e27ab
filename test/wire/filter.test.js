/**
 * Filter builder: every condition becomes T-SQL that SQL Server semantics (the sandbox engine) reads
 * the intended way, and no value — however hostile — can change the predicate's shape.
 */
const fc = require('fast-check');
const {
	buildFilter,
	buildCondition,
	recordStatusFilter,
	validateRawFilter,
	combineFilters,
	likeEscape,
	FilterError,
} = require('../../nodes/Bromcom/core/wire/filter');
const { compileFilter, tokenize } = require('../../sandbox/tsql');

const COLUMNS = [
	{ name: 'StudentID', type: 'int' },
	{ name: 'LastName', type: 'string' },
	{ name: 'YearGroup', type: 'string' },
	{ name: 'StartDate', type: 'datetime' },
	{ name: 'EndDate', type: 'datetime' },
	{ name: 'IsLeaver', type: 'bit' },
	{ name: 'Score', type: 'decimal' },
];
/** @type {import('../../nodes/Bromcom/core/wire/filter').FilterColumn[]} */
const BUILD_COLUMNS = COLUMNS.map((c) => ({
	name: c.name,
	type:
		c.type === 'int' || c.type === 'decimal'
			? 'number'
			: c.type === 'datetime'
				? 'date'
				: c.type === 'bit'
					? 'boolean'
					: 'string',
}));
const NOW = Date.UTC(2026, 10, 22, 10, 0, 0);
const ROWS = [
	{
		StudentID: 1,
		LastName: "O'Brien",
		YearGroup: '7',
		StartDate: Date.UTC(2022, 8, 5),
		EndDate: null,
		IsLeaver: false,
		Score: 55.5,
	},
	{
		StudentID: 2,
		LastName: 'Smith',
		YearGroup: '8',
		StartDate: Date.UTC(2021, 8, 5),
		EndDate: Date.UTC(2025, 6, 18),
		IsLeaver: true,
		Score: 71,
	},
	{
		StudentID: 3,
		LastName: 'Zoë 50% off_[x]',
		YearGroup: '7',
		StartDate: Date.UTC(2027, 0, 6),
		EndDate: null,
		IsLeaver: false,
		Score: null,
	},
	{
		StudentID: 4,
		LastName: "x' OR 1=1 --",
		YearGroup: '10',
		StartDate: Date.UTC(2020, 8, 5),
		EndDate: Date.UTC(2027, 6, 18),
		IsLeaver: false,
		Score: 90.25,
	},
	{
		StudentID: 5,
		LastName: '',
		YearGroup: '9',
		StartDate: Date.UTC(2023, 8, 5),
		EndDate: null,
		IsLeaver: false,
		Score: 12,
	},
];

function select(filter, options = {}) {
	const predicate = compileFilter(filter, COLUMNS, { now: NOW, ...options });
	return ROWS.filter(predicate).map((r) => r.StudentID);
}

/** @param {any[]} conditions @param {'and' | 'or'} [combinator] */
const where = (conditions, combinator = 'and') =>
	buildFilter({ combinator, conditions }, { columns: BUILD_COLUMNS, entity: 'Students' });

describe('filter builder → SQL Server semantics', () => {
	test.each([
		[[{ field: 'LastName', operator: 'equals', value: "O'Brien" }], [1]],
		[[{ field: 'lastname', operator: 'equals', value: "o'brien" }], [1]],
		[[{ field: 'LastName', operator: 'equals', value: "x' OR 1=1 --" }], [4]],
		[[{ field: 'LastName', operator: 'equals', value: "' OR 1=1 --" }], []],
		[[{ field: 'LastName', operator: 'contains', value: '50% off_[' }], [3]],
		[[{ field: 'LastName', operator: 'contains', value: '%' }], [3]],
		[[{ field: 'LastName', operator: 'startsWith', value: "O'" }], [1]],
		[[{ field: 'LastName', operator: 'endsWith', value: '--' }], [4]],
		[[{ field: 'LastName', operator: 'notContains', value: 'i' }], [3, 4, 5]],
		[[{ field: 'LastName', operator: 'equals', value: 'ZOË 50% OFF_[X]' }], [3]],
		[[{ field: 'StudentID', operator: 'in', value: '1, 3,5' }], [1, 3, 5]],
		[[{ field: 'StudentID', operator: 'notIn', value: [1, 2] }], [3, 4, 5]],
		[[{ field: 'YearGroup', operator: 'in', value: ['7', "8' OR '1'='1"] }], [1, 3]],
		[
			[{ field: 'StartDate', operator: 'between', value: '2021-01-01', value2: '2022-12-31' }],
			[1, 2],
		],
		[
			[{ field: 'StartDate', operator: 'greaterThanOrEqual', value: '2023-09-05T00:00:00' }],
			[3, 5],
		],
		[[{ field: 'EndDate', operator: 'isNull' }], [1, 3, 5]],
		[[{ field: 'EndDate', operator: 'isNotNull' }], [2, 4]],
		[[{ field: 'LastName', operator: 'isEmpty' }], [5]],
		[[{ field: 'IsLeaver', operator: 'equals', value: 'true' }], [2]],
		[[{ field: 'Score', operator: 'greaterThan', value: '55.5' }], [2, 4]],
		[[{ field: 'Score', operator: 'lessThan', value: 60 }], [1, 5]],
		[
			[
				{ field: 'YearGroup', operator: 'equals', value: '7' },
				{ field: 'StudentID', operator: 'greaterThan', value: 2 },
			],
			[3],
		],
	])('%j selects %j', (conditions, expected) => {
		expect(select(where(conditions))).toEqual(expected);
	});

	test('OR groups nest inside AND', () => {
		const filter = buildFilter(
			{
				combinator: 'and',
				conditions: [
					{
						combinator: 'or',
						conditions: [
							{ field: 'YearGroup', operator: 'equals', value: '7' },
							{ field: 'YearGroup', operator: 'equals', value: '10' },
						],
					},
					{ field: 'EndDate', operator: 'isNull' },
				],
			},
			{ columns: BUILD_COLUMNS },
		);
		expect(filter).toBe("((YearGroup = '7' OR YearGroup = '10') AND EndDate IS NULL)");
		expect(select(filter)).toEqual([1, 3]);
	});

	test('dates are written in the language-independent ISO form, so British DATEFORMAT reads them right', () => {
		const filter = where([{ field: 'StartDate', operator: 'lessThan', value: '2022-09-13' }]);
		expect(filter).toBe("StartDate < '2022-09-13T00:00:00'");
		expect(select(filter, { dateFormat: 'dmy' })).toEqual([1, 2, 4]);
		// The form other clients use is read as year-day-month by a British SQL login (and fails here).
		expect(() => select("StartDate < '2022-09-13'", { dateFormat: 'dmy' })).toThrow(/out-of-range/);
	});

	test('non-ASCII values get the N prefix', () => {
		expect(buildCondition({ field: 'LastName', operator: 'equals', value: 'Siân' })).toBe(
			"LastName = N'Siân'",
		);
		expect(buildCondition({ field: 'LastName', operator: 'equals', value: 'Sian' })).toBe(
			"LastName = 'Sian'",
		);
	});

	test('record status presets partition records: Current, Leavers, Future', () => {
		const current = select(recordStatusFilter('current'));
		const leavers = select(recordStatusFilter('leavers'));
		const future = select(recordStatusFilter('future'));
		expect(current).toEqual([1, 4, 5]);
		expect(leavers).toEqual([2]);
		expect(future).toEqual([3]);
		expect([...current, ...leavers, ...future].sort()).toEqual([1, 2, 3, 4, 5]);
		expect(
			recordStatusFilter('current', { start: 'EnrolmentStartDate', end: 'EnrolmentEndDate' }),
		).toBe('GETDATE() BETWEEN EnrolmentStartDate AND ISNULL(EnrolmentEndDate, GETDATE())');
		expect(recordStatusFilter('all')).toBe('');
	});

	test('combineFilters parenthesises each part', () => {
		const f = combineFilters(
			recordStatusFilter('current'),
			where([{ field: 'YearGroup', operator: 'equals', value: '7' }]),
			'',
			undefined,
		);
		expect(f).toBe(
			"(GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())) AND (YearGroup = '7')",
		);
		expect(select(f)).toEqual([1]);
	});
});

describe('Is Between on a text column with whole-number ends compares numbers', () => {
	// Year groups as Bromcom holds them: text, some padded, some not numbers at all.
	const YEARS = ['N1', 'R', '1', '2', '6', '7', '8  ', '9', '10', '11', '12', '13', '07'].map(
		(YearGroup, k) => ({ StudentID: k + 1, YearGroup, Score: k }),
	);
	const yearsOf = (filter) =>
		YEARS.filter(compileFilter(filter, COLUMNS, { now: NOW })).map((r) => r.YearGroup.trim());

	test('7 to 11 lists the numbers and selects Years 7–11, not R or N1 (as text it selected nothing)', () => {
		const filter = where([{ field: 'YearGroup', operator: 'between', value: '7', value2: '11' }]);
		expect(filter).toBe("YearGroup IN ('7', '8', '9', '10', '11')");
		expect(yearsOf(filter)).toEqual(['7', '8', '9', '10', '11']);
		// What the builder sent before: text order, so nothing between '7' and '11'.
		expect(yearsOf("YearGroup BETWEEN '7' AND '11'")).toEqual([]);
	});

	test.each([
		['1', '6', ['1', '2', '6']],
		[' 9 ', '13', ['9', '10', '11', '12', '13']],
		['10', '10', ['10']],
		['-1', '1', ['1']],
	])('%j to %j on YearGroup selects %j', (from, to, expected) => {
		expect(
			yearsOf(where([{ field: 'YearGroup', operator: 'between', value: from, value2: to }])),
		).toEqual(expected);
	});

	test('two text ends still compare as text; a number column is untouched', () => {
		expect(where([{ field: 'LastName', operator: 'between', value: 'A', value2: 'M' }])).toBe(
			"LastName BETWEEN 'A' AND 'M'",
		);
		expect(where([{ field: 'StudentID', operator: 'between', value: '1', value2: '500' }])).toBe(
			'StudentID BETWEEN 1 AND 500',
		);
		expect(select(where([{ field: 'Score', operator: 'between', value: 12, value2: 60 }]))).toEqual(
			[1, 5],
		);
	});

	test.each([
		[{ value: '7', value2: '' }, /"Is Between" for YearGroup needs both values: To Value/],
		[{ value: '', value2: '11' }, /"Is Between" for YearGroup needs both values: Value/],
		[{ value: '7' }, /needs both values: To Value/],
		[{ value: '1', value2: '101' }, /YearGroup is a text column.*more than 100/],
		[{ value: '11', value2: '7' }, /YearGroup: the lower end 11 is greater than the upper end 7/],
		[{ value: 'R', value2: '6' }, /"R" and "6" for YearGroup.*cannot be compared exactly/],
		[{ value: '7', value2: '7.5' }, /for YearGroup.*cannot be compared exactly/],
	])('%j is refused, naming the field', (bounds, message) => {
		const condition = { field: 'YearGroup', operator: 'between', ...bounds };
		expect(() => where([condition])).toThrow(FilterError);
		expect(() => where([condition])).toThrow(message);
	});

	test('an empty end is an error on a number column too', () => {
		expect(() =>
			where([{ field: 'StudentID', operator: 'between', value: '1', value2: '' }]),
		).toThrow(/"Is Between" for StudentID needs both values: To Value/);
	});
});

describe('filter builder rejects bad input with a clear message', () => {
	test.each([
		[{ field: 'Last Name', operator: 'equals', value: 'x' }, /not a valid Bromcom column name/],
		[{ field: 'x; DROP TABLE', operator: 'equals', value: 'x' }, /not a valid Bromcom column name/],
		[{ field: 'Nope', operator: 'equals', value: 'x' }, /"Nope" is not a column of Students/],
		[{ field: 'StudentID', operator: 'equals', value: '1 OR 1=1' }, /is not a number/],
		[{ field: 'StartDate', operator: 'equals', value: '2024-02-30' }, /does not exist/],
		[{ field: 'StartDate', operator: 'equals', value: '05/01/2024' }, /is not a date/],
		[{ field: 'IsLeaver', operator: 'equals', value: 'maybe' }, /not true or false/],
		[{ field: 'StudentID', operator: 'in', value: '' }, /at least one value/],
		[{ field: 'LastName', operator: 'equals', value: 'a\u0001b' }, /control character/],
	])('%j', (condition, message) => {
		expect(() => where([condition])).toThrow(FilterError);
		expect(() => where([condition])).toThrow(message);
	});

	test('raw filters must be one predicate', () => {
		expect(validateRawFilter("  YearGroup = '7'  ")).toBe("YearGroup = '7'");
		expect(validateRawFilter("LastName = 'a;b--c'")).toBe("LastName = 'a;b--c'");
		expect(() => validateRawFilter("YearGroup = '7'; DROP TABLE Students")).toThrow(
			/may not contain ";"/,
		);
		expect(() => validateRawFilter("YearGroup = '7' --")).toThrow(/comments/);
		expect(() => validateRawFilter("LastName = 'O'Brien'")).toThrow(/unclosed quote/);
		expect(() => validateRawFilter('(A = 1')).toThrow(/without a matching/);
	});
});

describe('no value changes the shape of the predicate', () => {
	const value = fc
		.string({ unit: 'binary', maxLength: 40 })
		.filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s));

	test('a string value always becomes exactly one string literal holding that value (2,000 values)', () => {
		fc.assert(
			fc.property(value, fc.constantFrom('equals', 'notEquals', 'greaterThan'), (v, operator) => {
				const sql = buildCondition({ field: 'LastName', operator, value: v });
				const tokens = tokenize(sql);
				expect(tokens).toHaveLength(3);
				expect(tokens[0]).toMatchObject({ t: 'id', v: 'LastName' });
				expect(tokens[1].t).toBe('op');
				expect(tokens[2]).toMatchObject({ t: 'str', v });
			}),
			{ numRuns: 2000 },
		);
	});

	test('LIKE patterns match the value literally (1,000 values)', () => {
		fc.assert(
			fc.property(
				value.filter((s) => s.length > 0),
				(v) => {
					const sql = buildCondition({ field: 'LastName', operator: 'contains', value: v });
					const tokens = tokenize(sql);
					expect(tokens.map((t) => t.t)).toEqual(['id', 'kw', 'str']);
					expect(tokens[2].v).toBe(`%${likeEscape(v)}%`);
					const rows = [
						{ LastName: `pre${v}post` },
						{ LastName: v.length > 1 ? v.slice(1) : 'zzz-no-match' },
					];
					const matched = rows.filter(
						compileFilter(sql, [{ name: 'LastName', type: 'string' }], { now: NOW }),
					);
					expect(matched[0]).toBe(rows[0]);
				},
			),
			{ numRuns: 1000 },
		);
	});

	test('IN lists of hostile values stay a list of literals', () => {
		fc.assert(
			fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), (values) => {
				const sql = buildCondition({ field: 'LastName', operator: 'in', value: values });
				const tokens = tokenize(sql);
				expect(tokens.filter((t) => t.t === 'str').map((t) => t.v)).toEqual(values);
				expect(tokens.filter((t) => t.t !== 'str').map((t) => t.v)).toEqual([
					'LastName',
					'IN',
					'(',
					...values.slice(1).map(() => ','),
					')',
				]);
			}),
			{ numRuns: 500 },
		);
	});
});

describe('raw filter guard, tokenised as SQL Server reads it', () => {
	test('bracketed and double-quoted identifiers cannot hide ";", "--" or ")"', () => {
		expect(() => validateRawFilter("[a'] = 1; DROP TABLE Students; SELECT [']")).toThrow(
			/may not contain ";"/,
		);
		expect(() => validateRawFilter('"a\'" = 1 -- \'')).toThrow(/comments/);
		expect(() => validateRawFilter("[x'] = 1) OR (1=1 OR [']")).toThrow(/without a matching/);
		expect(() => validateRawFilter('[Year Group = 7')).toThrow(/unclosed \[bracketed\] name/);
		expect(validateRawFilter("[Year;Group] = '7' AND \"a--b\" = 'x'")).toBe(
			"[Year;Group] = '7' AND \"a--b\" = 'x'",
		);
		expect(validateRawFilter("[a]]b] = 'c''d'")).toBe("[a]]b] = 'c''d'");
	});

	// An oracle written apart from the product's tokenizer: one sticky regex over SQL Server's lexical rules.
	const LEX =
		/'(?:[^']|'')*'|\[(?:[^\]]|\]\])*\]|"(?:[^"]|"")*"|--|\/\*|[;()]|[^'"[\];()\-/]+|[\s\S]/y;
	function oracleSafe(text) {
		LEX.lastIndex = 0;
		let depth = 0;
		while (LEX.lastIndex < text.length) {
			const at = LEX.lastIndex;
			const m = LEX.exec(text);
			const tok = m[0];
			if (tok === ';' || tok === '--' || tok === '/*') return false;
			if ((tok === "'" || tok === '[' || tok === '"') && at === text.length - 1) return false;
			if (tok === "'" || tok === '[' || tok === '"') return false; // an opening quote the regex could not close
			if (tok === '(') depth++;
			if (tok === ')' && --depth < 0) return false;
		}
		return depth === 0;
	}

	test('property: no accepted raw filter holds a second statement, a comment or an unbalanced bracket or quote', () => {
		const piece = fc.constantFrom(
			'a',
			'b',
			'1',
			' ',
			'=',
			"'",
			"''",
			'[',
			']',
			'"',
			';',
			'-',
			'--',
			'/',
			'*',
			'/*',
			'(',
			')',
			'DROP',
			'N',
		);
		fc.assert(
			fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
				const text = pieces.join('').trim();
				let accepted;
				try {
					accepted = validateRawFilter(text);
				} catch (e) {
					if (!(e instanceof FilterError)) throw e;
					return true;
				}
				return accepted === '' || oracleSafe(accepted);
			}),
			{ numRuns: 5000 },
		);
	});
});
