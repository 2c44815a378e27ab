/**
 * The read pipeline every operation uses: per-item settings (school, timeout, attempts), the user's
 * filters turned into a safe entityFilter (typed by a `1=0` schema probe of the entity), the call,
 * then Fields to Return and Limit.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	getEntityData,
	type BromcomContext,
	type CallOptions,
	type StreamedDataSet,
} from '../transport';
import type { ReadOptions } from '../transport/http';
import type { ColumnKind, DataSetColumn, DataSetRow } from '../core/wire/dataset';
import { parseBromcomId } from '../core/ids';
import { DEFAULT_TIMEOUT_SECONDS, POLICY } from '../core/policy';
import { invalid, schoolIdParameter } from '../n8n/settings';
import {
	buildCondition,
	buildFilter,
	combineFilters,
	recordStatusFilter,
	SCHEMA_PROBE_FILTER,
	validateRawFilter,
	type DateColumns,
	type FilterColumn,
	type FilterCondition,
	type FilterOperator,
	type LiteralType,
	type RecordStatus,
} from '../core/wire/filter';

export interface ItemSettings extends CallOptions {
	schoolId?: number;
	/** Stop reading once this many rows arrived (Return All off): Limit limits the download too. */
	maxRows?: number;
	/** Options > Trim Trailing Spaces. */
	trimValues?: boolean;
	/** Options > Convert Yes/No to Booleans. */
	yesNoToBoolean?: boolean;
}

/** School ID from the node (empty = the credential's) and the request options of item `i`. */
export function itemSettings(ctx: IExecuteFunctions, i: number): ItemSettings {
	const schoolId = schoolIdParameter(ctx.getNodeParameter('schoolId', i, ''));
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const timeout = Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS);
	const attempts = Number(options.attempts ?? POLICY.attempts);
	return {
		schoolId,
		itemIndex: i,
		timeoutMs: timeout * 1000,
		attempts: Math.max(1, Math.min(10, Math.floor(attempts))),
		trimValues: options.trimValues === true,
		yesNoToBoolean: options.yesNoToBoolean === true,
	};
}

export function literalType(kind: ColumnKind): LiteralType {
	if (kind === 'integer' || kind === 'bigint' || kind === 'decimal' || kind === 'float')
		return 'number';
	if (kind === 'boolean') return 'boolean';
	if (kind === 'dateTime') return 'date';
	return 'string';
}

/** Per-execution memo of entity schemas, so a workflow over many items probes each entity once per school. */
export class SchemaCache {
	private readonly cache = new Map<string, Promise<DataSetColumn[]>>();

	constructor(private readonly ctx: BromcomContext) {}

	/**
	 * `typing` (the columns a filter names, and that filter with untyped literals) matters only over
	 * the Partner API, whose probe must read rows to type columns (rest.ts); a SOAP `1=0` reads none.
	 */
	async columns(
		entity: string,
		settings: ItemSettings,
		typing?: ReadOptions['typing'],
	): Promise<DataSetColumn[]> {
		const key = `${settings.schoolId ?? 'credential'}:${entity.toLowerCase()}`;
		let pending = this.cache.get(key);
		if (!pending) {
			pending = getEntityData(this.ctx, entity, SCHEMA_PROBE_FILTER, {
				...settings,
				maxRows: undefined,
				typing,
			}).then((ds) => ds.columns);
			this.cache.set(key, pending);
			pending.catch(() => this.cache.delete(key));
		}
		return await pending;
	}
}

export interface ConditionParameter {
	field?: string;
	operator?: FilterOperator;
	value?: unknown;
	value2?: unknown;
}

