'use strict';
/**
 * The soak's workflows, as `n8n import:workflow` takes them. Each ends in HTTP Request nodes that post
 * what it produced to the soak's sink (one request per item), so the oracle sees every event, notice,
 * write and export exactly as the workflow delivered it.
 *
 * - Students: the Bromcom Trigger on Students (every event) → sink; its Notices → sink.
 * - New pupil → SSO: a second trigger on Students (New only) → Register SSO (Retry On Fail) → sink.
 * - Contacts: the trigger on Contacts (Email and consent watched) → sink.
 * - Nightly export: a Schedule Trigger → Export Roster (SDS, consent only) → roles.csv to the sink.
 *
 * The triggers poll every `interval` seconds: n8n refuses a poll time whose seconds field is not a
 * plain number ("The polling interval is too short", n8n-workflow's isSubMinuteCron), so each is one
 * Custom poll time per second of the minute it polls at (`0 * * * * *`, `5 * * * * *`, …).
 */

const node = (name, type, parameters, extra = {}) => ({
	id: name.replace(/\W/g, '').toLowerCase(),
	name,
	type,
	typeVersion: extra.typeVersion ?? 1,
	position: extra.position ?? [0, 0],
	parameters,
	...(extra.credentials ? { credentials: extra.credentials } : {}),
	...(extra.settings ?? {}),
});

const workflow = (id, name, nodes, connections) => ({
	id,
	name,
	nodes,
	connections,
	active: false,
	settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
	pinData: {},
});

const link = (to) => ({ node: to, type: 'main', index: 0 });

/** Poll times every `interval` seconds, starting at second `offset`. */
function pollTimes(interval, offset) {
	const item = [];
	for (let s = offset % interval; s < 60; s += interval)
		item.push({ mode: 'custom', cronExpression: `${s} * * * * *` });
	return { item };
}

/** An HTTP Request node posting each item's JSON to the sink. */
const sink = (name, url) =>
	node(
		name,
		'n8n-nodes-base.httpRequest',
		{
			method: 'POST',
			url,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
		{ typeVersion: 4.2 },
	);

const credential = (id) => ({ bromcomMisApi: { id, name: id } });

/**
 * @param {{ sinkUrl: string, schoolId: number, interval: number, exportEvery: number,
 *   credentials: { students: string, sso: string, contacts: string, writer: string, exporter: string },
 *   acceptAfterPolls: number }} o
 */
function soakWorkflows(o) {
	const school = String(o.schoolId);
	const guard = { acceptAfterPolls: o.acceptAfterPolls };
	const trigger = (name, parameters, credentialId, offset) =>
		node(
			name,
			'n8n-nodes-bromcom.bromcomTrigger',
			{
				pollTimes: pollTimes(o.interval, offset),
				schoolId: school,
				includeInOutput: 'new',
				...parameters,
				options: { ...guard, ...(parameters.options ?? {}) },
			},
			{ credentials: credential(credentialId) },
		);
	const students = workflow(
		'soakStudents000001',
		'Soak: students',
		[
			trigger(
				'Bromcom Trigger',
				{
					watch: 'students',
					recordStatus: 'current',
					triggerOn: ['new', 'updated', 'left', 'restored'],
					fieldsToWatch: [
						'FirstName',
						'LastName',
						'PreferredFirstName',
						'UPN',
						'YearGroup',
						'TutorGroup',
					],
				},
				o.credentials.students,
				0,
			),
			sink('Sink Events', `${o.sinkUrl}/events/students`),
			sink('Sink Notices', `${o.sinkUrl}/notices/students`),
		],
		{ 'Bromcom Trigger': { main: [[link('Sink Events')], [link('Sink Notices')]] } },
	);
	const sso = workflow(
		'soakNewPupilSso001',
		'Soak: new pupil → SSO',
		[
			trigger(
				'Bromcom Trigger',
				{
					watch: 'students',
					recordStatus: 'current',
					triggerOn: ['new'],
					fieldsToWatch: [
						'FirstName',
						'LastName',
						'PreferredFirstName',
						'UPN',
						'YearGroup',
						'TutorGroup',
					],
				},
				o.credentials.sso,
				1,
			),
			node(
				'Register SSO',
				'n8n-nodes-bromcom.bromcom',
				{
					resource: 'singleSignOn',
					operation: 'register',
					schoolId: school,
					userId: '={{ $json.StudentID }}',
					emailAddress: '={{ $json.StudentID }}@soak.school.example',
					ssoProvider: 'Microsoft',
				},
				{
					credentials: credential(o.credentials.writer),
					settings: { retryOnFail: true, maxTries: 5, waitBetweenTries: 2000 },
				},
			),
			sink('Sink Events', `${o.sinkUrl}/events/sso`),
			sink('Sink Notices', `${o.sinkUrl}/notices/sso`),
			sink('Sink Writes', `${o.sinkUrl}/writes`),
		],
		{
			'Bromcom Trigger': {
				main: [[link('Register SSO'), link('Sink Events')], [link('Sink Notices')]],
			},
			'Register SSO': { main: [[link('Sink Writes')]] },
		},
	);
	const contacts = workflow(
		'soakContacts000001',
		'Soak: contacts',
		[
			trigger(
				'Bromcom Trigger',
				{
					watch: 'contacts',
					triggerOn: ['new', 'updated', 'left', 'restored'],
					fieldsToWatch: ['Email', 'IsDataProcessingConsentGranted'],
				},
				o.credentials.contacts,
				2,
			),
			sink('Sink Events', `${o.sinkUrl}/events/contacts`),
			sink('Sink Notices', `${o.sinkUrl}/notices/contacts`),
		],
		{ 'Bromcom Trigger': { main: [[link('Sink Events')], [link('Sink Notices')]] } },
	);
	const nightly = workflow(
		'soakNightlyExport1',
		'Soak: nightly export',
		[
			node(
				'Nightly',
				'n8n-nodes-base.scheduleTrigger',
				{ rule: { interval: [{ field: 'seconds', secondsInterval: o.exportEvery }] } },
				{ typeVersion: 1.2 },
			),
			node(
				'Export Roster',
				'n8n-nodes-bromcom.bromcomEligibility',
				{
					operation: 'exportRoster',
					schoolIds: school,
					format: 'sds21',
					preset: 'consentOnly',
					lawfulBasis: 'consent',
					includeClasses: true,
					includeContacts: false,
					// The deactivation guard as shipped (on), with no one to acknowledge a hold: a drop that
					// persists goes through by itself after as many runs as the triggers' mass changes.
					guardOptions: { acceptAfterRuns: o.acceptAfterPolls },
				},
				{ credentials: credential(o.credentials.exporter) },
			),
			node(
				'Sink Export',
				'n8n-nodes-base.httpRequest',
				{
					method: 'POST',
					url: `${o.sinkUrl}/export`,
					sendHeaders: true,
					headerParameters: {
						parameters: [{ name: 'x-summary', value: '={{ JSON.stringify($json.schools) }}' }],
					},
					sendBody: true,
					contentType: 'binaryData',
					inputDataFieldName: 'roles',
					options: {},
				},
				{ typeVersion: 4.2 },
			),
			sink('Sink Export Notices', `${o.sinkUrl}/notices/export`),
		],
		{
			Nightly: { main: [[link('Export Roster')]] },
			'Export Roster': { main: [[link('Sink Export')], [], [link('Sink Export Notices')]] },
		},
	);
	return { students, sso, contacts, nightly };
}

module.exports = { soakWorkflows, pollTimes };
