import { simplifyStudent } from '../../core/people';
import { makeGet } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute } = makeGet({
	resource: 'student',
	entity: ENTITIES.students,
	idParameter: 'studentId',
	label: 'Student ID',
	simplify: simplifyStudent,
});