/** Guided conditions and a raw filter as entityFilter text, typed by the entity's schema. */
export async function buildUserFilter(
	conditionParameters: ConditionParameter[],
	match: unknown,
	rawFilter: unknown,
	entity: string,
	settings: ItemSettings,
	schemas: SchemaCache,
): Promise<string> {
	// A condition without a field is never dropped silently: the node would run unfiltered (switching
	// the credential clears Field and keeps Value, so this happens without the user touching the filter).
	conditionParameters.forEach((c, k) => {
		if (String(c.field ?? '').trim() === '') {
			const value = String(c.value ?? '').trim();
			throw invalid(
				`Filters > condition ${k + 1} has no Field${value ? ` (its value is "${value.slice(0, 40)}")` : ''}: choose a column, or remove the condition. Nothing was read.`,
			);
		}
	});
	const combinator = match === 'or' ? 'or' : 'and';
	const conditions = conditionParameters.map(
		(c) =>
			({
				field: String(c.field),
				operator: c.operator ?? 'equals',
				value: c.value,
				value2: c.value2,
			}) as FilterCondition,
	);
	let guided = '';
	if (conditions.length > 0) {
		// The same conditions with every value as text narrow the rows that type the columns over the
		// Partner API; SQL Server converts such text to the column's type. Any that cannot be written so
		// leave the sample unnarrowed.
		let narrowing: string | undefined;
		try {
			narrowing = buildFilter({
				combinator,
				conditions: conditions.map((c) => ({ ...c, type: 'string' as LiteralType })),
			});
		} catch {
			narrowing = undefined;
		}
		const typing = { columns: conditions.map((c) => c.field), narrowing };
		const columns: FilterColumn[] = (await schemas.columns(entity, settings, typing)).map((c) => ({
			name: c.name,
			type: literalType(c.kind),
		}));
		guided = buildFilter({ combinator, conditions }, { columns, entity });
	}
	return combineFilters(guided, validateRawFilter(String(rawFilter ?? '')));
}

/** The user's guided filters and raw filter for item `i`, as entityFilter text. */
export async function userFilter(
	ctx: IExecuteFunctions,
	i: number,
	entity: string,
	settings: ItemSettings,
	schemas: SchemaCache,
): Promise<string> {
	const filters = ctx.getNodeParameter('filters', i, {}) as { conditions?: ConditionParameter[] };
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return await buildUserFilter(
		filters.conditions ?? [],
		options.match,
		options.rawFilter,
		entity,
		settings,
		schemas,
	);
}

export function statusFilter(ctx: IExecuteFunctions, i: number, dates: DateColumns): string {
	const status = ctx.getNodeParameter('recordStatus', i, 'all') as RecordStatus;
	return recordStatusFilter(status, dates);
}

/**
 * Keeps only the chosen columns (case-insensitive), in the chosen order. A name that is not a column
 * is an error listing the columns there are (it would otherwise turn every item into `{}`). Columns
 * are known from the rows, or from the entity's schema (`known`) when no row came back.
 */
export function selectFields(
	rows: IDataObject[],
	fields: string[],
	known: string[] = [],
): IDataObject[] {
	if (fields.length === 0) return rows;
	const available = rows.length > 0 ? Object.keys(rows[0]) : known;
	if (available.length > 0) {
		const lower = new Set(available.map((k) => k.toLowerCase()));
		const unknown = fields.filter((f) => !lower.has(f.toLowerCase()));
		if (unknown.length > 0) {
			throw invalid(
				`Options > Fields to Return names ${unknown.length === 1 ? 'a column' : 'columns'} that ${unknown.length === 1 ? 'is' : 'are'} not in the result: ${unknown.map((f) => `"${f}"`).join(', ')}. Available columns: ${available.join(', ')}.`,
			);
		}
	}
	return rows.map((row) => {
		const keys = Object.keys(row);
		const out: IDataObject = {};
		for (const field of fields) {
			const key = keys.find((k) => k.toLowerCase() === field.toLowerCase());
			if (key !== undefined) out[key] = row[key];
		}
		return out;
	});
}

export function fieldsOption(ctx: IExecuteFunctions, i: number): string[] {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const fields = options.fields;
	if (Array.isArray(fields)) return fields.map(String).filter((f) => f.length > 0);
	if (typeof fields === 'string')
		return fields
			.split(',')
			.map((f) => f.trim())
			.filter((f) => f.length > 0);
	return [];
}

/** Limit for item `i`, or undefined with Return All. */
export function rowLimit(ctx: IExecuteFunctions, i: number): number | undefined {
	const returnAll = ctx.getNodeParameter('returnAll', i, true) as boolean;
	if (returnAll) return undefined;
	return Math.max(0, Math.floor(Number(ctx.getNodeParameter('limit', i, 50))));
}

