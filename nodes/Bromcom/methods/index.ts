/**
 * Pickers: the entity list comes from findEntitiesBySchoolID (only what the school granted this
 * account), columns from a `1=0` schema probe of the entity (zero rows, full schema: S5).
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { findEntities, getEntityData, toNodeError } from '../transport';

/** The entity behind each curated resource, for its column pickers. */
const RESOURCE_ENTITIES: Record<string, string> = {
	student: 'Students',
	contact: 'People',
	staff: 'Staff',
	class: 'Collections',
	attendance: 'Attendances',
	timetable: 'TimeTable',
	assessment: 'AssociationAssessmentResults',
	behaviour: 'BehaviourEventRecords',
	school: 'Schools',
};

/** The entity behind each thing the trigger can watch. */
const WATCH_ENTITIES: Record<string, string> = {
	students: 'Students',
	staff: 'Staff',
	classes: 'Collections',
	memberships: 'CollectionAssociates',
	contacts: 'People',
};

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
	const resource = String(this.getCurrentNodeParameter('resource') ?? this.getCurrentNodeParameter('watch') ?? '');
	let entity = RESOURCE_ENTITIES[resource] ?? WATCH_ENTITIES[resource];
	if (resource === 'entity') {
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
