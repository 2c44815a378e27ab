import { simplifyStaff } from '../../core/people';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute } = makeGetMany({
	resource: 'staff',
	entity: ENTITIES.staff,
	simplify: simplifyStaff,
});
