/**
 * The soak's oracle (test/soak/oracle.js) on small made-up histories: it must find a lost, a duplicated
 * and a false event, and a write made twice or never, and stay quiet on a history without them. A soak
 * that reports zeros is only worth something if its oracle can say otherwise.
 */
const { checkWatch, checkWrites, checkNotices, pollsOf, slope } = require('./oracle');

const FIELDS = ['LastName'];
const T0 = Date.parse('2026-12-06T09:00:00Z');
const at = (s) => T0 + s * 1000;
const iso = (s) => new Date(at(s)).toISOString();
const state = (last) => JSON.stringify([last]);
/** The truth: at 0 s student 1 is Able; at 10 s student 2 is admitted; at 30 s student 1 is renamed; at 50 s student 2 leaves. */
const timeline = [
	{ at: at(0), view: new Map([['1', state('Able')]]) },
	{
		at: at(10),
		view: new Map([
			['1', state('Able')],
			['2', state('New')],
		]),
	},
	{
		at: at(30),
		view: new Map([
			['1', state('Baker')],
			['2', state('New')],
		]),
	},
	{ at: at(50), view: new Map([['1', state('Baker')]]) },
];
/** A clean poll every 5 s from 2 s on, each answered in 100 ms. */
const requests = [];
for (let s = 2; s < 90; s += 5)
	requests.push({
		username: 'w',
		at: iso(s),
		doneAt: new Date(at(s) + 100).toISOString(),
		status: 200,
		filter: 'main',
	});
const polls = pollsOf(requests, { username: 'w', isMain: (r) => r.filter === 'main' });
const good = [
	{ event: 'new', key: '2', detectedAt: iso(12), LastName: 'New' },
	{ event: 'updated', key: '1', detectedAt: iso(32), LastName: 'Baker   ' },
	{ event: 'left', key: '2', detectedAt: iso(52) },
];
const check = (events) => checkWatch({ timeline, events, polls, fields: FIELDS, endAt: at(90) });

test('a history with every change reported once: nothing lost, duplicated or false', () => {
	const r = check(good);
	expect([r.lostCount, r.duplicatedCount, r.falseCount]).toEqual([0, 0, 0]);
	expect(r.validNew).toEqual(['2']);
});

test('a missing event is lost, a repeated one duplicated, an invented one false', () => {
	expect(check(good.slice(1)).lost).toEqual([
		expect.objectContaining({ key: '2', state: state('New') }),
	]);
	const repeated = check([...good, { ...good[1], detectedAt: iso(37) }]);
	expect(repeated.duplicatedCount).toBe(1);
	expect(repeated.lostCount + repeated.falseCount).toBe(0);
	const invented = check([
		...good,
		{ event: 'updated', key: '1', detectedAt: iso(62), LastName: 'Zed' },
	]);
	expect(invented.false).toEqual([expect.objectContaining({ key: '1', event: 'updated' })]);
	const wrongKind = check([{ ...good[0], event: 'restored' }, good[1], good[2]]);
	expect(wrongKind.false).toEqual([
		expect.objectContaining({ key: '2', why: 'restored after absent' }),
	]);
	const falseLeft = check([...good, { event: 'left', key: '1', detectedAt: iso(72) }]);
	expect(falseLeft.falseCount).toBe(1);
});

test('a change seen by only one clean poll may go unreported; a faulty poll does not count', () => {
	// Student 2 held "New" for 40 s: with only faulty polls in that time, its New is not owed.
	const faulty = requests.map((r) =>
		Date.parse(r.at) > at(10) && Date.parse(r.at) < at(50) ? { ...r, injected: 'reset' } : r,
	);
	const fewPolls = pollsOf(faulty, { username: 'w', isMain: (r) => r.filter === 'main' });
	const r = checkWatch({
		timeline,
		events: [good[1]],
		polls: fewPolls,
		fields: FIELDS,
		endAt: at(90),
	});
	expect(r.lostCount).toBe(0);
});

test('writes: exactly one applied per valid New, none for anyone else', () => {
	const write = (userId, extra = {}) => ({
		operation: 'registerSingleSignOnUser',
		params: { userId },
		result: true,
		...extra,
	});
	expect(checkWrites({ audit: [write(2)], validNew: ['2'] }).notOnceCount).toBe(0);
	expect(checkWrites({ audit: [write(2), write(2)], validNew: ['2'] }).notOnce).toEqual([
		{ studentId: '2', applied: 2 },
	]);
	expect(checkWrites({ audit: [], validNew: ['2'] }).notOnceCount).toBe(1);
	expect(checkWrites({ audit: [write(3)], validNew: [] }).notOnceCount).toBe(1);
	// A write Bromcom refused is not a write that reached it.
	expect(
		checkWrites({ audit: [write(2), write(2, { result: undefined, error: 'x' })], validNew: ['2'] })
			.notOnceCount,
	).toBe(0);
});

