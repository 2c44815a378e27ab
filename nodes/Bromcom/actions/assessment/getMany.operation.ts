import type { IExecuteFunctions } from 'n8n-workflow';

import { makeGetMany } from '../factories';
import { optionalIdCondition } from '../../helpers/read';
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
		optionalIdCondition(ctx, i, 'studentId', 'Student ID', 'StudentID'),
});
