import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { schoolIdProperty } from './actions/common.descriptions';
import { evaluate, lawfulBasisIsConsent, present, type Facts, type Preset, type RecordKind, type RuleOptions } from './helpers/eligibility';
import { CURRENT_LINK } from './helpers/joins';
import { CANDIDATES, field } from './helpers/people';
import { itemSettings, read, readByIds, type ItemSettings } from './helpers/read';
import { buildRoster } from './helpers/roster';
import { testCredential, toNodeError } from './transport';
import { combineFilters, recordStatusFilter } from './wire/filter';

const show = (operation: string, kind?: string): INodeProperties['displayOptions'] => ({ show: { operation: [operation], ...(kind ? { kind: [kind] } : {}) } });

function mapping(kind: string, name: string, displayName: string, expression: string, description: string): INodeProperties {
	return { displayName, name: `${kind}_${name}`, type: 'string', default: `={{ ${expression} }}`, description, displayOptions: show('filterItems', kind) };
}

const MAPPINGS: INodeProperties[] = [
	mapping('student', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', 'Whether Data Processing Consent is granted (true/false, Yes/No)'),
	mapping('student', 'classCount', 'Number of Classes', '$json.ClassCount', 'How many classes the student is in. Leave empty if the items do not say: the rule is then reported as not checked.'),
	mapping('student', 'current', 'On Roll', '!$json.EndDate || new Date($json.EndDate) >= new Date()', 'Whether the student is on roll today (Custom rules only)'),
	mapping('student', 'yearGroup', 'Year Group', '$json.YearGroup', 'Used by the Year Groups rule (Custom rules only)'),
	mapping('contact', 'relationship', 'Relationship', '$json.Students ? $json.Students.map(s => s.Relationship) : ($json.RelationshipDescription ?? $json.Relationship)', 'The relationship to the student, or a list of them (one per linked student)'),
	mapping('contact', 'parentalResponsibility', 'Parental Responsibility', '$json.Students ? $json.Students.map(s => s.ParentalResponsibility) : $json.ParentalResponsibility', 'Whether the contact has parental responsibility, or a list in the same order as Relationship'),
	mapping('contact', 'title', 'Title', '$json.Title', ''),
	mapping('contact', 'firstName', 'Forename', '$json.FirstName', ''),
	mapping('contact', 'lastName', 'Surname', '$json.LastName', ''),
	mapping('contact', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', ''),
	mapping('contact', 'email', 'Email', '$json.Email', ''),
	mapping('contact', 'phone', 'Telephone', '$json.Telephone', ''),
	mapping('contact', 'eligibleChildren', 'Number of Eligible Children', '$json.EligibleChildren', 'Leave empty if the items do not say: the rule is then reported as not checked (Get Eligible Roster works it out)'),
	mapping('teacher', 'title', 'Title', '$json.Title', ''),
	mapping('teacher', 'firstName', 'Forename', '$json.FirstName', ''),
	mapping('teacher', 'lastName', 'Surname', '$json.LastName', ''),
	mapping('teacher', 'consent', 'Consent Granted', '$json.IsDataProcessingConsentGranted', ''),
	mapping('teacher', 'eligibleStudents', 'Number of Eligible Students', '$json.EligibleStudents', 'Leave empty if the items do not say: the rule is then reported as not checked'),
	mapping('class', 'type', 'Group Type', '$json.CollectionTypeName', 'CLASS or TUTORGRP (or Class / Tutor Group)'),
	mapping('class', 'eligibleTeachers', 'Number of Eligible Teachers', '$json.EligibleTeachers', ''),
	mapping('class', 'eligibleStudents', 'Number of Eligible Students', '$json.EligibleStudents', ''),
];

const FACT_NAMES: Record<string, string[]> = {
	student: ['consent', 'classCount', 'current', 'yearGroup'],
	contact: ['relationship', 'parentalResponsibility', 'title', 'firstName', 'lastName', 'consent', 'email', 'phone', 'eligibleChildren'],
	teacher: ['title', 'firstName', 'lastName', 'consent', 'eligibleStudents'],
	class: ['type', 'eligibleTeachers', 'eligibleStudents'],
};

export class BromcomEligibility implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bromcom Consent & Eligibility',
		name: 'bromcomEligibility',
		icon: { light: 'file:../../icons/bromcom.svg', dark: 'file:../../icons/bromcom.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "filterItems" ? "Filter " + $parameter["kind"] + "s" : "Eligible roster"}}',
		description: 'Apply consent and eligibility rules (parents\' evening, consent only, custom) to people and classes, with a reason for every exclusion',
		defaults: { name: 'Bromcom Consent & Eligibility' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Kept', 'Excluded'],
		credentials: [{ name: 'bromcomMisApi', required: true, testedBy: 'bromcomMisApiTest', displayOptions: { show: { operation: ['getRoster'] } } }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Filter Items', value: 'filterItems', action: 'Filter items by eligibility rules', description: 'Check incoming items (from Bromcom, a spreadsheet, a webhook…) against the rules' },
					{ name: 'Get Eligible Roster', value: 'getRoster', action: 'Get the eligible roster of a school', description: 'Read students, contacts, staff, classes and memberships from Bromcom and apply the rules in cascade' },
				],
				default: 'filterItems',
			},
			{
				displayName: 'Rules',
				name: 'preset',
				type: 'options',
				options: [
					{ name: 'Parents\' Evening (SchoolCloud-Compatible)', value: 'parentsEvening', description: 'Students with consent and classes; Mother/Father or parental responsibility with full names, consent and an eligible child; teachers and classes with eligible students' },
					{ name: 'Consent Only', value: 'consentOnly', description: 'Data Processing Consent granted' },
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
				description: 'What each incoming item is. Map its fields below (the defaults read Bromcom\'s column names).',
				displayOptions: show('filterItems'),
			},
			...MAPPINGS,
			{ ...schoolIdProperty, description: 'Bromcom School ID to build the roster for. Leave empty to use the credential\'s.', displayOptions: show('getRoster') },
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
					{ name: 'From Bromcom (Schools Entity)', value: 'fromBromcom', description: 'Read the school\'s data-protection lawful basis; Consent if it is not recorded' },
					{ name: 'Consent', value: 'consent', description: 'Consent must be granted for each person' },
					{ name: 'Not Consent (Public Task, Legitimate Interests …)', value: 'other', description: 'Consent rules pass everyone' },
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
					{ name: 'Not Consent (Public Task, Legitimate Interests …)', value: 'other', description: 'Consent rules pass everyone' },
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
					{ displayName: 'Current Enrolment Only', name: 'currentOnly', type: 'boolean', default: false, description: 'Whether students must be on roll today' },
					{ displayName: 'Has Classes', name: 'requireClasses', type: 'boolean', default: false, description: 'Whether students must be in at least one class' },
					{ displayName: 'Relationships', name: 'relationships', type: 'string', default: 'Mother, Father', description: 'Comma-separated relationships a contact must have with a student' },
					{ displayName: 'Require Consent', name: 'requireConsent', type: 'boolean', default: true, description: 'Whether Data Processing Consent must be granted' },
					{ displayName: 'Require Email', name: 'requireEmail', type: 'boolean', default: false, description: 'Whether contacts must have an email address' },
					{ displayName: 'Require Full Names', name: 'requireNames', type: 'boolean', default: false, description: 'Whether contacts and teachers need a title, forename and surname' },
					{ displayName: 'Require Parental Responsibility', name: 'requireParentalResponsibility', type: 'boolean', default: false, description: 'Whether contacts must have parental responsibility' },
					{ displayName: 'Require Telephone', name: 'requirePhone', type: 'boolean', default: false, description: 'Whether contacts must have a telephone number' },
					{ displayName: 'Year Groups', name: 'yearGroups', type: 'string', default: '', placeholder: 'R, 1, 2', description: 'Comma-separated year groups students must be in. Leave empty for all.' },
				],
			},
		],
	};

	methods = {
		credentialTest: { bromcomMisApiTest: testCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const kept: INodeExecutionData[] = [];
		const excluded: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				if (operation === 'filterItems') {
					const kind = this.getNodeParameter('kind', i) as RecordKind;
					const verdict = evaluate(kind, factsOf(this, i, kind), ruleOptions(this, i, this.getNodeParameter('lawfulBasis', i, 'consent') !== 'other'));
					const eligibility = { eligible: verdict.eligible, ...(verdict.notChecked.length ? { notChecked: verdict.notChecked } : {}) };
					if (verdict.eligible) kept.push({ json: { ...items[i].json, eligibility }, pairedItem: { item: i } });
					else excluded.push({ json: { ...items[i].json, eligibility, excludedReasons: verdict.reasons as unknown as IDataObject[] }, pairedItem: { item: i } });
				} else {
					const roster = await rosterFor(this, i);
					for (const entry of roster.kept) kept.push({ json: { kind: entry.kind, key: entry.key, ...entry.record }, pairedItem: { item: i } });
					for (const entry of roster.excluded) excluded.push({ json: { kind: entry.kind, key: entry.key, ...entry.record, excludedReasons: entry.reasons as unknown as IDataObject[] }, pairedItem: { item: i } });
				}
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, { itemIndex: i, action: operation === 'getRoster' ? 'building the eligible roster' : 'applying the rules', school: operation === 'getRoster' ? String(this.getNodeParameter('schoolId', i, '') || 'from the credential') : undefined });
				if (this.continueOnFail()) {
					excluded.push({ json: { error: nodeError.message }, pairedItem: { item: i } });
					continue;
				}
				throw nodeError;
			}
		}
		return [kept, excluded];
	}
}

