import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { idCondition, invalid } from '../../n8n/settings';
import { dateRangeProperties, readDateRange, windowDaysOption } from '../windows';
import { buildCondition } from '../../core/wire/filter';
import {
	filtersProperty,
	limitProperty,
	readOptionsProperty,
	returnAllProperty,
	schoolIdProperty,
	scopeProperty,
} from '../common.descriptions';
import { agentReadProperties } from '../agent.descriptions';
import type { AgentSpec, Shared } from '../types';
import { timetableEntity } from '../../core/catalog';

export const agent: AgentSpec = {
	description:
		'Lists timetabled lessons from Bromcom for a date range: one item per lesson with its date, period, class, subject, room and teacher. Narrow it with the values this tool asks for, if any (a StaffID, StudentID, class or room).',
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	schoolIdProperty,
	...dateRangeProperties(),
	scopeProperty(
		[
			{ name: 'Class', value: 'class' },
			{ name: 'Member of Staff', value: 'staff' },
			{ name: 'Room', value: 'room' },
			{ name: 'Student', value: 'student' },
			{ name: 'Whole School', value: 'all' },
		],
		'staff',
	),
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
	const scope = this.getNodeParameter('scope', i, 'staff') as string;
	// Students have their own timetable entity (StudentTimeTables, docs/bromcom-facts.md, Entities and columns); everyone else reads the lesson view.
	const spec = timetableEntity(scope);
	return await readDateRange(this, i, shared.schemas, {
		entity: spec.name,
		rangeColumn: spec.rangeColumn,
		windowDays: 7,
		target: () => {
			if (scope === 'staff') return idCondition(this, i, 'staffId', 'Staff ID', 'StaffID');
			if (scope === 'student') return idCondition(this, i, 'studentId', 'Student ID', 'StudentID');
			if (scope === 'class') return idCondition(this, i, 'classId', 'Class ID', 'ClassID');
			if (scope !== 'room') return '';
			const room = String(this.getNodeParameter('room', i, '')).trim();
			if (!room)
				throw invalid('Room is empty. Enter the room name as Bromcom shows it, for example SC3.');
			return buildCondition({
				field: 'LocationName',
				operator: 'equals',
				value: room,
				type: 'string',
			});
		},
	});
}
