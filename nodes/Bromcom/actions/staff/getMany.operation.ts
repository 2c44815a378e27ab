import { simplifyStaff } from '../../core/people';
import { AGENT_FIELDS } from '../../core/agent';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute, agent } = makeGetMany({
	resource: 'staff',
	entity: ENTITIES.staff,
	simplify: simplifyStaff,
	agent: {
		description:
			'Lists staff (teachers and support staff) of the school from Bromcom, current ones unless the workflow says otherwise: one item per person with StaffID, title, names, staff code and job title. Narrow the list with the values this tool asks for, if any.',
		fields: AGENT_FIELDS.staff,
	},
});
