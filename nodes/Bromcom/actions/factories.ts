/**
 * Builders for the two operation shapes that most resources share: "Get Many" of one entity (record
 * status, guided and raw filters, Fields to Return, Simplify, Return All / Limit) and "Get" one record
 * by its Bromcom ID. Each resource's operation file states only what differs.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	fieldsOption,
	itemSettings,
	limitedSettings,
	limitRows,
	requiredId,
	statusFilter,
	schoolForMessage,
} from '../n8n/settings';
import { read, userFilter } from './read';
import { selectFields } from '../core/rows';
import type { EntitySpec } from '../core/catalog';
import { BromcomError } from '../core/wire/errors';
import { buildCondition, combineFilters, type DateColumns } from '../core/wire/filter';
import {
	filtersProperty,
	limitProperty,
	readOptionsProperty,
	recordStatusProperty,
	returnAllProperty,
	schoolIdProperty,
	simplifyProperty,
} from './common.descriptions';
import { agentReadProperties } from './agent.descriptions';
import type { AgentSpec, Operation, Shared } from './types';

export interface GetManySpec {
	resource: string;
	operation?: string;
	/** The entity, from the catalogue; its start/end columns (if any) drive the Record Status preset. */
	entity: EntitySpec;
	simplify?: (row: IDataObject) => IDataObject;
	/** The operation as an AI agent's tool. */
	agent: AgentSpec;
	/** Extra parameters shown before the filters, and how they narrow the filter. */
	extraProperties?: INodeProperties[];
	extraFilter?: (ctx: IExecuteFunctions, i: number) => string;
}

export function makeGetMany(spec: GetManySpec): Operation {
	const show = { resource: [spec.resource], operation: [spec.operation ?? 'getMany'] };
	const properties: INodeProperties[] = [
		...agentReadProperties(spec.agent),
		schoolIdProperty,
		...(spec.extraProperties ?? []),
		...(spec.entity.dates ? [recordStatusProperty] : []),
		returnAllProperty,
		limitProperty,
		filtersProperty,
		...(spec.simplify ? [simplifyProperty] : []),
		readOptionsProperty(),
	];
	return {
		description: updateDisplayOptions({ show }, properties),
		agent: spec.agent,
		async execute(this: IExecuteFunctions, i: number, shared: Shared) {
			const settings = itemSettings(this, i);
			const dates: DateColumns | undefined = spec.entity.dates;
			const filter = combineFilters(
				dates ? statusFilter(this, i, dates) : '',
				spec.extraFilter ? spec.extraFilter(this, i) : '',
				await userFilter(this, i, spec.entity.name, settings, shared.schemas),
			);
			const data = await read(this, spec.entity.name, filter, limitedSettings(this, i, settings));
			let rows = limitRows(this, i, data.rows as IDataObject[]);
			const simplified = spec.simplify && (this.getNodeParameter('simplify', i, true) as boolean);
			if (simplified) rows = rows.map(spec.simplify!);
			return selectFields(
				rows,
				fieldsOption(this, i),
				simplified ? [] : data.columns.map((c) => c.name),
			);
		},
	};
}

export interface GetSpec {
	resource: string;
	/** The entity, from the catalogue; its first key column is the ID looked up. */
	entity: EntitySpec;
	idParameter: string;
	label: string;
	simplify?: (row: IDataObject) => IDataObject;
	/** The operation as an AI agent's tool. */
	agent: AgentSpec;
}

export function idProperty(name: string, label: string, description: string): INodeProperties {
	return {
		displayName: label,
		name,
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 2000101',
		description,
	};
}

export function notFound(message: string): BromcomError {
	return new BromcomError({ kind: 'notFound', message });
}

export function makeGet(spec: GetSpec): Operation {
	const show = { resource: [spec.resource], operation: ['get'] };
	const properties: INodeProperties[] = [
		...agentReadProperties(spec.agent),
		idProperty(spec.idParameter, spec.label, `The Bromcom ${spec.entity.key[0]} of the record`),
		schoolIdProperty,
		...(spec.simplify ? [simplifyProperty] : []),
		singleRecordOptions(),
	];
	return {
		description: updateDisplayOptions({ show }, properties),
		agent: spec.agent,
		async execute(this: IExecuteFunctions, i: number) {
			const settings = itemSettings(this, i);
			const id = requiredId(this, i, spec.idParameter, spec.label);
			const idColumn = spec.entity.key[0];
			const data = await read(
				this,
				spec.entity.name,
				buildCondition({ field: idColumn, operator: 'equals', value: id, type: 'number' }),
				settings,
			);
			if (data.rows.length === 0) {
				throw notFound(
					`No ${spec.entity.name} record with ${idColumn} ${id} in school ${await schoolForMessage(this, settings.schoolId)}.`,
				);
			}
			let rows = data.rows as IDataObject[];
			if (spec.simplify && (this.getNodeParameter('simplify', i, true) as boolean))
				rows = rows.map(spec.simplify);
			return selectFields(rows, fieldsOption(this, i));
		},
	};
}

/** Options for single-record operations: Fields to Return, timeout, attempts (no filters). */
export function singleRecordOptions(): INodeProperties {
	const all = readOptionsProperty();
	return {
		...all,
		options: (all.options as INodeProperties[]).filter((o) =>
			['fields', 'timeout', 'attempts', 'trimValues', 'yesNoToBoolean'].includes(o.name),
		),
	};
}
