import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { idCondition } from '../../n8n/settings';
import { dateRangeProperties, readDateRange, windowDaysOption } from '../windows';
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
import { ENTITIES } from '../../core/catalog';

export const agent: AgentSpec = {
	description:
		'Lists attendance marks from Bromcom for a date range: one item per mark with the StudentID, the date, the register (AM, PM or a lesson) and the mark code and its meaning. For totals and percentages per student, use the attendance summary tool instead.',
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	schoolIdProperty,
	...dateRangeProperties(),
	scopeProperty(
		[
			{ name: 'All Students', value: 'all' },
			{ name: 'One Student', value: 'student' },
			{
				name: 'One Registration Group',
				value: 'class',
				description: 'The tutor group (CollectionID) the marks were taken in',
			},
		],
		'all',
	),
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
		name: 'collectionId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { scope: ['class'] } },
		description: 'The Bromcom CollectionID of the registration group',
	},
	returnAllProperty,
	limitProperty,
	filtersProperty,
	readOptionsProperty([windowDaysOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['attendance'], operation: ['getMany'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	i: number,
	shared: Shared,
): Promise<IDataObject[]> {
	const scope = this.getNodeParameter('scope', i, 'all') as string;
	return await readDateRange(this, i, shared.schemas, {
		entity: ENTITIES.attendances.name,
		rangeColumn: ENTITIES.attendances.rangeColumn,
		windowDays: 14,
		target: () =>
			scope === 'student'
				? idCondition(this, i, 'studentId', 'Student ID', 'StudentID')
				: scope === 'class'
					? idCondition(this, i, 'collectionId', 'Class ID', 'CollectionID')
					: '',
	});
}
