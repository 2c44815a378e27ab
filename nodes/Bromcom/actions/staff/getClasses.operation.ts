import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readGroups } from '../joins';
import { itemSettings, requiredId } from '../../n8n/settings';
import { schoolIdProperty } from '../common.descriptions';
import { idProperty, singleRecordOptions } from '../factories';
import { groupTypesProperty, includeEndedProperty } from '../student/getClasses.operation';
import { agentReadProperties } from '../agent.descriptions';
import type { AgentSpec } from '../types';

export const agent: AgentSpec = {
	description:
		'Lists the classes and tutor groups of one member of staff, by StaffID: one item per group with its CollectionID, name, code and type.',
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	idProperty('staffId', 'Staff ID', 'The Bromcom StaffID whose classes to return'),
	schoolIdProperty,
	groupTypesProperty,
	includeEndedProperty,
	singleRecordOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['staff'], operation: ['getClasses'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number) {
	const settings = itemSettings(this, i);
	const staffId = requiredId(this, i, 'staffId', 'Staff ID');
	const groups = await readGroups(
		this,
		settings,
		{ entity: 'CollectionExecutives', personColumn: 'StaffID', personId: staffId },
		this.getNodeParameter('groupTypes', i, []) as string[],
		this.getNodeParameter('includeEnded', i, false) as boolean,
	);
	return groups.map((g) => ({ StaffID: staffId, ...g }));
}
