/** What the trigger emits: one item per event on Events, a held mass change on Notices. */
import type { IDataObject } from 'n8n-workflow';

import type { Change, MassChange, PollResult, Row } from '../Bromcom/core/snapshot';

export function eventItem(
	change: Change,
	include: string,
	meta: IDataObject,
	latest: Row | undefined,
): IDataObject {
	const reason =
		change.event === 'left' ? { reason: latest ? 'noLongerMatching' : 'notFound' } : {};
	const current = change.current ?? latest ?? null;
	let body: IDataObject;
	if (include === 'both')
		body = {
			current: current as IDataObject,
			previous: (change.previous ?? null) as IDataObject,
			differences: (change.differences ?? {}) as IDataObject,
		};
	else if (include === 'old')
		body = (change.previous ?? (change.event === 'left' ? latest : {}) ?? {}) as IDataObject;
	else body = (current ?? change.previous ?? {}) as IDataObject;
	return { ...meta, ...reason, ...body, ...meta };
}

export function massChangeItem(
	m: MassChange,
	meta: IDataObject,
	acceptAfterPolls: number,
): IDataObject {
	const held = m.counts.left + m.counts.updated;
	const what =
		held === m.known && m.counts.left === m.known
			? `All ${m.known} known records disappeared in one poll`
			: `${held} of ${m.known} known records would leave or change in one poll (more than ${m.thresholdPercent}%)`;
	const release =
		acceptAfterPolls > 0
			? ` (or it is released by itself if it persists for ${acceptAfterPolls} more poll(s))`
			: '';
	return {
		...meta,
		id: m.id,
		message: `${what}. Left and Updated events are held; New and Restored events still flow. This usually means a term rollover, a revoked permission or a changed filter in Bromcom.`,
		howToRelease: `If the change is real, set Options › Acknowledge Mass Change ID to "${m.id}"${release}. If not, fix the cause in Bromcom and the held events disappear.`,
		knownRecords: m.known,
		counts: m.counts,
		thresholdPercent: m.thresholdPercent,
		samples: m.samples,
		pollsHeld: m.pollsHeld,
	};
}

export interface KeylessReport {
	count: number;
	/** Key column → records where it was NULL or empty. */
	columns: Record<string, number>;
	/** Every record read lacked a key: the poll fails rather than watch nothing in silence. */
	everyRecord: boolean;
	message: string;
	description: string;
}

/** What a poll says about records without a key (a NULL key column is an absent element on the wire). */
export function keylessReport(
	result: PollResult,
	entity: string,
	keyColumns: string[],
): KeylessReport {
	const { count } = result.keyless;
	const columns: Record<string, number> = {};
	for (const column of keyColumns)
		if (result.keyless.columns[column]) columns[column] = result.keyless.columns[column];
	const named = Object.keys(columns);
	const which =
		named.length === 1
			? `key column ${named[0]}`
			: `key column(s) ${named.map((c) => `${c} (${columns[c]})`).join(', ')}`;
	const everyRecord = count > 0 && result.records === 0;
	const message = everyRecord
		? `The ${which} is empty (NULL) in all ${count} ${entity} records read, so the trigger cannot tell them apart and watched nothing.`
		: `${count} ${entity} record${count === 1 ? ' has' : 's have'} no value in ${which} (NULL or empty), so the trigger cannot tell ${count === 1 ? 'it' : 'them'} apart from other records: ${count === 1 ? 'it is' : 'they are'} left out (no events) until ${count === 1 ? 'it has' : 'they have'} one. The other ${result.records} records are watched as usual. This notice comes again only when the number of such records changes.`;
	return {
		count,
		columns,
		everyRecord,
		message,
		description:
			'Key Columns must name the column(s) that identify every record, for example StudentID for Students. Bromcom leaves a NULL column out of a record, so a column that is NULL everywhere reads as empty.',
	};
}
