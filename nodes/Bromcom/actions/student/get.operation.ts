import { simplifyStudent } from '../../helpers/people';
import { makeGet } from '../factories';

export const { description, execute } = makeGet({
	resource: 'student',
	entity: 'Students',
	idParameter: 'studentId',
	idColumn: 'StudentID',
	label: 'Student ID',
	simplify: simplifyStudent,
});
