/**
 * The Bromcom node as an AI agent's tool ("Bromcom Tool", the node type n8n makes of a `usableAsTool`
 * node), through n8n's execution engine against the sandbox's edge-case school, where Bromcom returns
 * the people without Data Processing Consent (as it does when the school's lawful basis is not Consent,
 * or where it does not withhold them): what a read hands the model (the minimum, consented people
 * only), what a write does (nothing, unless the author allows it), the tool's parameters and
 * description — and that the same node in a normal workflow is unchanged.
 */
const { NodeHelpers } = require('n8n-workflow');
const { createSandbox } = require('../../sandbox/server');
const { NODE_TYPES, runNode, sandboxCredential, shutdown } = require('../helpers/n8n');
const { AGENT_DRY_RUN } = require('../../nodes/Bromcom/actions/write');
const { NO_RECORDS } = require('../../nodes/Bromcom/actions/agent');
const { isToolCall } = require('../../nodes/Bromcom/n8n/tool');

const TOOL = 'n8n-nodes-bromcom.bromcomTool';
const NODE = 'n8n-nodes-bromcom.bromcom';
const SCHOOL = 30001;
const AMY = 3000301;
const BEN = 3000302; // no Data Processing Consent
const CARL = 3000407; // a contact without consent (Father of Amy)
const NED = 3000405; // a contact with consent, Father of Ben

let sandbox;
let credentials;
beforeAll(async () => {
	sandbox = createSandbox({
		size: 'small',
		seed: 4,
		now: '2026-11-18T10:30:00Z',
		fixtures: true,
		withholdUnconsented: false,
		accounts: [
			{ username: 'sandbox', password: 'sandbox', entities: '*', write: true },
			{
				username: 'noflat',
				password: 'noflat',
				entities: ['Schools', 'Students'],
				write: false,
			},
		],
	});
	credentials = sandboxCredential(await sandbox.start(0), { schoolId: SCHOOL });
});
afterAll(async () => {
	await sandbox.stop();
	shutdown();
});
beforeEach(() => {
	sandbox.clearAudit();
	sandbox.changes.setLawfulBasis({ schoolId: SCHOOL, basis: 'Consent' });
});

const run = (type, parameters, extra = {}) =>
	runNode({ type, typeVersion: 1.1, parameters, credentials, ...extra });

