/**
 * Both routes into Bromcom give the same items. Every read resource/operation, the trigger and the
 * roster run twice through n8n's execution engine against one sandbox — once with the SOAP credential
 * (Third-Party User), once with the Partner API credential (Partner Application) — and the outputs
 * must be equal: same keys in the same order, same types, same values. The one documented difference
 * is a datetime's offset (SOAP sends the server's offset, the Partner API sends none), so datetimes are
 * compared on their first 19 characters. The Partner API side pages at 97 rows, in both paging styles
 * the public clients show ({page:N} and meta.pagination.next), so nearly every read spans pages.
 */
const { createSandbox } = require('../../sandbox/server');
const {
	loadOptions,
	partnerCredential,
	pollOnce,
	runNode,
	sandboxCredential,
	shutdown,
} = require('../helpers/n8n');

const NOW = '2026-11-18T10:30:00Z';
const REST = { authentication: 'partnerApplication' };
const PAGE = 97;
let sandbox;
let soap;
let rest;

beforeAll(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 11,
		now: NOW,
		padCodes: true,
		restPageSize: PAGE,
	});
	const url = await sandbox.start(0);
	soap = sandboxCredential(url);
	rest = partnerCredential(url, { pageSize: PAGE });
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});

const DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}:\d{2}|Z)?$/;

