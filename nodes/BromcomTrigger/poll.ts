/** Reading what a poll compares: the watched records keyed, and for Left events the record as it is now. */
import type { IPollFunctions } from 'n8n-workflow';

import type { Change, Row } from '../Bromcom/core/snapshot';
import { recordStatusFilter } from '../Bromcom/core/wire/filter';
import { readContacts } from '../Bromcom/helpers/joins';
import { invalid, readByIds, type ItemSettings, type SchemaCache } from '../Bromcom/helpers/read';
import { getEntityData } from '../Bromcom/transport';
import type { WatchSpec } from './options';

export function keyOf(record: Row, columns: string[]): string {
	const keys = Object.keys(record);
	return columns
		.map((c) => {
			const k = keys.find((x) => x.toLowerCase() === c.toLowerCase());
			return k === undefined ? '' : String(record[k] ?? '');
		})
		.join(':');
}

export async function fetchRecords(
	ctx: IPollFunctions,
	watch: string,
	spec: WatchSpec,
	filter: string,
	settings: ItemSettings,
	schemas: SchemaCache,
): Promise<{ records: Array<[string, Row]>; columns: string[] }> {
	if (watch === 'contacts') {
		const students = new Set(
			(await getEntityData(ctx, 'Students', recordStatusFilter('current'), settings)).rows.map(
				(r) => Number(r.StudentID),
			),
		);
		const contacts = await readContacts(ctx, settings, schemas, '', {
			personFilter: filter,
			students,
		});
		return {
			records: contacts.map((c) => [String(c.PersonID), c as Row]),
			columns: contacts.length ? Object.keys(contacts[0]) : [],
		};
	}
	const data = await getEntityData(ctx, spec.entity, filter, settings);
	// A key column that is not there would key every record "" (one New event for all): an error instead.
	const missing = spec.key.filter(
		(k) => !data.columns.some((c) => c.name.toLowerCase() === k.toLowerCase()),
	);
	if (missing.length)
		throw invalid(
			`Key column(s) ${missing.join(', ')} are not columns of ${spec.entity}${watch === 'entity' ? ': check Key Columns' : ''}. Its columns are: ${data.columns.map((c) => c.name).join(', ')}.`,
		);
	return {
		records: data.rows.map((row) => [keyOf(row, spec.key).trimEnd(), row as Row]),
		columns: data.columns.map((c) => c.name),
	};
}

/** For Left events on single numeric keys: the record as it is now (a leaver still exists, with an end date). */
export async function latestVersions(
	ctx: IPollFunctions,
	spec: WatchSpec,
	left: Change[],
	settings: ItemSettings,
): Promise<Map<string, Row>> {
	const out = new Map<string, Row>();
	if (spec.key.length !== 1 || spec.entity === 'People') return out;
	const ids = left.map((c) => Number(c.key)).filter((n) => Number.isInteger(n));
	if (ids.length === 0) return out;
	try {
		for (const row of await readByIds(
			ctx,
			spec.entity,
			spec.key[0],
			ids,
			settings,
			spec.extraFilterOnReadBack ? spec.extraFilter : '',
		))
			out.set(keyOf(row, spec.key), row as Row);
	} catch {
		// Best effort: without it, Left items carry the last known values.
	}
	return out;
}
