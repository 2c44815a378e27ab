/**
 * Builds Bromcom `entityFilter` text: a T-SQL predicate that Bromcom places in a WHERE clause over
 * the entity's view (docs/bromcom-facts.md, entityFilter). Users never write SQL here: they pick a field, an
 * operator and a value. Identifiers are validated, every value becomes a typed, escaped literal, so
 * no value can change the shape of the predicate.
 *
 * Dates are written as `'YYYY-MM-DDTHH:MM:SS'`: the ISO 8601 form with `T` is read the same under
 * every SQL Server language setting, whereas `'2024-05-01'` is read as 5 January under British
 * English (DATEFORMAT dmy) when compared with a `datetime` column — and Bromcom is a UK service.
 */
import type { ColumnKind } from './dataset';
import { BromcomError } from './errors';
import { hasInvalidXmlChars } from './xml';

export type FilterOperator =
	| 'equals'
	| 'notEquals'
	| 'greaterThan'
	| 'greaterThanOrEqual'
	| 'lessThan'
	| 'lessThanOrEqual'
	| 'startsWith'
	| 'endsWith'
	| 'contains'
	| 'notContains'
	| 'in'
	| 'notIn'
	| 'between'
	| 'isNull'
	| 'isNotNull'
	| 'isEmpty'
	| 'isNotEmpty';

export type LiteralType = 'string' | 'number' | 'date' | 'boolean';

export interface FilterCondition {
	field: string;
	operator: FilterOperator;
	value?: unknown;
	/** Upper bound for `between`. */
	value2?: unknown;
	/** How to write the value. Defaults to the column's type when known, else inferred from the value. */
	type?: LiteralType;
}

export interface FilterGroup {
	combinator: 'and' | 'or';
	conditions: Array<FilterCondition | FilterGroup>;
}

/** What the builder knows about the entity's columns (from a `1=0` schema probe). */
export interface FilterColumn {
	name: string;
	type: LiteralType;
}

const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_RE =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export const OPERATOR_SQL: Partial<Record<FilterOperator, string>> = {
	equals: '=',
	notEquals: '<>',
	greaterThan: '>',
	greaterThanOrEqual: '>=',
	lessThan: '<',
	lessThanOrEqual: '<=',
};

export class FilterError extends BromcomError {
	constructor(message: string) {
		super({ kind: 'invalidInput', message, notSent: true });
		this.name = 'FilterError';
	}
}

export function validateIdentifier(field: string, what = 'Filter field'): string {
	const name = String(field ?? '').trim();
	if (!IDENTIFIER_RE.test(name)) {
		throw new FilterError(
			`${what} "${name}" is not a valid Bromcom column name: use letters, digits and underscores only, for example StudentID.`,
		);
	}
	return name;
}

/** Writes a string literal: quotes doubled, `N` prefix when the text is not plain ASCII (Siân, Zoë). */
export function stringLiteral(value: string): string {
	if (hasInvalidXmlChars(value)) {
		throw new FilterError(
			'A filter value contains a control character that cannot be sent to Bromcom.',
		);
	}
	// eslint-disable-next-line no-control-regex
	const unicode = /[^\u0000-\u007f]/.test(value);
	return `${unicode ? 'N' : ''}'${value.replace(/'/g, "''")}'`;
}

export function numberLiteral(value: unknown, field: string): string {
	const text = typeof value === 'number' ? String(value) : String(value ?? '').trim();
	if (typeof value === 'number' ? !Number.isFinite(value) : !NUMBER_RE.test(text)) {
		throw new FilterError(`The value "${String(value)}" for ${field} is not a number.`);
	}
	return text;
}

