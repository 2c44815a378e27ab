import { simplifyStaff } from '../../core/people';
import { makeGet } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute } = makeGet({
	resource: 'staff',
	entity: ENTITIES.staff,
	idParameter: 'staffId',
	label: 'Staff ID',
	simplify: simplifyStaff,
});
