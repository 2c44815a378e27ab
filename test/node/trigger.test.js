/**
 * Bromcom Trigger: real poll() through n8n-core's PollContext against the sandbox, driven by the
 * sandbox's change API. The static data is serialised to JSON between polls, as n8n stores it, so
 * every poll here behaves as if n8n had restarted in between.
 */
const { createSandbox } = require('../../sandbox/server');
const { pollOnce, sandboxCredential, shutdown } = require('../helpers/n8n');
const { knownKeys } = require('../../nodes/Bromcom/core/snapshot');

let sandbox;
let credentials;

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 21, now: '2026-11-18T10:30:00Z' });
	credentials = sandboxCredential(await sandbox.start(0));
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

/** A watcher that carries the (JSON) state from poll to poll. */
function watcher(parameters) {
	let staticData = {};
	return {
		async poll(overrides = {}) {
			const r = await pollOnce({
				parameters: { ...parameters, ...overrides },
				credentials,
				staticData,
			});
			if (r.error) throw r.error;
			staticData = r.staticData;
			this.notices = r.notices;
			return r.items;
		},
		async pollExpectingError(overrides = {}) {
			const r = await pollOnce({
				parameters: { ...parameters, ...overrides },
				credentials,
				staticData,
			});
			expect(r.staticData).toEqual(staticData); // a failed poll changes nothing
			return r.error;
		},
		get state() {
			return staticData['node:Bromcom Trigger'].bromcom;
		},
		get staticData() {
			return staticData;
		},
		/** What n8n would load: for example a queue-mode worker's whole-object save of an older copy. */
		set staticData(value) {
			staticData = value;
		},
	};
}

const STUDENTS = {
	watch: 'students',
	schoolId: '20001',
	recordStatus: 'current',
	triggerOn: ['new', 'updated', 'left', 'restored'],
	includeInOutput: 'both',
	fieldsToWatch: ['LastName', 'YearGroup', 'TutorGroup'],
};

