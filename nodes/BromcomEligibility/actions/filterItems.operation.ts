/**
 * Filter Items: checks each incoming item (from Bromcom, a spreadsheet, a webhook…) against the rules,
 * with the facts the rules need mapped from the item's fields by the mapping table below.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { evaluate, present, type Facts, type RecordKind } from '../../Bromcom/core/eligibility';
import { ruleOptions } from '../rules';
import { show } from './common.descriptions';
import type { EligibilityOperation } from './types';

/**
 * Each fact a record kind's item is mapped to, once: the record kind, the fact's name (its field is
 * `<kind>_<fact>`), the field's label, its default expression (Bromcom's column names) and what it is
 * for. The fields are in this order in the panel.
 */
type Mapping = [
	kind: RecordKind,
	fact: keyof Facts | 'relationship' | 'parentalResponsibility',
	label: string,
	expression: string,
	description: string,
];

// prettier-ignore
const MAPPINGS: Mapping[] = [
	['student', 'startDate', 'Start Date', '$json.StartDate', 'Used by the Students Once Started rule (Custom rules only)'],
	['student', 'email', 'Email', '$json.Email ?? $json.StudentEmail', 'Used by the Require Student and Staff Email rule (Custom rules only)'],
	['teacher', 'startDate', 'Start Date', '$json.StartDate', 'Used by the Staff Once Started rule (Custom rules only)'],
	['teacher', 'email', 'Email', '$json.WorkEmail ?? $json.Email', 'Used by the Require Student and Staff Email rule (Custom rules only)'],
	['teacher', 'teachingGroups', 'Number of Teaching Groups', '$json.TeachingGroups', 'Classes and tutor groups the member of staff teaches (Get Eligible Roster gives it). Leave empty if unknown: the rule is then reported as not checked.'],
	['contact', 'restricted', 'Court Order or Restricted Access', '$json.CourtOrderRestrictedAccess ?? ($json.Students ? $json.Students.some(s => s.CourtOrderRestrictedAccess) : undefined)', 'Whether a court order or restricted access is recorded (true/false). Point it at the field your items carry.'],
	['student', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', 'Whether Data Processing Consent is granted (true/false, Yes/No)'],
	['student', 'classCount', 'Number of Classes', '$json.ClassCount', 'How many classes the student is in. Leave empty if the items do not say: the rule is then reported as not checked.'],
	['student', 'current', 'On Roll', '!$json.EndDate || new Date($json.EndDate) >= new Date()', 'Whether the student is on roll today (Custom rules only)'],
	['student', 'yearGroup', 'Year Group', '$json.YearGroup', 'Used by the Year Groups rule (Custom rules only)'],
	['contact', 'relationship', 'Relationship', '$json.Students ? $json.Students.map(s => s.Relationship) : ($json.RelationshipDescription ?? $json.Relationship)', 'The relationship to the student, or a list of them (one per linked student)'],
	['contact', 'parentalResponsibility', 'Parental Responsibility', '$json.Students ? $json.Students.map(s => s.ParentalResponsibility) : $json.ParentalResponsibility', 'Whether the contact has parental responsibility, or a list in the same order as Relationship'],
	['contact', 'title', 'Title', '$json.Title', ''],
	['contact', 'firstName', 'Forename', '$json.FirstName', ''],
	['contact', 'lastName', 'Surname', '$json.LastName', ''],
	['contact', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', ''],
	['contact', 'email', 'Email', '$json.Email', ''],
	['contact', 'phone', 'Telephone', '$json.Telephone', ''],
	['contact', 'eligibleChildren', 'Number of Eligible Children', '$json.EligibleChildren', 'Leave empty if the items do not say: the rule is then reported as not checked (Get Eligible Roster works it out)'],
	['teacher', 'title', 'Title', '$json.Title', ''],
	['teacher', 'firstName', 'Forename', '$json.FirstName', ''],
	['teacher', 'lastName', 'Surname', '$json.LastName', ''],
	['teacher', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', ''],
	['teacher', 'eligibleStudents', 'Number of Eligible Students', '$json.EligibleStudents', 'Leave empty if the items do not say: the rule is then reported as not checked'],
	['class', 'type', 'Group Type', '$json.CollectionTypeName', 'CLASS or TUTORGRP (or Class / Tutor Group)'],
	['class', 'eligibleTeachers', 'Number of Eligible Teachers', '$json.EligibleTeachers', ''],
	['class', 'eligibleStudents', 'Number of Eligible Students', '$json.EligibleStudents', ''],
];

const description: INodeProperties[] = [
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
	...MAPPINGS.map(
		([kind, fact, label, expression, description]): INodeProperties => ({
			displayName: label,
			name: `${kind}_${fact}`,
			type: 'string',
			default: `={{ ${expression} }}`,
			description,
			displayOptions: show('filterItems', kind),
		}),
	),
];

/** The facts of item `i`, read from the fields of its record kind. */
export function factsOf(ctx: IExecuteFunctions, i: number, kind: RecordKind): Facts {
	const value = (name: string): unknown => {
		const v = ctx.getNodeParameter(`${kind}_${name}`, i, '') as unknown;
		return Array.isArray(v) ? v : present(v) ? v : undefined;
	};
	const facts: Facts = {};
	for (const [of, name] of MAPPINGS) {
		if (of !== kind || name === 'relationship' || name === 'parentalResponsibility') continue;
		(facts as Record<string, unknown>)[name] = value(name);
	}
	if (kind === 'contact') {
		const relationships = value('relationship');
		const pr = value('parentalResponsibility');
		const rels = Array.isArray(relationships) ? relationships : [relationships];
		const prs = Array.isArray(pr) ? pr : [pr];
		facts.links = rels.map((relationship, k) => ({
			relationship,
			parentalResponsibility: prs[k] ?? (prs.length === 1 ? prs[0] : undefined),
		}));
	}
	return facts;
}

export const filterItems: EligibilityOperation = {
	option: {
		name: 'Filter Items',
		value: 'filterItems',
		action: 'Filter items by eligibility rules',
		description: 'Check incoming items (from Bromcom, a spreadsheet, a webhook…) against the rules',
	},
	subtitle: '"Filter " + $parameter["kind"] + "s"',
	description,
	outputs: ['Kept', 'Excluded'],
	readsBromcom: false,
	action: 'applying the rules',
	async execute(ctx, i, { items }) {
		const kind = ctx.getNodeParameter('kind', i) as RecordKind;
		const verdict = evaluate(
			kind,
			factsOf(ctx, i, kind),
			ruleOptions(ctx, i, ctx.getNodeParameter('lawfulBasis', i, 'consent') !== 'other'),
		);
		const eligibility = {
			eligible: verdict.eligible,
			...(verdict.notChecked.length ? { notChecked: verdict.notChecked } : {}),
		};
		if (verdict.eligible)
			return [[{ json: { ...items[i].json, eligibility }, pairedItem: { item: i } }], []];
		return [
			[],
			[
				{
					json: {
						...items[i].json,
						eligibility,
						excludedReasons: verdict.reasons as unknown as IDataObject[],
					},
					pairedItem: { item: i },
				},
			],
		];
	},
};
