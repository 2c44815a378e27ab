import * as getMany from './getMany.operation';
import * as upsert from './upsert.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'Behaviour',
	value: 'behaviour',
	description: 'Behaviour events',
	operations: [
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get behaviour events',
			description: 'Get positive and negative behaviour events (BehaviourEventRecords)',
			operation: getMany,
		},
		{
			name: 'Create or Update',
			value: 'upsert',
			action: 'Create or update a behaviour event',
			description: 'Create a new record, or update the current one if it already exists (upsert)',
			operation: upsert,
		},
	],
	default: 'getMany',
	columns: { entity: ENTITIES.behaviourEvents },
});