export function dateLiteral(value: unknown, field: string): string {
	let text: string;
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime()))
			throw new FilterError(`The date for ${field} is not a valid date.`);
		text = value.toISOString();
	} else if (
		value &&
		typeof value === 'object' &&
		typeof (value as { toISO?: unknown }).toISO === 'function'
	) {
		// A Luxon DateTime from an n8n expression such as {{ $now }}.
		text = String((value as { toISO: () => string }).toISO());
	} else {
		text = String(value ?? '').trim();
	}
	const m = DATE_RE.exec(text);
	if (!m) {
		throw new FilterError(
			`The value "${text}" for ${field} is not a date. Use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, for example 2024-09-04.`,
		);
	}
	const [, y, mo, d, h = '00', mi = '00', s = '00', frac = ''] = m;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
	if (
		month < 1 ||
		month > 12 ||
		day < 1 ||
		day > daysInMonth ||
		Number(h) > 23 ||
		Number(mi) > 59 ||
		Number(s) > 59 ||
		year < 1753
	) {
		throw new FilterError(`The date "${text}" for ${field} does not exist.`);
	}
	// The offset, if any, is dropped: Bromcom compares in the school's local time, which is what a
	// user typing 2024-09-04T08:45 means. datetime keeps milliseconds at most.
	const ms = frac ? frac.slice(0, 4) : '';
	return `'${y}-${mo}-${d}T${h}:${mi}:${s}${ms}'`;
}

export function booleanLiteral(value: unknown, field: string): string {
	const text = String(value ?? '')
		.trim()
		.toLowerCase();
	if (value === true || ['true', '1', 'yes'].includes(text)) return '1';
	if (value === false || ['false', '0', 'no'].includes(text)) return '0';
	throw new FilterError(`The value "${String(value)}" for ${field} is not true or false.`);
}

function inferType(value: unknown): LiteralType {
	if (typeof value === 'number') return 'number';
	if (typeof value === 'boolean') return 'boolean';
	if (value instanceof Date) return 'date';
	return 'string';
}

function literal(value: unknown, type: LiteralType, field: string): string {
	switch (type) {
		case 'number':
			return numberLiteral(value, field);
		case 'date':
			return dateLiteral(value, field);
		case 'boolean':
			return booleanLiteral(value, field);
		default:
			if (value === null || value === undefined) {
				throw new FilterError(
					`A value is required for ${field}. To match missing values use "Is Empty".`,
				);
			}
			return stringLiteral(typeof value === 'object' ? JSON.stringify(value) : String(value));
	}
}

/** LIKE pattern text: `%`, `_` and `[` are wildcards in T-SQL, so a user's own become literal. */
export function likeEscape(value: string): string {
	return value.replace(/[[%_]/g, (c) => `[${c}]`);
}

function listValues(value: unknown, field: string): unknown[] {
	const list = Array.isArray(value)
		? value
		: String(value ?? '')
				.split(',')
				.map((s) => s.trim())
				.filter((s) => s.length > 0);
	if (list.length === 0)
		throw new FilterError(`"Is In" for ${field} needs at least one value (comma-separated).`);
	if (list.length > 2000)
		throw new FilterError(
			`"Is In" for ${field} has ${list.length} values; split it into batches of at most 2000.`,
		);
	return list;
}

/** The most whole numbers a range on a text column is written out as (`IN (…)`, one literal each). */
export const MAX_TEXT_RANGE = 100;

const WHOLE_RE = /^[+-]?\d+$/;

function isBlank(value: unknown): boolean {
	return value === null || value === undefined || String(value).trim() === '';
}

/**
 * `Is Between`. A text column (YearGroup holds '7', '10', 'R', 'N1') compares text as text, so
 * `BETWEEN '7' AND '11'` matches nothing ('7' > '11'). When both ends are whole numbers the range is
 * written out as the numbers it holds, `IN ('7', '8', '9', '10', '11')`: exact for every value written
 * as a whole number (SQL Server ignores trailing spaces in `=`, so padded codes match too), and 'R' or
 * 'N1' are left out as they should be. No conversion function is needed, so any SQL Server that takes
 * an entityFilter takes it. What cannot be made exact is refused, naming the field: a span of more
 * than MAX_TEXT_RANGE numbers, or a whole number at one end and other text at the other. Both ends
 * are required on every column type.
 */
function betweenCondition(name: string, type: LiteralType, from: unknown, to: unknown): string {
	if (isBlank(from) || isBlank(to)) {
		throw new FilterError(
			`"Is Between" for ${name} needs both values: ${isBlank(from) ? 'Value (the lower end)' : 'To Value (the upper end)'} is empty.`,
		);
	}
	if (type === 'string') {
		const low = String(from).trim();
		const high = String(to).trim();
		const lowWhole = WHOLE_RE.test(low);
		const highWhole = WHOLE_RE.test(high);
		if (lowWhole && highWhole) {
			const a = Number(low);
			const b = Number(high);
			if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b - a + 1 > MAX_TEXT_RANGE) {
				throw new FilterError(
					`"Is Between" ${low} and ${high} for ${name}: ${name} is a text column, so whole numbers are compared as numbers by listing them, and this range holds more than ${MAX_TEXT_RANGE}. Narrow the range, or list the values with "Is In".`,
				);
			}
			if (a > b) {
				throw new FilterError(
					`"Is Between" for ${name}: the lower end ${low} is greater than the upper end ${high}.`,
				);
			}
			const values: string[] = [];
			for (let n = a; n <= b; n++) values.push(stringLiteral(String(n)));
			return `${name} IN (${values.join(', ')})`;
		}
		if (lowWhole || highWhole) {
			throw new FilterError(
				`"Is Between" "${low}" and "${high}" for ${name}: ${name} is a text column, and a whole number at one end with other text at the other cannot be compared exactly (as text, '10' comes before '9'). Use two whole numbers (compared as numbers), or list the values with "Is In".`,
			);
		}
	}
	return `${name} BETWEEN ${literal(from, type, name)} AND ${literal(to, type, name)}`;
}

