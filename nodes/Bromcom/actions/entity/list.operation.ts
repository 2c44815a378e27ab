import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemSettings } from '../../n8n/settings';
import { clientFor } from '../../transport';
import { schoolIdProperty } from '../common.descriptions';
import { agentReadProperties } from '../agent.descriptions';
import type { AgentSpec } from '../types';

export const agent: AgentSpec = {
	description: 'Lists the names of the Bromcom entities (tables) this account may read.',
	fields: 'all',
};

const properties: INodeProperties[] = [...agentReadProperties(agent), schoolIdProperty];

export const description = updateDisplayOptions(
	{ show: { resource: ['entity'], operation: ['list'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const settings = itemSettings(this, i);
	const { names, verified } = await clientFor(this).listEntities(settings);
	// Over the Partner API the names are the known ones: whether this school granted each is not known.
	if (!verified) return names.map((name) => ({ EntityName: name, Verified: false }));
	return names.map((name) => ({ EntityName: name }));
}
