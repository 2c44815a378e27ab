/**
 * The eligibility node's fields that several operations share: the rules (with their defaults per
 * version), Students Starting Within, the school's lawful basis, the custom rules, School IDs and the
 * existing account names. Each operation's own fields are in its `*.operation.ts`.
 */
import type { INodeProperties } from 'n8n-workflow';

/** Shown for one operation (and one record kind of Filter Items). */
export const show = (operation: string, kind?: string): INodeProperties['displayOptions'] => ({
	show: { operation: [operation], ...(kind ? { kind: [kind] } : {}) },
});

const RULE_OPTIONS = [
	{
		name: 'Provisioning',
		value: 'provisioning',
		description:
			'Accounts: pupils on roll (timetabled or not) and current staff, with consent where the lawful basis is Consent; contacts with parental responsibility, full names, consent, an email and an eligible child',
	},
	{
		name: "Parents' Evening (SchoolCloud-Compatible)",
		value: 'parentsEvening',
		description:
			'Students with consent and classes; Mother/Father or parental responsibility with full names, consent and an eligible child; teachers with full names, consent and an eligible student; classes with eligible teachers and students',
	},
	{
		name: 'Consent Only',
		value: 'consentOnly',
		description: 'Data Processing Consent granted',
	},
	{ name: 'Custom', value: 'custom', description: 'Choose the rules' },
];

function rulesProperty(
	preset: string,
	displayOptions: INodeProperties['displayOptions'],
): INodeProperties {
	return {
		displayName: 'Rules',
		name: 'preset',
		type: 'options',
		options: RULE_OPTIONS,
		default: preset,
		displayOptions,
	};
}

// Version 1 kept Parents' Evening as every operation's default; from 1.1 Export Roster defaults to
// Provisioning (what account provisioning needs), the other operations keep Parents' Evening.
export const rulesProperties: INodeProperties[] = [
	rulesProperty('parentsEvening', {
		show: { '@version': [1] },
		hide: { operation: ['generateNames'] },
	}),
	rulesProperty('parentsEvening', {
		show: { '@version': [{ _cnd: { gte: 1.1 } }], operation: ['filterItems', 'getRoster'] },
	}),
	rulesProperty('provisioning', {
		show: { '@version': [{ _cnd: { gte: 1.1 } }], operation: ['exportRoster', 'readiness'] },
	}),
];

export const startsWithinDaysProperty: INodeProperties = {
	displayName: 'Students Starting Within (Days)',
	name: 'startsWithinDays',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 366 },
	default: 0,
	description:
		'Also include pupils admitted for a start within this many days, so their accounts exist on their first day. 0: pupils on roll today only.',
	displayOptions: {
		show: { operation: ['getRoster', 'exportRoster', 'readiness'], preset: ['provisioning'] },
	},
};

/** The school's lawful basis: read from Bromcom where the operation reads it, chosen for Filter Items. */
export const lawfulBasisProperties: INodeProperties[] = [
	{
		displayName: 'School Lawful Basis',
		name: 'lawfulBasis',
		type: 'options',
		options: [
			{
				name: 'From Bromcom (Schools Entity)',
				value: 'fromBromcom',
				description:
					"Read the school's data-protection lawful basis; Consent if it is not recorded",
			},
			{ name: 'Consent', value: 'consent', description: 'Consent must be granted for each person' },
			{
				name: 'Not Consent (Public Task, Legitimate Interests …)',
				value: 'other',
				description: 'Consent rules pass everyone',
			},
		],
		default: 'fromBromcom',
		displayOptions: { show: { operation: ['getRoster', 'exportRoster', 'readiness'] } },
	},
	{
		displayName: 'School Lawful Basis',
		name: 'lawfulBasis',
		type: 'options',
		options: [
			{ name: 'Consent', value: 'consent', description: 'Consent must be granted for each person' },
			{
				name: 'Not Consent (Public Task, Legitimate Interests …)',
				value: 'other',
				description: 'Consent rules pass everyone',
			},
		],
		default: 'consent',
		displayOptions: show('filterItems'),
	},
];

