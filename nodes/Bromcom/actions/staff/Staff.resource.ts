import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getClasses from './getClasses.operation';
import * as getMany from './getMany.operation';

export { get, getClasses, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['staff'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a staff member',
				description: 'Get one member of staff by Staff ID',
			},
			{
				name: 'Get Classes',
				value: 'getClasses',
				action: 'Get classes of a staff member',
				description:
					'Get the classes and groups a member of staff teaches or leads, with their role',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many staff',
				description: 'Get current staff, leavers or future starters',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getClasses.description,
	...getMany.description,
];
