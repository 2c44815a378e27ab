/**
 * The editor's pickers, through n8n-core's LoadOptionsContext: the entity list comes from
 * findEntitiesBySchoolID (only what the school granted), the column lists from a `1=0` schema probe.
 */
const { createSandbox } = require('../../sandbox/server');
const { loadOptions, sandboxCredential, shutdown } = require('../helpers/n8n');

let sandbox;
let credentials;
beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 6, now: '2026-11-18T10:30:00Z' });
	credentials = sandboxCredential(await sandbox.start(0));
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

test('entity picker lists exactly the permitted entities, searchable', async () => {
	const all = await loadOptions({
		kind: 'listSearch',
		method: 'searchEntities',
		parameters: { resource: 'entity', operation: 'getMany' },
		credentials,
	});
	expect(all.results.map((r) => r.value)).toEqual(sandbox.info().entities);
	// Checked against the school's grants over SOAP: no "not checked" mark.
	expect(all.results.every((r) => r.name === r.value)).toBe(true);
	const limited = await loadOptions({
		kind: 'listSearch',
		method: 'searchEntities',
		parameters: { resource: 'entity' },
		credentials: { ...credentials, username: 'limited', password: 'limited' },
		filter: 'stud',
	});
	expect(limited.results.map((r) => r.value)).toEqual(['StudentFlatView', 'Students']);
});

test('column pickers come from a 1=0 schema probe, for resources, any entity and the trigger', async () => {
	sandbox.clearRequests();
	const students = await loadOptions({
		kind: 'loadOptions',
		method: 'getColumns',
		parameters: { resource: 'student' },
		credentials,
	});
	expect(students.map((o) => o.value)).toEqual(sandbox.columns('Students').map(([n]) => n));
	expect(students.find((o) => o.value === 'StartDate').description).toBe('dateTime');
	expect(sandbox.requests().map((r) => r.filter)).toEqual(['1=0']);
	const people = await loadOptions({
		kind: 'loadOptions',
		method: 'getColumns',
		parameters: { resource: 'entity', entity: { __rl: true, mode: 'list', value: 'People' } },
		credentials,
	});
	expect(people.find((o) => o.value === 'PersonGUID').description).toBe('string (System.Guid)');
	const trigger = await loadOptions({
		type: 'n8n-nodes-bromcom.bromcomTrigger',
		kind: 'loadOptions',
		method: 'getColumns',
		parameters: { watch: 'contacts' },
		credentials,
	});
	expect(trigger.map((o) => o.value)).toContain('IsDataProcessingConsentGranted');
});

test('a picker error says what to fix', async () => {
	await expect(
		loadOptions({
			kind: 'listSearch',
			method: 'searchEntities',
			parameters: { resource: 'entity' },
			credentials: { ...credentials, password: 'nope' },
		}),
	).rejects.toThrow(/Invalid username or password/);
});

test('the Timetable column picker reads the entity the operation reads (one catalogue): StudentTimeTables for a student, TimeTable otherwise', async () => {
	sandbox.clearRequests();
	await loadOptions({
		kind: 'loadOptions',
		method: 'getColumns',
		parameters: { resource: 'timetable', scope: 'student' },
		credentials,
	});
	await loadOptions({
		kind: 'loadOptions',
		method: 'getColumns',
		parameters: { resource: 'timetable', scope: 'class' },
		credentials,
	});
	expect(sandbox.requests().map((r) => r.entity)).toEqual(['StudentTimeTables', 'TimeTable']);
});

test('a picker error that echoes the password at HTTP 200 carries no password', async () => {
	sandbox.injectFault({
		kind: 'fault',
		message: 'Login failed for sandbox/sandbox',
		match: { entity: 'Students' },
	});
	const error = await loadOptions({
		kind: 'loadOptions',
		method: 'getColumns',
		parameters: { resource: 'student' },
		credentials,
	}).catch((e) => e);
	expect(error.message).toMatch(/Login failed for \*\*\*\/\*\*\*/);
	expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(
		'sandbox/sandbox',
	);
	sandbox.clearFaults();
});
