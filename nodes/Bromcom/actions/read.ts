/**
 * The read pipeline every operation uses: the user's filters turned into a safe entityFilter (typed by
 * a `1=0` schema probe of the entity), the call, then Trim Trailing Spaces and Convert Yes/No to
 * Booleans (core/rows.ts). Per-item settings (school, timeout, attempts, Limit, Fields to Return) are
 * read in n8n/settings.ts.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { clientFor, type BromcomContext, type StreamedDataSet } from '../transport';
import type { ReadOptions } from '../transport/http';
import type { DataSetColumn, DataSetRow } from '../core/wire/dataset';
import { trimRow, yesNoRow } from '../core/rows';
import { invalid, type ItemSettings } from '../n8n/settings';
import {
	buildFilter,
	combineFilters,
	idChunks,
	inFilter,
	literalType,
	SCHEMA_PROBE_FILTER,
	validateRawFilter,
	type FilterColumn,
	type FilterCondition,
	type FilterOperator,
	type LiteralType,
} from '../core/wire/filter';

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
			pending = clientFor(this.ctx)
				.read(entity, SCHEMA_PROBE_FILTER, {
					...settings,
					maxRows: undefined,
					typing,
				})
				.then((ds) => ds.columns);
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

export async function read(
	ctx: BromcomContext,
	entity: string,
	filter: string,
	settings: ItemSettings,
): Promise<StreamedDataSet> {
	const data = await clientFor(ctx).read(entity, filter, {
		...settings,
		action: `reading ${entity}`,
	});
	if (settings.trimValues) for (const row of data.rows) trimRow(row);
	if (settings.yesNoToBoolean) for (const row of data.rows) yesNoRow(row);
	return data;
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
