/**
 * What the trigger can watch, each watch once: its entry in the Watch picker, the entity behind it (from
 * the catalogue), the part of its filter that always applies, and how its records are fetched. The
 * picker, Record Status, the Fields to Watch columns and the poll all read this table.
 *
 * Any Entity is not a row: its entity and key come from the trigger's parameters (options.ts).
 */
import { ENTITIES, type EntitySpec } from '../Bromcom/core/catalog';
import {
	currentLinkFilter,
	teachingGroupFilter,
	type DateColumns,
} from '../Bromcom/core/wire/filter';

export interface Watch {
	/** The Watch parameter's value. */
	value: string;
	/** Its name and description in the Watch picker. */
	name: string;
	description?: string;
	entity: EntitySpec;
	/** The start/end columns Record Status scopes on; none: every record is watched, whatever its dates. */
	dates?: DateColumns;
	/** Always part of the filter: classes are teaching groups, memberships still in force. */
	fixedFilter?: string;
	/** Whether the fixed filter applies when a Left record is read back by key (an ended membership no longer matches it). */
	fixedFilterOnReadBack: boolean;
	/** How the records are fetched: the entity's rows as they stream in, or contacts joined to current students. */
	fetch: 'rows' | 'contacts';
}

export const WATCHES: readonly Watch[] = [
	{
		value: 'students',
		name: 'Students',
		entity: ENTITIES.students,
		dates: ENTITIES.students.dates,
		fixedFilterOnReadBack: true,
		fetch: 'rows',
	},
	{
		value: 'staff',
		name: 'Staff',
		entity: ENTITIES.staff,
		dates: ENTITIES.staff.dates,
		fixedFilterOnReadBack: true,
		fetch: 'rows',
	},
	{
		value: 'classes',
		name: 'Classes',
		description: 'Classes and tutor groups',
		entity: ENTITIES.collections,
		dates: ENTITIES.collections.dates,
		fixedFilter: teachingGroupFilter(),
		fixedFilterOnReadBack: true,
		fetch: 'rows',
	},
	{
		value: 'memberships',
		name: 'Class Memberships',
		description: 'Students joining and leaving classes and groups',
		entity: ENTITIES.collectionAssociates,
		fixedFilter: currentLinkFilter(),
		fixedFilterOnReadBack: false,
		fetch: 'rows',
	},
	{
		value: 'contacts',
		name: 'Contacts',
		description: 'Contacts of current students, with their best email and phone',
		entity: ENTITIES.people,
		fixedFilterOnReadBack: true,
		fetch: 'contacts',
	},
];

export function watchOf(value: string): Watch | undefined {
	return WATCHES.find((w) => w.value === value);
}
