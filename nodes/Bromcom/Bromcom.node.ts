import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as assessment from './actions/assessment/Assessment.resource';
import * as attendance from './actions/attendance/Attendance.resource';
import * as behaviour from './actions/behaviour/Behaviour.resource';
import * as bromcomClass from './actions/class/Class.resource';
import * as contact from './actions/contact/Contact.resource';
import * as dinnerMoney from './actions/dinnerMoney/DinnerMoney.resource';
import * as entity from './actions/entity/Entity.resource';
import { router } from './actions/router';
import * as school from './actions/school/School.resource';
import * as singleSignOn from './actions/singleSignOn/SingleSignOn.resource';
import * as staff from './actions/staff/Staff.resource';
import * as student from './actions/student/Student.resource';
import * as timetable from './actions/timetable/Timetable.resource';
import { getColumns, searchEntities } from './methods';
import { authenticationProperty, credentialTest } from './n8n/authentication';

export class Bromcom implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bromcom',
		name: 'bromcom',
		icon: { light: 'file:../../icons/bromcom.svg', dark: 'file:../../icons/bromcom.dark.svg' },
		group: ['input'],
		// 1.1: writes Dry Run by default, write dates without a moving default (write.descriptions.ts).
		// A description that lists versions with a default also keeps n8n from adding its "Custom API
		// Call" pointer to the Resource list (see BromcomEligibility.node.ts); the router refuses it.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Read students, contacts, staff, classes, attendance, timetables, assessment and behaviour from Bromcom MIS (UK schools), and write back assessment results, dinner money and single sign-on links safely',
		defaults: { name: 'Bromcom' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'bromcomMisApi',
				required: true,
				testedBy: 'bromcomMisApiTest',
				displayOptions: { show: { authentication: ['thirdPartyUser'] } },
			},
			{
				name: 'bromcomPartnerApi',
				required: true,
				testedBy: 'bromcomPartnerApiTest',
				displayOptions: { show: { authentication: ['partnerApplication'] } },
			},
		],
		properties: [
			authenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Assessment', value: 'assessment', description: 'Assessment results' },
					{ name: 'Attendance', value: 'attendance', description: 'AM/PM attendance marks' },
					{ name: 'Behaviour', value: 'behaviour', description: 'Behaviour events' },
					{
						name: 'Class',
						value: 'class',
						description: 'Classes, tutor groups, houses and year groups',
					},
					{
						name: 'Contact',
						value: 'contact',
						description: 'Parents, carers and other contacts of students',
					},
					{
						name: 'Dinner Money',
						value: 'dinnerMoney',
						description: 'Write dinner balances and transactions (write-back)',
					},
					{
						name: 'Entity',
						value: 'entity',
						description: 'Any Bromcom entity the account may read',
					},
					{ name: 'School', value: 'school', description: "The school's own details" },
					{
						name: 'Single Sign-On',
						value: 'singleSignOn',
						description: 'Link or detach Microsoft and Google accounts (write-back)',
					},
					{ name: 'Staff', value: 'staff', description: 'Teachers and support staff' },
					{ name: 'Student', value: 'student', description: 'Students (pupils)' },
					{ name: 'Timetable', value: 'timetable', description: 'Timetabled lessons' },
				],
				default: 'student',
			},
			...assessment.description,
			...attendance.description,
			...behaviour.description,
			...bromcomClass.description,
			...contact.description,
			...dinnerMoney.description,
			...entity.description,
			...school.description,
			...singleSignOn.description,
			...staff.description,
			...student.description,
			...timetable.description,
		],
	};

	methods = {
		credentialTest,
		loadOptions: { getColumns },
		listSearch: { searchEntities },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
