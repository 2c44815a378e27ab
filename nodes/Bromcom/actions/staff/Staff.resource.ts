import * as get from './get.operation';
import * as getClasses from './getClasses.operation';
import * as getMany from './getMany.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'Staff',
	value: 'staff',
	description: 'Teachers and support staff',
	operations: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a staff member',
			description: 'Get one member of staff by Staff ID',
			operation: get,
		},
		{
			name: 'Get Classes',
			value: 'getClasses',
			action: 'Get classes of a staff member',
			description: 'Get the classes and groups a member of staff teaches or leads, with their role',
			operation: getClasses,
		},
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get many staff',
			description: 'Get current staff, leavers or future starters',
			operation: getMany,
		},
	],
	default: 'getMany',
	columns: { entity: ENTITIES.staff },
});
