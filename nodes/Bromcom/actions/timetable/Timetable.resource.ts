import * as getMany from './getMany.operation';
import { defineResource } from '../common.descriptions';
import { timetableEntity } from '../../core/catalog';

export const resource = defineResource({
	name: 'Timetable',
	value: 'timetable',
	description: 'Timetabled lessons',
	operations: [
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get timetabled lessons',
			description:
				'Get lessons for a date range, for a member of staff, a student, a class or a room',
			operation: getMany,
		},
	],
	default: 'getMany',
	columns: {
		entity: timetableEntity('all'),
		byParameter: { name: 'scope', values: { student: timetableEntity('student') } },
	},
});
