/** The eligibility node's parameters: the operation, the fact mappings per record kind, the rules. */
import type { INodeProperties } from 'n8n-workflow';

import { schoolIdProperty } from '../Bromcom/actions/common.descriptions';

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
	student: ['consent', 'classCount', 'current', 'yearGroup'],
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
	],
	teacher: ['title', 'firstName', 'lastName', 'consent', 'eligibleStudents'],
	class: ['type', 'eligibleTeachers', 'eligibleStudents'],
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Filter Items',
				value: 'filterItems',
				action: 'Filter items by eligibility rules',
				description:
					'Check incoming items (from Bromcom, a spreadsheet, a webhook…) against the rules',
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
	{
		displayName: 'Rules',
		name: 'preset',
		type: 'options',
		options: [
			{
				name: "Parents' Evening (SchoolCloud-Compatible)",
				value: 'parentsEvening',
				description:
					'Students with consent and classes; Mother/Father or parental responsibility with full names, consent and an eligible child; teachers and classes with eligible students',
			},
			{
				name: 'Consent Only',
				value: 'consentOnly',
				description: 'Data Processing Consent granted',
			},
			{ name: 'Custom', value: 'custom', description: 'Choose the rules' },
		],
		default: 'parentsEvening',
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
		displayOptions: show('getRoster'),
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
		displayOptions: { show: { preset: ['custom'] } },
		options: [
			{
				displayName: 'Current Enrolment Only',
				name: 'currentOnly',
				type: 'boolean',
				default: false,
				description: 'Whether students must be on roll today',
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
				displayName: 'Require Telephone',
				name: 'requirePhone',
				type: 'boolean',
				default: false,
				description: 'Whether contacts must have a telephone number',
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
];
