const {
	baseline,
	diff,
	digest,
	isCompatible,
	knownKeys,
} = require('../../nodes/Bromcom/core/snapshot');

/** A key's digest in a state. */
const digestOf = (state, key) => {
	const i = knownKeys(state).indexOf(key);
	return i === -1 ? undefined : state.d.slice(i * 8, i * 8 + 8);
};

const config = (over = {}) => ({
	fingerprint: 'fp',
	watch: [],
	keepOld: false,
	guard: {
		enabled: true,
		thresholdPercent: 20,
		minimumRecords: 5,
		acceptAfterPolls: 0,
		acknowledgeId: '',
	},
	tombstoneDays: 10,
	...over,
});
/** @typedef {Array<[string, Record<string, any>]>} Records */
/** @returns {Records} */
const recs = (n, f = (i) => /** @type {Record<string, any>} */ ({ id: i, name: `n${i}` })) =>
	Array.from({ length: n }, (_, i) => [String(i), f(i)]);
/** Records written inline. @param {Array<[string, Record<string, any>]>} list @returns {Records} */
const records = (list) => list;

test('digests ignore key order and respect Fields to Watch, case-insensitively', () => {
	expect(digest({ a: 1, b: 2 }, [])).toBe(digest({ b: 2, a: 1 }, []));
	expect(digest({ A: 1, b: 2 }, ['a'])).toBe(digest({ A: 1, b: 3 }, ['a']));
	expect(digest({ A: 1, b: 2 }, ['a'])).not.toBe(digest({ A: 2, b: 2 }, ['a']));
});

test('tombstones expire after the retention period, then a return is New', () => {
	let state = baseline(recs(10), config(), 1000);
	let r = diff(state, recs(9), config(), 2000);
	expect(r.changes.map((c) => c.event)).toEqual(['left']);
	state = r.next;
	r = diff(state, recs(10), config(), 2000 + 5 * 86400);
	expect(r.changes.map((c) => c.event)).toEqual(['restored']);
	r = diff(r.next, recs(9), config(), 3000);
	r = diff(r.next, recs(9), config(), 3000 + 11 * 86400);
	expect(r.next.t).toEqual({});
	expect(diff(r.next, recs(10), config(), 3000 + 12 * 86400).changes.map((c) => c.event)).toEqual([
		'new',
	]);
});

test('the guard holds Left/Updated, keeps the state, and can auto-accept after N polls', () => {
	const state = baseline(recs(10), config(), 1);
	const cfg = config({
		guard: {
			enabled: true,
			thresholdPercent: 20,
			minimumRecords: 5,
			acceptAfterPolls: 2,
			acknowledgeId: '',
		},
	});
	const changed = recs(10, (i) => ({ id: i, name: i < 5 ? 'renamed' : `n${i}` })).concat([
		['99', { id: 99 }],
	]);
	const first = diff(state, changed, cfg, 2);
	expect(first.massChange).toMatchObject({
		counts: { updated: 5, new: 1 },
		pollsHeld: 1,
		firstDetection: true,
	});
	expect(first.changes.map((c) => c.event)).toEqual(['new']);
	expect(digestOf(first.next, '0')).toBe(digestOf(state, '0'));
	// N counts the polls after the detecting one: still held on the next, released on the one after.
	const second = diff(first.next, changed, cfg, 3);
	expect(second.massChange).toMatchObject({ pollsHeld: 2, firstDetection: false });
	expect(second.changes).toEqual([]);
	const third = diff(second.next, changed, cfg, 4);
	expect(third.massChange).toBeUndefined();
	expect(third.changes.map((c) => c.event)).toEqual([
		'updated',
		'updated',
		'updated',
		'updated',
		'updated',
	]);
	expect(third.next.hold).toBeUndefined();
});

test('Accept After Polls = 1 never releases at detection (it used to switch the guard off)', () => {
	const cfg = config({
		guard: {
			enabled: true,
			thresholdPercent: 20,
			minimumRecords: 5,
			acceptAfterPolls: 1,
			acknowledgeId: '',
		},
	});
	const state = baseline(recs(10), cfg, 1);
	const first = diff(state, [], cfg, 2);
	expect(first.changes).toEqual([]);
	expect(first.massChange).toMatchObject({ firstDetection: true });
	expect(diff(first.next, [], cfg, 3).changes).toHaveLength(10);
});

test('a poll that returns nothing is held even below Minimum Records; padding never reads as a change', () => {
	const state = baseline(recs(3), config(), 1);
	const empty = diff(state, [], config(), 2);
	expect(empty.changes).toEqual([]);
	expect(empty.massChange).toMatchObject({ known: 3, counts: { left: 3 } });
	expect(knownKeys(empty.next)).toHaveLength(3);
	const padded = records(recs(3).map(([k, r]) => [k, { ...r, name: `${r.name}      ` }]));
	expect(diff(state, padded, config(), 2).changes).toEqual([]);
});

test('small changes below the threshold flow; duplicate rows for one key count once; config changes are incompatible', () => {
	const state = baseline(recs(10), config(), 1);
	const r = diff(state, [...recs(10), ['3', { id: 3, name: 'dup' }]], config(), 2);
	expect(r.changes).toEqual([]);
	expect(isCompatible(state, config())).toBe(true);
	expect(isCompatible(state, config({ fingerprint: 'other' }))).toBe(false);
	expect(isCompatible(state, config({ keepOld: true }))).toBe(false);
	expect(isCompatible({ ...state, v: 0 }, config())).toBe(false);
});