function list(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

function ruleOptions(ctx: IExecuteFunctions, i: number, lawfulBasisConsent: boolean): RuleOptions {
	const preset = ctx.getNodeParameter('preset', i) as Preset;
	const custom = preset === 'custom' ? (ctx.getNodeParameter('custom', i, {}) as IDataObject) : {};
	return {
		preset,
		lawfulBasisIsConsent: lawfulBasisConsent,
		relationships: custom.relationships === undefined ? ['Mother', 'Father'] : list(custom.relationships),
		requireParentalResponsibility: custom.requireParentalResponsibility === true,
		requireEmail: custom.requireEmail === true,
		requirePhone: custom.requirePhone === true,
		yearGroups: list(custom.yearGroups),
		currentOnly: custom.currentOnly === true,
		requireClasses: custom.requireClasses === true,
		requireConsent: custom.requireConsent !== false,
		requireNames: custom.requireNames === true,
	};
}

function factsOf(ctx: IExecuteFunctions, i: number, kind: RecordKind): Facts {
	const value = (name: string): unknown => {
		const v = ctx.getNodeParameter(`${kind}_${name}`, i, '') as unknown;
		return Array.isArray(v) ? v : present(v) ? v : undefined;
	};
	const facts: Facts = {};
	for (const name of FACT_NAMES[kind]) {
		if (name === 'relationship' || name === 'parentalResponsibility') continue;
		(facts as Record<string, unknown>)[name] = value(name);
	}
	if (kind === 'contact') {
		const relationships = value('relationship');
		const pr = value('parentalResponsibility');
		const rels = Array.isArray(relationships) ? relationships : [relationships];
		const prs = Array.isArray(pr) ? pr : [pr];
		facts.links = rels.map((relationship, k) => ({ relationship, parentalResponsibility: prs[k] ?? (prs.length === 1 ? prs[0] : undefined) }));
	}
	return facts;
}

async function rosterFor(ctx: IExecuteFunctions, i: number) {
	const settings: ItemSettings = itemSettings(ctx, i);
	const current = recordStatusFilter('current');
	const basis = ctx.getNodeParameter('lawfulBasis', i, 'fromBromcom') as string;
	let lawfulBasisConsent = basis !== 'other';
	if (basis === 'fromBromcom') {
		const school = (await read(ctx, 'Schools', '', settings)).rows[0] ?? {};
		lawfulBasisConsent = lawfulBasisIsConsent(field(school, ['DataProtectionLawfulBasis', 'LawfulBasis', 'LawfulBasisForProcessing']));
	}
	const options = ruleOptions(ctx, i, lawfulBasisConsent);
	const students = (await read(ctx, 'Students', current, settings)).rows;
	const studentIds = students.map((s) => Number(s.StudentID));
	const studentConsent = await readByIds(ctx, 'StudentFlatView', 'StudentID', studentIds, settings);
	const collections = (await read(ctx, 'Collections', combineFilters(current, "CollectionTypeName IN ('CLASS', 'TUTORGRP')"), settings)).rows;
	const associates = (await read(ctx, 'CollectionAssociates', CURRENT_LINK, settings)).rows;
	const executives = (await read(ctx, 'CollectionExecutives', CURRENT_LINK, settings)).rows;
	const staff = (await read(ctx, 'Staff', current, settings)).rows;
	const links = (await read(ctx, 'StudentContacts', CURRENT_LINK, settings)).rows.filter((l) => studentIds.includes(Number(field(l, CANDIDATES.linkStudentId))));
	const contactIds = links.map((l) => Number(field(l, CANDIDATES.linkContactId)));
	const people = await readByIds(ctx, 'People', 'PersonID', [...contactIds, ...staff.map((s) => Number(s.StaffID))], settings);
	const emails = await readByIds(ctx, 'Emails', 'PersonID', contactIds, settings);
	const phones = await readByIds(ctx, 'PersonTelephones', 'PersonID', contactIds, settings);
	const kinds = new Set(ctx.getNodeParameter('kinds', i, []) as string[]);
	if (kinds.size === 0) throw new NodeOperationError(ctx.getNode(), 'Choose at least one kind of record to return.', { itemIndex: i });
	const roster = buildRoster({ students, studentConsent, staff, collections, associates, executives, links, people, emails, phones }, options, kinds.has('membership'));
	return { kept: roster.kept.filter((e) => kinds.has(e.kind)), excluded: roster.excluded.filter((e) => kinds.has(e.kind)) };
}
