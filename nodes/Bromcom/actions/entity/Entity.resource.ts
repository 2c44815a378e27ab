import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as list from './list.operation';

export { getMany, list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['entity'] } },
		options: [
			{
				name: 'Get Many Records',
				value: 'getMany',
				action: 'Get records of any entity',
				description: 'Read any entity the account is permitted to read',
			},
			{
				name: 'List Permitted Entities',
				value: 'list',
				action: 'List permitted entities',
				description: 'List the entities the school has granted to this account',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...list.description,
];
