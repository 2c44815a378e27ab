import { simplifyStaff } from '../../helpers/people';
import { makeGet } from '../factories';
import { ENTITIES } from '../../catalog';

export const { description, execute } = makeGet({
	resource: 'staff',
	entity: ENTITIES.staff,
	idParameter: 'staffId',
	label: 'Staff ID',
	simplify: simplifyStaff,
});
