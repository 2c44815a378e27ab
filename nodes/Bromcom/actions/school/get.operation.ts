import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fieldsOption, itemSettings } from '../../n8n/settings';
import { read } from '../read';
import { selectFields } from '../../core/rows';
import { schoolIdProperty } from '../common.descriptions';
import { singleRecordOptions } from '../factories';
import { agentReadProperties } from '../agent.descriptions';
import type { AgentSpec } from '../types';

export const agent: AgentSpec = {
	description: "Gets the school's own record from Bromcom: its name, numbers and other details.",
};

const properties: INodeProperties[] = [
	...agentReadProperties(agent),
	schoolIdProperty,
	singleRecordOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['school'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const settings = itemSettings(this, i);
	const data = await read(this, 'Schools', '', settings);
	return selectFields(data.rows as IDataObject[], fieldsOption(this, i));
}
