/**
 * Attendance › Get Summary: one item per student (or per year group) with possible sessions,
 * present, absences by kind, attendance and absence percentages and the persistent / severe
 * absence flags, for a date range. The marks are tallied as they stream in, window by window, and
 * never become items: memory is bound by the number of students, not marks.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	academicYearStart,
	AttendanceTally,
	byYearGroup,
	columnNamed,
	localCodeOverrides,
	markColumns,
	parseSessions,
	rollCall,
	studentsInYearGroup,
	studentSummary,
	unmappedCodesNote,
	type CodeMapping,
	type Thresholds,
} from '../../core/attendance';
import { ENTITIES } from '../../core/catalog';
import { mapLimit } from '../../core/concurrency';
import { parseBromcomId } from '../../core/ids';
import type { DataSetRow } from '../../core/wire/dataset';
import { buildCondition, inFilter } from '../../core/wire/filter';
import { invalid, itemSettings, requiredId } from '../../n8n/settings';
import { read } from '../read';
import { dateWindowFilter, dateWindows } from '../../core/windows';
import { windowDaysOption } from '../windows';
import { clientFor } from '../../transport';
import { schoolIdProperty, scopeProperty, timeoutOption } from '../common.descriptions';
import { agentReadProperties } from '../agent.descriptions';
import type { AgentSpec, Shared } from '../types';

const CATEGORY_OPTIONS = [
	{ name: 'Present', value: 'present' },
	{ name: 'Approved Educational Activity', value: 'approvedEducationalActivity' },
	{ name: 'Authorised Absence', value: 'authorisedAbsence' },
	{ name: 'Unauthorised Absence', value: 'unauthorisedAbsence' },
	{ name: 'Not Possible to Attend', value: 'notPossible' },
	{ name: 'Not Required to Attend', value: 'notRequired' },
	{ name: 'Missing Mark', value: 'missing' },
];

export const agent: AgentSpec = {
	description:
		'Summarises attendance from Bromcom for a date range: one item per student (StudentID, first and last name, year group, tutor group) with possible sessions, present, authorised and unauthorised absences, attendance and absence percentages, and whether the student is persistently absent (attendance at or below 90%) or severely absent (at or below 50%). Dates are YYYY-MM-DD; without dates it covers 1 September of this academic year to today. Narrow it with the values this tool asks for, if any (for example StudentIDs from the students tool, or a year group).',
	fields: 'all',
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	schoolIdProperty,
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		description: 'First day to include. Leave empty for 1 September of the current academic year.',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		description: 'Last day to include. Leave empty for today.',
	},
	scopeProperty(
		[
			{ name: 'All Students', value: 'all' },
			{ name: 'One Year Group', value: 'yearGroup' },
			{
				name: 'One Registration Group',
				value: 'registrationGroup',
				description: 'Marks taken in one tutor group (its CollectionID)',
			},
			{ name: 'Listed Students', value: 'students' },
		],
		'all',
	),
	{
		displayName: 'Year Group',
		name: 'yearGroup',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 9',
		description: "The year group as Bromcom shows it on the student's record (for example 9 or R)",
		displayOptions: { show: { scope: ['yearGroup'] } },
	},
	{
		displayName: 'Registration Group ID',
		name: 'collectionId',
		type: 'string',
		required: true,
		default: '',
		description: 'The Bromcom CollectionID of the tutor group',
		displayOptions: { show: { scope: ['registrationGroup'] } },
	},
	{
		displayName: 'Student IDs',
		name: 'studentIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 2000101, 2000102',
		description: 'Comma-separated Bromcom StudentIDs',
		displayOptions: { show: { scope: ['students'] } },
	},
	{
		displayName: 'Persistent Absence: Attendance at or Below (%)',
		name: 'persistentPercent',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 90,
		description:
			"Flags a pupil as persistently absent when their attendance is at or below this (the DfE's measure: missing 10% or more of possible sessions)",
	},
	{
		displayName: 'Severe Absence: Attendance at or Below (%)',
		name: 'severePercent',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 50,
		description:
			"Flags a pupil as severely absent when their attendance is at or below this (the DfE's measure: missing 50% or more)",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Attempts',
				name: 'attempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 3,
				description: 'How many times to try when Bromcom is temporarily unavailable',
			},
			{
				displayName: "Ignore Bromcom's Mark Meanings",
				name: 'ignoreMeanings',
				type: 'boolean',
				default: false,
				description:
					'Whether to ignore the meaning Bromcom records with each mark (MarkMeaningName) for codes that neither Local Codes nor the DfE table knows. Such marks are then counted as unmapped.',
			},
			{
				displayName: 'Include Code Counts',
				name: 'includeCodes',
				type: 'boolean',
				default: false,
				description:
					'Whether to add how many times each code was recorded (for example {"/": 120, "I": 4})',
			},
			{
				displayName: 'Local Codes',
				name: 'localCodes',
				type: 'fixedCollection',
				placeholder: 'Add Code',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					"How the school's own codes count. Checked before the DfE table, so a national code can be remapped too.",
				options: [
					{
						displayName: 'Code',
						name: 'code',
						values: [
							{
								displayName: 'Code',
								name: 'code',
								type: 'string',
								default: '',
								placeholder: 'e.g. 7',
							},
							{
								displayName: 'Counts As',
								name: 'category',
								type: 'options',
								options: CATEGORY_OPTIONS,
								default: 'authorisedAbsence',
							},
						],
					},
				],
			},
			{
				displayName: 'Only Flagged Students',
				name: 'onlyFlagged',
				type: 'boolean',
				default: false,
				description: 'Whether to return only persistently or severely absent students',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'One Item per Student', value: 'student' },
					{
						name: 'One Item per Year Group',
						value: 'yearGroup',
						description: 'Each with its students, for example one email per head of year',
					},
				],
				default: 'student',
			},
			{
				displayName: 'Sessions',
				name: 'sessions',
				type: 'string',
				default: 'AM, PM',
				description:
					'Which registers count (Attendances.CalendarName), comma-separated. Statutory attendance is the AM and PM sessions; lesson marks are left out. Empty: every mark.',
			},
			timeoutOption,
			windowDaysOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['attendance'], operation: ['getSummary'] } },
	properties,
);

const isoDay = (value: unknown): string => {
	if (
		value &&
		typeof value === 'object' &&
		typeof (value as { toISO?: unknown }).toISO === 'function'
	)
		return String((value as { toISO: () => string }).toISO()).slice(0, 10);
	return String(value ?? '')
		.trim()
		.slice(0, 10);
};

export async function execute(
	this: IExecuteFunctions,
	i: number,
	shared: Shared,
): Promise<IDataObject[]> {
	const settings = itemSettings(this, i);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const from = isoDay(this.getNodeParameter('from', i, '')) || academicYearStart(new Date());
	const to = isoDay(this.getNodeParameter('to', i, '')) || new Date().toISOString().slice(0, 10);
	const windows = dateWindows(from, to, Number(options.windowDays ?? 31));
	const thresholds: Thresholds = {
		persistentAttendancePercent: Number(this.getNodeParameter('persistentPercent', i, 90)),
		severeAttendancePercent: Number(this.getNodeParameter('severePercent', i, 50)),
	};
	const mapping: CodeMapping = {
		overrides: localCodeOverrides(
			((options.localCodes as IDataObject | undefined)?.code ?? []) as IDataObject[],
		),
		useBromcomMeaning: options.ignoreMeanings !== true,
	};
	const sessions = parseSessions(String(options.sessions ?? 'AM, PM'));

	// The scope's own fields are checked before anything is read.
	const scope = this.getNodeParameter('scope', i, 'all') as string;
	let year = '';
	let collectionId: number | undefined;
	let listedIds: number[] | undefined;
	if (scope === 'yearGroup') {
		year = String(this.getNodeParameter('yearGroup', i, ''))
			.trim()
			.toLowerCase();
		if (year === '') throw invalid('Year Group is empty: enter the year group, for example 9.');
	} else if (scope === 'registrationGroup') {
		collectionId = requiredId(this, i, 'collectionId', 'Registration Group ID');
	} else if (scope === 'students') {
		const ids = String(this.getNodeParameter('studentIds', i, ''))
			.split(',')
			.map((t) => t.trim())
			.filter(Boolean);
		const bad = ids.filter((t) => parseBromcomId(t) === undefined);
		if (ids.length === 0 || bad.length)
			throw invalid(
				`Student IDs must be Bromcom StudentIDs separated by commas${bad.length ? `: "${bad[0]}" is not one` : ''}.`,
			);
		listedIds = [...new Set(ids.map((t) => parseBromcomId(t) as number))];
	}

	// The marks' columns, from the entity's schema.
	const entity = ENTITIES.attendances;
	const schema = await shared.schemas.columns(entity.name, settings);
	const columns = markColumns(entity.name, schema, sessions);

	// Which students: every student's record (leavers too: they have marks in the range), narrowed by the scope.
	const students = (await read(this, ENTITIES.students.name, '', settings)).rows;
	let markFilter = '';
	let wanted: Set<string> | undefined;
	if (scope === 'yearGroup') {
		wanted = studentsInYearGroup(students, year);
	} else if (collectionId !== undefined) {
		markFilter = buildCondition({
			field: columnNamed(schema, ['CollectionID']) ?? 'CollectionID',
			operator: 'equals',
			value: collectionId,
			type: 'number',
		});
	} else if (listedIds) {
		wanted = new Set(listedIds.map(String));
		if (listedIds.length <= 500) markFilter = inFilter(columns.student, listedIds);
	}

	// Stream every window into its own tally (a retried window restarts its tally), then merge.
	const total = new AttendanceTally(columns, mapping);
	const readSettings = { ...settings, action: `summarising ${entity.name}` };
	await mapLimit(windows, 2, async (window) => {
		let tally = new AttendanceTally(columns, mapping);
		await clientFor(this).read(
			entity.name,
			dateWindowFilter(entity.rangeColumn, window, markFilter),
			{
				...readSettings,
				// The tally reads these columns only: the reader makes no values for the others.
				columns: [columns.student, columns.code, columns.meaning, columns.session].filter(
					(c): c is string => c !== undefined,
				),
				consumer: () => {
					tally = new AttendanceTally(columns, mapping);
					return wanted
						? (rows: DataSetRow[]) =>
								tally.add(rows.filter((r) => wanted!.has(String(r[columns.student] ?? '').trim())))
						: (rows: DataSetRow[]) => tally.add(rows);
				},
			},
		);
		total.merge(tally);
	});

	// One item per student in scope: on roll today or with marks in the range.
	const ids = rollCall(students, total.students, {
		today: new Date().toISOString().slice(0, 10),
		wanted,
		marksOnly: scope === 'registrationGroup',
	});
	const byId = new Map(students.map((s) => [String(s.StudentID), s]));
	const rows = ids.map((id) =>
		studentSummary(
			id,
			byId.get(id),
			total.students.get(id),
			{ from, to },
			thresholds,
			options.includeCodes === true,
		),
	) as IDataObject[];
	const notes = unmappedCodesNote([...total.unmappedCodes.keys()]);
	const flagged =
		options.onlyFlagged === true
			? rows.filter((r) => r.persistentlyAbsent || r.severelyAbsent)
			: rows;
	const withNotes: IDataObject[] = flagged.map((r) => ({ ...r, ...notes }));
	if (options.output !== 'yearGroup') return withNotes;
	return byYearGroup(withNotes, { from, to }, notes) as IDataObject[];
}
