import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['timetable'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get timetabled lessons',
				description:
					'Get lessons for a date range, for a member of staff, a student, a class or a room',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
