import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getClasses from './getClasses.operation';
import * as getContacts from './getContacts.operation';
import * as getMany from './getMany.operation';

export { get, getClasses, getContacts, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['student'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a student',
				description: 'Get one student by Student ID',
			},
			{
				name: 'Get Classes',
				value: 'getClasses',
				action: 'Get classes of a student',
				description: 'Get the classes, tutor group and other groups of a student',
			},
			{
				name: 'Get Contacts',
				value: 'getContacts',
				action: 'Get contacts of a student',
				description: 'Get the contacts of a student with their emails, phones and relationship',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many students',
				description: 'Get current students, leavers or future admissions',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getClasses.description,
	...getContacts.description,
	...getMany.description,
];
