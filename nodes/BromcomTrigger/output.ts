/** What the trigger emits: one item per event on Events, a held mass change on Notices. */
import type { IDataObject } from 'n8n-workflow';

import type { Change, MassChange, PollNotice, PollResult, Row } from '../Bromcom/core/snapshot';

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

/**
 * Fetch Test Event's items: the first records read, or, for a trigger that fires only on Left
 * (`left` set), those records shaped as the Left events it emits (with `reason` the one its samples
 * have); one message item when there is none.
 */
export function sampleItems(
	sample: Array<[string, Row]>,
	poll: {
		meta: (event: string, key: string) => IDataObject;
		entity: string;
		includeInOutput: string;
		left?: 'noLongerMatching' | 'notFound';
	},
): IDataObject[] {
	const { meta, entity, left } = poll;
	if (sample.length === 0)
		return [
			{
				...meta('sample', ''),
				message: left
					? `No ${entity} records that left match the trigger's settings in this school, so there is no Record Left sample to show.`
					: `No ${entity} records match the trigger's settings in this school.`,
			},
		];
	return sample.map(([key, record]) =>
		left
			? eventItem(
					{ event: 'left', key, previous: record },
					poll.includeInOutput,
					meta('sample', key),
					left === 'noLongerMatching' ? record : undefined,
				)
			: ({ ...meta('sample', key), ...record, ...meta('sample', key) } as IDataObject),
	);
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

/** A notice of `decide()` as the item on Notices. */
export function noticeItem(
	notice: PollNotice,
	poll: {
		meta: (event: string, key: string) => IDataObject;
		keyless: KeylessReport;
		/** Records with a key in this poll. */
		records: number;
		entity: string;
		acceptAfterPolls: number;
	},
): IDataObject {
	const { meta, keyless, records, entity } = poll;
	if (notice.kind === 'keylessRecords')
		return {
			...meta('keylessRecords', ''),
			count: keyless.count,
			columns: keyless.columns,
			message: keyless.message,
		};
	if (notice.kind === 'massChange')
		return massChangeItem(notice.massChange, meta('massChange', ''), poll.acceptAfterPolls);
	return {
		...meta('rebaseline', ''),
		reason: notice.reason,
		message:
			notice.reason === 'columnsChanged'
				? `The columns of ${entity} changed in Bromcom since the last poll, so the trigger took a new baseline of ${records} records without emitting events. Changes made to records between the last poll and this one are not reported.`
				: `The trigger's saved state was missing although this workflow's static data holds other nodes' data, so it took a new baseline of ${records} ${entity} records without emitting events: changes made since its last poll may not be reported. In queue mode this happens when another node in the workflow (for example a Code node using $getWorkflowStaticData) saves the workflow's static data; it also happens when the trigger is renamed. Run a reconciliation for the period (for example Get Many with a date filter) and keep such data out of the trigger's workflow.`,
	};
}
