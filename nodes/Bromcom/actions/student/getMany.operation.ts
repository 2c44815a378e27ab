import { simplifyStudent } from '../../helpers/people';
import { makeGetMany } from '../factories';

export const { description, execute } = makeGetMany({
	resource: 'student',
	entity: 'Students',
	dates: { start: 'StartDate', end: 'EndDate' },
	simplify: simplifyStudent,
});
