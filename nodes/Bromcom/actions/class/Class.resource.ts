import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as getMembers from './getMembers.operation';

export { getMany, getMembers };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['class'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many classes',
				description: 'Get classes, tutor groups, houses or year groups',
			},
			{
				name: 'Get Members',
				value: 'getMembers',
				action: 'Get the members of a class',
				description:
					'Get the students and the staff (with roles such as Main Teacher or Main Tutor) of a group',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...getMembers.description,
];
