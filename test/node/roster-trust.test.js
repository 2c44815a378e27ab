/**
 * Export Roster over a trust, through n8n's execution engine against the sandbox's trust of ten
 * schools (`trust: true`: staff, parents and pupils at two schools, shared family emails; names from
 * the same pools, so generated names collide across schools). Each test checks the people in the
 * files against the sandbox's ground truth (`identityOf`) and its own reads, and the files with the
 * independent reader (test/helpers/spec-reader), never with the exporter's code.
 *
 * The defects of issue 32 as regressions: different pupils merged by a generated name, teachers
 * without consent in Parents' Evening, people missing with nothing on Excluded, one (student,
 * contact) pair twice, repeated OneRoster usernames, control characters in the CSV.
 */
const { createSandbox } = require('../../sandbox/server');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');
const { readSds, readOneRoster } = require('../helpers/spec-reader');

const NOW = '2026-11-18T10:30:00Z';
const ON_ROLL = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';
let sandbox;
let credentials;
let TRUST;

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 11, now: NOW, schools: 10, trust: true });
	credentials = sandboxCredential(await sandbox.start(0));
	TRUST = sandbox.schoolIds.join(', ');
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

/** Export Roster as a new node (version 1.1: Provisioning by default), its three outputs and files. */
async function exportRoster(parameters, typeVersion = 1.1) {
	const r = await runNode({
		type: 'n8n-nodes-bromcom.bromcomEligibility',
		typeVersion,
		parameters: { operation: 'exportRoster', schoolIds: TRUST, ...parameters },
		credentials,
	});
	expect(r.error).toBeUndefined();
	const [files, excluded, notices] = r.run.data.resultData.runData.Bromcom[0].data.main;
	const item = files[0];
	const texts = Object.fromEntries(
		Object.values(item.binary).map((b) => [b.fileName, Buffer.from(b.data, 'base64').toString()]),
	);
	return {
		summary: item.json,
		texts,
		excluded: excluded.map((i) => i.json),
		notices: notices.map((i) => i.json),
	};
}

/** sourcedId → the person the sandbox says it is. */
const identity = (sourcedId) => {
	const [school, , id] = sourcedId.split('-');
	return sandbox.identityOf(Number(school), Number(id));
};

/** Each user of the files is one person: its record and the records merged into it. */
function expectOnePersonPerUser(users, mergedUsers) {
	const into = new Map();
	for (const m of mergedUsers) into.set(m.into, [...(into.get(m.into) ?? []), m.sourcedId]);
	const owners = new Map();
	for (const id of users) {
		const people = new Set([id, ...(into.get(id) ?? [])].map(identity));
		expect([id, people.size]).toEqual([id, 1]);
		const who = [...people][0];
		// …and no person is two users of the same kind.
		const key = `${id.split('-')[1]}|${who}`;
		expect([key, owners.get(key)]).toEqual([key, undefined]);
		owners.set(key, id);
	}
}

test('generated names over ten schools: every pupil their own account, unique names, the names Generate Account Names gives', async () => {
	const params = {
		usernames: 'pattern',
		studentPattern: '{intakeYear2}{firstInitial}{lastName}',
		staffPattern: '{firstInitial}{lastName}',
		domain: 'northfield.sch.uk',
		maxLength: 20,
	};
	const { summary, texts } = await exportRoster(params);
	const { problems, model } = readSds(texts);
	expect(problems).toEqual([]);
	const users = Object.values(model.users);
	expectOnePersonPerUser(
		users.map((u) => u.sourcedId),
		summary.mergedUsers,
	);
	// The collisions are real: many pupils of different schools share a base name, and each got one.
	const bases = new Map();
	for (const u of users.filter((x) => x.sourcedId.includes('-student-'))) {
		const base = u.username.replace(/\d*@.*$/, '');
		bases.set(base, (bases.get(base) ?? 0) + 1);
	}
	expect([...bases.values()].filter((n) => n > 1).length).toBeGreaterThan(20);
	// Pupils with two primary roles were the symptom: one primary role per user.
	const primaries = model.roles.filter((r) => r.isPrimary === 'true').map((r) => r.userSourcedId);
	expect(new Set(primaries).size).toBe(primaries.length);

	// Generate Account Names over the same pupils (the files' own, School ID mapped) gives the same names.
	const pupils = users.filter((u) => u.sourcedId.includes('-student-'));
	const items = pupils.map((u) => {
		const [school, , id] = u.sourcedId.split('-');
		const row = sandbox.rows('Students', Number(school), `StudentID = ${id}`)[0];
		// As the Bromcom node gives it: dates as ISO text.
		return { ...row, StartDate: new Date(row.StartDate).toISOString(), schoolId: Number(school) };
	});
	const named = await runNode({
		type: 'n8n-nodes-bromcom.bromcomEligibility',
		typeVersion: 1.1,
		parameters: {
			operation: 'generateNames',
			pattern: params.studentPattern,
			domain: params.domain,
			maxLength: params.maxLength,
		},
		items: [...items].reverse(),
		credentials,
	});
	expect(named.error).toBeUndefined();
	const byKey = Object.fromEntries(
		named.output.map((o) => [`${o.schoolId}-student-${o.StudentID}`, o.account.email]),
	);
	expect(Object.fromEntries(pupils.map((u) => [u.sourcedId, u.username]))).toEqual(byKey);
});

