import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	fieldsOption,
	invalid,
	itemSettings,
	limitedSettings,
	limitRows,
	requiredId,
	selectFields,
	userFilter,
} from '../../helpers/read';
import {
	dateRangeProperties,
	dateWindows,
	readWindows,
	windowDays,
	windowDaysOption,
} from '../../helpers/windows';
import { buildCondition, combineFilters } from '../../core/wire/filter';
import {
	filtersProperty,
	limitProperty,
	readOptionsProperty,
	returnAllProperty,
	schoolIdProperty,
} from '../common.descriptions';
import type { Shared } from '../types';
import { timetableEntity } from '../../core/catalog';

const properties: INodeProperties[] = [
	schoolIdProperty,
	...dateRangeProperties(),
	{
		displayName: 'For',
		name: 'scope',
		type: 'options',
		options: [
			{ name: 'Class', value: 'class' },
			{ name: 'Member of Staff', value: 'staff' },
			{ name: 'Room', value: 'room' },
			{ name: 'Student', value: 'student' },
			{ name: 'Whole School', value: 'all' },
		],
		default: 'staff',
	},
	{
		displayName: 'Staff ID',
		name: 'staffId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { scope: ['staff'] } },
	},
	{
		displayName: 'Student ID',
		name: 'studentId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { scope: ['student'] } },
	},
	{
		displayName: 'Class ID',
		name: 'classId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { scope: ['class'] } },
	},
	{
		displayName: 'Room',
		name: 'room',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'SC3',
		displayOptions: { show: { scope: ['room'] } },
	},
	returnAllProperty,
	limitProperty,
	filtersProperty,
	readOptionsProperty([{ ...windowDaysOption, default: 7 }]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['timetable'], operation: ['getMany'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	i: number,
	shared: Shared,
): Promise<IDataObject[]> {
	const settings = itemSettings(this, i);
	const windows = dateWindows(
		this.getNodeParameter('from', i),
		this.getNodeParameter('to', i),
		windowDays(this, i, 7),
	);
	const scope = this.getNodeParameter('scope', i, 'staff') as string;
	// Students have their own timetable entity (StudentTimeTables, docs/bromcom-facts.md, Entities and columns); everyone else reads the lesson view.
	const spec = timetableEntity(scope);
	const entity = spec.name;
	let target = '';
	if (scope === 'staff')
		target = buildCondition({
			field: 'StaffID',
			operator: 'equals',
			value: requiredId(this, i, 'staffId', 'Staff ID'),
			type: 'number',
		});
	else if (scope === 'student')
		target = buildCondition({
			field: 'StudentID',
			operator: 'equals',
			value: requiredId(this, i, 'studentId', 'Student ID'),
			type: 'number',
		});
	else if (scope === 'class')
		target = buildCondition({
			field: 'ClassID',
			operator: 'equals',
			value: requiredId(this, i, 'classId', 'Class ID'),
			type: 'number',
		});
	else if (scope === 'room') {
		const room = String(this.getNodeParameter('room', i, '')).trim();
		if (!room)
			throw invalid('Room is empty. Enter the room name as Bromcom shows it, for example SC3.');
		target = buildCondition({
			field: 'LocationName',
			operator: 'equals',
			value: room,
			type: 'string',
		});
	}
	const filter = combineFilters(
		target,
		await userFilter(this, i, entity, settings, shared.schemas),
	);
	const rows = await readWindows(
		this,
		entity,
		spec.rangeColumn,
		windows,
		filter,
		limitedSettings(this, i, settings),
	);
	return selectFields(limitRows(this, i, rows as IDataObject[]), fieldsOption(this, i));
}
