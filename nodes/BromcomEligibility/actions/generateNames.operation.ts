/**
 * Generate Account Names: usernames, emails and OU paths for every incoming person at once, unique
 * against the names that already exist (the naming is names.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { generateNames as nameAll } from '../names';
import { existingNamesProperty, PATTERN_HELP } from './common.descriptions';
import type { EligibilityOperation } from './types';

const onNames = { show: { operation: ['generateNames'] } };

function nameField(name: string, displayName: string, expression: string): INodeProperties {
	return {
		displayName,
		name: `person_${name}`,
		type: 'string',
		default: `={{ ${expression} }}`,
		displayOptions: onNames,
	};
}

const description: INodeProperties[] = [
	{
		displayName: 'Pattern',
		name: 'pattern',
		type: 'string',
		required: true,
		default: '{intakeYear2}{firstInitial}{lastName}',
		description: PATTERN_HELP,
		displayOptions: onNames,
	},
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. northfield.sch.uk',
		displayOptions: onNames,
	},
	{
		displayName: 'Maximum Length',
		name: 'maxLength',
		type: 'number',
		typeOptions: { minValue: 3, maxValue: 64 },
		default: 20,
		description: 'Longest name before the @, numeric suffix included',
		displayOptions: onNames,
	},
	{
		displayName: 'OU Path',
		name: 'ouPath',
		type: 'string',
		default: '/Students/Year {yearGroup}',
		description:
			'The organisational unit for Google Workspace (or a group path). Tokens as in Pattern, kept as written.',
		displayOptions: onNames,
	},
	{
		...existingNamesProperty,
		description:
			"Names (or emails) that already exist, from a previous node such as a directory's user list, as a list or comma-separated. Write name=ID for an account that belongs to a known person (its Bromcom ID, or School ID:ID for people of several schools): that person keeps it.",
		displayOptions: onNames,
	},
	nameField('id', 'Person ID', '$json.StudentID ?? $json.StaffID ?? $json.PersonID'),
	{
		...nameField('schoolId', 'School ID', '$json.schoolId ?? ""'),
		description:
			"For people of several schools (a trust): Bromcom IDs are per school, so the same ID at two schools is two people. Names are then given in School ID, ID order, as Export Roster gives them. Leave empty for one school's people.",
	},
	nameField('firstName', 'First Name', '$json.FirstName'),
	nameField('preferredFirstName', 'Preferred First Name', '$json.PreferredFirstName'),
	nameField('lastName', 'Last Name', '$json.PreferredLastName || $json.LastName'),
	nameField('middleName', 'Middle Name', '$json.MiddleName'),
	nameField('yearGroup', 'Year Group', '$json.YearGroup'),
	nameField('startDate', 'Start Date', '$json.StartDate'),
	nameField('admissionNumber', 'Admission Number', '$json.AdmissionNumber'),
	nameField('upn', 'UPN', '$json.UPN'),
	nameField('staffCode', 'Staff Code', '$json.StaffCode'),
];

export const generateNames: EligibilityOperation = {
	option: {
		name: 'Generate Account Names',
		value: 'generateNames',
		action: 'Generate account names for people',
		description:
			'Usernames, emails and OU paths from a pattern, unique against the names that already exist, the same on every run',
	},
	subtitle: '"Generate Account Names"',
	description,
	outputs: ['Kept', 'Excluded'],
	readsBromcom: false,
	action: 'generating account names',
	// Names are decided for all items together: collisions are resolved across them.
	executeAll: (ctx, items) => Object.values(nameAll(ctx, items)),
};
