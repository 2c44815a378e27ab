import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readContacts } from '../joins';
import { simplifyContact } from '../../core/people';
import { fieldsOption, itemSettings, requiredId } from '../../n8n/settings';
import { selectFields } from '../../core/rows';
import { buildCondition } from '../../core/wire/filter';
import { schoolIdProperty, simplifyProperty } from '../common.descriptions';
import { idProperty, singleRecordOptions } from '../factories';
import { agentReadProperties } from '../agent.descriptions';
import { AGENT_FIELDS } from '../../core/agent';
import type { AgentSpec, Shared } from '../types';

export const agent: AgentSpec = {
	description:
		"Lists the contacts (parents and carers) of one student, by StudentID: each contact's PersonID, title and names, and the students they are linked to with the relationship and whether they have parental responsibility. No email addresses or phone numbers unless the workflow shows them.",
	fields: AGENT_FIELDS.contact,
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	idProperty('studentId', 'Student ID', 'The Bromcom StudentID whose contacts to return'),
	schoolIdProperty,
	{
		displayName: 'Include Ended Links',
		name: 'includeEnded',
		type: 'boolean',
		default: false,
		description: 'Whether to include contacts whose link to the student has ended',
	},
	simplifyProperty,
	singleRecordOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['student'], operation: ['getContacts'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number, shared: Shared) {
	const settings = itemSettings(this, i);
	const studentId = requiredId(this, i, 'studentId', 'Student ID');
	const contacts = await readContacts(
		this,
		settings,
		shared.schemas,
		buildCondition({ field: 'StudentID', operator: 'equals', value: studentId, type: 'number' }),
		{
			includeEnded: this.getNodeParameter('includeEnded', i, false) as boolean,
		},
	);
	const simplify = this.getNodeParameter('simplify', i, true) as boolean;
	return selectFields(simplify ? contacts.map(simplifyContact) : contacts, fieldsOption(this, i));
}
