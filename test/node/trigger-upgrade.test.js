/**
 * Upgrading a running trigger: states saved by the trigger of state version 1 (commit 0533329, files
 * made by test/fixtures/trigger-v1/generate.js) are read by the current trigger through n8n-core's
 * PollContext, against the same Students answers captured then (served as they were). The first poll
 * after the upgrade must neither flood nor lose: its events are exactly what the captures say changed
 * (worked out here from the captures with the independent DataSet parser, test/helpers/oracle.js), a
 * mass change held before the upgrade stays held and is released once, and the record that version 1
 * made of rows without a key (all keyed "") is not reported as Left.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { pollOnce, sandboxCredential, shutdown } = require('../helpers/n8n');
const { oracleParse } = require('../helpers/oracle');

const DIR = path.join(__dirname, '..', 'fixtures', 'trigger-v1');
const capture = (name) => fs.readFileSync(path.join(DIR, `students-${name}.xml`), 'utf8');
const FIXTURE = JSON.parse(fs.readFileSync(path.join(DIR, 'states.json'), 'utf8'));
const KEY = 'node:Bromcom Trigger';

let server;
let credentials;
const served = { xml: '' };

beforeAll(async () => {
	server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
			res.end(served.xml);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	credentials = sandboxCredential(
		`http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
	);
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	shutdown();
});

const watch = (includeInOutput, options = {}) => ({
	watch: 'entity',
	entity: { __rl: true, mode: 'name', value: 'Students' },
	keyColumns: 'StudentID',
	triggerOn: ['new', 'updated', 'left', 'restored'],
	includeInOutput,
	options,
});

/**
 * A version-1 state from the fixture, its fingerprint set to what this test's server gives: the
 * fingerprint covers the credential's Base URL (another port here than when the fixture was made) and
 * is computed the same way in both versions (BromcomTrigger/options.ts), so it is read from a
 * baseline the current trigger takes against this server.
 */
async function v1State(name, parameters) {
	served.xml = capture('a');
	const fresh = await pollOnce({ parameters, credentials, staticData: {} });
	const fp = fresh.staticData[KEY].bromcom.fp;
	const staticData = JSON.parse(JSON.stringify(FIXTURE.states[name].staticData));
	expect(staticData[KEY].bromcom.v).toBe(1);
	staticData[KEY].bromcom.fp = fp;
	return staticData;
}

async function pollCapture(name, parameters, staticData) {
	served.xml = capture(name);
	const r = await pollOnce({ parameters, credentials, staticData });
	if (r.error) throw r.error;
	return r;
}

/** The oracle: what changed between two captures, per StudentID, from their rows alone. */
function changesBetween(before, after, fields) {
	const rows = (name) =>
		new Map(oracleParse(capture(name)).rows.map((r) => [String(r.StudentID), r]));
	const a = rows(before);
	const b = rows(after);
	const pick = (r) =>
		JSON.stringify(
			(fields ?? Object.keys(r).sort()).map((f) =>
				typeof r[f] === 'string' ? r[f].trimEnd() : (r[f] ?? null),
			),
		);
	const out = [];
	for (const [k, r] of b) {
		if (!a.has(k)) out.push(`new:${k}`);
		else if (pick(a.get(k)) !== pick(r)) out.push(`updated:${k}`);
	}
	for (const k of a.keys()) if (!b.has(k)) out.push(`left:${k}`);
	return out.sort();
}
const events = (r) => r.items.map((i) => `${i.event}:${i.key}`).sort();

test('a version-1 state and the same answer: no event, and the state is version 2 from then on', async () => {
	const staticData = await v1State('baselineA', watch('new'));
	const r = await pollCapture('a', watch('new'), staticData);
	expect(r.items).toEqual([]);
	expect(r.notices).toEqual([]);
	const state = r.staticData[KEY].bromcom;
	expect(state.v).toBe(2);
	expect(state.l).toBeUndefined();
	expect(state.k.split(',').sort()).toEqual(
		Object.keys(FIXTURE.states.baselineA.staticData[KEY].bromcom.r).sort(),
	);
	// And it carries on: the next answer's changes, once.
	const next = await pollCapture('b', watch('new'), r.staticData);
	expect(events(next)).toEqual(changesBetween('a', 'b'));
	expect((await pollCapture('b', watch('new'), next.staticData)).items).toEqual([]);
});

