/** Reading the rules and the mapped facts of item `i` from the node's parameters. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	present,
	type Facts,
	type Preset,
	type RecordKind,
	type RuleOptions,
} from '../Bromcom/core/eligibility';
import { FACT_NAMES } from './description';

function list(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

export function ruleOptions(
	ctx: IExecuteFunctions,
	i: number,
	lawfulBasisConsent: boolean,
): RuleOptions {
	const preset = ctx.getNodeParameter('preset', i) as Preset;
	const custom = preset === 'custom' ? (ctx.getNodeParameter('custom', i, {}) as IDataObject) : {};
	return {
		preset,
		lawfulBasisIsConsent: lawfulBasisConsent,
		relationships:
			custom.relationships === undefined ? ['Mother', 'Father'] : list(custom.relationships),
		requireParentalResponsibility: custom.requireParentalResponsibility === true,
		requireEmail: custom.requireEmail === true,
		requirePhone: custom.requirePhone === true,
		yearGroups: list(custom.yearGroups),
		currentOnly: custom.currentOnly === true,
		requireClasses: custom.requireClasses === true,
		requireConsent: custom.requireConsent !== false,
		requireNames: custom.requireNames === true,
		teachingStaffOnly: custom.teachingStaffOnly === true,
		staffStarted: custom.staffStarted === true,
		studentsStarted: custom.studentsStarted === true,
		excludeRestrictedContacts: custom.excludeRestrictedContacts === true,
		requirePersonEmail: custom.requirePersonEmail === true,
		today: new Date().toISOString().slice(0, 10),
		startsWithinDays:
			preset === 'provisioning'
				? Number(ctx.getNodeParameter('startsWithinDays', i, 0))
				: undefined,
	};
}

export function factsOf(ctx: IExecuteFunctions, i: number, kind: RecordKind): Facts {
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
		facts.links = rels.map((relationship, k) => ({
			relationship,
			parentalResponsibility: prs[k] ?? (prs.length === 1 ? prs[0] : undefined),
		}));
	}
	return facts;
}
