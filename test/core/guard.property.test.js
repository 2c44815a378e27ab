/**
 * The deactivation guard's memory over a store that behaves as n8n's deduplication store does in
 * entries mode (test by recording, remove, clear, count): random file sets before and after, random
 * thresholds. Properties: a file set that only adds people is never held; one that drops more than
 * the threshold of a group (of at least the minimum), empties a group, or leaves out a whole group is
 * always held; the counts (previous, kept, added, removed) are exact; a held run or a preview leaves
 * the memory as it was (with its hold recorded), and a run let through makes the memory exactly it.
 */
const fc = require('fast-check');
const { GuardMemory, trips } = require('../../nodes/Bromcom/core/export/guard');

/** n8n's DeduplicationHelper in entries mode, node scope (kept as plain strings here). */
class Store {
	constructor() {
		/** @type {string[]} */
		this.data = [];
	}
	async check(items) {
		const had = new Set(this.data);
		const out = { new: [], processed: [] };
		for (const item of items) {
			if (had.has(item)) out.processed.push(item);
			else {
				out.new.push(item);
				this.data.push(item);
				had.add(item);
			}
		}
		return out;
	}
	async remove(items) {
		for (const item of items) {
			const k = this.data.indexOf(item);
			if (k !== -1) this.data.splice(k, 1);
		}
	}
	async clear() {
		this.data = [];
	}
	async count() {
		return this.data.length;
	}
}

const KINDS = ['student', 'teacher', 'contact'];
/** Groups of a trust: for each (school, kind), a set of people numbered 1…n. */
const fileSet = fc.array(
	fc.record({
		schoolId: fc.integer({ min: 20001, max: 20004 }),
		kind: fc.constantFrom(...KINDS),
		people: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 }),
	}),
	{ maxLength: 6 },
);
const groupsOf = (set) => {
	const byKey = new Map();
	for (const g of set) byKey.set(`${g.schoolId}|${g.kind}`, g);
	return [...byKey.values()].map((g) => ({
		schoolId: g.schoolId,
		kind: g.kind,
		sourcedIds: g.people.map((n) => `${g.schoolId}-${g.kind}-${n}`),
	}));
};
const options = (thresholdPercent, minimumPeople) => ({
	enabled: true,
	thresholdPercent,
	minimumPeople,
	acknowledgeId: '',
	acceptAfterRuns: 0,
});

test('held exactly when a group drops past the threshold, is emptied, or is left out; counts exact; memory kept or replaced', async () => {
	await fc.assert(
		fc.asyncProperty(
			fileSet,
			fileSet,
			fc.integer({ min: 1, max: 50 }),
			fc.integer({ min: 1, max: 30 }),
			async (before, after, threshold, minimum) => {
				const store = new Store();
				const prev = groupsOf(before);
				const next = groupsOf(after);
				const o = options(threshold, minimum);
				const first = new GuardMemory(store);
				const fresh = await first.compare(prev, 'cfg', o);
				expect(fresh.firstRun).toBe(true);
				expect(fresh.hold).toBe(false);
				await first.commit(prev, 'cfg');
				const remembered = [...store.data].sort();

				const memory = new GuardMemory(store);
				const v = await memory.compare(next, 'cfg', o);
				// Exact counts, group by group, from the sets themselves.
				const prevOf = new Map(prev.map((g) => [`${g.schoolId}|${g.kind}`, new Set(g.sourcedIds)]));
				let expectHold = false;
				for (const c of v.changes) {
					const p = prevOf.get(`${c.schoolId}|${c.kind}`) ?? new Set();
					const n = next.find((g) => g.schoolId === c.schoolId && g.kind === c.kind);
					const kept = n.sourcedIds.filter((id) => p.has(id)).length;
					expect([c.previous, c.kept, c.now, c.added, c.removed]).toEqual([
						p.size,
						kept,
						n.sourcedIds.length,
						n.sourcedIds.length - kept,
						p.size - kept,
					]);
					expect(c.trips).toBe(trips(c, o));
					const removed = p.size - kept;
					if (
						(p.size > 0 && n.sourcedIds.length === 0) ||
						(p.size >= minimum && removed * 100 > threshold * p.size)
					)
						expectHold = true;
				}
				const elsewhere = prev
					.filter((g) => !next.some((x) => x.schoolId === g.schoolId && x.kind === g.kind))
					.reduce((total, g) => total + g.sourcedIds.length, 0);
				expect(v.elsewhere).toBe(elsewhere);
				if (elsewhere > 0) expectHold = true;
				expect(v.hold).toBe(expectHold);
				// A file set that only adds people is never held.
				const onlyAdds = prev.every((g) => {
					const n = next.find((x) => x.schoolId === g.schoolId && x.kind === g.kind);
					return n && g.sourcedIds.every((id) => n.sourcedIds.includes(id));
				});
				if (onlyAdds) expect(v.hold).toBe(false);

				if (v.hold) {
					// Held: the memory is as it was, with the hold and one held run recorded.
					await memory.rollBack({ id: v.id, runsHeld: v.runsHeld });
					expect([...store.data].sort()).toEqual([...remembered, `h|${v.id}|1`, 'r|1'].sort());
					const second = new GuardMemory(store);
					const again = await second.compare(next, 'cfg', o);
					expect(again.hold).toBe(true);
					expect(again.runsHeld).toBe(1);
					expect(again.changes).toEqual(v.changes);
					await second.rollBack({ id: again.id, runsHeld: again.runsHeld });
					// Acknowledging the id releases it.
					const acking = new GuardMemory(store);
					const ack = await acking.compare(next, 'cfg', {
						...o,
						acknowledgeId: v.id,
					});
					expect(ack.released).toBe('acknowledged');
					await acking.rollBack();
					// It releases that drop only: a larger one (everyone still there gone too) is not released.
					if (v.changes.some((c) => (c.kept ?? 0) > 0)) {
						const emptied = next.map((g) => ({ ...g, sourcedIds: [] }));
						const larger = new GuardMemory(store);
						const bigger = await larger.compare(emptied, 'cfg', { ...o, acknowledgeId: v.id });
						expect(bigger.hold).toBe(true);
						expect(bigger.id).not.toBe(v.id);
						expect(bigger.released).toBeUndefined();
						await larger.rollBack();
					}
				} else {
					// A preview (manual run) takes back everything it recorded.
					await memory.rollBack();
					expect([...store.data].sort()).toEqual(remembered);
				}
				// Let through: the memory becomes exactly the new file set.
				const letThrough = new GuardMemory(store);
				await letThrough.compare(next, 'cfg', o);
				await letThrough.commit(next, 'cfg');
				const settled = await new GuardMemory(store).compare(next, 'cfg', o);
				expect(settled.hold).toBe(false);
				expect(settled.elsewhere).toBe(0);
				for (const c of settled.changes) expect([c.added, c.removed]).toEqual([0, 0]);
			},
		),
		{ numRuns: 200 },
	);
});

