import { simplifyStaff } from '../../core/people';
import { AGENT_FIELDS } from '../../core/agent';
import { makeGet } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute, agent } = makeGet({
	resource: 'staff',
	entity: ENTITIES.staff,
	idParameter: 'staffId',
	label: 'Staff ID',
	simplify: simplifyStaff,
	agent: {
		description:
			'Gets one member of staff from Bromcom by StaffID: StaffID, title, names, staff code and job title.',
		fields: AGENT_FIELDS.staff,
	},
});