test("the trust's shared people: one user each on Bromcom's evidence, never on a name; a shared family address is one parent's", async () => {
	const { summary, texts, excluded } = await exportRoster({ includeContacts: true });
	const { problems, model } = readSds(texts);
	expect(problems).toEqual([]);
	const users = Object.keys(model.users);
	expectOnePersonPerUser(users, summary.mergedUsers);
	// Staff at two schools and dual-registered pupils are one user each, with the evidence said.
	const merged = summary.mergedUsers.map((m) => [identity(m.sourcedId), m.reason]);
	const shared = (kind) => merged.filter(([who]) => new RegExp(`^trust:${kind}:\\d+$`).test(who));
	expect(shared('staff').length).toBe(2 * 9);
	expect(new Set(shared('staff').map(([, reason]) => reason))).toEqual(
		new Set(['SAME_EMAIL_AND_NAME']),
	);
	expect(shared('student').length).toBe(9);
	expect(new Set(shared('student').map(([, reason]) => reason))).toEqual(new Set(['SAME_UPN']));
	// Nobody else was merged: every merge joins the trust's own shared people.
	expect(merged.every(([who]) => who.startsWith('trust:'))).toBe(true);
	// Both parents on one family address: one has it, the other is excluded saying who has it.
	const taken = excluded.filter((x) =>
		x.excludedReasons.some((r) => /_SIGN_IN_NAME_TAKEN$/.test(r.code)),
	);
	expect(
		taken.filter((x) => x.excludedReasons[0].code === 'CONTACT_SIGN_IN_NAME_TAKEN').length,
	).toBeGreaterThan(0);
	for (const x of taken) {
		const [, name, holder] = /sign-in name (\S+) is already the sign-in name of (\S+) in/.exec(
			x.excludedReasons[0].message,
		);
		expect(model.users[holder].username).toBe(name);
		expect(String(x.Email ?? x.WorkEmail ?? x.StudentEmail).toLowerCase()).toBe(name);
		expect(identity(holder)).not.toBe(identity(x.sourcedId));
	}
	// One row per (student, contact) pair.
	const pairs = model.relationships.map((x) => `${x.userSourcedId}|${x.relationshipUserSourcedId}`);
	expect(new Set(pairs).size).toBe(pairs.length);
});

test('nobody vanishes: every pupil and member of staff on roll is exported, excluded with a reason, or merged (defaults)', async () => {
	const { summary, texts, excluded } = await exportRoster({ includeContacts: true });
	const { model } = readSds(texts);
	expect(excluded.length).toBe(summary.excluded);
	for (const x of excluded) {
		expect(x.excludedReasons.length).toBeGreaterThan(0);
		for (const reason of x.excludedReasons) expect(reason.code).toMatch(/^[A-Z_]+$/);
	}
	const merged = summary.mergedUsers.map((m) => m.sourcedId);
	const accounted = [
		...Object.keys(model.users),
		...excluded.map((x) => x.sourcedId),
		...merged,
		...Object.keys(model.classes),
	];
	expect(new Set(accounted).size).toBe(accounted.length);
	const present = new Set(accounted);
	for (const school of sandbox.schoolIds) {
		// What Bromcom returns to the third party (its lawful basis Consent withholds the unconsented).
		const pupils = sandbox.rows('Students', school, ON_ROLL);
		const staff = sandbox.rows('Staff', school, ON_ROLL);
		for (const p of pupils) expect(present.has(`${school}-student-${p.StudentID}`)).toBe(true);
		for (const s of staff) expect(present.has(`${school}-staff-${s.StaffID}`)).toBe(true);
		const counts = summary.schools.find((x) => x.schoolId === school);
		expect(counts.students.read).toBe(pupils.length);
		expect(counts.teachers.read).toBe(staff.length);
		for (const kind of ['students', 'teachers', 'contacts', 'classes']) {
			const c = counts[kind];
			expect(c.read).toBe(c.exported + c.excluded + c.merged);
		}
		// Provisioning: pupils on roll whether or not their timetable is set.
		const unclassed = pupils.filter(
			(p) =>
				!sandbox
					.rows('CollectionAssociates', school, `PersonID = ${p.StudentID}`)
					.some((a) => /^\d+[A-Z][a-z]\d$/.test(a.CollectionName)),
		);
		for (const p of unclassed)
			expect(Object.keys(model.users)).toContain(`${school}-student-${p.StudentID}`);
	}
});

