import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['school'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get the school',
				description: "Get the school's details (name, DfE numbers, contact details)",
			},
		],
		default: 'get',
	},
	...get.description,
];
