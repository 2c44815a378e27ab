import { simplifyStudent } from '../../core/people';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute } = makeGetMany({
	resource: 'student',
	entity: ENTITIES.students,
	simplify: simplifyStudent,
});
