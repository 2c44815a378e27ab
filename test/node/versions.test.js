/**
 * The Bromcom node's versions. n8n saves only the parameters a user changed, so a saved workflow takes
 * its defaults from its node version: version 1 must keep sending by default with a moving date, and
 * 1.1 (what the editor adds now) must be Dry Run by default with dates that do not move. Both through
 * n8n's own defaults (NodeHelpers.getNodeParameters) and its execution engine against the sandbox.
 */
const { NodeHelpers } = require('n8n-workflow');
const { createSandbox } = require('../../sandbox/server');
const { runNode, sandboxCredential, partnerCredential, shutdown } = require('../helpers/n8n');
const { Bromcom } = require('../../nodes/Bromcom/Bromcom.node');

let sandbox;
let base;
let student;
beforeAll(async () => {
	sandbox = createSandbox({ size: 'small', seed: 4, now: '2026-11-18T10:30:00Z' });
	base = await sandbox.start(0);
	student = sandbox.rows('Students', 20001, 'EndDate IS NULL')[0].StudentID;
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});
beforeEach(() => sandbox.clearAudit());

const description = new Bromcom().description;

/** The parameters n8n gives a node of `version` whose saved parameters are `saved`. */
function defaultsFor(version, saved) {
	const node = {
		id: 'n',
		name: 'Bromcom',
		type: 'n8n-nodes-bromcom.bromcom',
		typeVersion: version,
		position: [0, 0],
		parameters: saved,
	};
	return NodeHelpers.getNodeParameters(
		description.properties,
		saved,
		true,
		false,
		/** @type {any} */ (node),
		description,
	);
}

test('the editor adds version 1.1; version 1 is still loadable', () => {
	expect(description.version).toEqual([1, 1.1]);
	expect(description.defaultVersion).toBe(1.1);
});

test.each([
	['dinnerMoney', 'saveTransaction', 'instant', '={{ $now.toISO() }}'],
	['behaviour', 'upsert', 'eventDate', '={{ $now.toISO() }}'],
	['assessment', 'saveResult', 'resultDate', '={{ $today.toISODate() }}'],
])(
	'%s › %s: version 1 keeps Dry Run off and %s = %s; 1.1 has Dry Run on and no date default',
	(resource, operation, dateField, v1Date) => {
		const v1 = defaultsFor(1, { resource, operation });
		const v11 = defaultsFor(1.1, { resource, operation });
		expect(v1).toMatchObject({ dryRun: false, [dateField]: v1Date });
		expect(v11).toMatchObject({ dryRun: true, [dateField]: '' });
		// The one field of each name a version shows carries the placeholder that says what to map.
		const shown = description.properties.filter(
			(p) =>
				p.name === dateField &&
				NodeHelpers.displayParameter(
					v11,
					p,
					/** @type {any} */ ({ typeVersion: 1.1, parameters: v11 }),
					description,
				),
		);
		expect(shown).toHaveLength(1);
		expect(shown[0].placeholder).toMatch(/\$json/);
		expect(shown[0].description).toMatch(/not \{\{ \$now \}\}/);
	},
);

test.each(['updateBalance', 'saveTransaction'])(
	'every write gets the versioned Dry Run (dinnerMoney › %s)',
	(operation) => {
		expect(defaultsFor(1, { resource: 'dinnerMoney', operation }).dryRun).toBe(false);
		expect(defaultsFor(1.1, { resource: 'dinnerMoney', operation }).dryRun).toBe(true);
	},
);

/** Save Transaction with only what a user fills in: the date and Dry Run left at their defaults. */
const SALE = {
	resource: 'dinnerMoney',
	operation: 'saveTransaction',
	personId: '={{ $json.person }}',
	transactionType: 'Sale',
	amount: '2.30',
	remainingBalance: '10.20',
	externalId: '7001',
};

test('version 1 as saved before 1.1 existed: sends, with the moving date', async () => {
	const r = await runNode({
		parameters: SALE,
		items: [{ person: student }],
		credentials: sandboxCredential(base),
	});
	expect(r.error).toBeUndefined();
	expect(r.output[0].status).toBe('sent');
	expect(sandbox.audit()).toHaveLength(1);
});

