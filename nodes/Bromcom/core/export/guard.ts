/**
 * The deactivation guard of Export Roster, and the memory behind the run summary's "change since the
 * previous run". A roster export is a full upload: School Data Sync deactivates everyone missing from
 * it. So the export remembers, per node, the people of the last file set it let through (keys only)
 * and holds a file set that would drop more than a threshold of a school's people of one kind, or
 * empty a school that had people, until someone acknowledges that drop (its id: a drop that changes
 * gets a new one) or it has persisted for N runs.
 *
 * Where the memory lives: n8n's deduplication store (the database table behind the Remove Duplicates
 * node, scoped to the node), not the workflow's static data. In queue mode the main process hands each
 * execution the workflow as it loaded it at activation, so what a worker saves to static data is not
 * what the next execution sees (README, Running at scale; the write ledger moved to the same store for
 * this reason). The store is shared by every worker and survives restarts. It keeps MD5 digests of
 * strings and can only test membership by recording, so this file encodes what it needs as strings:
 *
 * - `p|<school>|<kind>|<sourcedId>`: a person of the file set (the store keeps the digest only);
 * - `c|<school>|<kind>|<k>` for k = 1…n: the group had n people (unary, so "had more than k" is one
 *   test, and the count is found by galloping then halving);
 * - `init`: there is a memory; `cfg|<hash>`: the settings of the file set let through;
 * - `h|<id>|<k>`: the hold issued by the k-th held run since; `r|<k>`: that run was held;
 * - `l|<quarter-hour>`: a run is comparing (the lock, see `lock`).
 *
 * A run that lets a file set through replaces the whole memory (clear, then record). A held run, and
 * any manual run (which only previews), takes back what its tests recorded. Pure logic over a store
 * interface, so it is tested without n8n.
 */

/** n8n's deduplication store, as this file uses it (entries mode, node scope). */
export interface MembershipStore {
	/** Records the items; says which were there before (`processed`) and which were not (`new`). */
	check(items: string[]): Promise<{ new: string[]; processed: string[] }>;
	remove(items: string[]): Promise<void>;
	clear(): Promise<void>;
	count(): Promise<number>;
}

/** One school's people of one kind in this file set. */
export interface GuardGroup {
	schoolId: number;
	kind: string;
	sourcedIds: string[];
}

export interface GroupChange {
	schoolId: number;
	kind: string;
	/** In the last file set let through (undefined: no memory yet). */
	previous?: number;
	now: number;
	/** In both. */
	kept?: number;
	added?: number;
	removed?: number;
	/** removed / previous, in percent, one decimal. */
	removedPercent?: number;
	/** Why this group trips the guard. */
	trips?: 'emptied' | 'threshold';
}

export interface GuardOptions {
	enabled: boolean;
	/** Hold when a group would lose more than this share of its people (default 10). */
	thresholdPercent: number;
	/** Below this many people a group is held only when it is emptied. */
	minimumPeople: number;
	/** A hold id to release (the notice's `id`). */
	acknowledgeId: string;
	/** Release a hold by itself once it has been held for this many runs (0: wait for the id). */
	acceptAfterRuns: number;
}

export interface GuardVerdict {
	/** No memory yet: nothing to compare with (the first run, or a cleared store). */
	firstRun: boolean;
	hold: boolean;
	/** Held, but released by the acknowledged id or by persistence. */
	released?: 'acknowledged' | 'persisted';
	id?: string;
	/** Runs held since the last file set let through, this one included. */
	runsHeld: number;
	changes: GroupChange[];
	/** People of the last file set in schools or kinds this file set does not have at all. */
	elsewhere: number;
	settingsChanged: boolean;
	/** Of the people this run names (see `probeSamples`), those in the last file set. */
	samples: string[];
}

const person = (schoolId: number, kind: string, id: string) => `p|${schoolId}|${kind}|${id}`;
const unary = (schoolId: number, kind: string, k: number) => `c|${schoolId}|${kind}|${k}`;

