import type { IExecuteFunctions } from 'n8n-workflow';

import { makeGetMany } from '../factories';
import { optionalIdFilter } from '../optionalId';
import { ENTITIES } from '../../core/catalog';

export const { description, execute } = makeGetMany({
	resource: 'assessment',
	entity: ENTITIES.assessmentResults,
	extraProperties: [
		{
			displayName: 'Student ID',
			name: 'studentId',
			type: 'string',
			default: '',
			description: "Only this student's results. Leave empty for all students.",
		},
	],
	extraFilter: (ctx: IExecuteFunctions, i: number) =>
		optionalIdFilter(ctx, i, 'studentId', 'StudentID', 'Student ID'),
});
