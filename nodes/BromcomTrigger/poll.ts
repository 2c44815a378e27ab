/** Reading what a poll compares: the watched records keyed, and for Left events the record as it is now. */
import type { IPollFunctions } from 'n8n-workflow';

import { RecordKeys, type Change, type PollDiff, type Row } from '../Bromcom/core/snapshot';
import { recordStatusFilter } from '../Bromcom/core/wire/filter';
import { readContacts } from '../Bromcom/actions/joins';
import { invalid, type ItemSettings } from '../Bromcom/n8n/settings';
import { readByIds, type SchemaCache } from '../Bromcom/actions/read';
import { clientFor } from '../Bromcom/transport';
import type { WatchSpec } from './options';

/**
 * Reads the watched records into a comparison as they arrive: `start` makes a fresh one for each
 * attempt (a retried read starts again, so nothing is counted twice). Rows are not kept unless the
 * comparison keeps them.
 */
export async function readRecords(
	ctx: IPollFunctions,
	spec: WatchSpec,
	filter: string,
	settings: ItemSettings,
	schemas: SchemaCache,
	start: () => PollDiff,
): Promise<{ poll: PollDiff; columns: string[] }> {
	if (spec.fetch === 'contacts') {
		const students = new Set(
			(await clientFor(ctx).read('Students', recordStatusFilter('current'), settings)).rows.map(
				(r) => Number(r.StudentID),
			),
		);
		const contacts = await readContacts(ctx, settings, schemas, '', {
			personFilter: filter,
			students,
		});
		const poll = start();
		for (const contact of contacts) poll.add(contact as Row);
		return { poll, columns: contacts.length ? Object.keys(contacts[0]) : [] };
	}
	let poll: PollDiff | undefined;
	const data = await clientFor(ctx).read(spec.entity, filter, {
		...settings,
		consumer: () => {
			const attempt = start();
			poll = attempt;
			return (rows) => {
				for (let i = 0; i < rows.length; i++) attempt.add(rows[i] as Row);
			};
		},
	});
	// A key column that is not there would leave every record without a key: an error instead.
	const missing = spec.key.filter(
		(k) => !data.columns.some((c) => c.name.toLowerCase() === k.toLowerCase()),
	);
	if (missing.length)
		throw invalid(
			`Key column(s) ${missing.join(', ')} are not columns of ${spec.entity}${spec.anyEntity ? ': check Key Columns' : ''}. Its columns are: ${data.columns.map((c) => c.name).join(', ')}.`,
		);
	return { poll: poll ?? start(), columns: data.columns.map((c) => c.name) };
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
	const keys = new RecordKeys(spec.key);
	try {
		for (const row of await readByIds(
			ctx,
			spec.entity,
			spec.key[0],
			ids,
			settings,
			spec.extraFilterOnReadBack ? spec.extraFilter : '',
		)) {
			const key = keys.of(row as Row);
			if (key !== undefined) out.set(key, row as Row);
		}
	} catch {
		// Best effort: without it, Left items carry the last known values.
	}
	return out;
}
