/**
 * What a poll watches and how it compares, read from the trigger's parameters: the watch (a row of
 * the watch table in watches.ts, or Any Entity's entity and key), the filter it reads with, and the
 * snapshot configuration whose fingerprint decides when the trigger takes a quiet new baseline.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { hash53, type SnapshotConfig } from '../Bromcom/core/snapshot';
import { combineFilters, recordStatusFilter, type RecordStatus } from '../Bromcom/core/wire/filter';
import { watchOf } from './watches';

/** A watch resolved for one poll: a row of the watch table, or Any Entity with its entity and key. */
export interface WatchSpec {
	/** The `entity` field of the trigger's items: the watch's value, or the entity's name for Any Entity. */
	label: string;
	entity: string;
	key: string[];
	dates?: { start: string; end: string };
	/** Always part of the filter: classes are teaching groups, memberships still in force. */
	extraFilter?: string;
	/** The fixed filter does not apply when records are read back by key (a Left membership has ended). */
	extraFilterOnReadBack: boolean;
	fetch: 'rows' | 'contacts';
	/** Any Entity: the entity and key are the user's (Key Columns), not a row of the watch table. */
	anyEntity: boolean;
}

export function watchSpec(ctx: IPollFunctions, watch: string): WatchSpec {
	if (watch !== 'entity') {
		const row = watchOf(watch);
		if (!row) throw new NodeOperationError(ctx.getNode(), `Unknown watch "${watch}".`);
		return {
			label: row.value,
			entity: row.entity.name,
			key: [...row.entity.key],
			dates: row.dates,
			extraFilter: row.fixedFilter,
			extraFilterOnReadBack: row.fixedFilterOnReadBack,
			fetch: row.fetch,
			anyEntity: false,
		};
	}
	const entity = String(ctx.getNodeParameter('entity', '', { extractValue: true }) ?? '').trim();
	const key = String(ctx.getNodeParameter('keyColumns', '') ?? '')
		.split(',')
		.map((k) => k.trim())
		.filter(Boolean);
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entity))
		throw new NodeOperationError(ctx.getNode(), `"${entity}" is not a Bromcom entity name.`);
	if (key.length === 0)
		throw new NodeOperationError(
			ctx.getNode(),
			'Key Columns is empty: name the column(s) that identify a record, for example StudentID.',
		);
	return {
		label: entity,
		entity,
		key,
		extraFilterOnReadBack: true,
		fetch: 'rows',
		anyEntity: true,
	};
}

/**
 * What a poll reads: Record Status (for a watch with dates), the watch's fixed filter and the user's
 * part (Filters, Raw Entity Filter). Its text is part of the fingerprint: a change re-baselines.
 */
export function watchFilter(spec: WatchSpec, status: RecordStatus, userPart: string): string {
	return combineFilters(
		spec.dates ? recordStatusFilter(status, spec.dates) : '',
		spec.extraFilter,
		userPart,
	);
}

/**
 * Records that left, for Fetch Test Event: those a Left event would carry with `reason:
 * noLongerMatching` (leavers with an end date, ended memberships). Undefined where a record can only
 * leave by disappearing (`reason: notFound`): the samples are then current records, as last seen.
 */
export function leftRecordsFilter(spec: WatchSpec, status: RecordStatus): string | undefined {
	if (spec.dates && status === 'current')
		return combineFilters(recordStatusFilter('leavers', spec.dates), spec.extraFilter);
	if (spec.extraFilter && !spec.extraFilterOnReadBack) return `NOT (${spec.extraFilter})`;
	return undefined;
}

/** The snapshot configuration. `identity` is everything that makes two polls comparable. */
export function snapshotConfig(
	options: IDataObject,
	identity: unknown,
	fieldsToWatch: string[],
	keepOld: boolean,
): SnapshotConfig {
	return {
		fingerprint: hash53(JSON.stringify(identity)),
		watch: fieldsToWatch,
		keepOld,
		guard: {
			enabled: options.guard !== false,
			thresholdPercent: Number(options.thresholdPercent ?? 20),
			minimumRecords: Number(options.minimumRecords ?? 20),
			acceptAfterPolls: Number(options.acceptAfterPolls ?? 0),
			acknowledgeId: String(options.acknowledgeId ?? '').trim(),
		},
		tombstoneDays: Number(options.tombstoneDays ?? 400),
	};
}
