import { simplifyStudent } from '../../helpers/people';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../catalog';

export const { description, execute } = makeGetMany({
	resource: 'student',
	entity: ENTITIES.students,
	simplify: simplifyStudent,
});
