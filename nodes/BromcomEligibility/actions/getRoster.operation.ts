/**
 * Get Eligible Roster: reads one school's students, contacts, staff, classes and memberships from
 * Bromcom and applies the rules in cascade (roster.ts); a Summary accounts for everyone read and says
 * who was added and removed since the node's last run (guard.ts).
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { schoolIdProperty } from '../../Bromcom/actions/common.descriptions';
import type { RosterEntry } from '../../Bromcom/core/roster';
import { itemSchoolForMessage } from '../../Bromcom/n8n/settings';
import { changeOf, rosterChanges } from '../guard';
import { rosterFor } from '../roster';
import { show } from './common.descriptions';
import type { EligibilityOperation } from './types';

const description: INodeProperties[] = [
	{
		...schoolIdProperty,
		description: "Bromcom School ID to build the roster for. Leave empty to use the credential's.",
		displayOptions: show('getRoster'),
	},
	{
		displayName: 'Return',
		name: 'kinds',
		type: 'multiOptions',
		options: [
			{ name: 'Classes', value: 'class' },
			{ name: 'Contacts', value: 'contact' },
			{ name: 'Memberships', value: 'membership' },
			{ name: 'Students', value: 'student' },
			{ name: 'Teachers', value: 'teacher' },
		],
		default: ['student', 'contact', 'teacher', 'class', 'membership'],
		displayOptions: show('getRoster'),
	},
];

/** Get Eligible Roster's account of what it read: per kind, read = kept + excluded, by reason code. */
function rosterSummary(roster: {
	schoolId: number;
	kept: RosterEntry[];
	excluded: RosterEntry[];
}): IDataObject {
	const counts: Record<
		string,
		{ read: number; kept: number; excluded: number; reasons: IDataObject }
	> = {};
	const count = (kind: string) => (counts[kind] ??= { read: 0, kept: 0, excluded: 0, reasons: {} });
	for (const e of roster.kept) {
		count(e.kind).read++;
		count(e.kind).kept++;
	}
	for (const e of roster.excluded) {
		const c = count(e.kind);
		c.read++;
		c.excluded++;
		for (const r of e.reasons) c.reasons[r.code] = Number(c.reasons[r.code] ?? 0) + 1;
	}
	return { summary: 'eligibleRoster', schoolId: roster.schoolId, counts };
}

export const getRoster: EligibilityOperation = {
	option: {
		name: 'Get Eligible Roster',
		value: 'getRoster',
		action: 'Get the eligible roster of a school',
		description:
			'Read students, contacts, staff, classes and memberships from Bromcom and apply the rules in cascade',
	},
	subtitle: '"Get Eligible Roster"',
	description,
	outputs: ['Kept', 'Excluded', 'Summary'],
	readsBromcom: true,
	action: 'building the eligible roster',
	async schoolOf(ctx, i) {
		return await itemSchoolForMessage(ctx, i);
	},
	async execute(ctx, i, run) {
		const roster = await rosterFor(ctx, i);
		run.rosters.push(roster);
		return [
			roster.kept.map((entry) => ({
				json: { kind: entry.kind, key: entry.key, ...entry.record },
				pairedItem: { item: i },
			})),
			roster.excluded.map((entry) => ({
				json: {
					kind: entry.kind,
					key: entry.key,
					...entry.record,
					excludedReasons: entry.reasons as unknown as IDataObject[],
				},
				pairedItem: { item: i },
			})),
			[{ json: rosterSummary(roster), pairedItem: { item: i } }],
		];
	},
	async finish(ctx, [, , summaries], run) {
		// The change since the last run of this node, school by school and kind by kind.
		const changes = await rosterChanges(ctx, run.rosters);
		for (const item of summaries) {
			const json = item.json as { schoolId: number; counts: Record<string, IDataObject> };
			for (const [kind, counts] of Object.entries(json.counts))
				Object.assign(counts, changeOf(changes, json.schoolId, kind));
		}
	},
};
