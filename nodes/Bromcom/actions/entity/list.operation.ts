import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemSettings } from '../../helpers/read';
import { findEntities } from '../../transport';
import { schoolIdProperty } from '../common.descriptions';

const properties: INodeProperties[] = [schoolIdProperty];

export const description = updateDisplayOptions(
	{ show: { resource: ['entity'], operation: ['list'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const settings = itemSettings(this, i);
	return (await findEntities(this, settings)).map((name) => ({ EntityName: name }));
}
