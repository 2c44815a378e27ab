/**
 * The n8n side of the deactivation guard (core/export/guard.ts): n8n's deduplication store as the
 * guard's memory, the node's guard settings, what the memory is keyed on, and the notice a held
 * export sends down the Notices output.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RosterEntry } from '../Bromcom/core/roster';
import {
	GuardMemory,
	shortHash,
	type GroupChange,
	type GuardGroup,
	type GuardOptions,
	type GuardVerdict,
	type MembershipStore,
} from '../Bromcom/core/export/guard';
import type { ResolvedTrust } from '../Bromcom/core/export/identity';
import { personSourcedId } from '../Bromcom/core/export/model';

/** Large enough never to drop an entry of a trust's file set (n8n keeps the newest maxEntries). */
const MAX_ENTRIES = 10_000_000;

/**
 * n8n's deduplication store scoped to this node, or undefined when this n8n has none (the guard then
 * says it is off rather than fail).
 */
export function membershipStore(ctx: IExecuteFunctions): MembershipStore | undefined {
	const helpers = ctx.helpers as Partial<IExecuteFunctions['helpers']>;
	const {
		checkProcessedAndRecord,
		removeProcessed,
		clearAllProcessedItems,
		getProcessedDataCount,
	} = helpers;
	if (
		typeof checkProcessedAndRecord !== 'function' ||
		typeof removeProcessed !== 'function' ||
		typeof clearAllProcessedItems !== 'function' ||
		typeof getProcessedDataCount !== 'function'
	)
		return undefined;
	const options = { mode: 'entries' as const, maxEntries: MAX_ENTRIES };
	return {
		async check(items) {
			const result = await checkProcessedAndRecord.call(helpers, items, 'node', options);
			return { new: result.new.map(String), processed: result.processed.map(String) };
		},
		async remove(items) {
			await removeProcessed.call(helpers, items, 'node', options);
		},
		async clear() {
			await clearAllProcessedItems.call(helpers, 'node', options);
		},
		async count() {
			return await getProcessedDataCount.call(helpers, 'node', options);
		},
	};
}

export function guardOptions(ctx: IExecuteFunctions, i: number): GuardOptions {
	const o = ctx.getNodeParameter('guardOptions', i, {}) as IDataObject;
	return {
		enabled: ctx.getNodeParameter('deactivationGuard', i, true) as boolean,
		thresholdPercent: Number(o.thresholdPercent ?? 10),
		minimumPeople: Number(o.minimumPeople ?? 20),
		acknowledgeId: String(o.acknowledgeId ?? '').trim(),
		acceptAfterRuns: Number(o.acceptAfterRuns ?? 0),
	};
}

/**
 * The people of a file set, per school and kind: each user's own record and the records merged into
 * it (a member of staff at two schools has an account at both). The memory holds their sourcedIds'
 * digests only.
 */
export function memoryGroups(
	resolved: ResolvedTrust,
	schoolIds: number[],
	kinds: string[],
): GuardGroup[] {
	const groups = new Map<string, GuardGroup>();
	const groupOf = (schoolId: number, kind: string) => {
		const key = `${schoolId}|${kind}`;
		if (!groups.has(key)) groups.set(key, { schoolId, kind, sourcedIds: [] });
		return groups.get(key) as GuardGroup;
	};
	// Every school and kind in scope, even when empty: an emptied school is the first thing to see.
	for (const schoolId of schoolIds) for (const kind of kinds) groupOf(schoolId, kind);
	for (const user of resolved.users)
		for (const r of user.records) groupOf(r.schoolId, r.kind).sourcedIds.push(personSourcedId(r));
	return [...groups.values()].sort(
		(a, b) => a.schoolId - b.schoolId || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
	);
}

/** What decides the file set's people: a change is named as a likely cause of a drop. */
export function settingsHash(settings: IDataObject): string {
	return shortHash(JSON.stringify(settings));
}

/** The run summary's change for a school and kind, when there is a memory. */
export function changeOf(verdict: GuardVerdict | undefined, schoolId: number, kind: string) {
	const c = verdict?.changes.find((x) => x.schoolId === schoolId && x.kind === kind);
	if (!c || c.previous === undefined) return {};
	return { previous: c.previous, added: c.added, removed: c.removed };
}

const KIND_NAME: Record<string, string> = {
	student: 'pupils',
	teacher: 'staff',
	contact: 'contacts',
};

