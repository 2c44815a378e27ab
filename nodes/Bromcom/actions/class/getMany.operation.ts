import type { IExecuteFunctions } from 'n8n-workflow';

import { GROUP_TYPES } from '../../helpers/joins';
import { buildCondition } from '../../core/wire/filter';
import { makeGetMany } from '../factories';
import { ENTITIES } from '../../core/catalog';

export const { description, execute } = makeGetMany({
	resource: 'class',
	entity: ENTITIES.collections,
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