test('a version-1 state and a changed answer: exactly the changes, neither flood nor loss', async () => {
	const staticData = await v1State('baselineA', watch('new'));
	const r = await pollCapture('b', watch('new'), staticData);
	const want = changesBetween('a', 'b');
	expect(want).toHaveLength(4); // two renames, an admission, a leaver
	expect(events(r)).toEqual(want);
	expect(r.notices).toEqual([]);
});

test('Both Versions from a version-1 state: the previous values it kept and the differences', async () => {
	const staticData = await v1State('baselineABoth', watch('both'));
	const r = await pollCapture('b', watch('both'), staticData);
	expect(events(r)).toEqual(changesBetween('a', 'b'));
	const before = new Map(oracleParse(capture('a')).rows.map((x) => [String(x.StudentID), x]));
	const after = new Map(oracleParse(capture('b')).rows.map((x) => [String(x.StudentID), x]));
	for (const item of r.items.filter((i) => i.event === 'updated')) {
		const was = before.get(item.key);
		const now = after.get(item.key);
		const changed = Object.keys(now).filter(
			(f) => JSON.stringify(was[f] ?? null) !== JSON.stringify(now[f] ?? null),
		);
		expect(Object.keys(item.differences).sort()).toEqual(changed.sort());
		for (const f of changed)
			expect(item.differences[f]).toEqual({ previous: was[f] ?? null, current: now[f] ?? null });
	}
});

test('version 1 merged rows without a key into one record keyed "": after the upgrade it is no Left, the rows are reported, the rest unchanged', async () => {
	const fixture = FIXTURE.states.keylessMerged;
	// What version 1 did with three NULL StudentIDs: one New event for a merged record keyed "".
	expect(fixture.events[1].items).toEqual(['new:']);
	const staticData = await v1State('keylessMerged', watch('new'));
	const r = await pollCapture('keyless', watch('new'), staticData);
	expect(r.items).toEqual([]);
	expect(r.notices).toEqual([
		expect.objectContaining({
			event: 'keylessRecords',
			count: 3,
			columns: { StudentID: 3 },
			message: expect.stringMatching(/^3 Students records have no value in key column StudentID/),
		}),
	]);
	const state = r.staticData[KEY].bromcom;
	expect(state.k.split(',')).not.toContain('');
	expect(state.nk).toBe(3);
	// Reported once: the next poll of the same answer is quiet.
	const again = await pollCapture('keyless', watch('new'), r.staticData);
	expect(again.items).toEqual([]);
	expect(again.notices).toEqual([]);
});

test('a mass change held by version 1 stays held after the upgrade, and acknowledging it releases each held event once', async () => {
	const fixture = FIXTURE.states.rolloverHeld;
	const hold = fixture.staticData[KEY].bromcom.hold;
	expect(hold).toBeDefined();
	const staticData = await v1State('rolloverHeld', watch('new'));
	const held = await pollCapture('c', watch('new'), staticData);
	expect(held.items).toEqual([]);
	expect(held.notices).toEqual([]); // detected before the upgrade: not announced twice
	expect(held.staticData[KEY].bromcom.hold.id).toBe(hold.id);
	const released = await pollCapture(
		'c',
		watch('new', { acknowledgeId: hold.id }),
		held.staticData,
	);
	// Everything A → C, less the New events version 1 already emitted when it detected the change.
	const emitted = new Set(fixture.events[1].items);
	const want = changesBetween('a', 'c').filter((e) => !emitted.has(e));
	expect(want.length).toBeGreaterThan(20);
	expect(events(released)).toEqual(want);
	const after = await pollCapture(
		'c',
		watch('new', { acknowledgeId: hold.id }),
		released.staticData,
	);
	expect(after.items).toEqual([]);
	expect(after.staticData[KEY].bromcom.l).toBeUndefined();
});