test('a hold is released by itself once it has persisted for Accept After Runs runs', async () => {
	const store = new Store();
	const o = { ...options(10, 1), acceptAfterRuns: 2 };
	const full = [{ schoolId: 20001, kind: 'student', sourcedIds: ['a', 'b', 'c', 'd'] }];
	const half = [{ schoolId: 20001, kind: 'student', sourcedIds: ['a', 'b'] }];
	const m = new GuardMemory(store);
	await m.compare(full, 'x', o);
	await m.commit(full, 'x');
	const verdicts = [];
	for (let run = 0; run < 3; run++) {
		const memory = new GuardMemory(store);
		const v = await memory.compare(half, 'x', o);
		verdicts.push([v.hold, v.released, v.runsHeld]);
		if (v.hold && !v.released) await memory.rollBack({ id: v.id, runsHeld: v.runsHeld });
		else await memory.commit(half, 'x');
	}
	expect(verdicts).toEqual([
		[true, undefined, 0],
		[true, undefined, 1],
		[true, 'persisted', 2],
	]);
});

test('the lock: one run compares at a time; a refused run changes nothing; a lock lapses after two quarter-hours; a held lock and a stale one do not count as people', async () => {
	const store = new Store();
	const t = Date.UTC(2026, 11, 6, 2, 0, 0);
	const groups = [{ schoolId: 20001, kind: 'student', sourcedIds: ['a', 'b', 'c'] }];
	const first = new GuardMemory(store);
	expect(await first.lock(t)).toBe(true);
	await first.compare(groups, 'cfg', options(10, 1));
	await first.commit(groups, 'cfg');
	await first.unlock();
	const remembered = [...store.data].sort();

	const a = new GuardMemory(store);
	expect(await a.lock(t)).toBe(true);
	const before = [...store.data].sort();
	const b = new GuardMemory(store);
	expect(await b.lock(t + 60_000)).toBe(false);
	expect(await b.lock(t + 900_000)).toBe(false); // the next quarter-hour still sees it
	expect([...store.data].sort()).toEqual(before);
	expect(await new GuardMemory(store).lock(t + 1_800_000)).toBe(true); // lapsed
	await a.unlock();
	expect(store.data.filter((x) => x.startsWith('l|'))).toHaveLength(1);

	// A stale lock (the one just taken and never given back) and this run's: no one elsewhere, no hold.
	const c = new GuardMemory(store);
	expect(await c.lock(t + 3_600_000)).toBe(true);
	const v = await c.compare(groups, 'cfg', options(10, 1));
	expect([v.hold, v.elsewhere]).toEqual([false, 0]);
	await c.commit(groups, 'cfg');
	await c.unlock();
	expect([...store.data].sort()).toEqual(remembered);
});
