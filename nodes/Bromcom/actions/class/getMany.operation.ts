import type { IExecuteFunctions } from 'n8n-workflow';

import { GROUP_TYPES } from '../joins';
import { buildCondition } from '../../core/wire/filter';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute, agent } = makeGetMany({
	resource: 'class',
	entity: ENTITIES.collections,
	agent: {
		description:
			'Lists classes and tutor groups (and, if the workflow asks, houses and year groups) from Bromcom: one item per group with its CollectionID, name, code and type. Use CollectionID with the class members and attendance tools.',
	},
	extraProperties: [
		{
			displayName: 'Types',
			name: 'groupTypes',
			type: 'multiOptions',
			options: GROUP_TYPES,
			default: ['CLASS', 'TUTORGRP'],
			description: 'Which kinds of group to return. Leave empty for all kinds.',
		},
	],
	extraFilter: (ctx: IExecuteFunctions, i: number) => {
		const types = ctx.getNodeParameter('groupTypes', i, []) as string[];
		return types.length
			? buildCondition({
					field: 'CollectionTypeName',
					operator: 'in',
					value: types,
					type: 'string',
				})
			: '';
	},
});