function isGroup(x: FilterCondition | FilterGroup): x is FilterGroup {
	return Array.isArray((x as FilterGroup).conditions);
}

export interface BuildOptions {
	/** Columns of the entity. When given, fields are checked against them and typed by them. */
	columns?: FilterColumn[];
	entity?: string;
}

function resolveField(field: string, options: BuildOptions): { name: string; type?: LiteralType } {
	const name = validateIdentifier(field);
	if (!options.columns) return { name };
	const lower = name.toLowerCase();
	const column = options.columns.find((c) => c.name.toLowerCase() === lower);
	if (!column) {
		const sample = options.columns
			.slice(0, 12)
			.map((c) => c.name)
			.join(', ');
		throw new FilterError(
			`"${name}" is not a column of ${options.entity ?? 'this entity'}. Available columns include: ${sample}${options.columns.length > 12 ? ', …' : ''}.`,
		);
	}
	return { name: column.name, type: column.type };
}

export function buildCondition(condition: FilterCondition, options: BuildOptions = {}): string {
	const { name, type: columnType } = resolveField(condition.field, options);
	const type = condition.type ?? columnType ?? inferType(condition.value);
	const op = condition.operator;
	const compare = OPERATOR_SQL[op];
	if (compare) return `${name} ${compare} ${literal(condition.value, type, name)}`;
	switch (op) {
		case 'startsWith':
		case 'endsWith':
		case 'contains':
		case 'notContains': {
			const text = String(condition.value ?? '');
			if (text.length === 0) throw new FilterError(`A value is required for ${name}.`);
			const body = likeEscape(text);
			const pattern =
				op === 'startsWith' ? `${body}%` : op === 'endsWith' ? `%${body}` : `%${body}%`;
			return `${name} ${op === 'notContains' ? 'NOT LIKE' : 'LIKE'} ${stringLiteral(pattern)}`;
		}
		case 'in':
		case 'notIn': {
			const items = listValues(condition.value, name).map((v) =>
				literal(v, condition.type ?? columnType ?? inferType(v), name),
			);
			return `${name} ${op === 'notIn' ? 'NOT IN' : 'IN'} (${items.join(', ')})`;
		}
		case 'between':
			return betweenCondition(name, type, condition.value, condition.value2);
		case 'isNull':
			return `${name} IS NULL`;
		case 'isNotNull':
			return `${name} IS NOT NULL`;
		case 'isEmpty':
			return type === 'string' ? `(${name} IS NULL OR ${name} = '')` : `${name} IS NULL`;
		case 'isNotEmpty':
			return type === 'string' ? `(${name} IS NOT NULL AND ${name} <> '')` : `${name} IS NOT NULL`;
		default:
			throw new FilterError(`Unknown filter operator "${String(op)}".`);
	}
}