export function limitRows<T>(ctx: IExecuteFunctions, i: number, rows: T[]): T[] {
	const limit = rowLimit(ctx, i);
	return limit === undefined || rows.length <= limit ? rows : rows.slice(0, limit);
}

/** Item settings with Limit as the read's row cap, for reads whose rows all reach the output. */
export function limitedSettings(
	ctx: IExecuteFunctions,
	i: number,
	settings: ItemSettings,
): ItemSettings {
	const limit = rowLimit(ctx, i);
	return limit === undefined ? settings : { ...settings, maxRows: limit };
}

export async function read(
	ctx: BromcomContext,
	entity: string,
	filter: string,
	settings: ItemSettings,
): Promise<StreamedDataSet> {
	const data = await getEntityData(ctx, entity, filter, {
		...settings,
		action: `reading ${entity}`,
	});
	if (settings.trimValues) for (const row of data.rows) trimRow(row);
	if (settings.yesNoToBoolean) for (const row of data.rows) yesNoRow(row);
	return data;
}

/**
 * Turns "Yes"/"No" text values (trailing padding ignored) into true/false, in place. Only these two
 * exact words: "Y", "yes" or "True" stay text, so nothing is guessed.
 */
export function yesNoRow(row: DataSetRow): DataSetRow {
	for (const key of Object.keys(row)) {
		const value = row[key];
		if (typeof value !== 'string' || value.length < 2 || value.length > 40) continue;
		const word = value.trimEnd();
		if (word !== 'Yes' && word !== 'No') continue;
		if (key === '__proto__')
			Object.defineProperty(row, key, {
				value: word === 'Yes',
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else row[key] = word === 'Yes';
	}
	return row;
}

/** Removes trailing padding from every string value of a row, in place. */
export function trimRow(row: DataSetRow): DataSetRow {
	for (const key of Object.keys(row)) {
		const value = row[key];
		if (
			typeof value !== 'string' ||
			value.length === 0 ||
			value.charCodeAt(value.length - 1) !== 32
		)
			continue;
		if (key === '__proto__')
			Object.defineProperty(row, key, {
				value: value.trimEnd(),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else row[key] = value.trimEnd();
	}
	return row;
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

/** Reads an entity for many ids, in chunks. */
export async function readByIds(
	ctx: BromcomContext,
	entity: string,
	column: string,
	ids: Array<number | string>,
	settings: ItemSettings,
	extraFilter = '',
): Promise<DataSetRow[]> {
	const rows: DataSetRow[] = [];
	for (const chunk of idChunks(ids)) {
		if (chunk.length === 0) continue;
		const part = (
			await read(ctx, entity, combineFilters(inFilter(column, chunk), extraFilter), settings)
		).rows;
		for (let k = 0; k < part.length; k++) rows.push(part[k]);
	}
	return rows;
}

export function requiredId(ctx: IExecuteFunctions, i: number, name: string, label: string): number {
	const id = optionalId(ctx, i, name, label);
	if (id === undefined)
		throw invalid(`${label} is empty. Enter a Bromcom ID: a positive whole number.`);
	return id;
}

/** An ID field that may be left empty (undefined); anything else must be a Bromcom ID. */
export function optionalId(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	label: string,
): number | undefined {
	const raw = ctx.getNodeParameter(name, i, '') as unknown;
	const value =
		typeof raw === 'object' && raw !== null && 'value' in (raw as IDataObject)
			? (raw as IDataObject).value
			: raw;
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	const n = parseBromcomId(value);
	if (n === undefined)
		throw invalid(
			`${label} "${String(value)}" is not a valid Bromcom ID: it must be a positive whole number.`,
		);
	return n;
}

const equalsId = (column: string, id: number) =>
	buildCondition({ field: column, operator: 'equals', value: id, type: 'number' });

/** `column = <the ID in field name>`: the filter of a read narrowed to one record. */
export function idCondition(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	label: string,
	column: string,
): string {
	return equalsId(column, requiredId(ctx, i, name, label));
}

/** The same for an ID field that may be left empty: empty narrows nothing (''). */
export function optionalIdCondition(
	ctx: IExecuteFunctions,
	i: number,
	name: string,
	label: string,
	column: string,
): string {
	const id = optionalId(ctx, i, name, label);
	return id === undefined ? '' : equalsId(column, id);
}

export { invalid };