/** 53-bit FNV-style hash as base-36 text: the hold id and the settings digest. */
export function shortHash(text: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * Whether a group's change trips the guard: emptied when it had people, or more than the threshold
 * of at least `minimumPeople` gone. Adding people never trips it.
 */
export function trips(c: GroupChange, o: GuardOptions): GroupChange['trips'] {
	if (c.previous === undefined || c.removed === undefined || c.removed === 0) return undefined;
	if (c.previous > 0 && c.now === 0) return 'emptied';
	if (c.previous >= o.minimumPeople && c.removed * 100 > o.thresholdPercent * c.previous)
		return 'threshold';
	return undefined;
}

/** The memory of one node: compare a file set with the last one let through, then commit or take back. */
export class GuardMemory {
	/** Everything this run's tests recorded that was not there before: taken back unless committed. */
	private readonly recorded: string[] = [];
	private hadMemory = false;
	/** The lock marker this run holds, if any. */
	private lockKey: string | undefined;

	constructor(private readonly store: MembershipStore) {}

	private async test(items: string[]): Promise<Set<string>> {
		if (items.length === 0) return new Set();
		const result = await this.store.check(items);
		for (const item of result.new) this.recorded.push(String(item));
		return new Set(result.processed.map(String));
	}

	/**
	 * Finds each group's previous size from its unary markers: at least `floor` (the people still
	 * there), so one test of `floor + 1` says whether anyone went; if some did, gallop (+1, +2, +4 …)
	 * to a marker that is absent, then halve. All groups advance together, one test per round.
	 */
	private async previousSizes(groups: Array<{ schoolId: number; kind: string; floor: number }>) {
		const ranges = groups.map((g) => ({ g, low: g.floor, high: Infinity, step: 1 }));
		let open = ranges;
		while (open.length > 0) {
			const probes = open.map((r) => ({
				r,
				k: r.high === Infinity ? r.low + r.step : Math.floor((r.low + r.high) / 2),
			}));
			const keys = probes.map((p) => unary(p.r.g.schoolId, p.r.g.kind, p.k));
			const seen = await this.test(keys);
			probes.forEach((p, n) => {
				if (seen.has(keys[n])) {
					p.r.low = p.k;
					if (p.r.high === Infinity) p.r.step *= 2;
				} else p.r.high = p.k;
			});
			open = ranges.filter((r) => r.high - r.low > 1);
		}
		return ranges.map((r) => r.low);
	}

	/**
	 * Compares this file set with the memory. `probeSamples` are sourcedIds (with school and kind) the
	 * run left out: those that were in the last file set are returned as samples of who would go.
	 */
	async compare(
		groups: GuardGroup[],
		settingsHash: string,
		o: GuardOptions,
		probeSamples: Array<{ schoolId: number; kind: string; sourcedId: string }> = [],
	): Promise<GuardVerdict> {
		const entries = await this.store.count();
		const init = await this.test(['init']);
		this.hadMemory = init.has('init');
		const nowOf = (g: GuardGroup) => new Set(g.sourcedIds).size;
		if (!this.hadMemory)
			return {
				firstRun: true,
				hold: false,
				runsHeld: 0,
				elsewhere: 0,
				settingsChanged: false,
				samples: [],
				changes: groups.map((g) => ({ schoolId: g.schoolId, kind: g.kind, now: nowOf(g) })),
			};
		const settingsChanged = !(await this.test([`cfg|${settingsHash}`])).has(`cfg|${settingsHash}`);
		const people = groups.flatMap((g) =>
			[...new Set(g.sourcedIds)].map((id) => person(g.schoolId, g.kind, id)),
		);
		const present = await this.test(people);
		const floors = groups.map((g) => ({
			schoolId: g.schoolId,
			kind: g.kind,
			floor: [...new Set(g.sourcedIds)].filter((id) => present.has(person(g.schoolId, g.kind, id)))
				.length,
		}));
		const previous = await this.previousSizes(floors);
		const changes: GroupChange[] = groups.map((g, n) => {
			const before = previous[n];
			const kept = floors[n].floor;
			const now = nowOf(g);
			const removed = before - kept;
			const change: GroupChange = {
				schoolId: g.schoolId,
				kind: g.kind,
				previous: before,
				now,
				kept,
				added: now - kept,
				removed,
				removedPercent: before === 0 ? 0 : Math.round((1000 * removed) / before) / 10,
			};
			const trip = o.enabled ? trips(change, o) : undefined;
			return trip ? { ...change, trips: trip } : change;
		});
		// The memory holds each person once and each group's unary count, so its size tells how many
		// people sat in groups this file set does not have (a school taken off the list, contacts off).
		const runsHeld = await this.runsHeld();
		const accounted = changes.reduce((n, c) => n + (c.previous ?? 0), 0);
		// init, cfg, per held run one `h|` and one `r|`, and this run's lock. A lock a crashed run left is
		// one entry more, which the halving absorbs; a commit clears it.
		const markers = 2 + 2 * runsHeld + (this.lockKey ? 1 : 0);
		const elsewhere = Math.max(0, Math.floor((entries - markers) / 2) - accounted);
		const sampleKeys = probeSamples.map((s) => person(s.schoolId, s.kind, s.sourcedId));
		const sampled = await this.test(sampleKeys);
		const samples = probeSamples
			.filter((_, k) => sampled.has(sampleKeys[k]))
			.map((s) => s.sourcedId);
		const hold = o.enabled && (changes.some((c) => c.trips) || elsewhere > 0);
		const verdict: GuardVerdict = {
			firstRun: false,
			hold,
			runsHeld,
			changes,
			elsewhere,
			settingsChanged,
			samples,
		};
		if (!hold) return verdict;
		verdict.id = shortHash(
			`${settingsHash}|${elsewhere}|${changes.map((c) => `${c.schoolId}:${c.kind}:${c.previous}:${c.removed}`).join(',')}`,
		).slice(0, 8);
		// An id releases the drop it was issued for, no other: the id digests the counts, so a drop that
		// has changed since (grown by a revoked permission, say) has a new id and needs its own
		// acknowledgement. It must also have been issued since the last file set let through, so an id left
		// in the field cannot release a later drop of the same shape.
		const issued = Array.from({ length: runsHeld }, (_, k) => `h|${o.acknowledgeId}|${k + 1}`);
		if (
			o.acknowledgeId !== '' &&
			o.acknowledgeId === verdict.id &&
			(await this.test(issued)).size > 0
		)
			verdict.released = 'acknowledged';
		else if (o.acceptAfterRuns > 0 && runsHeld >= o.acceptAfterRuns) verdict.released = 'persisted';
		return verdict;
	}

	/**
	 * Takes the node's lock before comparing. The store can only record while it tests, so two runs
	 * comparing at once would read each other's probes as memory (one run's new people as the other's
	 * kept, its counting markers as a larger school) and could under-count a drop. A run holds
	 * `l|<quarter-hour>`; one that finds the lock of this quarter-hour or the last taken does not
	 * compare (false) and changes nothing. A lock left by a run that crashed lapses within 30 minutes.
	 */
	async lock(nowMs: number): Promise<boolean> {
		const quarter = Math.floor(nowMs / 900_000);
		const mine = `l|${quarter}`;
		const last = `l|${quarter - 1}`;
		const result = await this.store.check([mine, last]);
		const taken = result.processed.length > 0;
		const undo = result.new.filter((key) => taken || key !== mine);
		if (undo.length > 0) await this.store.remove(undo);
		if (!taken) this.lockKey = mine;
		return !taken;
	}

	/** Gives the lock back (after a commit, which cleared it, this changes nothing). */
	async unlock(): Promise<void> {
		if (this.lockKey) await this.store.remove([this.lockKey]);
		this.lockKey = undefined;
	}

	/** Held runs since the last file set let through (`r|1` … `r|n`). */
	private async runsHeld(): Promise<number> {
		let n = 0;
		for (;;) {
			const batch = Array.from({ length: 8 }, (_, k) => `r|${n + k + 1}`);
			const seen = await this.test(batch);
			const here = batch.filter((b) => seen.has(b)).length;
			n += here;
			if (here < batch.length) return n;
		}
	}

	/** Lets this file set through: the memory becomes exactly it. */
	async commit(groups: GuardGroup[], settingsHash: string): Promise<void> {
		const items = ['init', `cfg|${settingsHash}`];
		for (const g of groups) {
			const ids = [...new Set(g.sourcedIds)];
			for (const id of ids) items.push(person(g.schoolId, g.kind, id));
			for (let k = 1; k <= ids.length; k++) items.push(unary(g.schoolId, g.kind, k));
		}
		await this.store.clear();
		this.recorded.length = 0;
		await this.store.check(items);
	}

	/** Takes back what this run's tests recorded; a held run then records its hold. */
	async rollBack(hold?: { id: string; runsHeld: number }): Promise<void> {
		if (!this.hadMemory) {
			// There was no memory: clearing takes everything back at once.
			await this.store.clear();
		} else if (this.recorded.length > 0) await this.store.remove(this.recorded);
		this.recorded.length = 0;
		if (hold && this.hadMemory)
			await this.store.check([`h|${hold.id}|${hold.runsHeld + 1}`, `r|${hold.runsHeld + 1}`]);
	}
}
