import { simplifyStaff } from '../../helpers/people';
import { makeGet } from '../factories';

export const { description, execute } = makeGet({
	resource: 'staff',
	entity: 'Staff',
	idParameter: 'staffId',
	idColumn: 'StaffID',
	label: 'Staff ID',
	simplify: simplifyStaff,
});