test('one Digester over records of changing shapes gives the digests of a fresh one each time', () => {
	const { Digester } = require('../../nodes/Bromcom/core/digest');
	const d = new Digester([]);
	const rows = [
		{ b: 1, a: 'x', c: null },
		{ a: 'y', b: 2, c: { z: 1, y: [1, 'two'] } },
		{ a: 'z' },
		{ b: 1, a: 'x', c: null, extra: true },
		{ c: null, b: 1, a: 'x' },
		{ b: 1, a: 'x', d: null },
		{ b: 1, a: 'x', c: undefined },
	];
	for (const row of rows) expect(d.digest(row)).toBe(digest(row, []));
	// Same fields, same values, any order: one digest; another field of the same count: another.
	expect(d.digest(rows[0])).toBe(d.digest(rows[4]));
	expect(d.digest(rows[0])).not.toBe(d.digest(rows[5]));
	// A missing field reads as NULL, as an undefined one does.
	expect(d.digest(rows[0])).toBe(d.digest(rows[6]));
	const w = new Digester(['a']);
	expect(w.digest({ a: 1, b: 2 })).toBe(digest({ a: 1, b: 3 }, ['a']));
	expect(w.digest({ A: 1, b: 2 })).toBe(digest({ a: 1 }, ['a']));
});

test('digests tell types and values apart, and ignore only trailing whitespace', () => {
	const one = (v) => digest({ v }, []);
	const distinct = [
		'1',
		1,
		1.5,
		'1.5',
		true,
		'true',
		null,
		'',
		' x',
		'x',
		'X',
		2 ** 40,
		2 ** 40 + 1,
		-(2 ** 40),
		[1],
		{ a: 1 },
		'null',
		0.1 + 0.2,
	];
	expect(new Set(distinct.map(one)).size).toBe(distinct.length);
	expect(one('AM')).toBe(one('AM            '));
	expect(one('AM')).toBe(one('AM\t\r\n\u00a0\u3000'));
	expect(one(0)).toBe(one(-0));
	expect(one(undefined)).toBe(one(null));
	// 8 characters JSON writes as they are.
	for (const v of distinct) expect(one(v)).toMatch(/^[A-Za-z0-9_-]{8}$/);
	// Field names count: the same values under other names differ.
	expect(digest({ a: 1 }, [])).not.toBe(digest({ b: 1 }, []));
});

test('keys: joined into one text and split back, whatever they hold', () => {
	const { joinKeys, splitKeys } = require('../../nodes/Bromcom/core/snapshot');
	const fc = require('fast-check');
	fc.assert(
		fc.property(fc.array(fc.string({ minLength: 1 }), { maxLength: 20 }), (keys) => {
			expect(splitKeys(joinKeys(keys), keys.length)).toEqual(keys);
		}),
		{ numRuns: 2000 },
	);
	expect(joinKeys(['1', '2', 'a,b', '50%'])).toBe('1,2,a%2Cb,50%25');
});

describe('property: random sequences of polls against a model', () => {
	const fc = require('fast-check');
	// Each step edits the "Bromcom" records, then polls; a failed poll leaves the state as it was.
	const step = fc.oneof(
		fc.record({ op: fc.constant('add'), key: fc.integer({ min: 0, max: 12 }) }),
		fc.record({ op: fc.constant('remove'), key: fc.integer({ min: 0, max: 12 }) }),
		fc.record({
			op: fc.constant('edit'),
			key: fc.integer({ min: 0, max: 12 }),
			value: fc.constantFrom('x', 'y', 'z'),
		}),
		fc.record({ op: fc.constant('pad'), key: fc.integer({ min: 0, max: 12 }) }),
		fc.record({ op: fc.constant('fail') }),
	);
	test('no event without a real change, no Left for a record still there, nothing lost or repeated across failed polls', () => {
		fc.assert(
			fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
				const cfg = config({
					guard: {
						enabled: false,
						thresholdPercent: 20,
						minimumRecords: 5,
						acceptAfterPolls: 0,
						acknowledgeId: '',
					},
				});
				const live = new Map([
					[0, 'a'],
					[1, 'b'],
				]);
				const rows = () => records([...live].map(([k, v]) => [String(k), { id: k, name: v }]));
				let state = baseline(rows(), cfg, 1);
				// The model: what the last accepted poll saw, and every key ever seen.
				let seen = new Map(live);
				const everSeen = new Set(live.keys());
				let t = 2;
				for (const s of steps) {
					if (s.op === 'add' && !live.has(s.key)) live.set(s.key, 'a');
					if (s.op === 'remove') live.delete(s.key);
					if (s.op === 'edit' && live.has(s.key)) live.set(s.key, s.value);
					if (s.op === 'pad' && live.has(s.key)) live.set(s.key, `${live.get(s.key)}   `);
					if (s.op === 'fail') continue; // the poll failed: nothing is persisted
					const r = diff(state, rows(), cfg, t++);
					const got = r.changes.map((c) => `${c.event}:${c.key}`).sort();
					const want = [];
					for (const [k, v] of live) {
						if (!seen.has(k)) want.push(`${everSeen.has(k) ? 'restored' : 'new'}:${k}`);
						else if (seen.get(k).trimEnd() !== v.trimEnd()) want.push(`updated:${k}`);
					}
					for (const k of seen.keys()) if (!live.has(k)) want.push(`left:${k}`);
					if (JSON.stringify(got) !== JSON.stringify(want.sort())) return false;
					state = JSON.parse(JSON.stringify(r.next));
					seen = new Map(live);
					for (const k of live.keys()) everSeen.add(k);
				}
				return true;
			}),
			{ numRuns: 500 },
		);
	});
});
