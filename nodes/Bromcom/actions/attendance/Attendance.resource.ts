import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as getSummary from './getSummary.operation';

export { getMany, getSummary };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attendance'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get attendance marks',
				description: 'Get AM/PM attendance marks for a date range',
			},
			{
				name: 'Get Summary',
				value: 'getSummary',
				action: 'Get an attendance summary per student',
				description:
					'Attendance and absence per student for a date range, with persistent and severe absence flags, computed as the marks stream in',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...getSummary.description,
];
