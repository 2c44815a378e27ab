import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	fieldsOption,
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
import { ENTITIES } from '../../core/catalog';

const properties: INodeProperties[] = [
	schoolIdProperty,
	...dateRangeProperties(),
	{
		displayName: 'For',
		name: 'scope',
		type: 'options',
		options: [
			{ name: 'All Students', value: 'all' },
			{ name: 'One Student', value: 'student' },
			{
				name: 'One Registration Group',
				value: 'class',
				description: 'The tutor group (CollectionID) the marks were taken in',
			},
		],
		default: 'all',
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
	const settings = itemSettings(this, i);
	const windows = dateWindows(
		this.getNodeParameter('from', i),
		this.getNodeParameter('to', i),
		windowDays(this, i, 14),
	);
	const scope = this.getNodeParameter('scope', i, 'all') as string;
	const target =
		scope === 'student'
			? buildCondition({
					field: 'StudentID',
					operator: 'equals',
					value: requiredId(this, i, 'studentId', 'Student ID'),
					type: 'number',
				})
			: scope === 'class'
				? buildCondition({
						field: 'CollectionID',
						operator: 'equals',
						value: requiredId(this, i, 'collectionId', 'Class ID'),
						type: 'number',
					})
				: '';
	const filter = combineFilters(
		target,
		await userFilter(this, i, ENTITIES.attendances.name, settings, shared.schemas),
	);
	const rows = await readWindows(
		this,
		ENTITIES.attendances.name,
		ENTITIES.attendances.rangeColumn,
		windows,
		filter,
		limitedSettings(this, i, settings),
	);
	return selectFields(limitRows(this, i, rows as IDataObject[]), fieldsOption(this, i));
}
