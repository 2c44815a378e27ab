import { simplifyStaff } from '../../helpers/people';
import { makeGetMany } from '../factories';

export const { description, execute } = makeGetMany({
	resource: 'staff',
	entity: 'Staff',
	dates: { start: 'StartDate', end: 'EndDate' },
	simplify: simplifyStaff,
});