/** The likely causes of a drop, from what this run can see (docs: Bromcom integration guidance). */
export function likelyCauses(
	verdict: GuardVerdict,
	context: { today: Date; sampleReasons: string[] },
): string[] {
	const causes: string[] = [];
	const held = verdict.changes.filter((c) => c.trips);
	const month = context.today.getUTCMonth();
	const pupils = held.filter((c) => c.kind === 'student');
	if (pupils.length > 0 && (month === 7 || month === 8) && pupils.some((c) => (c.added ?? 0) > 0))
		causes.push(
			'the September rollover: the final year group has left and a new intake joined (if so, acknowledge)',
		);
	if (held.some((c) => c.trips === 'emptied'))
		causes.push(
			'a school with people now has none: a revoked permission or role in Bromcom (Modules › Setup › Third Party Access Permissions & Logs), or an emptied view',
		);
	const consent = context.sampleReasons.filter((code) => /_NO_CONSENT$/.test(code)).length;
	if (consent > 0 && consent * 2 >= context.sampleReasons.length)
		causes.push(
			"Data Processing Consent reset or withdrawn in Bromcom (people now excluded for no consent; with the school's lawful basis Consent, Bromcom withholds them altogether)",
		);
	if (verdict.settingsChanged)
		causes.push(
			"this node's settings changed since the last file set let through (schools, rules, usernames)",
		);
	if (verdict.elsewhere > 0)
		causes.push(
			`a school or kind of person in the last file set is not in this one (${verdict.elsewhere} people): a School ID taken off the list, or contacts switched off`,
		);
	causes.push(
		'people who left, or whom Bromcom no longer returns to this user (a permission change, or consent withheld)',
	);
	return causes;
}

/** The notice of a held export (the trigger's mass-change pattern). */
export function heldNotice(
	verdict: GuardVerdict,
	o: GuardOptions,
	names: Map<number, string>,
	samples: IDataObject[],
	causes: string[],
): IDataObject {
	const held = verdict.changes.filter((c: GroupChange) => c.trips);
	const described = held
		.map(
			(c) =>
				`${names.get(c.schoolId) ?? `School ${c.schoolId}`} (${c.schoolId}): ${c.removed} of ${c.previous} ${KIND_NAME[c.kind] ?? c.kind} would go${c.trips === 'emptied' ? ' (none left)' : ` (${c.removedPercent}%)`}`,
		)
		.concat(
			verdict.elsewhere > 0
				? [`${verdict.elsewhere} people of schools or kinds no longer exported`]
				: [],
		);
	const release =
		o.acceptAfterRuns > 0
			? ` (or it is released by itself once held for ${o.acceptAfterRuns} run(s))`
			: '';
	return {
		notice: 'exportHeld',
		id: verdict.id,
		message: `The export was held and no files were written: ${described.join('; ')}. School Data Sync would deactivate everyone missing from a full upload, so a drop of more than ${o.thresholdPercent}% of a school's people of one kind, or an emptied school, waits for you.`,
		howToRelease: `If the drop is real, set Deactivation Guard Options › Acknowledge Drop ID to "${verdict.id}"${release} and run again. If not, fix the cause in Bromcom: the next run compares with the last file set let through.`,
		likelyCauses: causes,
		schools: verdict.changes
			.filter((c) => (c.removed ?? 0) > 0 || c.trips)
			.map((c) => ({
				schoolId: c.schoolId,
				name: names.get(c.schoolId) ?? null,
				kind: c.kind,
				previous: c.previous,
				now: c.now,
				removed: c.removed,
				added: c.added,
				removedPercent: c.removedPercent,
				holds: c.trips !== undefined,
			})),
		elsewhere: verdict.elsewhere,
		samples,
		thresholdPercent: o.thresholdPercent,
		minimumPeople: o.minimumPeople,
		runsHeld: verdict.runsHeld + 1,
	};
}

/**
 * Get Eligible Roster's memory: the people it kept in the last production run of this node, so its
 * Summary says who was added and removed since, school by school. It never holds anything; a manual
 * run compares and leaves the memory as it was.
 */
export async function rosterChanges(
	ctx: IExecuteFunctions,
	rosters: Array<{ schoolId: number; kept: RosterEntry[] }>,
): Promise<GuardVerdict | undefined> {
	const store = membershipStore(ctx);
	if (!store || rosters.length === 0) return undefined;
	const groups = new Map<string, GuardGroup>();
	for (const r of rosters)
		for (const e of r.kept) {
			if (e.kind === 'class' || e.kind === 'membership') continue;
			const key = `${r.schoolId}|${e.kind}`;
			if (!groups.has(key)) groups.set(key, { schoolId: r.schoolId, kind: e.kind, sourcedIds: [] });
			(groups.get(key) as GuardGroup).sourcedIds.push(e.key);
		}
	const list = [...groups.values()];
	const hash = settingsHash({ operation: 'getRoster' });
	const memory = new GuardMemory(store);
	// Another run of this node is comparing: its Summary has the changes, this one goes without.
	if (!(await memory.lock(Date.now()))) return undefined;
	try {
		const verdict = await memory.compare(list, hash, {
			enabled: false,
			thresholdPercent: 100,
			minimumPeople: 1,
			acknowledgeId: '',
			acceptAfterRuns: 0,
		});
		if (ctx.getMode() === 'manual') await memory.rollBack();
		else await memory.commit(list, hash);
		return verdict;
	} finally {
		await memory.unlock();
	}
}