describe('students: new, updated, left, restored', () => {
	const w = watcher(STUDENTS);

	test('first run: a quiet baseline', async () => {
		expect(await w.poll()).toEqual([]);
		expect(knownKeys(w.state)).toHaveLength(
			sandbox.rows('Students', 20001, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())')
				.length,
		);
		expect(await w.poll()).toEqual([]);
	});

	let added;
	test('add a student → exactly one New, with event, entity, schoolId, key, detectedAt', async () => {
		added = sandbox.changes.addStudent({
			schoolId: 20001,
			firstName: 'Zoë',
			lastName: "O'Brien",
			yearGroup: 7,
		}).studentId;
		const items = await w.poll();
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'new',
			entity: 'students',
			schoolId: 20001,
			key: String(added),
			current: expect.objectContaining({ StudentID: added, FirstName: 'Zoë' }),
			previous: null,
		});
		expect(Date.parse(items[0].detectedAt)).toBeGreaterThan(0);
		expect(await w.poll()).toEqual([]); // no duplicate on the next poll
	});

	test('edit a watched field → one Updated with correct differences; an unwatched field → nothing', async () => {
		sandbox.changes.updateStudent({ schoolId: 20001, studentId: added, lastName: "O'Brien-Smith" });
		const items = await w.poll();
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'updated',
			key: String(added),
			differences: { LastName: { previous: "O'Brien", current: "O'Brien-Smith" } },
		});
		expect(Object.keys(items[0].differences)).toEqual(['LastName']);
		sandbox.changes.updateStudent({ schoolId: 20001, studentId: added, preferredFirstName: 'Zo' });
		expect(await w.poll()).toEqual([]);
	});

	test('mark leaver → one Left (no longer matching, with the end date); restore → one Restored', async () => {
		sandbox.changes.markLeaver({ schoolId: 20001, studentId: added });
		const left = await w.poll();
		expect(left).toHaveLength(1);
		expect(left[0]).toMatchObject({
			event: 'left',
			key: String(added),
			reason: 'noLongerMatching',
			current: expect.objectContaining({
				StudentID: added,
				EndDate: expect.stringMatching(/^\d{4}-/),
			}),
		});
		expect(await w.poll()).toEqual([]);
		sandbox.changes.restoreLeaver({ schoolId: 20001, studentId: added });
		const back = await w.poll();
		expect(back).toHaveLength(1);
		expect(back[0]).toMatchObject({
			event: 'restored',
			key: String(added),
			current: expect.objectContaining({ StudentID: added, EndDate: null }),
		});
		expect(await w.poll()).toEqual([]);
	});

	test('Trigger On filters events without losing state', async () => {
		sandbox.changes.markLeaver({ schoolId: 20001, studentId: added });
		expect(await w.poll({ triggerOn: ['new'] })).toEqual([]);
		sandbox.changes.restoreLeaver({ schoolId: 20001, studentId: added });
		expect((await w.poll()).map((i) => i.event)).toEqual(['restored']);
	});

	test('permission revoked for the watched entity → a typed error, state unchanged, no Left events', async () => {
		sandbox.changes.revokeEntity({ schoolId: 20001, entity: 'Students' });
		try {
			const error = await w.pollExpectingError();
			expect(error.name).toBe('NodeApiError');
			expect(error.message).toMatch(/permission to access entity 'Students'/);
			expect(error.failure).toEqual({ cause: 'configuration-invalid' });
		} finally {
			sandbox.changes.grantEntity({ schoolId: 20001, entity: 'Students' });
		}
		expect(await w.poll()).toEqual([]);
	});

	test('a transient failure leaves the state alone; the next poll catches up', async () => {
		const newcomer = sandbox.changes.addStudent({
			schoolId: 20001,
			firstName: 'Siân',
			lastName: 'Jones',
			yearGroup: 8,
		}).studentId;
		sandbox.injectFault({ kind: 'status503', match: { entity: 'Students' }, times: 3 });
		const error = await w.pollExpectingError();
		expect(error.failure).toEqual({ cause: 'temporarily-unavailable' });
		const items = await w.poll();
		expect(items.map((i) => [i.event, i.key])).toEqual([['new', String(newcomer)]]);
	}, 20000);
});