test("Parents' Evening asks teachers for consent, as SchoolCloud's rules do; Bromcom withholding or the flag, both ways", async () => {
	// Two teachers of school 20001 without Data Processing Consent.
	const teachers = [
		...new Set(
			sandbox
				.rows('CollectionExecutives', 20001)
				.filter((e) => e.CollectionRoleTypeDescription === 'Main Teacher')
				.map((e) => e.StaffID),
		),
	].slice(0, 2);
	for (const personId of teachers) sandbox.changes.revokeConsent({ schoolId: 20001, personId });
	sandbox.withholdUnconsented = false;
	try {
		const { texts, excluded } = await exportRoster({
			preset: 'parentsEvening',
			schoolIds: '20001',
		});
		const { model } = readSds(texts);
		const people = new Map(sandbox.rows('People', 20001).map((p) => [p.PersonID, p]));
		const unconsented = sandbox
			.rows('Staff', 20001, ON_ROLL)
			.filter((s) => people.get(s.StaffID).IsDataProcessingConsentGranted === false);
		expect(unconsented.map((s) => s.StaffID).sort()).toEqual([...teachers].sort());
		for (const s of unconsented) {
			expect(model.users[`20001-staff-${s.StaffID}`]).toBeUndefined();
			const x = excluded.find((e) => e.sourcedId === `20001-staff-${s.StaffID}`);
			expect(x.excludedReasons.map((r) => r.code)).toContain('TEACHER_NO_CONSENT');
		}
		const pupils = sandbox
			.rows('StudentFlatView', 20001)
			.filter((p) => p.IsDataProcessingConsentGranted === false && p.EnrolmentEndDate === null);
		expect(pupils.length).toBeGreaterThan(0);
		for (const p of pupils) {
			const x = excluded.find((e) => e.sourcedId === `20001-student-${p.StudentID}`);
			if (x) expect(x.excludedReasons.map((r) => r.code)).toContain('STUDENT_NO_CONSENT');
		}
	} finally {
		sandbox.withholdUnconsented = true;
	}
	// Bromcom withholding them: they are not read at all, so neither exported nor excluded.
	const { texts, excluded } = await exportRoster({ preset: 'parentsEvening', schoolIds: '20001' });
	const { model } = readSds(texts);
	const withheld = [...sandbox.school(20001).people.values()].filter(
		(p) => (p.kind === 'staff' || p.kind === 'student') && !p.consent,
	);
	for (const p of withheld) {
		const ids = [`20001-staff-${p.personId}`, `20001-student-${p.personId}`];
		for (const id of ids) {
			expect(model.users[id]).toBeUndefined();
			expect(excluded.some((x) => x.sourcedId === id)).toBe(false);
		}
	}
	for (const personId of teachers)
		sandbox.changes.setConsent({ schoolId: 20001, personId, granted: true });
});

test('the same files whatever the order of School IDs; OneRoster: one user per username, a role per school', async () => {
	const reversed = [...sandbox.schoolIds].reverse().join(',');
	const a = await exportRoster({ includeContacts: true });
	const b = await exportRoster({ includeContacts: true, schoolIds: reversed });
	expect(b.texts).toEqual(a.texts);
	const or = await exportRoster({ includeContacts: true, format: 'oneRoster12' });
	const { problems, model } = readOneRoster(or.texts);
	expect(problems).toEqual([]);
	const staff = Object.values(model.users).find((u) =>
		identity(u.sourcedId).startsWith('trust:staff:'),
	);
	const roles = model.roles.filter((r) => r.userSourcedId === staff.sourcedId);
	expect(roles.map((r) => r.roleType).sort()).toEqual(['primary', 'secondary']);
	expect(new Set(roles.map((r) => r.orgSourcedId)).size).toBe(2);
});

test('a tab or other control character typed into a name in Bromcom never reaches the CSV', async () => {
	const pupil = sandbox.rows('Students', 20002, ON_ROLL)[0];
	sandbox.changes.updateStudent({
		schoolId: 20002,
		studentId: pupil.StudentID,
		preferredFirstName: 'Ava\tMae\u0007',
	});
	const { texts } = await exportRoster({ schoolIds: '20002' });
	expect(readSds(texts).problems).toEqual([]);
	expect(texts['users.csv']).not.toMatch(/[\t\u0007]/);
	expect(texts['users.csv']).toContain(`20002-student-${pupil.StudentID},`);
	expect(texts['users.csv']).toMatch(/Ava Mae/);
});