export function buildFilter(group: FilterGroup | undefined, options: BuildOptions = {}): string {
	if (!group || group.conditions.length === 0) return '';
	const joiner = group.combinator === 'or' ? ' OR ' : ' AND ';
	const parts = group.conditions
		.map((c) => (isGroup(c) ? buildFilter(c, options) : buildCondition(c, options)))
		.filter((p) => p.length > 0);
	if (parts.length === 0) return '';
	if (parts.length === 1) return parts[0];
	return `(${parts.join(joiner)})`;
}

// ---- Record status presets ---------------------------------------------------------------------

export type RecordStatus = 'all' | 'current' | 'leavers' | 'future';

export interface DateColumns {
	start: string;
	end: string;
}

/**
 * "Current" is exactly what working Bromcom clients send (docs/bromcom-facts.md, entityFilter): on roll today, including people
 * whose EndDate is in the future. Current, Leavers and Future partition every record with a start date.
 */
export function recordStatusFilter(
	status: RecordStatus,
	columns: DateColumns = { start: 'StartDate', end: 'EndDate' },
): string {
	const start = validateIdentifier(columns.start, 'Start date column');
	const end = validateIdentifier(columns.end, 'End date column');
	switch (status) {
		case 'current':
			return `GETDATE() BETWEEN ${start} AND ISNULL(${end}, GETDATE())`;
		case 'leavers':
			return `${end} < GETDATE()`;
		case 'future':
			return `${start} > GETDATE()`;
		default:
			return '';
	}
}

/**
 * Pupils on roll today or admitted to start within `days` days (provisioning: accounts on day one),
 * leavers left out.
 */
export function onRollOrStartingWithin(
	days: number,
	columns: DateColumns = { start: 'StartDate', end: 'EndDate' },
): string {
	if (!Number.isInteger(days) || days < 0 || days > 366)
		throw new FilterError(
			`Students Starting Within (Days) is ${days}: give a whole number of days from 0 to 366.`,
		);
	if (days === 0) return recordStatusFilter('current', columns);
	const start = validateIdentifier(columns.start, 'Start date column');
	const end = validateIdentifier(columns.end, 'End date column');
	return `${start} <= DATEADD(day, ${days}, GETDATE()) AND ISNULL(${end}, GETDATE()) >= GETDATE()`;
}

/**
 * The schema probe: no row matches, so Bromcom answers with the entity's full schema and no data
 * (docs/bromcom-facts.md, entityFilter: "Schema probe").
 */
export const SCHEMA_PROBE_FILTER = '1=0';

/** Links still in force today (no end date, or one in the future): memberships, contact links. */
export function currentLinkFilter(end = 'EndDate'): string {
	const column = validateIdentifier(end, 'End date column');
	return `(${column} IS NULL OR ${column} >= GETDATE())`;
}

/** Collections that are teaching groups (classes and tutor groups), the ones rosters and the trigger use. */
export function teachingGroupFilter(): string {
	return buildCondition({
		field: 'CollectionTypeName',
		operator: 'in',
		value: ['CLASS', 'TUTORGRP'],
		type: 'string',
	});
}

// ---- Raw filters -------------------------------------------------------------------------------

/**
 * A raw filter is for experts, but it must still be one predicate: outside string literals it may
 * not contain a statement separator or a comment (which would let text escape the WHERE clause),
 * and its quotes and parentheses must balance.
 */
export function validateRawFilter(raw: string): string {
	const text = String(raw ?? '').trim();
	if (text.length === 0) return '';
	if (hasInvalidXmlChars(text))
		throw new FilterError(
			'The raw filter contains a control character that cannot be sent to Bromcom.',
		);
	let depth = 0;
	for (const token of tokenizeTsql(text)) {
		if (token.kind === 'unclosed') {
			throw new FilterError(
				token.text === "'"
					? "The raw filter has an unclosed quote. Write a quote inside a value as two quotes: 'O''Brien'."
					: `The raw filter has an unclosed ${token.text === '[' ? '[bracketed]' : '"quoted"'} name.`,
			);
		}
		if (token.kind === 'comment')
			throw new FilterError('The raw filter may not contain SQL comments (-- or /*).');
		if (token.kind !== 'symbol') continue;
		if (token.text === '(') depth++;
		else if (token.text === ')') {
			depth--;
			if (depth < 0) throw new FilterError('The raw filter has a ")" without a matching "(".');
		} else if (token.text === ';')
			throw new FilterError(
				'The raw filter may not contain ";": it must be a single condition, for example YearGroup = \'7\'.',
			);
	}
	if (depth !== 0) throw new FilterError('The raw filter has a "(" without a matching ")".');
	return text;
}

