/**
 * Check Readiness through n8n's execution engine, over the sandbox's accounts (everything granted,
 * read-only, limited, nothing granted, a wrong password) and partner applications, for two schools
 * at once, one of them on a lawful basis other than Consent. Every problem comes with its fix.
 */
const { createSandbox } = require('../../sandbox/server');
const { partnerCredential, runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

const NOW = '2026-11-18T10:30:00Z';
let sandbox;
let url;

beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 3, now: NOW });
	url = await sandbox.start(0);
	sandbox.changes.setLawfulBasis({ schoolId: 20002, basis: 'Public Task' });
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

async function check(credentials, parameters = {}) {
	const r = await runNode({
		type: 'n8n-nodes-bromcom.bromcomEligibility',
		typeVersion: 1.1,
		parameters: { operation: 'readiness', schoolIds: '20001, 20002', ...parameters },
		credentials,
	});
	expect(r.error).toBeUndefined();
	const [ready, notReady] = r.run.data.resultData.runData.Bromcom[0].data.main;
	return { ready: ready.map((i) => i.json), notReady: notReady.map((i) => i.json), run: r.run };
}

test('everything granted: both schools ready, each lawful basis explained, who would be left out counted by reason', async () => {
	const { ready, notReady } = await check(sandboxCredential(url), { checkWriteBack: true });
	expect(notReady).toEqual([]);
	expect(ready.map((x) => x.schoolId)).toEqual([20001, 20002]);
	const [a, b] = ready;
	expect(a.capabilities.every((c) => c.ready)).toBe(true);
	expect(a.writeBack).toMatchObject({ checked: true, permitted: true });
	// The write check changed nothing: one refused-in-effect call per school (no such person's link).
	expect(sandbox.audit().map((x) => [x.operation, x.params.userId, x.result])).toEqual([
		['deregisterSingleSignOnUser', 2147483647, false],
		['deregisterSingleSignOnUser', 2147483647, false],
	]);
	expect(a.lawfulBasis).toMatchObject({ recorded: 'Consent', consentDecides: true });
	expect(a.lawfulBasis.meaning).toMatch(
		/withholds students and staff without Data Processing Consent/,
	);
	expect(a.lawfulBasis.whereToSet).toMatch(/Administrative Defaults/);
	expect(b.lawfulBasis).toMatchObject({ recorded: 'Public Task', consentDecides: false });
	// Counts by reason, against the sandbox: contacts without parental responsibility, future starters.
	const links = sandbox.rows('StudentContacts', 20001, '(EndDate IS NULL OR EndDate >= GETDATE())');
	expect(a.people.contacts.excludedByReason.CONTACT_RELATIONSHIP).toBeGreaterThan(0);
	expect(a.people.contacts.excludedByReason.CONTACT_RELATIONSHIP).toBeLessThan(links.length);
	expect(a.futureAdmissions).toBe(sandbox.rows('Students', 20001, 'StartDate > GETDATE()').length);
	expect(a.problems.map((p) => p.code)).toContain('FUTURE_ADMISSIONS');
	for (const p of a.problems) expect(p.fix.length).toBeGreaterThan(20);
	for (const kind of ['students', 'staff', 'contacts'])
		expect(a.people[kind].read).toBe(a.people[kind].kept + a.people[kind].excluded);
});

test('read-only, limited and nothing granted: not ready, each missing entity named with the screen that grants it', async () => {
	const readonly = await check(
		sandboxCredential(url, { username: 'readonly', password: 'readonly' }),
		{ checkWriteBack: true },
	);
	expect(readonly.ready).toEqual([]);
	expect(readonly.notReady[0].writeBack).toMatchObject({ checked: true, permitted: false });
	expect(readonly.notReady[0].problems.map((p) => p.code)).toEqual(
		expect.arrayContaining(['NO_WRITE_BACK']),
	);
	expect(readonly.notReady[0].problems.find((p) => p.code === 'NO_WRITE_BACK').fix).toMatch(
		/Third Party Write Licence/,
	);

	const limited = await check(sandboxCredential(url, { username: 'limited', password: 'limited' }));
	const roster = limited.notReady[0].capabilities.find((c) => c.capability === 'roster');
	expect(roster.ready).toBe(false);
	expect(roster.missing).toEqual(
		expect.arrayContaining(['Staff', 'People', 'Collections', 'CollectionAssociates']),
	);
	expect(roster.fix).toMatch(/Third Party Access Permissions & Logs: .*Staff/);
	expect(
		limited.notReady[0].capabilities.find((c) => c.capability === 'triggerStudents').ready,
	).toBe(true);
	expect(limited.notReady[0].people).toBeUndefined();
	const nothing = await check(
		sandboxCredential(url, { username: 'noaccess', password: 'noaccess' }),
	);
	expect(nothing.notReady).toHaveLength(2);
	expect(nothing.notReady[0].capabilities.every((c) => !c.ready)).toBe(true);

	// A wrong password: one item per school with the error and its fix, never a failed run; no secret.
	const wrong = await check(sandboxCredential(url, { password: 'S3cret-Wr0ng' }));
	expect(wrong.notReady.map((x) => x.schoolId)).toEqual([20001, 20002]);
	expect(wrong.notReady[0].fix).toMatch(/System Users/);
	expect(JSON.stringify(wrong.run)).not.toContain('S3cret-Wr0ng');
});

test('over the Partner API: granted entities found by trying each, a limited application told what to grant', async () => {
	const full = await check(partnerCredential(url), { authentication: 'partnerApplication' });
	expect(full.ready.map((x) => x.route)).toEqual(['Partner API (REST)', 'Partner API (REST)']);
	const limited = await check(
		partnerCredential(url, {
			applicationId: 'limited-app',
			applicationSecret: 'limited-app-secret',
		}),
		{ authentication: 'partnerApplication' },
	);
	const roster = limited.notReady[0].capabilities.find((c) => c.capability === 'roster');
	expect(roster.missing).toContain('Staff');
	expect(roster.fix).toMatch(/Partner Applications/);
});
