import * as get from './get.operation';
import * as getMany from './getMany.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'Contact',
	value: 'contact',
	description: 'Parents, carers and other contacts of students',
	operations: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a contact',
			description: 'Get one contact (parent or carer) by Person ID',
			operation: get,
		},
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get many contacts',
			description:
				'Get the contacts of students with names, best email and phone, and student links',
			operation: getMany,
		},
	],
	default: 'getMany',
	columns: { entity: ENTITIES.people },
});
