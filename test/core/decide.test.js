/**
 * decide(): what the trigger does with a poll's comparison (save, emit, say on Notices), as plain data,
 * without n8n. The trigger's own tests (test/node/trigger*.test.js) cover the same paths end to end.
 */
const { decide, hash53, PollDiff } = require('../../nodes/Bromcom/core/snapshot');

const config = {
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
};
const columns = ['StudentID', 'Name'];
const cols = hash53('name,studentid');
const ALL = new Set(['new', 'updated', 'left', 'restored']);

/** One poll over `rows` (objects with StudentID) against `state`. */
function poll(state, rows, options = {}) {
	const p = new PollDiff(state, config, 1000, ['StudentID'], options);
	for (const row of rows) p.add(row);
	return p.finish();
}
const students = (n, name = (i) => `n${i}`) =>
	Array.from({ length: n }, (_, i) => ({ StudentID: i + 1, Name: name(i) }));
const situation = (over = {}) => ({
	stored: undefined,
	state: undefined,
	columns,
	triggerOn: ALL,
	otherStaticData: false,
	...over,
});
/** The state a first poll of `rows` saves. */
const baselineOf = (rows) => decide(poll(undefined, rows), situation()).save;

test('a first poll saves a quiet baseline with the column signature, and emits nothing', () => {
	const d = decide(poll(undefined, students(3)), situation());
	expect(d.everyRecordKeyless).toBe(false);
	expect(d.changes).toEqual([]);
	expect(d.newRecords).toEqual([]);
	expect(d.notices).toEqual([]);
	expect(d.save.cols).toBe(cols);
	expect(d.save.k).toBe('1,2,3');
	expect(d.save.nk).toBeUndefined();
});

test('a first poll that emits existing records emits every record as New', () => {
	const d = decide(poll(undefined, students(2), { keepRows: true }), situation());
	expect(d.newRecords.map(([key]) => key)).toEqual(['1', '2']);
	expect(d.save.k).toBe('1,2');
});

test('a poll that reads only records without a key fails and saves nothing', () => {
	const d = decide(poll(undefined, [{ Name: 'a' }, { Name: 'b' }]), situation());
	expect(d).toEqual({ everyRecordKeyless: true, newRecords: [], changes: [], notices: [] });
});

test('records without a key are said once per change of their number, and remembered as nk', () => {
	const rows = [...students(3), { Name: 'no key' }];
	const first = decide(poll(undefined, rows), situation());
	expect(first.notices).toEqual([{ kind: 'keylessRecords' }]);
	expect(first.save.nk).toBe(1);
	const again = decide(
		poll(first.save, rows),
		situation({ stored: first.save, state: first.save }),
	);
	expect(again.notices).toEqual([]);
	expect(again.save.nk).toBe(1);
	const more = decide(
		poll(first.save, [...rows, { Name: 'another' }]),
		situation({ stored: first.save, state: first.save }),
	);
	expect(more.notices).toEqual([{ kind: 'keylessRecords' }]);
	expect(more.save.nk).toBe(2);
});

test('changes are those Trigger On asks for, and the next state is saved with the columns', () => {
	const state = baselineOf(students(20));
	const rows = students(20, (i) => (i === 0 ? 'renamed' : `n${i}`)).slice(0, 19);
	rows.push({ StudentID: 99, Name: 'new' });
	const d = decide(
		poll(state, rows),
		situation({ stored: state, state, triggerOn: new Set(['new', 'left']) }),
	);
	expect(d.changes.map((c) => [c.event, c.key])).toEqual([
		['new', '99'],
		['left', '20'],
	]);
	expect(d.notices).toEqual([]);
	expect(d.save.cols).toBe(cols);
	expect(d.save.t).toHaveProperty('20');
});

test('a column change takes a quiet baseline that still remembers who left', () => {
	const state = baselineOf(students(6));
	const left = decide(poll(state, students(5)), situation({ stored: state, state }));
	expect(left.changes.map((c) => c.event)).toEqual(['left']);
	const d = decide(
		poll(left.save, students(5)),
		situation({ stored: left.save, state: left.save, columns: [...columns, 'Extra'] }),
	);
	expect(d.notices).toEqual([{ kind: 'rebaseline', reason: 'columnsChanged' }]);
	expect(d.changes).toEqual([]);
	expect(d.save.cols).toBe(hash53('extra,name,studentid'));
	expect(d.save.t).toHaveProperty('6');
	// The leaver's return is Restored, not New.
	const back = decide(
		poll(d.save, students(6)),
		situation({ stored: d.save, state: d.save, columns: [...columns, 'Extra'] }),
	);
	expect(back.changes.map((c) => c.event)).toEqual(['restored']);
});

test("a missing state beside other nodes' static data is said on Notices, without emitting existing records", () => {
	const d = decide(
		poll(undefined, students(3), { keepRows: true }),
		situation({ otherStaticData: true }),
	);
	expect(d.notices).toEqual([{ kind: 'rebaseline', reason: 'stateLost' }]);
	expect(d.newRecords).toEqual([]);
	expect(d.save.k).toBe('1,2,3');
});

test('an incompatible stored state (another fingerprint) is a quiet baseline, not a lost state', () => {
	const d = decide(
		poll(undefined, students(3)),
		situation({ stored: { v: 2, fp: 'other' }, otherStaticData: false }),
	);
	expect(d.notices).toEqual([]);
	expect(d.save.fp).toBe('fp');
});

test('a mass change is said once, when first detected, and Left events are held', () => {
	const state = baselineOf(students(10));
	const first = decide(poll(state, students(5)), situation({ stored: state, state }));
	expect(first.notices).toEqual([
		{
			kind: 'massChange',
			massChange: expect.objectContaining({ counts: expect.objectContaining({ left: 5 }) }),
		},
	]);
	expect(first.changes).toEqual([]);
	const second = decide(
		poll(first.save, students(5)),
		situation({ stored: first.save, state: first.save }),
	);
	expect(second.notices).toEqual([]);
	expect(second.save.hold).toBeDefined();
});
