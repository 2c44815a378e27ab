/**
 * Consent and eligibility through n8n's execution engine: the roster of the hand-written edge-case
 * school (sandbox/fixtures.js) against kept/excluded sets worked out by hand, and Filter Items on
 * items that never came from Bromcom.
 */
const { createSandbox } = require('../../sandbox/server');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

let sandbox;
let credentials;
beforeAll(async () => {
	// The edge-case school's records as Bromcom holds them, people without consent included: the
	// rules must exclude them by the flag when Bromcom returns them (its withholding is tested below).
	sandbox = createSandbox({
		size: 'small',
		seed: 2,
		now: '2026-11-18T10:30:00Z',
		fixtures: true,
		withholdUnconsented: false,
	});
	credentials = sandboxCredential(await sandbox.start(0), { schoolId: 30001 });
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

const ELIGIBILITY = 'n8n-nodes-bromcom.bromcomEligibility';

async function roster(extra = {}) {
	const { run, error } = await runNode({
		type: ELIGIBILITY,
		parameters: {
			operation: 'getRoster',
			preset: 'parentsEvening',
			kinds: ['student', 'contact', 'teacher', 'class'],
			lawfulBasis: 'fromBromcom',
			...extra,
		},
		credentials,
	});
	expect(error).toBeUndefined();
	const [kept, excluded] = run.data.resultData.runData.Bromcom[0].data.main.map((out) =>
		out.map((i) => i.json),
	);
	const names = (rows, kind) =>
		rows
			.filter((r) => r.kind === kind)
			.map((r) => (kind === 'class' ? r.CollectionName : `${r.FirstName} ${r.LastName}`))
			.sort();
	const reasons = (kind) =>
		Object.fromEntries(
			excluded
				.filter((r) => r.kind === kind)
				.map((r) => [
					kind === 'class' ? r.CollectionName : `${r.FirstName} ${r.LastName}`,
					r.excludedReasons.map((x) => x.code),
				]),
		);
	return { kept, excluded, names, reasons };
}

test("parents' evening roster: every edge case kept or excluded with the right reasons", async () => {
	const r = await roster();
	expect(r.names(r.kept, 'student')).toEqual(['Amy Able', 'Dan Able']);
	expect(r.reasons('student')).toEqual({
		'Ben Nocon': ['STUDENT_NO_CONSENT'],
		'Cara Noclass': ['STUDENT_NO_CLASSES'],
	});

	// Mother without PR kept; Aunt with PR kept.
	expect(r.names(r.kept, 'contact')).toEqual(['Ann Aunt', 'Mary Able']);
	expect(r.reasons('contact')).toEqual({
		'Alice Aunty': ['CONTACT_RELATIONSHIP'], // Aunt without PR
		'Fred Able': ['CONTACT_MISSING_TITLE'],
		'Ned Nocon': ['CONTACT_NO_ELIGIBLE_CHILD'], // only child lacks consent
		'Gina Gran': ['CONTACT_NO_ELIGIBLE_CHILD'], // only child has no class
		'Carl Nocon': ['CONTACT_NO_CONSENT'],
	});
	expect(r.excluded.find((c) => c.LastName === 'Aunty').excludedReasons[0].message).toBe(
		'contact has no parental responsibility and is not Mother/Father (Aunt without parental responsibility)',
	);

	expect(r.names(r.kept, 'teacher')).toEqual(['Tina Teach']);
	expect(r.reasons('teacher')).toEqual({
		'Tom Art': ['TEACHER_NO_ELIGIBLE_STUDENT'],
		'Sam Notitle': ['TEACHER_MISSING_TITLE'],
		'Olive Office': ['TEACHER_NO_ELIGIBLE_STUDENT'],
	});

	expect(r.names(r.kept, 'class')).toEqual(['6Ma1', '6T']);
	expect(r.reasons('class')).toEqual({
		'6Ar1': ['CLASS_NO_ELIGIBLE_TEACHER', 'CLASS_NO_ELIGIBLE_STUDENT'],
		'6Mu1': ['CLASS_NO_ELIGIBLE_TEACHER'],
	});
});

test('lawful basis not Consent: consent rules pass everyone (read from Bromcom)', async () => {
	sandbox.changes.setLawfulBasis({ schoolId: 30001, basis: 'Public Task' });
	try {
		const r = await roster();
		expect(r.names(r.kept, 'student')).toEqual(['Amy Able', 'Ben Nocon', 'Dan Able']);
		expect(r.names(r.kept, 'contact')).toEqual([
			'Ann Aunt',
			'Carl Nocon',
			'Mary Able',
			'Ned Nocon',
		]);
		expect(r.names(r.kept, 'teacher')).toEqual(['Tina Teach', 'Tom Art']);
		expect(r.names(r.kept, 'class')).toEqual(['6Ar1', '6Ma1', '6T']);
		// The explicit option overrides what Bromcom says.
		const forced = await roster({ lawfulBasis: 'consent' });
		expect(forced.names(forced.kept, 'student')).toEqual(['Amy Able', 'Dan Able']);
	} finally {
		sandbox.changes.setLawfulBasis({ schoolId: 30001, basis: 'Consent' });
	}
});

test('memberships of eligible classes are part of the roster', async () => {
	const r = await roster({ kinds: ['membership'] });
	expect(r.kept.map((m) => m.key).sort()).toEqual(
		[
			'3000201:3000102',
			'3000201:3000104',
			'3000301:3000102',
			'3000301:3000104',
			'3000304:3000102',
			'3000304:3000104',
		].sort(),
	);
	expect(r.excluded).toEqual([]);
});

test('Filter Items on spreadsheet rows (mapped fields), both outputs checked', async () => {
	const rows = [
		{
			Name: 'Mum',
			Rel: 'Mother',
			PR: 'No',
			T: 'Mrs',
			F: 'Jo',
			S: 'Bloggs',
			Consent: 'Yes',
			Kids: 1,
		},
		{
			Name: 'Aunt PR',
			Rel: 'Aunt',
			PR: 'Yes',
			T: 'Ms',
			F: 'Al',
			S: 'Jones',
			Consent: 'Yes',
			Kids: 2,
		},
		{ Name: 'Aunt', Rel: 'Aunt', PR: 'No', T: 'Ms', F: 'Bea', S: 'Jones', Consent: 'Yes', Kids: 1 },
		{
			Name: 'No title',
			Rel: 'Father',
			PR: 'Yes',
			T: '',
			F: 'Jim',
			S: 'Bloggs',
			Consent: 'Yes',
			Kids: 1,
		},
		{
			Name: 'No consent',
			Rel: 'Father',
			PR: 'Yes',
			T: 'Mr',
			F: 'Al',
			S: 'Smith',
			Consent: 'No',
			Kids: 1,
		},
		{
			Name: 'No child',
			Rel: 'Mother',
			PR: 'Yes',
			T: 'Mrs',
			F: 'Di',
			S: 'Smith',
			Consent: 'Yes',
			Kids: 0,
		},
		{
			Name: 'Unknown children',
			Rel: 'Mother',
			PR: 'Yes',
			T: 'Mrs',
			F: 'Di',
			S: 'Smith',
			Consent: 'Yes',
			Kids: '',
		},
	];
	const { run, error } = await runNode({
		type: ELIGIBILITY,
		items: rows,
		credentials,
		parameters: {
			operation: 'filterItems',
			preset: 'parentsEvening',
			kind: 'contact',
			lawfulBasis: 'consent',
			contact_relationship: '={{ $json.Rel }}',
			contact_parentalResponsibility: '={{ $json.PR }}',
			contact_title: '={{ $json.T }}',
			contact_firstName: '={{ $json.F }}',
			contact_lastName: '={{ $json.S }}',
			contact_consent: '={{ $json.Consent }}',
			contact_email: '={{ $json.Email }}',
			contact_phone: '={{ $json.Phone }}',
			contact_eligibleChildren: '={{ $json.Kids }}',
		},
	});
	expect(error).toBeUndefined();
	const [kept, excluded] = run.data.resultData.runData.Bromcom[0].data.main;
	expect(kept.map((i) => i.json.Name)).toEqual(['Mum', 'Aunt PR', 'Unknown children']);
	expect(kept[2].json.eligibility).toEqual({
		eligible: true,
		notChecked: ['CONTACT_NO_ELIGIBLE_CHILD'],
	});
	expect(excluded.map((i) => [i.json.Name, i.json.excludedReasons.map((r) => r.code)])).toEqual([
		['Aunt', ['CONTACT_RELATIONSHIP']],
		['No title', ['CONTACT_MISSING_TITLE']],
		['No consent', ['CONTACT_NO_CONSENT']],
		['No child', ['CONTACT_NO_ELIGIBLE_CHILD']],
	]);
	expect(excluded.map((i) => i.pairedItem.item)).toEqual([2, 3, 4, 5]);
});

test('Filter Items on Bromcom Contact Get Many output with the default mappings; Custom and Consent Only presets', async () => {
	const contacts = await runNode({
		parameters: {
			resource: 'contact',
			operation: 'getMany',
			recordStatus: 'current',
			returnAll: true,
			simplify: true,
		},
		credentials,
	});
	const filter = (parameters) =>
		runNode({
			type: ELIGIBILITY,
			items: contacts.output,
			credentials,
			parameters: {
				operation: 'filterItems',
				kind: 'contact',
				lawfulBasis: 'consent',
				...parameters,
			},
		});
	const names = (r, k) =>
		r.run.data.resultData.runData.Bromcom[0].data.main[k].map((i) => i.json.LastName).sort();
	const consentOnly = await filter({ preset: 'consentOnly' });
	expect(names(consentOnly, 1)).toEqual(['Nocon']); // Carl Nocon has no consent
	const custom = await filter({
		preset: 'custom',
		custom: {
			relationships: 'Mother, Father',
			requireParentalResponsibility: true,
			requireConsent: false,
		},
	});
	expect(names(custom, 0)).toEqual(['Able', 'Nocon', 'Nocon']); // fathers with PR; Mary Able (Mother) has no PR
	const pe = await filter({ preset: 'parentsEvening' });
	expect(
		pe.run.data.resultData.runData.Bromcom[0].data.main[0].every((i) =>
			i.json.eligibility.notChecked.includes('CONTACT_NO_ELIGIBLE_CHILD'),
		),
	).toBe(true);
});