describe('a read as a tool hands the model the minimum', () => {
	test('Student › Get Many: names, year, tutor group and ID, no pupil without consent; the node in a workflow is unchanged', async () => {
		const parameters = { resource: 'student', operation: 'getMany', returnAll: true };
		const normal = await run(NODE, parameters);
		const tool = await run(TOOL, parameters);
		expect(normal.error).toBeUndefined();
		expect(tool.error).toBeUndefined();
		// In a workflow: every student Bromcom returned, in the node's simplified shape.
		expect(normal.output.map((r) => r.StudentID)).toContain(BEN);
		expect(Object.keys(normal.output[0])).toEqual(
			expect.arrayContaining(['Gender', 'DateOfBirth', 'UPN', 'AdmissionNumber']),
		);
		// As a tool: the same students less Ben, and only the agent's fields.
		expect(tool.output.map((r) => r.StudentID)).toEqual(
			normal.output.map((r) => r.StudentID).filter((id) => id !== BEN),
		);
		for (const row of tool.output)
			expect(Object.keys(row)).toEqual([
				'StudentID',
				'FirstName',
				'LastName',
				'PreferredFirstName',
				'PreferredLastName',
				'YearGroup',
				'TutorGroup',
			]);
	});

	test('Contact › Get Many: no contact without consent, no link to a child without consent, no email or phone', async () => {
		const tool = await run(TOOL, { resource: 'contact', operation: 'getMany', returnAll: true });
		expect(tool.error).toBeUndefined();
		const ids = tool.output.map((r) => r.PersonID);
		expect(ids).not.toContain(CARL);
		const ned = tool.output.find((r) => r.PersonID === NED);
		expect(ned).toEqual({
			PersonID: NED,
			Title: 'Mr',
			FirstName: 'Ned',
			LastName: 'Nocon',
			Students: [],
		});
		expect(JSON.stringify(tool.output)).not.toMatch(/@|Email|Telephone|Consent/);
	});

	test('Attendance › Get Summary: the summary as it is, for the pupils with consent only', async () => {
		const parameters = {
			resource: 'attendance',
			operation: 'getSummary',
			from: '2026-09-01',
			to: '2026-11-17',
		};
		const normal = await run(NODE, parameters);
		const tool = await run(TOOL, parameters);
		expect(normal.output.map((r) => r.StudentID)).toContain(BEN);
		expect(tool.output).toEqual(normal.output.filter((r) => r.StudentID !== BEN));
	});

	test('Class › Get Members: members as the agent sees them; Ben left out', async () => {
		const { art } = sandbox.school(SCHOOL).fixture;
		const tool = await run(TOOL, {
			resource: 'class',
			operation: 'getMembers',
			collectionId: String(art.collectionId),
		});
		expect(tool.error).toBeUndefined();
		expect(tool.output.map((r) => r.MemberType)).toEqual(['Staff']);
		expect(Object.keys(tool.output[0])).not.toContain('WorkEmail');
	});

	test('the author decides: Only People With Consent off, or a lawful basis that is not Consent, hands over whoever Bromcom returns', async () => {
		const parameters = { resource: 'student', operation: 'getMany', returnAll: true };
		const off = await run(TOOL, { ...parameters, agentConsentOnly: false });
		expect(off.output.map((r) => r.StudentID)).toContain(BEN);
		sandbox.changes.setLawfulBasis({ schoolId: SCHOOL, basis: 'Public Task' });
		const basis = await run(TOOL, parameters);
		expect(basis.output.map((r) => r.StudentID)).toContain(BEN);
	});

	test('Fields to Return are the author adding fields: the agent gets exactly those', async () => {
		const tool = await run(TOOL, {
			resource: 'student',
			operation: 'getMany',
			returnAll: true,
			options: { fields: ['StudentID', 'DateOfBirth'] },
		});
		expect(Object.keys(tool.output[0])).toEqual(['StudentID', 'DateOfBirth']);
		expect(tool.output.map((r) => r.StudentID)).not.toContain(BEN);
	});

	test('nothing found: the agent is told so, not handed an empty answer', async () => {
		const tool = await run(TOOL, {
			resource: 'student',
			operation: 'getMany',
			filters: { conditions: [{ field: 'LastName', operator: 'equals', value: 'Nobody' }] },
		});
		expect(tool.output).toEqual([{ message: NO_RECORDS }]);
		const nocon = await run(TOOL, {
			resource: 'student',
			operation: 'getMany',
			filters: { conditions: [{ field: 'LastName', operator: 'equals', value: 'Nocon' }] },
		});
		expect(nocon.output).toEqual([{ message: NO_RECORDS }]);
	});

	test('consent that cannot be checked is an error that says how to fix it, and hands over nothing', async () => {
		const tool = await run(
			TOOL,
			{ resource: 'student', operation: 'getMany' },
			{ credentials: { ...credentials, username: 'noflat', password: 'noflat' } },
		);
		expect(tool.output).toEqual([]);
		expect(tool.error.message).toMatch(/Could not check Data Processing Consent/);
		expect(tool.error.message).toMatch(/StudentFlatView/);
		expect(tool.error.message).toMatch(/Only People With Consent/);
	});
});

