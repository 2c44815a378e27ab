import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readContacts, resolveColumn } from '../joins';
import { CANDIDATES, simplifyContact } from '../../core/people';
import { fieldsOption, itemSettings, requiredId, schoolForMessage } from '../../n8n/settings';
import { selectFields } from '../../core/rows';
import { buildCondition } from '../../core/wire/filter';
import { schoolIdProperty, simplifyProperty } from '../common.descriptions';
import { idProperty, notFound, singleRecordOptions } from '../factories';
import { agentReadProperties } from '../agent.descriptions';
import { AGENT_FIELDS } from '../../core/agent';
import type { AgentSpec, Shared } from '../types';

export const agent: AgentSpec = {
	description:
		'Gets one contact (a parent or carer) from Bromcom by PersonID: title and names, and the students they are linked to (StudentID, relationship, parental responsibility). No email address or phone number unless the workflow shows them.',
	fields: AGENT_FIELDS.contact,
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	idProperty('personId', 'Contact Person ID', 'The Bromcom PersonID of the contact'),
	schoolIdProperty,
	simplifyProperty,
	singleRecordOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number, shared: Shared) {
	const settings = itemSettings(this, i);
	const personId = requiredId(this, i, 'personId', 'Contact Person ID');
	const column = await resolveColumn(
		shared.schemas,
		'StudentContacts',
		CANDIDATES.linkContactId,
		settings,
	);
	const contacts = await readContacts(
		this,
		settings,
		shared.schemas,
		buildCondition({ field: column, operator: 'equals', value: personId, type: 'number' }),
		{ includeEnded: true },
	);
	if (contacts.length === 0)
		throw notFound(
			`No contact with PersonID ${personId} is linked to a student in school ${await schoolForMessage(this, settings.schoolId)}.`,
		);
	const simplify = this.getNodeParameter('simplify', i, true) as boolean;
	return selectFields(simplify ? contacts.map(simplifyContact) : contacts, fieldsOption(this, i));
}
