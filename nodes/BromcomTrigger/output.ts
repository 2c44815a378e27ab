/** What the trigger emits: one item per event on Events, a held mass change on Notices. */
import type { IDataObject } from 'n8n-workflow';

import type { Change, MassChange, Row } from '../Bromcom/core/snapshot';

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