describe('consent, rollover guard, re-baselining, manual mode', () => {
	test('revoking consent with a consent filter → Left', async () => {
		const w = watcher({
			watch: 'entity',
			entity: { __rl: true, mode: 'name', value: 'StudentFlatView' },
			keyColumns: 'StudentID',
			schoolId: '20002',
			triggerOn: ['new', 'left'],
			includeInOutput: 'new',
			filters: {
				conditions: [
					{ field: 'IsDataProcessingConsentGranted', operator: 'equals', value: 'true' },
				],
			},
		});
		expect(await w.poll()).toEqual([]);
		const student = sandbox
			.rows('StudentFlatView', 20002)
			.find((r) => r.IsDataProcessingConsentGranted);
		// Bromcom with its lawful basis Consent withholds the pupil from third parties altogether: gone.
		sandbox.changes.revokeConsent({ schoolId: 20002, personId: student.StudentID });
		expect(await w.poll()).toEqual([
			expect.objectContaining({
				event: 'left',
				entity: 'StudentFlatView',
				key: String(student.StudentID),
				reason: 'notFound',
			}),
		]);
		// A Bromcom that returns the pupil with the flag false: no longer matching the consent filter.
		const other = sandbox
			.rows('StudentFlatView', 20002)
			.find((r) => r.IsDataProcessingConsentGranted);
		sandbox.withholdUnconsented = false;
		try {
			expect(await w.poll()).toEqual([]);
			sandbox.changes.revokeConsent({ schoolId: 20002, personId: other.StudentID });
			expect(await w.poll()).toEqual([
				expect.objectContaining({
					event: 'left',
					entity: 'StudentFlatView',
					key: String(other.StudentID),
					reason: 'noLongerMatching',
					IsDataProcessingConsentGranted: false,
				}),
			]);
		} finally {
			sandbox.withholdUnconsented = true;
		}
	});

	test('September rollover → one massChange item, no mass Left; New intake still flows; acknowledging releases the held events once', async () => {
		const w = watcher({ ...STUDENTS, schoolId: '20003', includeInOutput: 'new' });
		expect(await w.poll()).toEqual([]);
		const known = knownKeys(w.state).length;
		const result = sandbox.changes.rollover({ schoolId: 20003 });
		const first = await w.poll();
		// The mass-change item goes down Notices, never among the records.
		expect(first.filter((i) => i.event === 'massChange')).toEqual([]);
		const mass = w.notices.filter((i) => i.event === 'massChange');
		expect(mass).toHaveLength(1);
		expect(first.filter((i) => i.event === 'left' || i.event === 'updated')).toEqual([]);
		expect(first.filter((i) => i.event === 'new')).toHaveLength(result.joined);
		expect(mass[0]).toMatchObject({ knownRecords: known, thresholdPercent: 20, pollsHeld: 1 });
		expect(mass[0].counts.left + mass[0].counts.updated).toBeGreaterThan(known * 0.2);
		expect(mass[0].samples.updated.length).toBeGreaterThan(0);
		expect(mass[0].howToRelease).toContain(mass[0].id);
		// Still held on the next poll, without repeating the warning.
		expect(await w.poll()).toEqual([]);
		expect(w.notices).toEqual([]);
		const released = await w.poll({ options: { acknowledgeId: mass[0].id } });
		expect(released.filter((i) => i.event === 'left')).toHaveLength(mass[0].counts.left);
		expect(released.filter((i) => i.event === 'updated')).toHaveLength(mass[0].counts.updated);
		expect(await w.poll({ options: { acknowledgeId: mass[0].id } })).toEqual([]);
	});

	test('changing the filter or the school re-baselines quietly instead of emitting mass events', async () => {
		const w = watcher({ ...STUDENTS, schoolId: '20001' });
		expect(await w.poll()).toEqual([]);
		expect(
			await w.poll({
				filters: { conditions: [{ field: 'YearGroup', operator: 'equals', value: '8' }] },
			}),
		).toEqual([]);
		expect(await w.poll({ schoolId: '20002' })).toEqual([]);
		expect(await w.poll({ schoolId: '20002' })).toEqual([]);
	});

	test('manual test returns a small marked sample and leaves the state untouched', async () => {
		const staticData = {
			'node:Bromcom Trigger': { bromcom: { v: 1, fp: 'x', since: 1, r: { 1: 'a' }, t: {} } },
		};
		const r = await pollOnce({ parameters: STUDENTS, credentials, staticData, mode: 'manual' });
		expect(r.error).toBeUndefined();
		expect(r.items).toHaveLength(5);
		expect(r.items.every((i) => i.event === 'sample' && i.StudentID > 0)).toBe(true);
		expect(r.staticData).toEqual(staticData);
	});

	test('Emit Existing Records on First Run emits every current record once', async () => {
		const w = watcher({
			...STUDENTS,
			schoolId: '20002',
			includeInOutput: 'new',
			options: { emitExisting: true },
		});
		const items = await w.poll();
		expect(items.map((i) => Number(i.key))).toEqual(
			sandbox
				.rows('Students', 20002, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())')
				.map((r) => r.StudentID),
		);
		expect(items.every((i) => i.event === 'new')).toBe(true);
		expect(await w.poll()).toEqual([]);
	});

	test('contacts: an email change is one Updated with the new best email', async () => {
		const w = watcher({
			watch: 'contacts',
			schoolId: '20001',
			triggerOn: ['updated'],
			includeInOutput: 'both',
			fieldsToWatch: ['Email', 'Telephone'],
		});
		expect(await w.poll()).toEqual([]);
		const contact = Number(knownKeys(w.state)[0]);
		sandbox.changes.editContactEmail({
			schoolId: 20001,
			personId: contact,
			email: 'parent.new@example.com',
		});
		const items = await w.poll();
		expect(items).toEqual([
			expect.objectContaining({
				event: 'updated',
				key: String(contact),
				differences: { Email: expect.objectContaining({ current: 'parent.new@example.com' }) },
			}),
		]);
	});

	test('state is compact: bytes per record for New Version output', async () => {
		const w = watcher({
			...STUDENTS,
			schoolId: '20001',
			includeInOutput: 'new',
			fieldsToWatch: [],
		});
		await w.poll();
		const bytes = JSON.stringify(w.staticData).length;
		const records = knownKeys(w.state).length;
		expect(bytes / records).toBeLessThanOrEqual(48);
	});
});

