/**
 * Get Eligible Roster: reads one school's students, staff, classes, memberships and contacts
 * (current only, every filter from the builder), then the core's cascade decides who is kept.
 * Person columns are resolved from the entity's schema, like the contact joins, not assumed.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { lawfulBasisIsConsent } from '../Bromcom/core/eligibility';
import { CANDIDATES, field } from '../Bromcom/core/people';
import { buildRoster, type Roster } from '../Bromcom/core/roster';
import {
	combineFilters,
	currentLinkFilter,
	onRollOrStartingWithin,
	recordStatusFilter,
	teachingGroupFilter,
} from '../Bromcom/core/wire/filter';
import { resolveColumn } from '../Bromcom/actions/joins';
import { itemSettings } from '../Bromcom/n8n/settings';
import { read, readByIds, SchemaCache } from '../Bromcom/actions/read';
import { clientFor } from '../Bromcom/transport';
import { ruleOptions } from './rules';

export async function rosterFor(
	ctx: IExecuteFunctions,
	i: number,
	schemas = new SchemaCache(ctx),
	/** Export Roster reads each of its schools with every kind of record. */
	overrides: { schoolId?: number; kinds?: string[] } = {},
): Promise<Pick<Roster, 'kept' | 'excluded'> & { schoolId: number }> {
	const base = itemSettings(ctx, i);
	const settings =
		overrides.schoolId === undefined ? base : { ...base, schoolId: overrides.schoolId };
	const kinds = new Set(overrides.kinds ?? (ctx.getNodeParameter('kinds', i, []) as string[]));
	if (kinds.size === 0)
		throw new NodeOperationError(ctx.getNode(), 'Choose at least one kind of record to return.', {
			itemIndex: i,
		});
	const current = recordStatusFilter('current');
	const stillLinked = currentLinkFilter();
	const basis = ctx.getNodeParameter('lawfulBasis', i, 'fromBromcom') as string;
	let lawfulBasisConsent = basis !== 'other';
	if (basis === 'fromBromcom') {
		const school = (await read(ctx, 'Schools', '', settings)).rows[0] ?? {};
		lawfulBasisConsent = lawfulBasisIsConsent(
			field(school, ['DataProtectionLawfulBasis', 'LawfulBasis', 'LawfulBasisForProcessing']),
		);
	}
	const options = ruleOptions(ctx, i, lawfulBasisConsent);
	// Provisioning may take pupils admitted for a start within N days, so accounts exist on day one.
	const students = (
		await read(
			ctx,
			'Students',
			options.preset === 'provisioning'
				? onRollOrStartingWithin(options.startsWithinDays ?? 0)
				: current,
			settings,
		)
	).rows;
	const studentIds = students.map((s) => Number(s.StudentID));
	const onRoll = new Set(studentIds);
	const studentConsent = await readByIds(ctx, 'StudentFlatView', 'StudentID', studentIds, settings);
	const collections = (
		await read(ctx, 'Collections', combineFilters(current, teachingGroupFilter()), settings)
	).rows;
	const associates = (await read(ctx, 'CollectionAssociates', stillLinked, settings)).rows;
	const executives = (await read(ctx, 'CollectionExecutives', stillLinked, settings)).rows;
	const staff = (await read(ctx, 'Staff', current, settings)).rows;
	// Contacts are read only when they are asked for (their entities may not be granted).
	const withContacts = kinds.has('contact');
	const links = withContacts
		? (await read(ctx, 'StudentContacts', stillLinked, settings)).rows.filter((l) =>
				onRoll.has(Number(field(l, CANDIDATES.linkStudentId))),
			)
		: [];
	const contactIds = links.map((l) => Number(field(l, CANDIDATES.linkContactId)));
	const personColumn = await resolveColumn(schemas, 'People', CANDIDATES.personId, settings);
	const people = await readByIds(
		ctx,
		'People',
		personColumn,
		[...contactIds, ...staff.map((s) => Number(s.StaffID))],
		settings,
	);
	const emails = withContacts
		? await readByIds(
				ctx,
				'Emails',
				await resolveColumn(schemas, 'Emails', CANDIDATES.personId, settings),
				contactIds,
				settings,
			)
		: [];
	const phones = withContacts
		? await readByIds(
				ctx,
				'PersonTelephones',
				await resolveColumn(schemas, 'PersonTelephones', CANDIDATES.personId, settings),
				contactIds,
				settings,
			)
		: [];
	const roster = buildRoster(
		{
			students,
			studentConsent,
			staff,
			collections,
			associates,
			executives,
			links,
			people,
			emails,
			phones,
		},
		options,
		kinds.has('membership'),
	);
	return {
		schoolId: (await clientFor(ctx).school(settings.schoolId)) ?? NaN,
		kept: roster.kept.filter((e) => kinds.has(e.kind)),
		excluded: roster.excluded.filter((e) => kinds.has(e.kind)),
	};
}
