import { simplifyStudent } from '../../helpers/people';
import { makeGet } from '../factories';
import { ENTITIES } from '../../catalog';

export const { description, execute } = makeGet({
	resource: 'student',
	entity: ENTITIES.students,
	idParameter: 'studentId',
	label: 'Student ID',
	simplify: simplifyStudent,
});
