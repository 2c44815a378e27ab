/**
 * Export Roster's deactivation guard through n8n's execution engine, as production runs it (mode
 * `trigger`: a schedule), with the memory in n8n's deduplication store (the in-process copy of its
 * semantics in test/helpers/n8n.js). Against the sandbox: a consent reset, the September rollover, a
 * school taken off the list, admissions, a revoked permission, acknowledgement and persistence, and
 * a manual run that previews without changing the memory.
 */
const { createSandbox } = require('../../sandbox/server');
const { deduplicator, runNode, sandboxCredential, shutdown } = require('../helpers/n8n');
const { readSds } = require('../helpers/spec-reader');

const NOW = '2026-11-18T10:30:00Z';
const ON_ROLL = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';
let sandbox;
let credentials;

beforeEach(async () => {
	sandbox = createSandbox({ size: 'small', seed: 17, now: NOW });
	credentials = sandboxCredential(await sandbox.start(0));
	// Each test starts with no memory.
	deduplicator.lists.clear();
});
afterEach(async () => {
	await sandbox.stop();
});
afterAll(() => shutdown());

/**
 * @param {Record<string, any>} [parameters]
 * @param {import('n8n-workflow').WorkflowExecuteMode} [mode]
 */
async function exportRoster(parameters = {}, mode = 'trigger') {
	const r = await runNode({
		type: 'n8n-nodes-bromcom.bromcomEligibility',
		typeVersion: 1.1,
		mode,
		parameters: {
			operation: 'exportRoster',
			schoolIds: '20001, 20002, 20003',
			includeContacts: true,
			...parameters,
		},
		credentials,
	});
	const [files = [], excluded = [], notices = []] =
		r.run.data.resultData.runData.Bromcom[0].data?.main ?? [];
	const item = files[0];
	return {
		error: r.error,
		summary: item?.json,
		users: item
			? Object.keys(
					readSds(
						Object.fromEntries(
							Object.values(item.binary).map((b) => [
								b.fileName,
								Buffer.from(b.data, 'base64').toString(),
							]),
						),
					).model.users,
				).sort()
			: undefined,
		excluded: excluded.map((i) => i.json),
		notices: notices.map((i) => i.json),
	};
}

const memory = () => [...deduplicator.lists.values()].flat().slice().sort();

