// The sandbox's parts on their own, without HTTP: request parsing (soap.js), fault rules (faults.js),
// state and reads (state.js), the operations (operations.js) and changes over time (mutations.js).
const { parseSoap, paramsFromForm } = require('../../sandbox/soap');
const { createFaults } = require('../../sandbox/faults');
const { createState } = require('../../sandbox/state');
const { createOperations } = require('../../sandbox/operations');
const { createChanges } = require('../../sandbox/mutations');
const { SERVICES, FaultError } = require('../../sandbox/contract');

const READ = SERVICES.tpreadonlydataservice;
const NOW = '2026-12-01T10:00:00Z';

const envelope11 = (inner) =>
	`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;

describe('soap.js: requests read as ASMX reads them', () => {
	test('SOAP 1.1: parameters by name in the tempuri namespace, typed', () => {
		const body = envelope11(
			'<getEntityDataBySchoolID xmlns="http://tempuri.org/"><schoolID> 20001 </schoolID><entityName>Students</entityName><entityFilter>A &lt; 3</entityFilter><username>u</username><password>p</password></getEntityDataBySchoolID>',
		);
		expect(parseSoap(body, READ, 'getEntityDataBySchoolID')).toEqual({
			version: '1.1',
			operation: 'getEntityDataBySchoolID',
			params: {
				schoolID: 20001,
				entityName: 'Students',
				entityFilter: 'A < 3',
				username: 'u',
				password: 'p',
			},
		});
	});
	test('a parameter outside the service namespace, or in another case, is ignored (int 0, string null)', () => {
		const body = envelope11(
			'<findEntitiesBySchoolID xmlns="http://tempuri.org/"><schoolID xmlns="">20001</schoolID><UserName>u</UserName><password>p</password></findEntitiesBySchoolID>',
		);
		expect(parseSoap(body, READ, 'findEntitiesBySchoolID').params).toEqual({
			schoolID: 0,
			username: null,
			password: 'p',
		});
	});
	test('SOAP 1.2 without an action is routed by the body element', () => {
		const body =
			'<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body><findEntitiesBySchoolID xmlns="http://tempuri.org/"><schoolID>20002</schoolID><username>u</username><password>p</password></findEntitiesBySchoolID></soap12:Body></soap12:Envelope>';
		expect(parseSoap(body, READ, undefined)).toMatchObject({
			version: '1.2',
			operation: 'findEntitiesBySchoolID',
			params: { schoolID: 20002 },
		});
	});
	test('an unreadable value or body is ASMX\'s "unable to read request" client fault', () => {
		const bad = envelope11(
			'<findEntitiesBySchoolID xmlns="http://tempuri.org/"><schoolID>0x4E21</schoolID></findEntitiesBySchoolID>',
		);
		expect(() => parseSoap(bad, READ, 'findEntitiesBySchoolID')).toThrow(FaultError);
		expect(() => parseSoap(bad, READ, 'findEntitiesBySchoolID')).toThrow(
			/Server was unable to read request\. ---> There is an error in XML document \(1, 1\)\. ---> Input string was not in a correct format\./,
		);
		expect(() => parseSoap('<notsoap/>', READ, 'findEntitiesBySchoolID')).toThrow(
			/not a SOAP envelope/,
		);
	});
	test('the form binding needs every parameter', () => {
		const def = READ.operations.findEntitiesBySchoolID;
		expect(
			paramsFromForm(def, new URLSearchParams('schoolID=20001&username=u&password=p')),
		).toEqual({ schoolID: 20001, username: 'u', password: 'p' });
		expect(() => paramsFromForm(def, new URLSearchParams('schoolID=20001&username=u'))).toThrow(
			'Missing parameter: password.',
		);
	});
});

describe('faults.js: rules matched, counted down, dropped', () => {
	test('a rule matches its operation, entity and school only, and is used `times` times', () => {
		const faults = createFaults();
		faults.inject({
			kind: 'delay',
			times: 2,
			match: { operation: 'getEntityDataBySchoolID', entity: 'students', schoolId: 20001 },
		});
		const ctx = {
			service: 'TPReadOnlyDataService',
			operation: 'getEntityDataBySchoolID',
			entity: 'Students',
			schoolId: 20001,
		};
		expect(faults.take({ ...ctx, schoolId: 20002 })).toBeUndefined();
		expect(faults.take({ ...ctx, entity: 'Staff' })).toBeUndefined();
		expect(faults.take(ctx)).toMatchObject({ kind: 'delay' });
		expect(faults.take(ctx)).toMatchObject({ kind: 'delay' });
		expect(faults.take(ctx)).toBeUndefined();
		expect(faults.pending).toBe(0);
	});
	test('times 0 is for ever; an unknown kind is refused', () => {
		const faults = createFaults();
		faults.inject({ kind: 'reset', times: 0 });
		for (let k = 0; k < 5; k++)
			expect(faults.take({ service: 'x', operation: 'y' })).toMatchObject({ kind: 'reset' });
		expect(() => faults.inject({ kind: 'explode' })).toThrow(/Unknown fault kind "explode"/);
		faults.clear();
		expect(faults.take({ service: 'x', operation: 'y' })).toBeUndefined();
	});
});

describe('state.js and operations.js: reads and writes without HTTP', () => {
	const state = createState({ now: NOW });
	const ops = createOperations(state, 'uk-local');
	const school = state.schoolIds[0];

	test('a read authenticates, checks the permission, and filters as SQL Server would', () => {
		const all = ops.getEntityDataBySchoolID({
			schoolID: school,
			entityName: 'students',
			entityFilter: '',
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(all.entity).toBe('Students');
		const year7 = ops.getEntityDataBySchoolID({
			schoolID: school,
			entityName: 'Students',
			entityFilter: "YearGroup = '7  '",
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(year7.rows.length).toBeGreaterThan(0);
		expect(year7.rows.every((r) => r.YearGroup === '7')).toBe(true);
		expect(year7.rows).toEqual(all.rows.filter((r) => r.YearGroup === '7'));
	});
	test('wrong password, unknown school, ungranted entity and a bad filter are faults with Bromcom-like texts', () => {
		const read = (p) => () =>
			ops.getEntityDataBySchoolID({
				schoolID: school,
				entityName: 'Students',
				entityFilter: '',
				username: 'sandbox',
				password: 'sandbox',
				...p,
			});
		expect(read({ password: 'nope' })).toThrow('Invalid username or password.');
		expect(read({ schoolID: 1 })).toThrow('School with ID 1 was not found.');
		expect(read({ username: 'limited', password: 'limited', entityName: 'Staff' })).toThrow(
			"You do not have permission to access entity 'Staff'.",
		);
		expect(read({ entityFilter: 'Nope = 1' })).toThrow("Invalid column name 'Nope'.");
		expect(
			ops.findEntitiesBySchoolID({ schoolID: school, username: 'noaccess', password: 'noaccess' })
				.rows,
		).toEqual([]);
	});
	test('padding is applied to code columns when on, never to the stored rows', () => {
		state.padCodes = true;
		const padded = ops.getEntityDataBySchoolID({
			schoolID: school,
			entityName: 'Collections',
			entityFilter: "CollectionTypeName = 'CLASS'",
			username: 'sandbox',
			password: 'sandbox',
		});
		state.padCodes = false;
		expect(padded.rows[0].CollectionTypeName).toBe('CLASS'.padEnd(20, ' '));
		const plain = ops.getEntityDataBySchoolID({
			schoolID: school,
			entityName: 'Collections',
			entityFilter: "CollectionTypeName = 'CLASS'",
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(plain.rows[0].CollectionTypeName).toBe('CLASS');
	});
	test('a write needs the write permission and changes what the next read returns', () => {
		const student = state.entityRows(state.requireSchool(school), 'Students')[0];
		expect(() =>
			ops.updateDinnerBalance({
				schoolId: school,
				username: 'readonly',
				password: 'readonly',
				personId: student.StudentID,
				amount: 5,
			}),
		).toThrow(/write access is not permitted/);
		expect(
			ops.updateDinnerBalance({
				schoolId: school,
				username: 'sandbox',
				password: 'sandbox',
				personId: student.StudentID,
				amount: 7.5,
			}),
		).toEqual({ type: 'boolean', value: true });
		const meal = ops.getEntityDataBySchoolID({
			schoolID: school,
			entityName: 'StudentMeals',
			entityFilter: `PersonID = ${student.StudentID}`,
			username: 'sandbox',
			password: 'sandbox',
		});
		expect(meal.rows[0]).toMatchObject({ PersonID: student.StudentID });
		expect(Object.values(meal.rows[0])).toContain(7.5);
	});
});

describe('mutations.js: changes over time', () => {
	const state = createState({ now: NOW });
	const changes = createChanges(state);
	const ops = createOperations(state, 'uk-local');
	const school = state.schoolIds[0];
	const students = (filter) =>
		ops.getEntityDataBySchoolID({
			schoolID: school,
			entityName: 'Students',
			entityFilter: filter,
			username: 'sandbox',
			password: 'sandbox',
		}).rows;
	const current = 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())';

	test('an admission appears, a leaver leaves with its memberships ended, a return restores them', () => {
		const before = students(current).length;
		const { studentId } = changes.addStudent({
			schoolId: school,
			firstName: 'Siân',
			lastName: "O'Brien",
			yearGroup: 7,
		});
		expect(students(current).map((r) => r.StudentID)).toContain(studentId);
		expect(students(current)).toHaveLength(before + 1);
		const memberships = () =>
			ops.getEntityDataBySchoolID({
				schoolID: school,
				entityName: 'CollectionAssociates',
				entityFilter: `PersonID = ${studentId} AND (EndDate IS NULL OR EndDate >= GETDATE())`,
				username: 'sandbox',
				password: 'sandbox',
			}).rows;
		expect(memberships().length).toBeGreaterThan(2);
		changes.markLeaver({ schoolId: school, studentId });
		expect(students(current).map((r) => r.StudentID)).not.toContain(studentId);
		expect(memberships()).toEqual([]);
		changes.restoreLeaver({ schoolId: school, studentId });
		expect(students(current).map((r) => r.StudentID)).toContain(studentId);
		expect(memberships().length).toBeGreaterThan(2);
	});
	test('a revoked entity is refused for that user only; a granted one comes back', () => {
		changes.revokeEntity({ schoolId: school, username: 'sandbox', entity: 'Staff' });
		expect(() =>
			ops.getEntityDataBySchoolID({
				schoolID: school,
				entityName: 'Staff',
				entityFilter: '',
				username: 'sandbox',
				password: 'sandbox',
			}),
		).toThrow(/permission/);
		expect(
			ops.getEntityDataBySchoolID({
				schoolID: school,
				entityName: 'Staff',
				entityFilter: '',
				username: 'readonly',
				password: 'readonly',
			}).rows.length,
		).toBeGreaterThan(0);
		changes.grantEntity({ schoolId: school, username: 'sandbox', entity: 'Staff' });
		expect(
			ops.getEntityDataBySchoolID({
				schoolID: school,
				entityName: 'Staff',
				entityFilter: '',
				username: 'sandbox',
				password: 'sandbox',
			}).rows.length,
		).toBeGreaterThan(0);
	});
	test('a column added or removed shows in the schema of the next read', () => {
		changes.addColumn({ entity: 'Schools', name: 'NewThing' });
		expect(state.columnsOf('Schools').map(([n]) => n)).toContain('NewThing');
		changes.removeColumn({ entity: 'Schools', name: 'NewThing' });
		expect(state.columnsOf('Schools').map(([n]) => n)).not.toContain('NewThing');
		changes.removeColumn({ entity: 'Schools', name: 'WebSite' });
		expect(state.columnsOf('Schools').map(([n]) => n)).not.toContain('WebSite');
		changes.addColumn({ entity: 'Schools', name: 'WebSite' });
		expect(state.columnsOf('Schools').filter(([n]) => n === 'WebSite')).toHaveLength(1);
	});
});
