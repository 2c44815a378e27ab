import * as get from './get.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'School',
	value: 'school',
	description: "The school's own details",
	operations: [
		{
			name: 'Get',
			value: 'get',
			action: 'Get the school',
			description: "Get the school's details (name, DfE numbers, contact details)",
			operation: get,
		},
	],
	default: 'get',
	columns: { entity: ENTITIES.schools },
});