export const customRulesProperty: INodeProperties = {
	displayName: 'Custom Rules',
	name: 'custom',
	type: 'collection',
	placeholder: 'Add Rule',
	default: {},
	displayOptions: { show: { preset: ['custom'] }, hide: { operation: ['generateNames'] } },
	options: [
		{
			displayName: 'Current Enrolment Only',
			name: 'currentOnly',
			type: 'boolean',
			default: false,
			description: 'Whether students must be on roll today',
		},
		{
			displayName: 'Exclude Restricted Contacts',
			name: 'excludeRestrictedContacts',
			type: 'boolean',
			default: false,
			description:
				'Whether to leave out contacts with a court order or restricted access recorded against a link (StudentContacts.CourtOrderRestrictedAccess, or the field mapped under Court Order or Restricted Access)',
		},
		{
			displayName: 'Has Classes',
			name: 'requireClasses',
			type: 'boolean',
			default: false,
			description: 'Whether students must be in at least one class',
		},
		{
			displayName: 'Relationships',
			name: 'relationships',
			type: 'string',
			default: 'Mother, Father',
			description: 'Comma-separated relationships a contact must have with a student',
		},
		{
			displayName: 'Require Consent',
			name: 'requireConsent',
			type: 'boolean',
			default: true,
			description: 'Whether Data Processing Consent must be granted',
		},
		{
			displayName: 'Require Email',
			name: 'requireEmail',
			type: 'boolean',
			default: false,
			description: 'Whether contacts must have an email address',
		},
		{
			displayName: 'Require Full Names',
			name: 'requireNames',
			type: 'boolean',
			default: false,
			description: 'Whether contacts and teachers need a title, forename and surname',
		},
		{
			displayName: 'Require Parental Responsibility',
			name: 'requireParentalResponsibility',
			type: 'boolean',
			default: false,
			description: 'Whether contacts must have parental responsibility',
		},
		{
			displayName: 'Require Student and Staff Email',
			name: 'requirePersonEmail',
			type: 'boolean',
			default: false,
			description:
				'Whether students and staff need an email address (single sign-on matches accounts on it)',
		},
		{
			displayName: 'Require Telephone',
			name: 'requirePhone',
			type: 'boolean',
			default: false,
			description: 'Whether contacts must have a telephone number',
		},
		{
			displayName: 'Staff Once Started',
			name: 'staffStarted',
			type: 'boolean',
			default: false,
			description: 'Whether staff are included only once their start date has passed',
		},
		{
			displayName: 'Students Once Started',
			name: 'studentsStarted',
			type: 'boolean',
			default: false,
			description:
				'Whether students are included only once their start date has passed (September admissions wait until September)',
		},
		{
			displayName: 'Teaching Staff Only',
			name: 'teachingStaffOnly',
			type: 'boolean',
			default: false,
			description:
				'Whether staff need a teaching role (teacher or tutor) on a class or tutor group',
		},
		{
			displayName: 'Year Groups',
			name: 'yearGroups',
			type: 'string',
			default: '',
			placeholder: 'R, 1, 2',
			description: 'Comma-separated year groups students must be in. Leave empty for all.',
		},
	],
};

export const schoolIdsProperty: INodeProperties = {
	displayName: 'School IDs',
	name: 'schoolIds',
	type: 'string',
	default: '',
	placeholder: 'From the credential, or e.g. 20001, 20002, 20003',
	description:
		"Comma-separated Bromcom School IDs of the trust's schools, all in one file set. If any school fails, the export fails: a partial set would deactivate people.",
	displayOptions: { show: { operation: ['exportRoster', 'readiness'] } },
};

/** Existing Names, described by each operation that has it. */
export const existingNamesProperty: INodeProperties = {
	displayName: 'Existing Names',
	name: 'existingNames',
	type: 'string',
	default: '',
	placeholder: "e.g. {{ $('Directory Users').all().map(u => u.json.primaryEmail) }}",
};

export const PATTERN_HELP =
	'Tokens: {firstName} {firstInitial} {lastName} {lastInitial} {middleInitial} {intakeYear} {intakeYear2} {leavingYear2} {yearGroup} {admissionNumber} {upnLast4} {staffCode} {id}; {token:N} keeps N characters; letters, digits, ".", "-" and "_" are kept as written';
