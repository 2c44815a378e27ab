import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['behaviour'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get behaviour events',
				description: 'Get positive and negative behaviour events (BehaviourEventRecords)',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
