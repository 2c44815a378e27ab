import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readContacts } from '../joins';
import { simplifyContact } from '../../core/people';
import { fieldsOption, itemSettings, limitRows, statusFilter } from '../../n8n/settings';
import { read, userFilter } from '../read';
import { selectFields } from '../../core/rows';
import {
	filtersProperty,
	limitProperty,
	readOptionsProperty,
	recordStatusProperty,
	returnAllProperty,
	schoolIdProperty,
	simplifyProperty,
} from '../common.descriptions';
import { agentReadProperties } from '../agent.descriptions';
import { AGENT_FIELDS } from '../../core/agent';
import type { AgentSpec, Shared } from '../types';

export const agent: AgentSpec = {
	description:
		"Lists the contacts (parents and carers) of the school's students from Bromcom: each contact's PersonID, title and names, and the students they are linked to (StudentID, relationship, parental responsibility). No email addresses or phone numbers unless the workflow shows them. Narrow it with the values this tool asks for, if any.",
	fields: AGENT_FIELDS.contact,
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	schoolIdProperty,
	{
		...recordStatusProperty,
		displayName: 'Contacts Of',
		description:
			'Return the contacts of these students: current students (the usual choice), leavers, future admissions or all',
	},
	returnAllProperty,
	limitProperty,
	{
		...filtersProperty,
		description:
			'Only return contacts matching these conditions on their People record (for example Title is empty)',
	},
	simplifyProperty,
	readOptionsProperty([
		{
			displayName: 'Include Ended Links',
			name: 'includeEnded',
			type: 'boolean',
			default: false,
			description: 'Whether to include contact links that have ended',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number, shared: Shared) {
	const settings = itemSettings(this, i);
	const studentFilter = statusFilter(this, i, { start: 'StartDate', end: 'EndDate' });
	const students =
		studentFilter === ''
			? undefined
			: new Set(
					(await read(this, 'Students', studentFilter, settings)).rows.map((r) =>
						Number(r.StudentID),
					),
				);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const personFilter = await userFilter(this, i, 'People', settings, shared.schemas);
	const contacts = await readContacts(this, settings, shared.schemas, '', {
		includeEnded: options.includeEnded === true,
		personFilter,
		students,
	});
	const simplify = this.getNodeParameter('simplify', i, true) as boolean;
	const rows = limitRows(this, i, contacts);
	return selectFields(simplify ? rows.map(simplifyContact) : rows, fieldsOption(this, i));
}
