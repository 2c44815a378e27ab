/**
 * Pickers: the entity list comes from findEntitiesBySchoolID (only what the school granted this
 * account), columns from a `1=0` schema probe of the entity (zero rows, full schema: S5).
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RESOURCE_ENTITY, WATCH_ENTITY } from '../catalog';
import { findEntities, getEntityData, toNodeError } from '../transport';

function schoolOf(ctx: ILoadOptionsFunctions): number | undefined {
	const raw = String(ctx.getCurrentNodeParameter('schoolId') ?? '').trim();
	const n = Number(raw);
	return raw !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function searchEntities(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	let names: string[];
	try {
		names = await findEntities(this, { schoolId: schoolOf(this), attempts: 1, timeoutMs: 60000 });
	} catch (error) {
		throw toNodeError(this.getNode(), error, { action: 'listing the entities this account may read' });
	}
	const needle = (filter ?? '').toLowerCase();
	return { results: names.filter((n) => n.toLowerCase().includes(needle)).map((n) => ({ name: n, value: n })) };
}

export async function getColumns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const resource = String(this.getCurrentNodeParameter('resource') ?? '');
	const watch = String(this.getCurrentNodeParameter('watch') ?? '');
	const curated = RESOURCE_ENTITY[resource];
	const byParameter = curated?.byParameter ? curated.byParameter.values[String(this.getCurrentNodeParameter(curated.byParameter.name) ?? '')] : undefined;
	let entity: string | undefined = (byParameter ?? curated?.entity ?? WATCH_ENTITY[watch])?.name;
	if (resource === 'entity' || (resource === '' && watch === 'entity')) {
		const locator = this.getCurrentNodeParameter('entity', { extractValue: true }) as unknown;
		entity = String(typeof locator === 'object' && locator !== null ? (locator as IDataObject).value ?? '' : locator ?? '');
	}
	if (!entity) throw new NodeOperationError(this.getNode(), 'Choose an entity first to list its columns.');
	try {
		const data = await getEntityData(this, entity, '1=0', { schoolId: schoolOf(this), attempts: 1, timeoutMs: 60000 });
		return data.columns.map((c) => ({ name: c.name, value: c.name, description: `${c.xsType}${c.dataType ? ` (${c.dataType.split(',')[0]})` : ''}` }));
	} catch (error) {
		throw toNodeError(this.getNode(), error, { action: `reading the columns of ${entity}` });
	}
}