/** An item with each datetime cut to its wall-clock part (the only documented difference). */
function comparable(value) {
	if (typeof value === 'string') {
		const m = DATETIME.exec(value);
		return m ? `${m[1]}${m[2] ?? ''}` : value;
	}
	if (Array.isArray(value)) return value.map(comparable);
	if (value !== null && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
	return value;
}

/** The shape of an item: its keys in order and the type of each value, recursively. */
function shape(value) {
	if (Array.isArray(value)) return value.map(shape);
	if (value !== null && typeof value === 'object')
		return Object.entries(value).map(([k, v]) => [k, shape(v)]);
	return value === null ? 'null' : typeof value;
}

async function both(parameters, extra = {}) {
	const viaSoap = await runNode({ parameters, credentials: soap, ...extra });
	const viaRest = await runNode({
		parameters: { ...parameters, ...REST },
		credentials: rest,
		...extra,
	});
	return { soap: viaSoap, rest: viaRest };
}

function expectSame({ soap: a, rest: b }) {
	expect(a.error).toBeUndefined();
	expect(b.error).toBeUndefined();
	expect(a.output.length).toBeGreaterThan(0);
	expect(shape(b.output)).toEqual(shape(a.output));
	expect(comparable(b.output)).toEqual(comparable(a.output));
}

/**
 * The SOAP value with the keys the Partner API item lacks taken out, at any depth; each key taken
 * out must be null on the SOAP side (a column NULL in every row Bromcom answered: JSON has no schema
 * to name it).
 */
function withoutAbsentNulls(rest, soap) {
	if (Array.isArray(soap) && Array.isArray(rest))
		return soap.map((v, k) => withoutAbsentNulls(rest[k], v));
	if (soap === null || typeof soap !== 'object' || rest === null || typeof rest !== 'object')
		return soap;
	const out = {};
	for (const [key, value] of Object.entries(soap)) {
		if (key in rest) out[key] = withoutAbsentNulls(rest[key], value);
		else expect([key, value]).toEqual([key, null]);
	}
	return out;
}

/**
 * When the JSON leaves NULL columns out, a key missing from some rows is there as null (absent =
 * null, as SOAP), so all items of a read carry the same keys; only a column NULL in every row of
 * Bromcom's answer can be missing.
 */
function expectSameWithoutNullColumns({ soap: a, rest: b }) {
	expect(a.error).toBeUndefined();
	expect(b.error).toBeUndefined();
	expect(b.output.length).toBe(a.output.length);
	// The defect this guards: a key some items carry and others of the same kind lack. A key is
	// either missing from every item whose SOAP twin has it, or from none.
	const carried = new Map();
	b.output.forEach((item, k) => {
		for (const key of Object.keys(a.output[k])) {
			if (!carried.has(key)) carried.set(key, new Set());
			carried.get(key).add(key in item);
		}
	});
	for (const [key, seen] of carried) expect([key, seen.size]).toEqual([key, 1]);
	const expected = withoutAbsentNulls(b.output, a.output);
	expect(shape(b.output)).toEqual(shape(expected));
	expect(comparable(b.output)).toEqual(comparable(expected));
}

const student = () => sandbox.rows('Students').find((s) => s.EndDate === null);
const teacher = () =>
	sandbox
		.rows('Staff')
		.find((s) => sandbox.rows('CollectionExecutives').some((e) => e.StaffID === s.StaffID));

describe.each([
	['{page:N} paging', 'suffix', false],
	['meta.pagination.next paging', 'next', false],
	// A JSON answer that leaves NULL columns out (a key absent from some rows): absent = null, as SOAP.
	['{page:N} paging, NULL columns left out of the JSON', 'suffix', true],
])(
	'Every read resource gives the same items over SOAP and the Partner API (%s)',
	(_label, paging, omitNulls) => {
		beforeAll(() => {
			sandbox.rest.paging = paging;
			sandbox.rest.omitNulls = omitNulls;
		});
		afterAll(() => {
			sandbox.rest.omitNulls = false;
		});

		const cases = () => {
			const s = student();
			const t = teacher();
			const tg = sandbox
				.rows('Collections')
				.find((c) => c.CollectionTypeName.trim() === 'TUTORGRP');
			const contact = sandbox.rows('StudentContacts').find((l) => l.StudentID === s.StudentID);
			const lesson = sandbox.rows('TimeTable').find((l) => l.StaffID !== null);
			const day = new Date(lesson.PeriodStartDate).toISOString().slice(0, 10);
			const studentLesson = sandbox.rows('StudentTimeTables')[0];
			const studentDay = new Date(studentLesson.PeriodStartDate).toISOString().slice(0, 10);
			return [
				[
					'Student › Get Many (current)',
					{
						resource: 'student',
						operation: 'getMany',
						recordStatus: 'current',
						returnAll: true,
						simplify: false,
					},
				],
				[
					'Student › Get Many (all, simplified)',
					{
						resource: 'student',
						operation: 'getMany',
						recordStatus: 'all',
						returnAll: true,
						simplify: true,
					},
				],
				[
					'Student › Get Many with a filter and Limit',
					{
						resource: 'student',
						operation: 'getMany',
						recordStatus: 'all',
						returnAll: false,
						limit: 150,
						filters: { conditions: [{ field: 'YearGroup', operator: 'notEquals', value: '7' }] },
					},
				],
				[
					'Student › Get',
					{
						resource: 'student',
						operation: 'get',
						studentId: String(s.StudentID),
						simplify: false,
					},
				],
				[
					'Student › Get Contacts',
					{
						resource: 'student',
						operation: 'getContacts',
						studentId: String(s.StudentID),
						simplify: true,
					},
				],
				[
					'Student › Get Classes',
					{
						resource: 'student',
						operation: 'getClasses',
						studentId: String(s.StudentID),
						groupTypes: ['CLASS'],
					},
				],
				[
					'Contact › Get Many',
					{
						resource: 'contact',
						operation: 'getMany',
						recordStatus: 'current',
						returnAll: true,
						simplify: true,
					},
				],
				[
					'Contact › Get',
					{
						resource: 'contact',
						operation: 'get',
						personId: String(contact.ContactPersonID),
						simplify: false,
					},
				],
				[
					'Staff › Get Many',
					{ resource: 'staff', operation: 'getMany', recordStatus: 'current', returnAll: true },
				],
				['Staff › Get', { resource: 'staff', operation: 'get', staffId: String(t.StaffID) }],
				[
					'Staff › Get Classes',
					{
						resource: 'staff',
						operation: 'getClasses',
						staffId: String(t.StaffID),
						groupTypes: [],
					},
				],
				[
					'Class › Get Many',
					{
						resource: 'class',
						operation: 'getMany',
						groupTypes: ['TUTORGRP'],
						recordStatus: 'current',
						returnAll: true,
					},
				],
				[
					'Class › Get Members',
					{
						resource: 'class',
						operation: 'getMembers',
						collectionId: String(tg.CollectionID),
						members: ['students', 'staff'],
					},
				],
				[
					'Attendance › Get Many (windowed)',
					{
						resource: 'attendance',
						operation: 'getMany',
						from: '2026-10-01',
						to: '2026-10-21',
						scope: 'all',
						returnAll: true,
						options: { windowDays: 7 },
					},
				],
				[
					'Attendance › Get Summary',
					{
						resource: 'attendance',
						operation: 'getSummary',
						from: '2026-09-01',
						to: '2026-11-13',
						options: { includeCodes: true },
					},
				],
				[
					'Timetable › Get Many (staff)',
					{
						resource: 'timetable',
						operation: 'getMany',
						from: day,
						to: day,
						scope: 'staff',
						staffId: String(lesson.StaffID),
						returnAll: true,
					},
				],
				[
					'Timetable › Get Many (student)',
					{
						resource: 'timetable',
						operation: 'getMany',
						from: studentDay,
						to: studentDay,
						scope: 'student',
						studentId: String(studentLesson.StudentID),
						returnAll: true,
					},
				],
				[
					'Assessment › Get Many',
					{
						resource: 'assessment',
						operation: 'getMany',
						studentId: String(sandbox.rows('AssociationAssessmentResults')[0].StudentID),
						returnAll: true,
					},
				],
				[
					'Behaviour › Get Many',
					{ resource: 'behaviour', operation: 'getMany', eventType: 'Negative', returnAll: true },
				],
				['School › Get', { resource: 'school', operation: 'get' }],
				[
					'Entity › Get Many (StudentFlatView, current)',
					{
						resource: 'entity',
						operation: 'getMany',
						entity: { __rl: true, mode: 'list', value: 'StudentFlatView' },
						recordStatus: 'current',
						returnAll: true,
					},
				],
				[
					'Entity › Get Many (guided filter on a datetime)',
					{
						resource: 'entity',
						operation: 'getMany',
						entity: { __rl: true, mode: 'name', value: 'Attendances' },
						returnAll: true,
						filters: {
							conditions: [
								{
									field: 'CalendarStartDate',
									operator: 'between',
									value: '2026-11-02',
									value2: '2026-11-04',
								},
							],
						},
					},
				],
				[
					'Entity › Get Many (Yes/No converted)',
					{
						resource: 'entity',
						operation: 'getMany',
						entity: { __rl: true, mode: 'name', value: 'StudentFlatView' },
						returnAll: true,
						options: { yesNoToBoolean: true },
					},
				],
				[
					'Entity › Get Many (trimmed values)',
					{
						resource: 'entity',
						operation: 'getMany',
						entity: { __rl: true, mode: 'name', value: 'Collections' },
						returnAll: true,
						options: { trimValues: true },
					},
				],
			];
		};

		test('each resource/operation, item by item', async () => {
			for (const [label, parameters] of cases()) {
				const result = await both(parameters);
				try {
					if (omitNulls) expectSameWithoutNullColumns(result);
					else expectSame(result);
				} catch (error) {
					error.message = `${label}: ${error.message}`;
					throw error;
				}
			}
			// The Partner API side really paged: some reads took more than one page.
			const pages = sandbox.requests().filter((r) => r.route === 'rest' && r.page > 0);
			expect(pages.length).toBeGreaterThan(10);
		}, 120_000);
	},
);

test('Padding arrives as sent on both routes, and Trim Trailing Spaces removes it on both', async () => {
	const plain = await both({
		resource: 'attendance',
		operation: 'getMany',
		from: '2026-11-02',
		to: '2026-11-02',
		scope: 'all',
		returnAll: true,
	});
	expectSame(plain);
	expect(plain.rest.output.some((r) => /^AM +$/.test(r.CalendarName))).toBe(true);
	const trimmed = await both({
		resource: 'attendance',
		operation: 'getMany',
		from: '2026-11-02',
		to: '2026-11-02',
		scope: 'all',
		returnAll: true,
		options: { trimValues: true },
	});
	expectSame(trimmed);
	expect(trimmed.rest.output.every((r) => !/ $/.test(String(r.CalendarName)))).toBe(true);
});

test('The trigger gives the same events over both routes: new, updated, left, restored', async () => {
	const parameters = {
		watch: 'students',
		schoolId: '20001',
		recordStatus: 'current',
		triggerOn: ['new', 'updated', 'left', 'restored'],
		includeInOutput: 'both',
		fieldsToWatch: ['LastName', 'YearGroup', 'TutorGroup'],
	};
	const states = { soap: {}, rest: {} };
	const pollBoth = async () => {
		const out = {};
		for (const [route, credentials, extra] of [
			['soap', soap, {}],
			['rest', rest, REST],
		]) {
			const r = await pollOnce({
				parameters: { ...parameters, ...extra },
				credentials,
				staticData: states[route],
			});
			expect(r.error).toBeUndefined();
			states[route] = r.staticData;
			out[route] = r.items.map(({ detectedAt: _at, ...item }) => item);
		}
		expect(comparable(out.rest)).toEqual(comparable(out.soap));
		return out.soap;
	};
	expect(await pollBoth()).toEqual([]); // baseline
	const added = sandbox.changes.addStudent({
		schoolId: 20001,
		firstName: 'Zoë',
		lastName: "O'Brien",
		yearGroup: 7,
	}).studentId;
	expect((await pollBoth()).map((e) => e.event)).toEqual(['new']);
	sandbox.changes.updateStudent({ schoolId: 20001, studentId: added, lastName: 'Byrne' });
	expect((await pollBoth()).map((e) => e.event)).toEqual(['updated']);
	sandbox.changes.markLeaver({ schoolId: 20001, studentId: added });
	expect((await pollBoth()).map((e) => e.event)).toEqual(['left']);
	sandbox.changes.restoreLeaver({ schoolId: 20001, studentId: added });
	expect((await pollBoth()).map((e) => e.event)).toEqual(['restored']);
	expect(await pollBoth()).toEqual([]);
});

test('Switching an active trigger from SOAP to the Partner API re-baselines quietly (no flood)', async () => {
	const parameters = {
		watch: 'students',
		recordStatus: 'current',
		triggerOn: ['new', 'updated', 'left', 'restored'],
	};
	const first = await pollOnce({ parameters, credentials: soap });
	const switched = await pollOnce({
		parameters: { ...parameters, ...REST },
		credentials: rest,
		staticData: first.staticData,
	});
	expect(switched.error).toBeUndefined();
	expect(switched.items).toEqual([]);
});

test('The eligible roster is the same over both routes', async () => {
	const parameters = {
		operation: 'getRoster',
		preset: 'parentsEvening',
		kinds: ['student', 'contact', 'teacher', 'class'],
		lawfulBasis: 'fromBromcom',
	};
	const type = 'n8n-nodes-bromcom.bromcomEligibility';
	const outputs = {};
	for (const [route, credentials, extra] of [
		['soap', soap, {}],
		['rest', rest, REST],
	]) {
		const { run, error } = await runNode({
			type,
			parameters: { ...parameters, ...extra },
			credentials,
		});
		expect(error).toBeUndefined();
		outputs[route] = run.data.resultData.runData.Bromcom[0].data.main.map((out) =>
			out.map((i) => i.json),
		);
	}
	expect(outputs.soap[0].length).toBeGreaterThan(100);
	expect(outputs.soap[1].length).toBeGreaterThan(0);
	expect(shape(outputs.rest)).toEqual(shape(outputs.soap));
	expect(comparable(outputs.rest)).toEqual(comparable(outputs.soap));
});

test('Convert Yes/No to Booleans turns exactly "Yes"/"No" into true/false, on both routes alike', async () => {
	const flat = await both({
		resource: 'entity',
		operation: 'getMany',
		entity: { __rl: true, mode: 'name', value: 'StudentFlatView' },
		returnAll: true,
		options: { yesNoToBoolean: true },
	});
	expectSame(flat);
	const raw = sandbox.rows('StudentFlatView');
	expect(flat.rest.output.map((r) => r.EALFlag)).toEqual(raw.map((r) => r.EALFlag === 'Yes'));
	expect(new Set(flat.rest.output.map((r) => typeof r.Contact1ParentalResponsibility))).toEqual(
		new Set(raw.map((r) => (r.Contact1ParentalResponsibility === null ? 'object' : 'boolean'))),
	);
});

test('Export Roster (SDS v2.1, two schools) writes byte-identical files over both routes', async () => {
	const parameters = {
		operation: 'exportRoster',
		preset: 'parentsEvening',
		lawfulBasis: 'fromBromcom',
		schoolIds: '20001, 20002',
		format: 'sds21',
		trustName: 'Northfield Learning Trust',
		trustId: 'TR01234',
		includeClasses: true,
		includeContacts: true,
	};
	const type = 'n8n-nodes-bromcom.bromcomEligibility';
	const files = {};
	for (const [route, credentials, extra] of [
		['soap', soap, {}],
		['rest', rest, REST],
	]) {
		const r = await runNode({ type, parameters: { ...parameters, ...extra }, credentials });
		expect(r.error).toBeUndefined();
		files[route] = Object.values(r.items[0].binary).map((b) => [
			b.fileName,
			Buffer.from(b.data, 'base64').toString('utf8'),
		]);
	}
	expect(files.soap.length).toBeGreaterThanOrEqual(6);
	expect(files.soap.find(([n]) => n === 'users.csv')[1].split('\n').length).toBeGreaterThan(100);
	expect(files.rest).toEqual(files.soap);
});

test('The column picker and the entity picker work over the Partner API; the entity list is marked unverified', async () => {
	const columns = await loadOptions({
		kind: 'loadOptions',
		method: 'getColumns',
		parameters: { ...REST, resource: 'student', operation: 'getMany' },
		credentials: rest,
	});
	expect(columns.map((c) => c.name)).toEqual(sandbox.columns('Students').map(([n]) => n));
	const entities = await loadOptions({
		kind: 'listSearch',
		method: 'searchEntities',
		parameters: { ...REST, resource: 'entity', operation: 'getMany' },
		credentials: rest,
		filter: 'flat',
	});
	expect(entities.results).toEqual([
		expect.objectContaining({
			name: 'StudentFlatView (not checked)',
			value: 'StudentFlatView',
			description: expect.stringMatching(/not checked/i),
		}),
	]);
});
