import { simplifyStaff } from '../../helpers/people';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../catalog';

export const { description, execute } = makeGetMany({
	resource: 'staff',
	entity: ENTITIES.staff,
	simplify: simplifyStaff,
});