test('a consent reset at one school is held (no files, one notice naming who would go and why), until acknowledged', async () => {
	const first = await exportRoster();
	expect(first.error).toBeUndefined();
	expect(first.summary.guard).toMatchObject({ checked: true, firstRun: true });
	const remembered = memory();
	expect(remembered.length).toBeGreaterThan(0);
	// Nobody's memory is personal data: keys only (sourcedIds; n8n's store keeps their MD5 digests).
	expect(remembered.join('\n')).not.toMatch(/@|[A-Z][a-z]+ [A-Z][a-z]+/);

	// The school's basis stays Consent but withholding is off: the pupils come back with the flag false.
	sandbox.withholdUnconsented = false;
	const pupils = sandbox.rows('Students', 20002, ON_ROLL);
	const reset = pupils.slice(0, Math.ceil(pupils.length * 0.3));
	for (const p of reset) sandbox.changes.revokeConsent({ schoolId: 20002, personId: p.StudentID });
	const held = await exportRoster();
	expect(held.error).toBeUndefined();
	expect(held.summary).toBeUndefined();
	expect(held.notices).toHaveLength(1);
	const notice = held.notices[0];
	expect(notice).toMatchObject({ notice: 'exportHeld', thresholdPercent: 10, runsHeld: 1 });
	expect(notice.id).toMatch(/^[0-9a-z]{1,8}$/);
	const row = notice.schools.find((x) => x.schoolId === 20002 && x.kind === 'student');
	expect(row).toMatchObject({ previous: first.summary.schools[1].students.exported, holds: true });
	const exportedBefore = reset.filter((p) => first.users.includes(`20002-student-${p.StudentID}`));
	expect(exportedBefore.length).toBeGreaterThan(10);
	expect(row.removed).toBe(exportedBefore.length);
	expect(notice.samples.length).toBeGreaterThan(0);
	// Named with why: the pupils for consent, their parents for having no eligible child left.
	for (const sample of notice.samples) {
		expect(sample.sourcedId).toMatch(/^20002-(student|contact)-/);
		expect(sample.excludedReasons[0].code).toBe(
			sample.kind === 'student' ? 'STUDENT_NO_CONSENT' : 'CONTACT_NO_ELIGIBLE_CHILD',
		);
	}
	expect(notice.samples.some((x) => x.kind === 'student')).toBe(true);
	expect(notice.likelyCauses.join(' ')).toMatch(/Consent reset or withdrawn/);
	expect(notice.howToRelease).toContain(notice.id);
	// Held: the memory is as it was (plus the hold), so the next run is held again, the same drop.
	expect(memory().filter((x) => !/^[hr]\|/.test(x))).toEqual(remembered);
	const again = await exportRoster();
	expect(again.notices[0]).toMatchObject({ id: notice.id, runsHeld: 2 });

	const released = await exportRoster({ guardOptions: { acknowledgeId: notice.id } });
	expect(released.summary.guard).toMatchObject({ released: 'acknowledged', id: notice.id });
	expect(
		released.users.filter((u) => reset.some((p) => u === `20002-student-${p.StudentID}`)),
	).toEqual([]);
	// The memory is now that file set: the same data passes without an acknowledgement.
	const settled = await exportRoster();
	expect(settled.notices).toEqual([]);
	expect(settled.summary.schools[1].students).toMatchObject({ removed: 0, added: 0 });
});

test('the September rollover is held once, then passes when acknowledged with exactly the leavers gone; admissions never trip it', async () => {
	const before = await exportRoster();
	// Admissions only: never held, and the summary says what changed.
	for (let k = 0; k < 5; k++) sandbox.changes.addStudent({ schoolId: 20001 });
	const grown = await exportRoster();
	expect(grown.notices).toEqual([]);
	expect(grown.summary.schools[0].students).toMatchObject({ added: 5, removed: 0 });

	const leavers = sandbox
		.rows('Students', 20003, ON_ROLL)
		.filter((s) => s.YearGroup === '8')
		.map((s) => `20003-student-${s.StudentID}`);
	sandbox.changes.rollover({ schoolId: 20003 });
	const held = await exportRoster();
	expect(held.notices).toHaveLength(1);
	const row = held.notices[0].schools.find((x) => x.schoolId === 20003 && x.kind === 'student');
	expect(row.removed).toBe(leavers.length);
	const released = await exportRoster({ guardOptions: { acknowledgeId: held.notices[0].id } });
	const gone = grown.users.filter(
		(u) => u.startsWith('20003-student-') && !released.users.includes(u),
	);
	expect(gone.sort()).toEqual(leavers.sort());
	expect(before.users.length).toBeGreaterThan(0);
});

test('a school taken off the list, or emptied, is held; a failed read is an error, never a shrink; a manual run previews only', async () => {
	await exportRoster();
	const remembered = memory();
	const fewer = await exportRoster({ schoolIds: '20001, 20002' });
	expect(fewer.notices[0].elsewhere).toBeGreaterThan(0);
	expect(fewer.notices[0].likelyCauses.join(' ')).toMatch(/not in this one/);

	// A revoked permission is an error: nothing written, the memory untouched.
	sandbox.changes.revokeEntity({ schoolId: 20002, username: 'sandbox', entity: 'Students' });
	const failed = await exportRoster();
	expect(failed.error.message).toMatch(/School 20002: .*'Students'/);
	sandbox.changes.grantEntity({ schoolId: 20002, username: 'sandbox', entity: 'Students' });

	// Every pupil of 20003 withdrawn from third parties: the school is emptied.
	for (const p of sandbox.rows('Students', 20003, ON_ROLL))
		sandbox.changes.revokeConsent({ schoolId: 20003, personId: p.StudentID });
	const preview = await exportRoster({}, 'manual');
	expect(
		preview.notices[0].schools.find((x) => x.schoolId === 20003 && x.kind === 'student'),
	).toMatchObject({
		now: 0,
		holds: true,
	});
	// The preview held as production would, and changed nothing.
	expect(memory().filter((x) => !/^[hr]\|/.test(x))).toEqual(remembered);

	// With the guard off, the export goes through.
	const off = await exportRoster({ deactivationGuard: false });
	expect(off.notices).toEqual([]);
	expect(off.users.some((u) => u.startsWith('20003-student-'))).toBe(false);
});