test('notices: explained by a cause recorded shortly before, or reported as unexplained', () => {
	const history = [{ step: 4, at: at(20), action: 'rollover' }];
	const r = checkNotices({
		notices: [
			{ event: 'massChange', detectedAt: iso(25) },
			{ event: 'rebaseline', reason: 'stateLost', detectedAt: iso(26) },
		],
		history,
	});
	expect(r.byKind).toEqual({ massChange: 1, 'rebaseline:stateLost': 1 });
	expect(r.unexplained).toEqual([expect.objectContaining({ kind: 'rebaseline:stateLost' })]);
});

test('a held export: explained by a rollover or by as many leavers and consent withdrawals since the last file set, else a false alarm', () => {
	const history = [
		{ step: 1, at: at(5), action: 'leave' },
		{ step: 2, at: at(12), action: 'leave' },
		{ step: 3, at: at(13), action: 'studentConsent', granted: false },
		{ step: 4, at: at(14), action: 'studentConsent', granted: true },
		{ step: 5, at: at(30), action: 'rollover' },
	];
	const held = (t, since, removed) => ({
		event: 'exportHeld',
		detectedAt: iso(t),
		since: at(since),
		schools: [{ schoolId: 1, kind: 'student', removed }],
		elsewhere: 0,
	});
	const r = checkNotices({
		notices: [held(20, 10, 2), held(21, 10, 3), held(22, 0, 3), held(31, 20, 40)],
		history,
	});
	expect(r.byKind).toEqual({ exportHeld: 4 });
	// Since 10: one leaver and one withdrawal (a consent given back does not count) explain 2, not 3.
	expect(r.unexplained.map((u) => u.detectedAt)).toEqual([iso(21)]);
});

test('slope: flat data has a slope within its noise, a leak does not', () => {
	const flat = Array.from({ length: 50 }, (_, i) => [i, 500 + ((i * 7919) % 13) - 6]);
	const s = slope(flat);
	expect(Math.abs(s.slope)).toBeLessThan(2 * s.stderr + 1e-9);
	const leak = flat.map(([x, y]) => [x, y + 2 * x]);
	const l = slope(leak);
	expect(l.slope).toBeGreaterThan(2 * l.stderr);
});

test('a trigger on New only: a missing New is lost, a second one duplicated, one for a record known at the baseline false', () => {
	const only = (events) =>
		checkWatch({ timeline, events, polls, fields: FIELDS, endAt: at(90), onlyNew: true });
	expect(only([good[0]])).toMatchObject({ lostCount: 0, duplicatedCount: 0, falseCount: 0 });
	expect(only([]).lostCount).toBe(1);
	expect(only([good[0], { ...good[0], detectedAt: iso(17) }]).duplicatedCount).toBe(1);
	expect(
		only([good[0], { event: 'new', key: '1', detectedAt: iso(12), LastName: 'Able' }]).falseCount,
	).toBe(1);
});

test('a mass-change hold: a held change released later is fine, one never released is lost', () => {
	// A massChange notice at 31 s holds the rename of student 1 (made at 30 s) until a release.
	const heldEvents = [good[0], { ...good[1], detectedAt: iso(47) }, good[2]];
	const withHold = (events) =>
		checkWatch({
			timeline,
			events,
			polls,
			fields: FIELDS,
			endAt: at(90),
			holds: [at(31)],
			maxHoldMs: 20_000,
		});
	expect(withHold(heldEvents)).toMatchObject({ lostCount: 0, falseCount: 0 });
	// Never released: after the hold's end (no Updated or Left at all) it is lost, not excused.
	expect(withHold([good[0]]).lostCount).toBeGreaterThan(0);
});

test('memory: a sawtooth whose floors stay level is flat; one whose floors rise is not', () => {
	const { memoryTrend } = require('./oracle');
	// Climbs 150 MB over 19 minutes, then V8 gives it back: 60 minutes, a sample every 10 s.
	const saw = (rise) =>
		Array.from({ length: 361 }, (_, i) => {
			const t = i * 10;
			const phase = t % 1140;
			return [t, 480 + (150 * phase) / 1140 + (rise * t) / 3600 + ((i * 7919) % 5)];
		});
	const level = memoryTrend(saw(0));
	expect(level.flat).toBe(true);
	expect(level.floors.length).toBeGreaterThanOrEqual(4);
	const leak = memoryTrend(saw(120));
	expect(leak.flat).toBe(false);
});
