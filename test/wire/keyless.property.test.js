/**
 * Property: rows without a key never change what happens to keyed records. Any sequence of polls,
 * each read twice, with and without rows whose key column is NULL, absent, empty or blank scattered
 * among the keyed ones, gives the same events, the same mass-change decision and the same next state;
 * the rows without a key are counted, per key column, and never become known.
 */
const fc = require('fast-check');
const { PollDiff, baseline, knownKeys } = require('../../nodes/Bromcom/core/snapshot');

const config = (guard) => ({
	fingerprint: 'fp',
	watch: [],
	keepOld: false,
	guard: {
		enabled: guard,
		thresholdPercent: 20,
		minimumRecords: 5,
		acceptAfterPolls: 0,
		acknowledgeId: '',
	},
	tombstoneDays: 10,
});

const noValue = fc.constantFrom(null, undefined, '', '   ', 'absent');
/** A row whose key part(s) lack a value; `which` says which parts. */
const keylessRow = fc.record({
	first: fc.oneof(noValue, fc.integer({ min: 0, max: 12 })),
	second: noValue,
	name: fc.constantFrom('x', 'y', 'z'),
	at: fc.nat(),
});

function withKeyPart(row, column, value) {
	if (value !== 'absent') row[column] = value;
	return row;
}

function run(state, rows, cfg, now, columns) {
	const poll = new PollDiff(state, cfg, now, columns);
	for (const row of rows) poll.add(row);
	return poll.finish();
}

const step = fc.record({
	edits: fc.array(
		fc.record({
			op: fc.constantFrom('add', 'remove', 'edit'),
			key: fc.integer({ min: 0, max: 12 }),
			value: fc.constantFrom('a', 'b', 'c'),
		}),
		{ maxLength: 6 },
	),
	keyless: fc.array(keylessRow, { maxLength: 8 }),
});

test('keyless rows never change the events, the guard or the state of keyed records', () => {
	fc.assert(
		fc.property(
			fc.array(step, { minLength: 1, maxLength: 12 }),
			fc.boolean(),
			fc.boolean(),
			(steps, guard, composite) => {
				const cfg = config(guard);
				const columns = composite ? ['id', 'part'] : ['id'];
				const live = new Map(Array.from({ length: 8 }, (_, i) => [i, 'a']));
				const keyed = () =>
					[...live].map(([k, v]) =>
						composite ? { id: k, part: 'p', name: v } : { id: k, name: v },
					);
				let state = baseline(
					keyed().map((r) => [composite ? `${r.id}:p` : String(r.id), r]),
					cfg,
					1,
				);
				let t = 2;
				for (const s of steps) {
					for (const e of s.edits) {
						if (e.op === 'add') live.set(e.key, e.value);
						if (e.op === 'remove') live.delete(e.key);
						if (e.op === 'edit' && live.has(e.key)) live.set(e.key, e.value);
					}
					const rows = keyed();
					/** @type {Array<Record<string, unknown>>} */
					const mixed = rows.slice();
					let expectedKeyless = 0;
					for (const k of s.keyless) {
						// Single key: the id has no value. Composite: the second part has none (the first may).
						/** @type {Record<string, unknown>} */
						const row = { name: k.name };
						if (composite) {
							withKeyPart(row, 'id', k.first);
							withKeyPart(row, 'part', k.second);
						} else withKeyPart(row, 'id', typeof k.first === 'number' ? k.second : k.first);
						mixed.splice(k.at % (mixed.length + 1), 0, row);
						expectedKeyless++;
					}
					const now = t++;
					const clean = run(JSON.parse(JSON.stringify(state)), rows, cfg, now, columns);
					const dirty = run(JSON.parse(JSON.stringify(state)), mixed, cfg, now, columns);
					expect(dirty.keyless.count).toBe(expectedKeyless);
					expect(clean.keyless.count).toBe(0);
					expect(dirty.diff.changes).toEqual(clean.diff.changes);
					expect(dirty.diff.massChange).toEqual(clean.diff.massChange);
					expect(dirty.diff.next).toEqual(clean.diff.next);
					expect(knownKeys(dirty.diff.next)).not.toContain('');
					state = dirty.diff.next;
				}
			},
		),
		{ numRuns: 400 },
	);
});

test('a row without a key is counted against each key column that has no value', () => {
	const poll = new PollDiff(undefined, config(true), 1, ['StudentID', 'ClassID']);
	poll.add({ StudentID: 1, ClassID: 2 });
	poll.add({ ClassID: 2 }); // StudentID absent, as a .NET DataSet writes NULL
	poll.add({ studentid: '  ', CLASSID: null }); // matched case-insensitively
	poll.add({ StudentID: 3, ClassID: '' });
	const result = poll.finish();
	expect(result.records).toBe(1);
	expect(result.keyless).toEqual({ count: 3, columns: { StudentID: 2, ClassID: 2 } });
	expect(knownKeys(result.baseline)).toEqual(['1:2']);
});
