import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { GROUP_TYPES, readGroups } from '../joins';
import { itemSettings, requiredId } from '../../n8n/settings';
import { schoolIdProperty } from '../common.descriptions';
import { idProperty, singleRecordOptions } from '../factories';
import { agentReadProperties } from '../agent.descriptions';
import type { AgentSpec } from '../types';

export const groupTypesProperty: INodeProperties = {
	displayName: 'Group Types',
	name: 'groupTypes',
	type: 'multiOptions',
	options: GROUP_TYPES,
	default: ['CLASS', 'TUTORGRP'],
	description: 'Which kinds of group to return. Leave empty for all kinds.',
};

export const includeEndedProperty: INodeProperties = {
	displayName: 'Include Ended Memberships',
	name: 'includeEnded',
	type: 'boolean',
	default: false,
	description: 'Whether to include groups the person has left',
};

export const agent: AgentSpec = {
	description:
		'Lists the classes, tutor group and other groups of one student, by StudentID: one item per group with its CollectionID, name, code and type.',
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	idProperty('studentId', 'Student ID', 'The Bromcom StudentID whose classes to return'),
	schoolIdProperty,
	groupTypesProperty,
	includeEndedProperty,
	singleRecordOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['student'], operation: ['getClasses'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number) {
	const settings = itemSettings(this, i);
	const studentId = requiredId(this, i, 'studentId', 'Student ID');
	const groups = await readGroups(
		this,
		settings,
		{ entity: 'CollectionAssociates', personColumn: 'PersonID', personId: studentId },
		this.getNodeParameter('groupTypes', i, []) as string[],
		this.getNodeParameter('includeEnded', i, false) as boolean,
	);
	return groups.map((g) => ({ StudentID: studentId, ...g }));
}
