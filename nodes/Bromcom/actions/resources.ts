import type { INodeProperties } from 'n8n-workflow';

import { resource as assessment } from './assessment/Assessment.resource';
import { resource as attendance } from './attendance/Attendance.resource';
import { resource as behaviour } from './behaviour/Behaviour.resource';
import { resource as bromcomClass } from './class/Class.resource';
import { resource as contact } from './contact/Contact.resource';
import { resource as dinnerMoney } from './dinnerMoney/DinnerMoney.resource';
import { resource as entity } from './entity/Entity.resource';
import { resource as school } from './school/School.resource';
import { resource as singleSignOn } from './singleSignOn/SingleSignOn.resource';
import { resource as staff } from './staff/Staff.resource';
import { resource as student } from './student/Student.resource';
import { resource as timetable } from './timetable/Timetable.resource';
import type { Operation, Resource } from './types';

/**
 * Every resource of the Bromcom node, once, in the order of its Resource picker. The node's
 * description (Bromcom.node.ts), the router (router.ts) and the column pickers (methods/index.ts) read
 * this list; each resource's operations are listed in its own *.resource.ts.
 */
export const RESOURCES: readonly Resource[] = [
	assessment,
	attendance,
	behaviour,
	bromcomClass,
	contact,
	dinnerMoney,
	entity,
	school,
	singleSignOn,
	staff,
	student,
	timetable,
];

/** The Resource picker, then each resource's Operation picker and operation fields. */
export const resourceProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: RESOURCES.map(({ name, value, description }) => ({ name, value, description })),
		default: 'student',
	},
	...RESOURCES.flatMap((resource) => resource.properties),
];

export function findResource(value: string): Resource | undefined {
	return RESOURCES.find((resource) => resource.value === value);
}

export function findOperation(resource: string, operation: string): Operation | undefined {
	return findResource(resource)?.operations.find((choice) => choice.value === operation)?.operation;
}
