import * as getMany from './getMany.operation';
import * as list from './list.operation';
import { defineResource } from '../common.descriptions';

export const resource = defineResource({
	name: 'Entity',
	value: 'entity',
	description: 'Any Bromcom entity the account may read',
	operations: [
		{
			name: 'Get Many Records',
			value: 'getMany',
			action: 'Get records of any entity',
			description: 'Read any entity the account is permitted to read',
			operation: getMany,
		},
		{
			name: 'List Permitted Entities',
			value: 'list',
			action: 'List permitted entities',
			description: 'List the entities the school has granted to this account',
			operation: list,
		},
	],
	default: 'getMany',
});
