import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a contact',
				description: 'Get one contact (parent or carer) by Person ID',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many contacts',
				description:
					'Get the contacts of students with names, best email and phone, and student links',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
];
