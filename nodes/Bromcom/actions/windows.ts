/**
 * Date ranges read in windows (core/windows.ts). Bromcom's SOAP API has no paging (docs/bromcom-facts.md,
 * Paging): real clients chunk attendance and timetables by date windows themselves. Windows are fetched
 * with bounded concurrency and merged in date order.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DataSetRow } from '../core/wire/dataset';
import { mapLimit } from '../core/concurrency';
import { completeRows } from '../core/casing';
import { selectFields } from '../core/rows';
import { dateWindowFilter, dateWindows } from '../core/windows';
import { combineFilters } from '../core/wire/filter';
import {
	fieldsOption,
	itemSettings,
	limitedSettings,
	limitRows,
	type ItemSettings,
} from '../n8n/settings';
import { read, userFilter, type SchemaCache } from './read';

export async function readWindows(
	ctx: IExecuteFunctions,
	entity: string,
	dateColumn: string,
	windows: Array<[string, string]>,
	filter: string,
	settings: ItemSettings,
	concurrency = 2,
): Promise<DataSetRow[]> {
	const windowFilter = (window: [string, string]) => dateWindowFilter(dateColumn, window, filter);
	let schemaless = false;
	const rows: DataSetRow[] = [];
	if (settings.maxRows !== undefined) {
		// Limit: windows in date order, one at a time, each read stopping once the limit is reached.
		for (const window of windows) {
			const remaining = settings.maxRows - rows.length;
			if (remaining <= 0) break;
			const part = await read(ctx, entity, windowFilter(window), {
				...settings,
				maxRows: remaining,
			});
			schemaless ||= part.schemaless === true;
			for (let k = 0; k < part.rows.length; k++) rows.push(part.rows[k]);
		}
	} else {
		const parts = await mapLimit(
			windows,
			concurrency,
			async (window) => await read(ctx, entity, windowFilter(window), settings),
		);
		for (const part of parts) {
			schemaless ||= part.schemaless === true;
			for (let k = 0; k < part.rows.length; k++) rows.push(part.rows[k]);
		}
	}
	// One set of keys over all windows: the Partner API leaves a NULL column out of its JSON.
	if (schemaless) completeRows(rows);
	return rows;
}

/**
 * A date-ranged Get Many (attendance marks, timetable): the item's From/To in windows, the scope's
 * condition (made after the dates are checked) with the user's filters, read window by window, then
 * Limit and Fields to Return.
 */
export async function readDateRange(
	ctx: IExecuteFunctions,
	i: number,
	schemas: SchemaCache,
	range: { entity: string; rangeColumn: string; windowDays: number; target: () => string },
): Promise<IDataObject[]> {
	const settings = itemSettings(ctx, i);
	const windows = dateWindows(
		ctx.getNodeParameter('from', i),
		ctx.getNodeParameter('to', i),
		windowDays(ctx, i, range.windowDays),
	);
	const filter = combineFilters(
		range.target(),
		await userFilter(ctx, i, range.entity, settings, schemas),
	);
	const rows = await readWindows(
		ctx,
		range.entity,
		range.rangeColumn,
		windows,
		filter,
		limitedSettings(ctx, i, settings),
	);
	return selectFields(limitRows(ctx, i, rows as IDataObject[]), fieldsOption(ctx, i));
}

export function dateRangeProperties(): INodeProperties[] {
	return [
		{
			displayName: 'From',
			name: 'from',
			type: 'dateTime',
			required: true,
			default: '',
			description: 'First day to include',
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'dateTime',
			required: true,
			default: '',
			description: 'Last day to include',
		},
	];
}

export const windowDaysOption: INodeProperties = {
	displayName: 'Window (Days)',
	name: 'windowDays',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 366 },
	default: 14,
	description:
		'Long date ranges are fetched in windows of this many days, two at a time, so each Bromcom call stays small',
};

export function windowDays(ctx: IExecuteFunctions, i: number, fallback: number): number {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return Number(options.windowDays ?? fallback);
}