test('version 1.1 with the same parameters: a Dry Run, nothing sent', async () => {
	const r = await runNode({
		parameters: { ...SALE, instant: '2026-11-18T12:10:00' },
		items: [{ person: student }],
		credentials: sandboxCredential(base),
		typeVersion: 1.1,
	});
	expect(r.error).toBeUndefined();
	expect(r.output[0].status).toBe('dryRun');
	expect(r.output[0].request.body).toContain('<instant>2026-11-18T12:10:00</instant>');
	expect(sandbox.audit()).toHaveLength(0);
});

test('version 1.1 with Dry Run off and no date: n8n itself refuses to run it; a date mapped to nothing is an error naming the field', async () => {
	await expect(
		runNode({
			parameters: { ...SALE, dryRun: false },
			items: [{ person: student }],
			credentials: sandboxCredential(base),
			typeVersion: 1.1,
		}),
	).rejects.toThrow(/Parameter "Time" is required/);
	const r = await runNode({
		parameters: { ...SALE, dryRun: false, instant: '={{ $json.missing ?? "" }}' },
		items: [{ person: student }],
		credentials: sandboxCredential(base),
		typeVersion: 1.1,
	});
	expect(r.error.message).toMatch(/^Time is empty: map the date from the data you are writing/);
	expect(sandbox.audit()).toHaveLength(0);
});

test('the idempotency key: version 1 changes it on every run (the moving date), 1.1 keeps it', async () => {
	const keyOf = async (typeVersion, parameters) => {
		const r = await runNode({
			parameters: { ...parameters, dryRun: true },
			items: [{ person: student }],
			credentials: sandboxCredential(base),
			typeVersion,
		});
		expect(r.output[0].status).toBe('dryRun');
		return r.output[0].idempotencyKey;
	};
	const v1 = [await keyOf(1, SALE)];
	// The date is sent to the second: the next run starts in another second.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	v1.push(await keyOf(1, SALE));
	expect(v1[0]).not.toBe(v1[1]);
	const mapped = { ...SALE, instant: '={{ $json.at }}' };
	const keys = [];
	for (let run = 0; run < 2; run++) {
		const r = await runNode({
			parameters: mapped,
			items: [{ person: student, at: '2026-11-18T12:10:00' }],
			credentials: sandboxCredential(base),
			typeVersion: 1.1,
		});
		keys.push(r.output[0].idempotencyKey);
	}
	expect(keys[0]).toBe(keys[1]);
});

test('Behaviour › Create or Update 1.1 over the Partner API: Dry Run by default; a mapped date sends once, a re-run is skipped', async () => {
	const owner = sandbox.rows('Staff', 20001)[0];
	const parameters = {
		authentication: 'partnerApplication',
		resource: 'behaviour',
		operation: 'upsert',
		studentId: String(student),
		eventId: '1',
		ownerId: String(owner.StaffID),
		eventDate: '={{ $json.when }}',
		adjustment: 1,
	};
	const items = [{ when: '2026-11-18T09:15:00Z' }];
	const credentials = partnerCredential(base);
	const dry = await runNode({ parameters, items, credentials, typeVersion: 1.1 });
	expect(dry.output[0].status).toBe('dryRun');
	let staticData = {};
	const statuses = [];
	for (let run = 0; run < 2; run++) {
		const r = await runNode({
			parameters: { ...parameters, dryRun: false },
			items,
			credentials,
			typeVersion: 1.1,
			mode: 'trigger',
			staticData,
		});
		staticData = r.staticData;
		statuses.push(r.output[0].status);
	}
	expect(statuses).toEqual(['sent', 'skippedDuplicate']);
	expect(sandbox.audit().filter((a) => a.route === 'rest')).toHaveLength(1);
});

test('Dry Run that is neither true nor false is an error, never a write', async () => {
	const r = await runNode({
		parameters: { ...SALE, instant: '2026-11-18T12:10:00', dryRun: '={{ "maybe" }}' },
		items: [{ person: student }],
		credentials: sandboxCredential(base),
		typeVersion: 1.1,
	});
	expect(r.error.message).toBe(
		'Dry Run must be true or false, not "maybe". Nothing was sent to Bromcom.',
	);
	expect(sandbox.audit()).toHaveLength(0);
});
