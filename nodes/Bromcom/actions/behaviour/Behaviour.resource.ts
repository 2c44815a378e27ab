import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as upsert from './upsert.operation';

export { getMany, upsert };

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
			{
				name: 'Create or Update',
				value: 'upsert',
				action: 'Create or update a behaviour event',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...upsert.description,
];
