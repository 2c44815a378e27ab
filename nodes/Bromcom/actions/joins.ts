/**
 * Reads that join several entities: contacts (StudentContacts + People + Emails + PersonTelephones) and
 * group memberships (CollectionAssociates / CollectionExecutives + Collections + SubjectClasses).
 */
import type { IDataObject } from 'n8n-workflow';

import type { BromcomContext } from '../transport';

import { BromcomError } from '../core/wire/errors';
import { buildCondition, combineFilters, currentLinkFilter } from '../core/wire/filter';
import { CANDIDATES, field, joinContacts, type JoinedContact } from '../core/people';
import { read, readByIds, type SchemaCache } from './read';
import type { ItemSettings } from '../n8n/settings';

/** The entity's real name for a column, from its schema, out of a list of plausible names. */
export async function resolveColumn(
	schemas: SchemaCache,
	entity: string,
	candidates: readonly string[],
	settings: ItemSettings,
): Promise<string> {
	const columns = await schemas.columns(entity, settings);
	for (const candidate of candidates) {
		const column = columns.find((c) => c.name.toLowerCase() === candidate.toLowerCase());
		if (column) return column.name;
	}
	throw new BromcomError({
		kind: 'unexpectedPayload',
		message: `Bromcom's ${entity} entity has none of the columns ${candidates.join(', ')} (it has ${columns.map((c) => c.name).join(', ')}). Please report this so the node can learn the new column name.`,
	});
}

/** Links still in force today (no end date, or one in the future). */
export const CURRENT_LINK = currentLinkFilter();

async function hasColumn(
	schemas: SchemaCache,
	entity: string,
	name: string,
	settings: ItemSettings,
): Promise<boolean> {
	return (await schemas.columns(entity, settings)).some(
		(c) => c.name.toLowerCase() === name.toLowerCase(),
	);
}

/**
 * Contacts with their links. `linkFilter` narrows StudentContacts (e.g. to one student); current links
 * only unless `includeEnded`.
 */
export async function readContacts(
	ctx: BromcomContext,
	settings: ItemSettings,
	schemas: SchemaCache,
	linkFilter: string,
	options: { includeEnded?: boolean; personFilter?: string; students?: Set<number> } = {},
): Promise<JoinedContact[]> {
	const current =
		!options.includeEnded && (await hasColumn(schemas, 'StudentContacts', 'EndDate', settings))
			? CURRENT_LINK
			: '';
	let links = (await read(ctx, 'StudentContacts', combineFilters(linkFilter, current), settings))
		.rows;
	if (options.students)
		links = links.filter((l) => options.students!.has(Number(field(l, CANDIDATES.linkStudentId))));
	if (links.length === 0) return [];
	const ids = links
		.map((l) => Number(field(l, CANDIDATES.linkContactId)))
		.filter((n) => Number.isInteger(n));
	const people = await readByIds(
		ctx,
		'People',
		'PersonID',
		ids,
		settings,
		options.personFilter ?? '',
	);
	const personIds = people.map((p) => Number(field(p, CANDIDATES.personId)));
	const emailPerson = await resolveColumn(schemas, 'Emails', CANDIDATES.personId, settings);
	const phonePerson = await resolveColumn(
		schemas,
		'PersonTelephones',
		CANDIDATES.personId,
		settings,
	);
	const [emails, phones] = [
		await readByIds(ctx, 'Emails', emailPerson, personIds, settings),
		await readByIds(ctx, 'PersonTelephones', phonePerson, personIds, settings),
	];
	return joinContacts(links, people, emails, phones);
}

export const GROUP_TYPES = [
	{ name: 'Class', value: 'CLASS' },
	{ name: 'Tutor Group', value: 'TUTORGRP' },
	{ name: 'House', value: 'HOUSE' },
	{ name: 'Year Group', value: 'YEARGRP' },
	{ name: 'Department', value: 'DEPT' },
];

/**
 * The groups a person belongs to (students: CollectionAssociates; staff: CollectionExecutives, with
 * their role), joined with Collections and, for classes, SubjectClasses.
 */
export async function readGroups(
	ctx: BromcomContext,
	settings: ItemSettings,
	membership: {
		entity: 'CollectionAssociates' | 'CollectionExecutives';
		personColumn: string;
		personId: number;
	},
	types: string[],
	includeEnded: boolean,
): Promise<IDataObject[]> {
	const filter = combineFilters(
		buildCondition({
			field: membership.personColumn,
			operator: 'equals',
			value: membership.personId,
			type: 'number',
		}),
		includeEnded ? '' : CURRENT_LINK,
	);
	const links = (await read(ctx, membership.entity, filter, settings)).rows;
	if (links.length === 0) return [];
	const typeFilter =
		types.length > 0
			? buildCondition({
					field: 'CollectionTypeName',
					operator: 'in',
					value: types,
					type: 'string',
				})
			: '';
	const collections = await readByIds(
		ctx,
		'Collections',
		'CollectionID',
		links.map((l) => Number(l.CollectionID)),
		settings,
		typeFilter,
	);
	const byId = new Map(collections.map((c) => [Number(c.CollectionID), c]));
	const classIds = collections
		.filter((c) => String(c.CollectionTypeName).trimEnd().toUpperCase() === 'CLASS')
		.map((c) => Number(c.CollectionID));
	const subjects = classIds.length
		? await readByIds(ctx, 'SubjectClasses', 'ClassID', classIds, settings)
		: [];
	const subjectOf = new Map(subjects.map((s) => [Number(s.ClassID), s.SubjectDescription ?? null]));
	const out: IDataObject[] = [];
	for (const link of links) {
		const c = byId.get(Number(link.CollectionID));
		if (!c) continue;
		out.push({
			CollectionID: c.CollectionID,
			CollectionName: c.CollectionName,
			CollectionDescription: c.CollectionDescription ?? null,
			CollectionTypeName: c.CollectionTypeName,
			CollectionTypeDescription: c.CollectionTypeDescription ?? null,
			SubjectDescription: subjectOf.get(Number(c.CollectionID)) ?? null,
			...(membership.entity === 'CollectionExecutives'
				? { Role: link.CollectionRoleTypeDescription ?? null }
				: {}),
			StartDate: link.StartDate ?? null,
			EndDate: link.EndDate ?? null,
		});
	}
	return out;
}
