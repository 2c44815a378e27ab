/**
 * Pickers of the Bromcom node, keyed explicitly: the entity list comes from findEntitiesBySchoolID
 * (only what the school granted this account), columns from a `1=0` schema probe of the entity
 * (zero rows, full schema: docs/bromcom-facts.md, "Schema probe"). The trigger has its own
 * `getColumns` (nodes/BromcomTrigger/methods.ts) over the same `columnOptions`.
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import { findResource } from '../actions/resources';
import { SCHEMA_PROBE_FILTER } from '../core/wire/filter';
import { toNodeError } from '../n8n/errors';
import { pickerSchoolId } from '../n8n/settings';
import { clientFor } from '../transport';

/** The Entity parameter (a resource locator) as a name. */
export function entityParameter(ctx: ILoadOptionsFunctions): string {
	const locator = ctx.getCurrentNodeParameter('entity', { extractValue: true }) as unknown;
	return String(
		typeof locator === 'object' && locator !== null
			? ((locator as IDataObject).value ?? '')
			: (locator ?? ''),
	);
}

export async function searchEntities(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	let listed: { names: string[]; verified: boolean };
	try {
		listed = await clientFor(this).listEntities({
			schoolId: pickerSchoolId(this),
			attempts: 1,
			timeoutMs: 60000,
		});
	} catch (error) {
		throw toNodeError(this.getNode(), error, {
			action: 'listing the entities this account may read',
		});
	}
	const needle = (filter ?? '').toLowerCase();
	// The Partner API cannot list what a school granted: the names are known ones, not checked. The
	// mark is in the name because n8n's list shows names only (it drops a result's description), and
	// the name stays in the field once picked.
	const unchecked = !listed.verified;
	return {
		results: listed.names
			.filter((n) => n.toLowerCase().includes(needle))
			.map((n) =>
				unchecked
					? {
							name: `${n} (not checked)`,
							value: n,
							description:
								'A known Bromcom entity; not checked against what this school granted (the Partner API cannot list it)',
						}
					: { name: n, value: n },
			),
	};
}

/** The columns of `entity` as picker options, from a `1=0` read. */
export async function columnOptions(
	ctx: ILoadOptionsFunctions,
	entity: string | undefined,
): Promise<INodePropertyOptions[]> {
	// Nothing to list until an entity and a credential are chosen: an empty list, not an error in a
	// panel just opened (n8n's editor asks for a picker's options before it has set the credential it
	// picks for a new node, and asks again once it has).
	if (!entity || Object.keys(ctx.getNode().credentials ?? {}).length === 0) return [];
	try {
		const data = await clientFor(ctx).read(entity, SCHEMA_PROBE_FILTER, {
			schoolId: pickerSchoolId(ctx),
			attempts: 1,
			timeoutMs: 60000,
		});
		return data.columns.map((c) => ({
			name: c.name,
			value: c.name,
			description: `${c.xsType}${c.dataType ? ` (${c.dataType.split(',')[0]})` : ''}`,
		}));
	} catch (error) {
		throw toNodeError(ctx.getNode(), error, { action: `reading the columns of ${entity}` });
	}
}

/** Columns of the entity the chosen Resource (and its scope, e.g. Timetable's) reads. */
export async function getColumns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const resource = String(this.getCurrentNodeParameter('resource') ?? '');
	if (resource === 'entity') return await columnOptions(this, entityParameter(this));
	const curated = findResource(resource)?.columns;
	const byParameter = curated?.byParameter
		? curated.byParameter.values[
				String(this.getCurrentNodeParameter(curated.byParameter.name) ?? '')
			]
		: undefined;
	return await columnOptions(this, (byParameter ?? curated?.entity)?.name);
}
