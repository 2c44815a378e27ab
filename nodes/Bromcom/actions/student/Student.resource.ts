import * as get from './get.operation';
import * as getClasses from './getClasses.operation';
import * as getContacts from './getContacts.operation';
import * as getMany from './getMany.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'Student',
	value: 'student',
	description: 'Students (pupils)',
	operations: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get a student',
			description: 'Get one student by Student ID',
			operation: get,
		},
		{
			name: 'Get Classes',
			value: 'getClasses',
			action: 'Get classes of a student',
			description: 'Get the classes, tutor group and other groups of a student',
			operation: getClasses,
		},
		{
			name: 'Get Contacts',
			value: 'getContacts',
			action: 'Get contacts of a student',
			description: 'Get the contacts of a student with their emails, phones and relationship',
			operation: getContacts,
		},
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get many students',
			description: 'Get current students, leavers or future admissions',
			operation: getMany,
		},
	],
	default: 'getMany',
	columns: { entity: ENTITIES.students },
});
