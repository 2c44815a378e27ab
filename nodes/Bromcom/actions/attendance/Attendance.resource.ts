import * as getMany from './getMany.operation';
import * as getSummary from './getSummary.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'Attendance',
	value: 'attendance',
	description: 'AM/PM attendance marks',
	operations: [
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get attendance marks',
			description: 'Get AM/PM attendance marks for a date range',
			operation: getMany,
		},
		{
			name: 'Get Summary',
			value: 'getSummary',
			action: 'Get an attendance summary per student',
			description:
				'Attendance and absence per student for a date range, with persistent and severe absence flags, computed as the marks stream in',
			operation: getSummary,
		},
	],
	default: 'getMany',
	columns: { entity: ENTITIES.attendances },
});
