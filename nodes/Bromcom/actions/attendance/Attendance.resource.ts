import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

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
		],
		default: 'getMany',
	},
	...getMany.description,
];
