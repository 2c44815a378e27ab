/**
 * What a poll watches and how it compares, read from the trigger's parameters: the watch (entity,
 * key, date columns, the fixed part of its filter), the School ID, and the snapshot configuration
 * whose fingerprint decides when the trigger takes a quiet new baseline.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { WATCH_ENTITY } from '../Bromcom/core/catalog';
import { hash53, type SnapshotConfig } from '../Bromcom/core/snapshot';
import { currentLinkFilter, teachingGroupFilter } from '../Bromcom/core/wire/filter';

export interface WatchSpec {
	entity: string;
	key: string[];
	dates?: { start: string; end: string };
	/** Always part of the filter: classes are teaching groups, memberships still in force. */
	extraFilter?: string;
	/** The fixed filter does not apply when records are read back by key (a Left membership has ended). */
	extraFilterOnReadBack: boolean;
}

const watchOf = (
	id: keyof typeof WATCH_ENTITY,
	extraFilter?: string,
	extraFilterOnReadBack = true,
): WatchSpec => {
	const entity = WATCH_ENTITY[id];
	return {
		entity: entity.name,
		key: [...entity.key],
		dates: entity.dates,
		extraFilter,
		extraFilterOnReadBack,
	};
};

const WATCHES: Record<string, () => WatchSpec> = {
	students: () => watchOf('students'),
	staff: () => watchOf('staff'),
	classes: () => watchOf('classes', teachingGroupFilter()),
	memberships: () => ({ ...watchOf('memberships', currentLinkFilter(), false), dates: undefined }),
	contacts: () => watchOf('contacts'),
};

export function watchSpec(ctx: IPollFunctions, watch: string): WatchSpec {
	if (watch !== 'entity') {
		const spec = WATCHES[watch];
		if (!spec) throw new NodeOperationError(ctx.getNode(), `Unknown watch "${watch}".`);
		return spec();
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
	return { entity, key, extraFilterOnReadBack: true };
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
