import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	fieldsOption,
	invalid,
	itemSettings,
	limitedSettings,
	limitRows,
} from '../../n8n/settings';
import { read, userFilter } from '../read';
import { selectFields } from '../../core/rows';
import { combineFilters, recordStatusFilter, type RecordStatus } from '../../core/wire/filter';
import {
	entityProperty,
	filtersProperty,
	limitProperty,
	readOptionsProperty,
	recordStatusProperty,
	returnAllProperty,
	schoolIdProperty,
} from '../common.descriptions';
import { agentReadProperties } from '../agent.descriptions';
import type { AgentSpec, Shared } from '../types';

export const agent: AgentSpec = {
	description:
		'Reads records of one Bromcom entity (the one this workflow chose) from Bromcom: one item per record, without addresses, contact details or other sensitive columns unless the workflow shows them. Narrow it with the values this tool asks for, if any.',
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	entityProperty,
	schoolIdProperty,
	{
		...recordStatusProperty,
		default: 'all',
		description:
			'Which records to return by their start and end dates (StartDate/EndDate, or EnrolmentStartDate/EnrolmentEndDate). Only for entities that have them.',
	},
	returnAllProperty,
	limitProperty,
	filtersProperty,
	readOptionsProperty(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['entity'], operation: ['getMany'] } },
	properties,
);

export function entityName(ctx: IExecuteFunctions, i: number): string {
	const name = String(ctx.getNodeParameter('entity', i, '', { extractValue: true }) ?? '').trim();
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
		throw invalid(
			`"${name}" is not a Bromcom entity name. Pick one from the list, for example Students.`,
		);
	return name;
}

export async function execute(
	this: IExecuteFunctions,
	i: number,
	shared: Shared,
): Promise<IDataObject[]> {
	const settings = itemSettings(this, i);
	const entity = entityName(this, i);
	const status = this.getNodeParameter('recordStatus', i, 'all') as RecordStatus;
	let statusPart = '';
	if (status !== 'all') {
		const columns = (await shared.schemas.columns(entity, settings)).map((c) =>
			c.name.toLowerCase(),
		);
		const pair = [
			['startdate', 'enddate'],
			['enrolmentstartdate', 'enrolmentenddate'],
		].find(([s, e]) => columns.includes(s) && columns.includes(e));
		if (!pair)
			throw invalid(
				`${entity} has no start and end date columns, so Record Status must be "All". Use a filter on its own date columns instead.`,
			);
		const names = (await shared.schemas.columns(entity, settings)).map((c) => c.name);
		statusPart = recordStatusFilter(status, {
			start: names.find((n) => n.toLowerCase() === pair[0])!,
			end: names.find((n) => n.toLowerCase() === pair[1])!,
		});
	}
	const filter = combineFilters(
		statusPart,
		await userFilter(this, i, entity, settings, shared.schemas),
	);
	const data = await read(this, entity, filter, limitedSettings(this, i, settings));
	return selectFields(
		limitRows(this, i, data.rows as IDataObject[]),
		fieldsOption(this, i),
		data.columns.map((c) => c.name),
	);
}
