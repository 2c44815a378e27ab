import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { CURRENT_LINK } from '../joins';
import { simplifyStaff, simplifyStudent } from '../../core/people';
import { itemSettings, requiredId } from '../../n8n/settings';
import { read, readByIds } from '../read';
import { buildCondition, combineFilters } from '../../core/wire/filter';
import { schoolIdProperty } from '../common.descriptions';
import { idProperty, singleRecordOptions } from '../factories';
import { agentReadProperties } from '../agent.descriptions';
import { AGENT_FIELDS } from '../../core/agent';
import type { AgentSpec } from '../types';

export const agent: AgentSpec = {
	description:
		'Lists the members of one class or tutor group, by its CollectionID: students (StudentID, names, year group, tutor group) and staff (StaffID, names, staff code) with their role.',
	fields: AGENT_FIELDS.member,
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	idProperty(
		'collectionId',
		'Class ID',
		'The Bromcom CollectionID of the class, tutor group, house or year group',
	),
	schoolIdProperty,
	{
		displayName: 'Members',
		name: 'members',
		type: 'multiOptions',
		options: [
			{ name: 'Students', value: 'students' },
			{ name: 'Staff', value: 'staff' },
		],
		default: ['students', 'staff'],
		description:
			'Which members to return: students (CollectionAssociates) and staff with their role (CollectionExecutives)',
	},
	{
		displayName: 'Include Ended Memberships',
		name: 'includeEnded',
		type: 'boolean',
		default: false,
		description: 'Whether to include people who have left the group',
	},
	singleRecordOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['class'], operation: ['getMembers'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number) {
	const settings = itemSettings(this, i);
	const collectionId = requiredId(this, i, 'collectionId', 'Class ID');
	const members = this.getNodeParameter('members', i, ['students', 'staff']) as string[];
	const current = (this.getNodeParameter('includeEnded', i, false) as boolean) ? '' : CURRENT_LINK;
	const inGroup = buildCondition({
		field: 'CollectionID',
		operator: 'equals',
		value: collectionId,
		type: 'number',
	});
	const out: IDataObject[] = [];
	if (members.includes('staff')) {
		const links = (
			await read(this, 'CollectionExecutives', combineFilters(inGroup, current), settings)
		).rows;
		const staff = new Map(
			(
				await readByIds(
					this,
					'Staff',
					'StaffID',
					links.map((l) => Number(l.StaffID)),
					settings,
				)
			).map((s) => [Number(s.StaffID), s]),
		);
		for (const link of links) {
			const person = staff.get(Number(link.StaffID));
			out.push({
				CollectionID: collectionId,
				MemberType: 'Staff',
				Role: link.CollectionRoleTypeDescription ?? null,
				...(person ? simplifyStaff(person as IDataObject) : { StaffID: link.StaffID }),
				MemberStartDate: link.StartDate ?? null,
				MemberEndDate: link.EndDate ?? null,
			});
		}
	}
	if (members.includes('students')) {
		const links = (
			await read(this, 'CollectionAssociates', combineFilters(inGroup, current), settings)
		).rows;
		const students = new Map(
			(
				await readByIds(
					this,
					'Students',
					'StudentID',
					links.map((l) => Number(l.PersonID)),
					settings,
				)
			).map((s) => [Number(s.StudentID), s]),
		);
		for (const link of links) {
			const person = students.get(Number(link.PersonID));
			if (!person) continue; // a non-student associate (rare): not a student member
			out.push({
				CollectionID: collectionId,
				MemberType: 'Student',
				Role: 'Student',
				...simplifyStudent(person as IDataObject),
				MemberStartDate: link.StartDate ?? null,
				MemberEndDate: link.EndDate ?? null,
			});
		}
	}
	return out;
}
