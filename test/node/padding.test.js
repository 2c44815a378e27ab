/**
 * Padded code values (docs/bromcom-facts.md, Column types: "AM" sent as "AM" plus spaces), through n8n's
 * execution engine against a sandbox that pads its code columns: the node returns the data as
 * sent unless Trim Trailing Spaces is on; filters by equality, keys and the trigger ignore padding.
 */
const { createSandbox } = require('../../sandbox/server');
const { runNode, pollOnce, sandboxCredential, shutdown } = require('../helpers/n8n');

let sandbox;
let credentials;
beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 31, now: '2026-11-18T10:30:00Z', padCodes: true });
	credentials = sandboxCredential(await sandbox.start(0));
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

const ATTENDANCE = {
	resource: 'entity',
	operation: 'getMany',
	entity: { __rl: true, mode: 'name', value: 'Attendances' },
	recordStatus: 'all',
	returnAll: false,
	limit: 200,
};

test('values come back as Bromcom sent them, padded; Trim Trailing Spaces removes the padding', async () => {
	const asSent = await runNode({ parameters: ATTENDANCE, credentials });
	expect(asSent.error).toBeUndefined();
	expect(asSent.output.length).toBe(200);
	expect(
		asSent.output.every((r) => r.CalendarName === null || /^(AM|PM) {13}$/.test(r.CalendarName)),
	).toBe(true);
	const trimmed = await runNode({
		parameters: { ...ATTENDANCE, options: { trimValues: true } },
		credentials,
	});
	expect(trimmed.output.map((r) => r.CalendarName)).toEqual(
		asSent.output.map((r) => (r.CalendarName === null ? null : r.CalendarName.trimEnd())),
	);
	expect(trimmed.output.map((r) => r.AttendanceID)).toEqual(
		asSent.output.map((r) => r.AttendanceID),
	);
});

test('a filter by equality on a padded column matches, as SQL Server compares', async () => {
	const r = await runNode({
		parameters: {
			...ATTENDANCE,
			filters: { conditions: [{ field: 'CalendarName', operator: 'equals', value: 'AM' }] },
			options: { trimValues: true },
		},
		credentials,
	});
	expect(r.error).toBeUndefined();
	expect(r.output.length).toBeGreaterThan(0);
	expect(new Set(r.output.map((x) => x.CalendarName))).toEqual(new Set(['AM']));
});

test('the trigger does not flap when padding comes and goes between polls', async () => {
	const parameters = {
		watch: 'staff',
		schoolId: '20001',
		recordStatus: 'all',
		triggerOn: ['new', 'updated', 'left', 'restored'],
		includeInOutput: 'new',
	};
	let staticData = {};
	const poll = async () => {
		const r = await pollOnce({ parameters, credentials, staticData });
		if (r.error) throw r.error;
		staticData = r.staticData;
		return r;
	};
	await poll();
	sandbox.changes.setPadding({ on: false });
	try {
		const unpadded = await poll();
		expect(unpadded.items).toEqual([]);
		expect(unpadded.notices).toEqual([]);
		sandbox.changes.setPadding({ on: true });
		expect((await poll()).items).toEqual([]);
	} finally {
		sandbox.changes.setPadding({ on: true });
	}
});