export interface TsqlToken {
	kind: 'string' | 'identifier' | 'comment' | 'symbol' | 'word' | 'unclosed';
	text: string;
}

/**
 * T-SQL tokens as SQL Server reads them: string literals `'…'` (with `''` inside), bracketed `[…]`
 * (with `]]`) and double-quoted `"…"` (with `""`) identifiers, both comment forms, and everything
 * else as words and single-character symbols. A `;`, `--` or `)` inside a literal or an identifier
 * is data, outside it is syntax: the raw-filter guard decides on tokens, never on characters.
 */
export function tokenizeTsql(text: string): TsqlToken[] {
	const tokens: TsqlToken[] = [];
	let i = 0;
	const quoted = (open: string, close: string, kind: TsqlToken['kind']): boolean => {
		let j = i + 1;
		for (;;) {
			const at = text.indexOf(close, j);
			if (at === -1) {
				tokens.push({ kind: 'unclosed', text: open });
				i = text.length;
				return false;
			}
			if (text[at + 1] === close) {
				j = at + 2;
				continue;
			}
			tokens.push({ kind, text: text.slice(i, at + 1) });
			i = at + 1;
			return true;
		}
	};
	while (i < text.length) {
		const c = text[i];
		if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
			i++;
		} else if (c === "'") {
			if (!quoted("'", "'", 'string')) break;
		} else if (c === '[') {
			if (!quoted('[', ']', 'identifier')) break;
		} else if (c === '"') {
			if (!quoted('"', '"', 'identifier')) break;
		} else if (c === '-' && text[i + 1] === '-') {
			tokens.push({ kind: 'comment', text: text.slice(i) });
			break;
		} else if (c === '/' && text[i + 1] === '*') {
			tokens.push({ kind: 'comment', text: text.slice(i) });
			break;
		} else if (/[A-Za-z0-9_@#$.]/.test(c)) {
			let j = i + 1;
			while (j < text.length && /[A-Za-z0-9_@#$.]/.test(text[j])) j++;
			tokens.push({ kind: 'word', text: text.slice(i, j) });
			i = j;
		} else {
			tokens.push({ kind: 'symbol', text: c });
			i++;
		}
	}
	return tokens;
}

/** Joins filter parts with AND, each in parentheses, skipping empty ones. */
export function combineFilters(...parts: Array<string | undefined>): string {
	const present = parts.map((p) => (p ?? '').trim()).filter((p) => p.length > 0);
	if (present.length === 0) return '';
	if (present.length === 1) return present[0];
	return present.map((p) => `(${p})`).join(' AND ');
}

export function literalType(kind: ColumnKind): LiteralType {
	if (kind === 'integer' || kind === 'bigint' || kind === 'decimal' || kind === 'float')
		return 'number';
	if (kind === 'boolean') return 'boolean';
	if (kind === 'dateTime') return 'date';
	return 'string';
}

/** Chunks a long id list into IN filters Bromcom's SQL accepts comfortably. */
export function idChunks(ids: Array<number | string>, size = 500): Array<Array<number | string>> {
	const unique = [...new Set(ids)];
	const out: Array<Array<number | string>> = [];
	for (let k = 0; k < unique.length; k += size) out.push(unique.slice(k, k + size));
	return out;
}

export function inFilter(column: string, ids: Array<number | string>): string {
	return buildFilter({
		combinator: 'and',
		conditions: [
			{
				field: column,
				operator: 'in',
				value: ids,
				type: typeof ids[0] === 'number' ? 'number' : 'string',
			},
		],
	});
}
