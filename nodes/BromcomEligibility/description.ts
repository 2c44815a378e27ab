/** The eligibility node's parameters: the operation, the fact mappings per record kind, the rules. */
import type { INodeProperties } from 'n8n-workflow';

import { schoolIdProperty } from '../Bromcom/actions/common.descriptions';
import { authenticationProperty } from '../Bromcom/n8n/authentication';

/** The operations that read nothing from Bromcom, so need no credential. */
export const NO_CREDENTIAL = ['filterItems', 'generateNames'];

const show = (operation: string, kind?: string): INodeProperties['displayOptions'] => ({
	show: { operation: [operation], ...(kind ? { kind: [kind] } : {}) },
});

function mapping(
	kind: string,
	name: string,
	displayName: string,
	expression: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name: `${kind}_${name}`,
		type: 'string',
		default: `={{ ${expression} }}`,
		description,
		displayOptions: show('filterItems', kind),
	};
}

const MAPPINGS: INodeProperties[] = [
	mapping(
		'student',
		'startDate',
		'Start Date',
		'$json.StartDate',
		'Used by the Students Once Started rule (Custom rules only)',
	),
	mapping(
		'student',
		'email',
		'Email',
		'$json.Email ?? $json.StudentEmail',
		'Used by the Require Student and Staff Email rule (Custom rules only)',
	),
	mapping(
		'teacher',
		'startDate',
		'Start Date',
		'$json.StartDate',
		'Used by the Staff Once Started rule (Custom rules only)',
	),
	mapping(
		'teacher',
		'email',
		'Email',
		'$json.WorkEmail ?? $json.Email',
		'Used by the Require Student and Staff Email rule (Custom rules only)',
	),
	mapping(
		'teacher',
		'teachingGroups',
		'Number of Teaching Groups',
		'$json.TeachingGroups',
		'Classes and tutor groups the member of staff teaches (Get Eligible Roster gives it). Leave empty if unknown: the rule is then reported as not checked.',
	),
	mapping(
		'contact',
		'restricted',
		'Court Order or Restricted Access',
		'$json.CourtOrderRestrictedAccess ?? ($json.Students ? $json.Students.some(s => s.CourtOrderRestrictedAccess) : undefined)',
		'Whether a court order or restricted access is recorded (true/false). Point it at the field your items carry.',
	),
	mapping(
		'student',
		'consent',
		'Consent Granted',
		'$json.IsDataProcessingConsentGranted',
		'Whether Data Processing Consent is granted (true/false, Yes/No)',
	),
	mapping(
		'student',
		'classCount',
		'Number of Classes',
		'$json.ClassCount',
		'How many classes the student is in. Leave empty if the items do not say: the rule is then reported as not checked.',
	),
	mapping(
		'student',
		'current',
		'On Roll',
		'!$json.EndDate || new Date($json.EndDate) >= new Date()',
		'Whether the student is on roll today (Custom rules only)',
	),
	mapping(
		'student',
		'yearGroup',
		'Year Group',
		'$json.YearGroup',
		'Used by the Year Groups rule (Custom rules only)',
	),
	mapping(
		'contact',
		'relationship',
		'Relationship',
		'$json.Students ? $json.Students.map(s => s.Relationship) : ($json.RelationshipDescription ?? $json.Relationship)',
		'The relationship to the student, or a list of them (one per linked student)',
	),
	mapping(
		'contact',
		'parentalResponsibility',
		'Parental Responsibility',
		'$json.Students ? $json.Students.map(s => s.ParentalResponsibility) : $json.ParentalResponsibility',
		'Whether the contact has parental responsibility, or a list in the same order as Relationship',
	),
	mapping('contact', 'title', 'Title', '$json.Title', ''),
	mapping('contact', 'firstName', 'Forename', '$json.FirstName', ''),
	mapping('contact', 'lastName', 'Surname', '$json.LastName', ''),
	mapping('contact', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', ''),
	mapping('contact', 'email', 'Email', '$json.Email', ''),
	mapping('contact', 'phone', 'Telephone', '$json.Telephone', ''),
	mapping(
		'contact',
		'eligibleChildren',
		'Number of Eligible Children',
		'$json.EligibleChildren',
		'Leave empty if the items do not say: the rule is then reported as not checked (Get Eligible Roster works it out)',
	),
	mapping('teacher', 'title', 'Title', '$json.Title', ''),
	mapping('teacher', 'firstName', 'Forename', '$json.FirstName', ''),
	mapping('teacher', 'lastName', 'Surname', '$json.LastName', ''),
	mapping('teacher', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', ''),
	mapping(
		'teacher',
		'eligibleStudents',
		'Number of Eligible Students',
		'$json.EligibleStudents',
		'Leave empty if the items do not say: the rule is then reported as not checked',
	),
	mapping(
		'class',
		'type',
		'Group Type',
		'$json.CollectionTypeName',
		'CLASS or TUTORGRP (or Class / Tutor Group)',
	),
	mapping('class', 'eligibleTeachers', 'Number of Eligible Teachers', '$json.EligibleTeachers', ''),
	mapping('class', 'eligibleStudents', 'Number of Eligible Students', '$json.EligibleStudents', ''),
];

export const FACT_NAMES: Record<string, string[]> = {
	student: ['consent', 'classCount', 'current', 'yearGroup', 'startDate', 'email'],
	contact: [
		'relationship',
		'parentalResponsibility',
		'title',
		'firstName',
		'lastName',
		'consent',
		'email',
		'phone',
		'eligibleChildren',
		'restricted',
	],
	teacher: [
		'title',
		'firstName',
		'lastName',
		'consent',
		'eligibleStudents',
		'startDate',
		'email',
		'teachingGroups',
	],
	class: ['type', 'eligibleTeachers', 'eligibleStudents'],
};

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

const EXISTING_NAMES: INodeProperties = {
	displayName: 'Existing Names',
	name: 'existingNames',
	type: 'string',
	default: '',
	placeholder: "e.g. {{ $('Directory Users').all().map(u => u.json.primaryEmail) }}",
};

const onExport = { show: { operation: ['exportRoster'] } };
const onExportPattern = { show: { operation: ['exportRoster'], usernames: ['pattern'] } };
const onNames = { show: { operation: ['generateNames'] } };
const PATTERN_HELP =
	'Tokens: {firstName} {firstInitial} {lastName} {lastInitial} {middleInitial} {intakeYear} {intakeYear2} {leavingYear2} {yearGroup} {admissionNumber} {upnLast4} {staffCode} {id}; {token:N} keeps N characters; letters, digits, ".", "-" and "_" are kept as written';

const EXPORT_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'School IDs',
		name: 'schoolIds',
		type: 'string',
		default: '',
		placeholder: 'From the credential, or e.g. 20001, 20002, 20003',
		description:
			"Comma-separated Bromcom School IDs of the trust's schools, all in one file set. If any school fails, the export fails: a partial set would deactivate people.",
		displayOptions: { show: { operation: ['exportRoster', 'readiness'] } },
	},
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
		...EXISTING_NAMES,
		description:
			'Names (or emails) that already exist in your directory, as a list or comma-separated. Write name=sourcedId (e.g. 22aobrien=20001-student-2000101, from an earlier export) for an account that belongs to a known person: that person keeps it, whatever joins the trust later.',
		displayOptions: onExportPattern,
	},
];

