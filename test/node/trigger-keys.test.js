/**
 * Records without a key, and polls that overlap, through n8n-core's PollContext against the sandbox.
 *
 * A NULL column is an absent element in a .NET DataSet: a proxy in front of the sandbox
 * (test/helpers/null-columns.js) leaves StudentID out of chosen rows exactly so. Such records have no
 * identity: they are never merged into one record and have no events of their own; the poll says how
 * many there are and in which key column, once per change of that number; the keyed records go on as
 * if those rows were not there (a known record whose key turns NULL is Left under the key it had, as
 * when a key value changes). A poll in which every record lacks its key fails and changes nothing.
 *
 * n8n starts a poll on schedule even while the previous one is still reading: a poll that finds the
 * state saved by another poll while it read drops its own result, so an older answer can neither
 * report a record as Left nor make a New one come again.
 */
const { createSandbox } = require('../../sandbox/server');
const { pollOnce, sandboxCredential, shutdown } = require('../helpers/n8n');
const { startNullProxy, rowsWith } = require('../helpers/null-columns');

const KEY = 'node:Bromcom Trigger';
let sandbox;
let proxy;
let credentials;

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 41, now: '2026-11-18T10:30:00Z' });
	proxy = await startNullProxy(await sandbox.start(0));
	credentials = sandboxCredential(proxy.url);
});
afterAll(async () => {
	await proxy.stop();
	await sandbox.stop();
	shutdown();
});
afterEach(() => {
	proxy.nulls = null;
	sandbox.clearFaults();
});

const STUDENTS_BY_KEY = {
	watch: 'entity',
	entity: { __rl: true, mode: 'name', value: 'Students' },
	keyColumns: 'StudentID',
	schoolId: '20001',
	triggerOn: ['new', 'updated', 'left', 'restored'],
	includeInOutput: 'new',
};

function watcher(parameters) {
	let staticData = {};
	return {
		async poll() {
			const r = await pollOnce({ parameters, credentials, staticData });
			if (r.error) throw r.error;
			staticData = r.staticData;
			return r;
		},
		async pollExpectingError() {
			const r = await pollOnce({ parameters, credentials, staticData });
			expect(r.staticData).toEqual(staticData); // a failed poll changes nothing
			return r.error;
		},
	};
}
const events = (r) => r.items.map((i) => `${i.event}:${i.key}`).sort();

test('100 rows with a NULL StudentID: no event for them, one notice naming StudentID and 100, no Left and no hold for the others; a change to a keyed record in the same poll is one event', async () => {
	const w = watcher(STUDENTS_BY_KEY);
	const first = await w.poll();
	expect(first.items).toEqual([]);
	expect(first.notices).toEqual([]);
	const known = sandbox.rows('Students', 20001).map((r) => r.StudentID);

	const noKey = [];
	for (let n = 0; n < 100; n++)
		noKey.push(sandbox.changes.addStudent({ schoolId: 20001, lastName: `NoKey${n}` }).studentId);
	proxy.nulls = { entity: 'Students', column: 'StudentID', where: rowsWith('StudentID', noKey) };
	const keyed = sandbox.changes.addStudent({ schoolId: 20001, lastName: 'Keyed' }).studentId;
	sandbox.changes.updateStudent({ schoolId: 20001, studentId: known[3], lastName: 'Edited' });

	const r = await w.poll();
	expect(proxy.nulled).toBeGreaterThan(0);
	expect(events(r)).toEqual([`new:${keyed}`, `updated:${known[3]}`].sort());
	expect(r.notices).toEqual([
		expect.objectContaining({
			event: 'keylessRecords',
			count: 100,
			columns: { StudentID: 100 },
			message: expect.stringMatching(
				/^100 Students records have no value in key column StudentID \(NULL or empty\)/,
			),
		}),
	]);
	// Reported once: the same rows on the next poll say nothing more.
	const again = await w.poll();
	expect(again.items).toEqual([]);
	expect(again.notices).toEqual([]);
	// A known record loses its key: the key it was known by is gone, so it is Left, as when a key value
	// changes; the number of records without a key changed, so the notice comes again with it.
	proxy.nulls = {
		entity: 'Students',
		column: 'StudentID',
		where: rowsWith('StudentID', [...noKey, keyed]),
	};
	const more = await w.poll();
	expect(events(more)).toEqual([`left:${keyed}`]);
	expect(more.notices).toEqual([expect.objectContaining({ event: 'keylessRecords', count: 101 })]);
	// They get their StudentIDs: each is New once, and the one known before is Restored.
	proxy.nulls = null;
	const named = await w.poll();
	expect(events(named)).toEqual([...noKey.map((id) => `new:${id}`), `restored:${keyed}`].sort());
	expect(named.notices).toEqual([]);
});

test('every row without its key: the poll fails naming the column and the count, and changes nothing', async () => {
	const w = watcher(STUDENTS_BY_KEY);
	await w.poll();
	const all = sandbox.rows('Students', 20001).map((r) => r.StudentID);
	proxy.nulls = { entity: 'Students', column: 'StudentID', where: () => true };
	const error = await w.pollExpectingError();
	expect(error.message).toBe(
		`The key column StudentID is empty (NULL) in all ${all.length} Students records read, so the trigger cannot tell them apart and watched nothing.`,
	);
	expect(error.description).toMatch(
		/Key Columns must name the column\(s\) that identify every record/,
	);
	proxy.nulls = null;
	const back = await w.poll();
	expect(back.items).toEqual([]);
	expect(back.notices).toEqual([]);
});

test('a poll that overlaps a newer one drops its result: no false Left, no second New', async () => {
	const parameters = { ...STUDENTS_BY_KEY, schoolId: '20002' };
	const first = await pollOnce({ parameters, credentials, staticData: {} });
	if (first.error) throw first.error;
	const workflow = first.workflow; // one active workflow, polled again and again in one process
	// The slow poll's answer is taken now and sent slowly; the student is added while it drips in.
	sandbox.injectFault({
		kind: 'drip',
		bytes: 1024,
		ms: 60,
		match: { entity: 'Students', schoolId: 20002 },
	});
	const slow = pollOnce({ parameters, credentials, workflow });
	await new Promise((r) => setTimeout(r, 300));
	const added = sandbox.changes.addStudent({ schoolId: 20002, lastName: 'Overlap' }).studentId;
	const quick = await pollOnce({ parameters, credentials, workflow });
	if (quick.error) throw quick.error;
	expect(events(quick)).toEqual([`new:${added}`]);
	const late = await slow;
	if (late.error) throw late.error;
	expect(late.result).toBeNull(); // its answer predates the student: dropped, not compared
	const next = await pollOnce({ parameters, credentials, workflow });
	expect(next.items).toEqual([]);
	expect(workflow.staticData[KEY].bromcom.k.split(',')).toContain(String(added));
});
