import * as getMany from './getMany.operation';
import * as getMembers from './getMembers.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'Class',
	value: 'class',
	description: 'Classes, tutor groups, houses and year groups',
	operations: [
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get many classes',
			description: 'Get classes, tutor groups, houses or year groups',
			operation: getMany,
		},
		{
			name: 'Get Members',
			value: 'getMembers',
			action: 'Get the members of a class',
			description:
				'Get the students and the staff (with roles such as Main Teacher or Main Tutor) of a group',
			operation: getMembers,
		},
	],
	default: 'getMany',
	columns: { entity: ENTITIES.collections },
});