test('a run that finds another run of the node comparing exports nothing and says so; a lock a crashed run left lapses', async () => {
	await exportRoster();
	const remembered = memory();
	const [list] = [...deduplicator.lists.values()];
	const quarter = Math.floor(Date.now() / 900_000);
	// Another run holds the lock (taken this quarter-hour).
	list.push(`l|${quarter}`);
	const blocked = await exportRoster();
	expect(blocked.error.message).toMatch(
		/Another run of this Export Roster node is comparing with the deactivation guard/,
	);
	expect(blocked.users).toBeUndefined();
	expect(memory()).toEqual([...remembered, `l|${quarter}`].sort());
	// A lock from 30 minutes ago (a run that crashed) no longer blocks, and is cleared by the next file set.
	list.splice(list.indexOf(`l|${quarter}`), 1, `l|${quarter - 2}`);
	const after = await exportRoster();
	expect(after.error).toBeUndefined();
	expect(after.notices).toEqual([]);
	expect(after.summary.guard).toMatchObject({ checked: true, firstRun: false });
	expect(memory()).toEqual(remembered);
});

test('Accept Drop After Runs lets a persistent drop through by itself', async () => {
	await exportRoster();
	sandbox.changes.rollover({ schoolId: 20001 });
	const options = { guardOptions: { acceptAfterRuns: 2 } };
	const runs = [];
	for (let k = 0; k < 3; k++) {
		const r = await exportRoster(options);
		runs.push([r.notices.length, r.summary?.guard.released]);
	}
	expect(runs).toEqual([
		[1, undefined],
		[1, undefined],
		[0, 'persisted'],
	]);
});

test("Get Eligible Roster's Summary accounts for everyone read and says what changed since the node's last run", async () => {
	const roster = async (
		/** @type {import('n8n-workflow').WorkflowExecuteMode} */ mode = 'trigger',
	) => {
		const r = await runNode({
			type: 'n8n-nodes-bromcom.bromcomEligibility',
			typeVersion: 1.1,
			mode,
			parameters: { operation: 'getRoster', schoolId: '20002', preset: 'provisioning' },
			credentials,
		});
		expect(r.error).toBeUndefined();
		return r.run.data.resultData.runData.Bromcom[0].data.main[2].map((i) => i.json);
	};
	const [first] = await roster();
	expect(first).toMatchObject({ summary: 'eligibleRoster', schoolId: 20002 });
	for (const c of Object.values(first.counts)) expect(c.read).toBe(c.kept + c.excluded);
	expect(first.counts.student.previous).toBeUndefined();
	sandbox.changes.addStudent({ schoolId: 20002 });
	sandbox.changes.markLeaver({
		schoolId: 20002,
		studentId: sandbox.rows('Students', 20002, ON_ROLL)[0].StudentID,
	});
	// A manual run shows the change and leaves the memory as it was…
	const [preview] = await roster('manual');
	expect(preview.counts.student).toMatchObject({ added: 1, removed: 1 });
	const [second] = await roster();
	expect(second.counts.student).toMatchObject({
		previous: first.counts.student.kept,
		added: 1,
		removed: 1,
	});
	// …and a production run moves it on.
	const [third] = await roster();
	expect(third.counts.student).toMatchObject({ added: 0, removed: 0 });
});