describe('no silent wrong results under real edits', () => {
	const ALL = {
		watch: 'students',
		recordStatus: 'current',
		triggerOn: ['new', 'updated', 'left', 'restored'],
		includeInOutput: 'new',
	};

	test("changing the credential's School ID (node School ID empty) re-baselines quietly; items carry the School ID read", async () => {
		let staticData = {};
		const poll = async (cred) => {
			const r = await pollOnce({ parameters: ALL, credentials: cred, staticData });
			if (r.error) throw r.error;
			staticData = r.staticData;
			return r;
		};
		expect((await poll({ ...credentials, schoolId: 20001 })).items).toEqual([]);
		const moved = await poll({ ...credentials, schoolId: 20002 });
		expect(moved.items).toEqual([]);
		expect(moved.notices).toEqual([]);
		const id = sandbox.changes.addStudent({
			schoolId: 20002,
			firstName: 'Cred',
			lastName: 'Switch',
			yearGroup: 8,
		}).studentId;
		const next = await poll({ ...credentials, schoolId: 20002 });
		expect(next.items.map((i) => [i.event, i.key, i.schoolId])).toEqual([
			['new', String(id), 20002],
		]);
		// Another user on the same school (another permission set) is another baseline too.
		expect(
			(await poll({ ...credentials, schoolId: 20002, username: 'readonly', password: 'readonly' }))
				.items,
		).toEqual([]);
	});

	test('a column added or removed between polls re-baselines quietly and says so on Notices', async () => {
		const w = watcher({ ...ALL, schoolId: '20001' });
		expect(await w.poll()).toEqual([]);
		sandbox.changes.addColumn({ entity: 'Students', name: 'NewBromcomColumn' });
		expect(await w.poll()).toEqual([]);
		expect(w.notices).toEqual([
			expect.objectContaining({ event: 'rebaseline', reason: 'columnsChanged' }),
		]);
		expect(await w.poll()).toEqual([]);
		expect(w.notices).toEqual([]);
	});

	test('who left before a column change is still remembered after it: a return is Restored, not New (found by the soak)', async () => {
		const w = watcher({ ...ALL, schoolId: '20003' });
		expect(await w.poll()).toEqual([]);
		const [before, between] = sandbox
			.rows('Students', 20003, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())')
			.slice(0, 2)
			.map((r) => r.StudentID);
		sandbox.changes.markLeaver({ schoolId: 20003, studentId: before });
		try {
			expect((await w.poll()).map((i) => `${i.event}:${i.key}`)).toEqual([`left:${before}`]);
			// One leaves while the columns change: not reported (the notice says so), yet remembered.
			sandbox.changes.markLeaver({ schoolId: 20003, studentId: between });
			sandbox.changes.addColumn({ entity: 'Students', name: 'AnotherBromcomColumn' });
			expect(await w.poll()).toEqual([]);
			expect(w.notices).toEqual([
				expect.objectContaining({ event: 'rebaseline', reason: 'columnsChanged' }),
			]);
			sandbox.changes.restoreLeaver({ schoolId: 20003, studentId: before });
			sandbox.changes.restoreLeaver({ schoolId: 20003, studentId: between });
			expect((await w.poll()).map((i) => `${i.event}:${i.key}`).sort()).toEqual(
				[`restored:${before}`, `restored:${between}`].sort(),
			);
		} finally {
			sandbox.changes.removeColumn({ entity: 'Students', name: 'AnotherBromcomColumn' });
			sandbox.changes.restoreLeaver({ schoolId: 20003, studentId: before });
			sandbox.changes.restoreLeaver({ schoolId: 20003, studentId: between });
		}
	});

	test("a state erased by another node's static-data save is not passed over in silence: a stateLost notice, then events again", async () => {
		const w = watcher({ ...STUDENTS, triggerOn: ['new'], includeInOutput: 'new' });
		expect(await w.poll()).toEqual([]);
		const first = sandbox.changes.addStudent({
			schoolId: 20001,
			firstName: 'Ada',
			lastName: 'Lost',
			yearGroup: 8,
		});
		expect((await w.poll()).map((e) => e.key)).toEqual([String(first.studentId)]);
		// A queue-mode worker ran a Code node ($getWorkflowStaticData('global').seen++) and saved its copy
		// of the static data, taken without the trigger's state.
		w.staticData = { global: { seen: 1 } };
		const missed = sandbox.changes.addStudent({
			schoolId: 20001,
			firstName: 'Bea',
			lastName: 'Lost',
			yearGroup: 8,
		});
		expect(await w.poll()).toEqual([]);
		expect(w.notices).toEqual([
			expect.objectContaining({ event: 'rebaseline', reason: 'stateLost', entity: 'students' }),
		]);
		expect(w.notices[0].message).toMatch(/Code node/);
		expect(knownKeys(w.state)).toContain(String(missed.studentId)); // the new baseline holds it
		const next = sandbox.changes.addStudent({
			schoolId: 20001,
			firstName: 'Cy',
			lastName: 'Lost',
			yearGroup: 8,
		});
		expect((await w.poll()).map((e) => e.key)).toEqual([String(next.studentId)]);
		expect(w.notices).toEqual([]);
		// A first activation (nothing saved yet by anyone) is an ordinary quiet baseline.
		const fresh = watcher({ ...STUDENTS, triggerOn: ['new'] });
		expect(await fresh.poll()).toEqual([]);
		expect(fresh.notices).toEqual([]);
	});

	test('a small watched set whose poll suddenly returns nothing is held, not emptied (5 known → 0 Left)', async () => {
		const five = sandbox
			.rows('Students', 20002, 'EndDate IS NULL')
			.slice(0, 5)
			.map((r) => r.StudentID);
		const w = watcher({
			...ALL,
			schoolId: '20002',
			options: { rawFilter: `StudentID IN (${five.join(', ')})` },
		});
		await w.poll();
		const known = knownKeys(w.state);
		expect(known.length).toBeGreaterThan(0);
		expect(known.length).toBeLessThan(20);
		for (const id of known) sandbox.changes.markLeaver({ schoolId: 20002, studentId: Number(id) });
		try {
			expect(await w.poll()).toEqual([]);
			expect(w.notices).toEqual([
				expect.objectContaining({
					event: 'massChange',
					knownRecords: known.length,
					message: expect.stringMatching(/^All \d+ known records disappeared in one poll/),
				}),
			]);
			expect(knownKeys(w.state).sort()).toEqual(known.sort());
		} finally {
			for (const id of known)
				sandbox.changes.restoreLeaver({ schoolId: 20002, studentId: Number(id) });
		}
	});

	test('a watched key column that is missing is an error naming it, not one New event keyed ""', async () => {
		const r = await pollOnce({
			parameters: {
				watch: 'entity',
				entity: { __rl: true, mode: 'name', value: 'Schools' },
				keyColumns: 'StudentID',
				triggerOn: ['new'],
			},
			credentials,
			staticData: {},
		});
		expect(r.error.message).toMatch(
			/Key column\(s\) StudentID are not columns of Schools: check Key Columns/,
		);
	});
});
