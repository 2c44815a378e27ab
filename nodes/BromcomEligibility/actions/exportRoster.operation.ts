/**
 * Export Roster: the eligible roster of one or many schools as one Microsoft School Data Sync v2.1 or
 * OneRoster 1.2 file set, behind the deactivation guard (the pipeline is export.ts).
 */
import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { exportRoster as exportFiles } from '../export';
import { existingNamesProperty, PATTERN_HELP } from './common.descriptions';
import type { EligibilityOperation } from './types';

const onExport = { show: { operation: ['exportRoster'] } };
const onExportPattern = { show: { operation: ['exportRoster'], usernames: ['pattern'] } };

const description: INodeProperties[] = [
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'Microsoft School Data Sync v2.1 CSV', value: 'sds21' },
			{ name: 'OneRoster 1.2 CSV (Bulk)', value: 'oneRoster12' },
		],
		default: 'sds21',
		displayOptions: onExport,
	},
	{
		displayName: 'Trust Name',
		name: 'trustName',
		type: 'string',
		default: '',
		placeholder: 'e.g. Northfield Learning Trust',
		description:
			'A multi-academy trust above the schools (an academicTrust organisation in SDS). Leave empty for none.',
		displayOptions: onExport,
	},
	{
		displayName: 'Trust ID',
		name: 'trustId',
		type: 'string',
		default: '',
		placeholder: 'e.g. TR01234',
		description:
			'A stable identifier for the trust (its DfE group ID): its sourcedId is built from it. Required with Trust Name.',
		displayOptions: onExport,
	},
	{
		displayName: 'Include Classes',
		name: 'includeClasses',
		type: 'boolean',
		default: true,
		description: 'Whether to include classes, tutor groups and their enrolments',
		displayOptions: onExport,
	},
	{
		displayName: 'Include Contacts',
		name: 'includeContacts',
		type: 'boolean',
		default: false,
		description:
			'Whether to include eligible contacts with an email, linked to their students (relationships)',
		displayOptions: onExport,
	},
	{
		displayName: 'Usernames',
		name: 'usernames',
		type: 'options',
		options: [
			{
				name: "Bromcom's Email Addresses",
				value: 'bromcom',
				description: 'StudentFlatView.StudentEmail for students, Staff.WorkEmail for staff',
			},
			{
				name: 'Generated From a Pattern',
				value: 'pattern',
				description: 'The same names Generate Account Names gives',
			},
		],
		default: 'bromcom',
		description:
			'Sign-in names (UPNs). People without one are left out and listed on the Excluded output.',
		displayOptions: onExport,
	},
	{
		displayName: 'Student Pattern',
		name: 'studentPattern',
		type: 'string',
		default: '{intakeYear2}{firstInitial}{lastName}',
		description: PATTERN_HELP,
		displayOptions: onExportPattern,
	},
	{
		displayName: 'Staff Pattern',
		name: 'staffPattern',
		type: 'string',
		default: '{firstInitial}{lastName}',
		description: PATTERN_HELP,
		displayOptions: onExportPattern,
	},
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. northfield.sch.uk',
		displayOptions: onExportPattern,
	},
	{
		displayName: 'Maximum Length',
		name: 'maxLength',
		type: 'number',
		typeOptions: { minValue: 3, maxValue: 64 },
		default: 20,
		description: 'Longest name before the @, numeric suffix included',
		displayOptions: onExportPattern,
	},
	{
		displayName: 'Deactivation Guard',
		name: 'deactivationGuard',
		type: 'boolean',
		default: true,
		description:
			"Whether to hold the export (no files, a notice on the Notices output) when it would drop more than a share of a school's pupils, staff or contacts since the last file set let through, or empty a school: School Data Sync deactivates everyone missing from a full upload",
		displayOptions: onExport,
	},
	{
		displayName: 'Deactivation Guard Options',
		name: 'guardOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['exportRoster'], deactivationGuard: [true] } },
		options: [
			{
				displayName: 'Accept Drop After Runs',
				name: 'acceptAfterRuns',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Let a held drop through by itself once it has been held for this many runs (it has persisted, so it is real). 0 waits for the Acknowledge Drop ID.',
			},
			{
				displayName: 'Acknowledge Drop ID',
				name: 'acknowledgeId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 4bzcog0h',
				description:
					'Paste the ID of an exportHeld notice here to let that drop through on the next run. It releases that drop only: if more people would go by then, the run is held again with a new ID.',
			},
			{
				displayName: 'Maximum Drop (%)',
				name: 'thresholdPercent',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 10,
				description:
					"Hold the export when more than this share of a school's pupils, staff or contacts would go since the last file set let through",
			},
			{
				displayName: 'Minimum People',
				name: 'minimumPeople',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 20,
				description:
					'Below this many people in a school and kind, only emptying it is held (a few leavers of a small group are normal)',
			},
		],
	},
	{
		...existingNamesProperty,
		description:
			'Names (or emails) that already exist in your directory, as a list or comma-separated. Write name=sourcedId (e.g. 22aobrien=20001-student-2000101, from an earlier export) for an account that belongs to a known person: that person keeps it, whatever joins the trust later.',
		displayOptions: onExportPattern,
	},
];

export const exportRoster: EligibilityOperation = {
	option: {
		name: 'Export Roster',
		value: 'exportRoster',
		action: 'Export the eligible roster as school data sync or roster files',
		description:
			'The eligible roster of one or many schools as Microsoft School Data Sync v2.1 or OneRoster 1.2 CSV files, ready to zip and upload',
	},
	subtitle: '"Export Roster"',
	description,
	outputs: ['Files', 'Excluded', 'Notices'],
	readsBromcom: true,
	action: 'exporting the roster (nothing was exported)',
	async execute(ctx, i, { items }) {
		if (items.length > 1 && ctx.getNodeParameter('deactivationGuard', i, true) === true)
			throw new NodeOperationError(
				ctx.getNode(),
				`Export Roster received ${items.length} items: with the Deactivation Guard on, it writes one file set per run (the guard compares it with the last one this node let through). Use one Export Roster node per file set, or turn the guard off.`,
				{ itemIndex: i },
			);
		const result = await exportFiles(ctx, i);
		return [
			result.files ? [{ ...result.files, pairedItem: { item: i } }] : [],
			result.excluded.map((json) => ({ json, pairedItem: { item: i } })),
			result.notice ? [{ json: result.notice, pairedItem: { item: i } }] : [],
		];
	},
};
