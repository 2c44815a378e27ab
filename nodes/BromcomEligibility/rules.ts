/** Reading the rules of item `i` from the node's parameters (the mapped facts: filterItems.operation.ts). */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Preset, RuleOptions } from '../Bromcom/core/eligibility';

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