describe('a write as a tool writes nothing unless the author allows it', () => {
	const balance = {
		resource: 'dinnerMoney',
		operation: 'updateBalance',
		personId: String(AMY),
		amount: '12.50',
	};

	test('a dry run by default, even with Dry Run off: the answer tells the agent, without the request', async () => {
		for (const parameters of [balance, { ...balance, dryRun: false }]) {
			const tool = await run(TOOL, parameters, { mode: 'trigger' });
			expect(tool.error).toBeUndefined();
			expect(tool.output).toEqual([
				expect.objectContaining({
					status: 'dryRun',
					operation: 'updateDinnerBalance',
					target: { personId: AMY },
					values: { personId: AMY, amount: '12.50', schoolId: SCHOOL },
					message: AGENT_DRY_RUN,
				}),
			]);
			expect(tool.output[0].request).toBeUndefined();
			expect(JSON.stringify(tool.output)).not.toMatch(/sandbox|password/i);
		}
		expect(sandbox.audit()).toEqual([]);
	});

	test('with Allow Writes When Used as a Tool on, exactly one write', async () => {
		const tool = await run(TOOL, { ...balance, allowWritesAsTool: true }, { mode: 'trigger' });
		expect(tool.error).toBeUndefined();
		expect(tool.output[0].status).toBe('sent');
		expect(sandbox.audit().map((a) => a.operation)).toEqual(['updateDinnerBalance']);
	});

	test('anything but true leaves it a dry run', async () => {
		const tool = await run(
			TOOL,
			{ ...balance, amount: '13.50', allowWritesAsTool: '={{ "yes" }}' },
			{ mode: 'trigger' },
		);
		expect(tool.output[0].status).toBe('dryRun');
		expect(sandbox.audit()).toEqual([]);
	});
});

describe('the tool form of the node', () => {
	const parametersOf = (type, chosen) => {
		const d = NODE_TYPES[type].description;
		const node = { name: 'B', type, typeVersion: 1.1, parameters: chosen };
		return NodeHelpers.getNodeParameters(d.properties, chosen, true, false, node, d);
	};
	const operations = () => {
		const d = NODE_TYPES[NODE].description;
		const resources = d.properties.find((p) => p.name === 'resource').options.map((o) => o.value);
		return resources.flatMap((resource) =>
			d.properties
				.filter((p) => p.name === 'operation' && p.displayOptions.show.resource.includes(resource))
				.flatMap((p) => p.options.map((o) => [resource, o.value])),
		);
	};

	test.each(operations())(
		'%s › %s has a description for the model of its own',
		(resource, operation) => {
			const tool = parametersOf(TOOL, { resource, operation });
			expect(typeof tool.toolDescription).toBe('string');
			expect(String(tool.toolDescription).length).toBeGreaterThan(60);
			const normal = parametersOf(NODE, { resource, operation });
			expect(normal.toolDescription).toBeUndefined();
			expect(normal.agentConsentOnly).toBeUndefined();
			expect(normal.allowWritesAsTool).toBeUndefined();
		},
	);

	test('every tool description is different', () => {
		const texts = operations().map(
			([resource, operation]) => parametersOf(TOOL, { resource, operation }).toolDescription,
		);
		expect(new Set(texts).size).toBe(texts.length);
	});

	test('a write as a tool shows Allow Writes When Used as a Tool instead of Dry Run; in a workflow, Dry Run as before', () => {
		const chosen = { resource: 'dinnerMoney', operation: 'updateBalance' };
		expect(parametersOf(TOOL, chosen)).toMatchObject({ allowWritesAsTool: false });
		expect(parametersOf(TOOL, chosen).dryRun).toBeUndefined();
		expect(parametersOf(NODE, chosen)).toMatchObject({ dryRun: true });
		expect(parametersOf(NODE, chosen).allowWritesAsTool).toBeUndefined();
	});

	test('a read as a tool: Only People With Consent, on by default', () => {
		expect(parametersOf(TOOL, { resource: 'student', operation: 'getMany' })).toMatchObject({
			agentConsentOnly: true,
		});
	});

	test("a tool call is known by the node type's name, or by n8n 2.x's isToolExecution()", () => {
		/** @type {(type: string, isToolExecution?: () => boolean) => any} a context's two members */
		const ctx = (type, isToolExecution) => ({ getNode: () => ({ type }), isToolExecution });
		expect(isToolCall(ctx('n8n-nodes-bromcom.bromcomTool'))).toBe(true);
		expect(isToolCall(ctx('CUSTOM.bromcomTool'))).toBe(true);
		expect(isToolCall(ctx('n8n-nodes-bromcom.bromcom'))).toBe(false);
		expect(isToolCall(ctx('n8n-nodes-bromcom.bromcom', () => true))).toBe(true);
		expect(isToolCall(ctx('n8n-nodes-bromcom.bromcom', () => false))).toBe(false);
	});
});