function nameField(name: string, displayName: string, expression: string): INodeProperties {
	return {
		displayName,
		name: `person_${name}`,
		type: 'string',
		default: `={{ ${expression} }}`,
		displayOptions: onNames,
	};
}

const READINESS_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Check Write Permission',
		name: 'checkWriteBack',
		type: 'boolean',
		default: false,
		description:
			'Whether to find out if write-back is permitted: sends one write for a person who cannot exist (Bromcom ID 2147483647), which Bromcom refuses before changing anything, and reads why it refused',
		displayOptions: { show: { operation: ['readiness'] } },
	},
];

const NAME_PROPERTIES: INodeProperties[] = [
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
		...EXISTING_NAMES,
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

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Check Readiness',
				value: 'readiness',
				action: 'Check which schools are ready and what to fix',
				description:
					'For each school: what the workflows of this package can do with the access granted, the lawful basis, who would be left out and why, and what to fix in Bromcom',
			},
			{
				name: 'Export Roster',
				value: 'exportRoster',
				action: 'Export the eligible roster as school data sync or roster files',
				description:
					'The eligible roster of one or many schools as Microsoft School Data Sync v2.1 or OneRoster 1.2 CSV files, ready to zip and upload',
			},
			{
				name: 'Filter Items',
				value: 'filterItems',
				action: 'Filter items by eligibility rules',
				description:
					'Check incoming items (from Bromcom, a spreadsheet, a webhook…) against the rules',
			},
			{
				name: 'Generate Account Names',
				value: 'generateNames',
				action: 'Generate account names for people',
				description:
					'Usernames, emails and OU paths from a pattern, unique against the names that already exist, the same on every run',
			},
			{
				name: 'Get Eligible Roster',
				value: 'getRoster',
				action: 'Get the eligible roster of a school',
				description:
					'Read students, contacts, staff, classes and memberships from Bromcom and apply the rules in cascade',
			},
		],
		default: 'filterItems',
	},
	// No displayOptions of its own: n8n's editor shows it in the credential dialog, not in the panel,
	// and a value kept while Filter Items is chosen is still there when the user switches back.
	authenticationProperty,
	// Version 1 kept Parents' Evening as every operation's default; from 1.1 Export Roster defaults to
	// Provisioning (what account provisioning needs), the other operations keep Parents' Evening.
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
	{
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
	},
	{
		displayName: 'Record Type',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Class', value: 'class' },
			{ name: 'Contact', value: 'contact' },
			{ name: 'Student', value: 'student' },
			{ name: 'Teacher', value: 'teacher' },
		],
		default: 'contact',
		description:
			"What each incoming item is. Map its fields below (the defaults read Bromcom's column names).",
		displayOptions: show('filterItems'),
	},
	...MAPPINGS,
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
	{
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
	},
	...EXPORT_PROPERTIES,
	...READINESS_PROPERTIES,
	...NAME_PROPERTIES,
];
