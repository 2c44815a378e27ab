import type { IExecuteFunctions } from 'n8n-workflow';

import { makeGetMany } from '../factories';
import { optionalIdCondition } from '../../n8n/settings';
import { ENTITIES } from '../../core/catalog';

export const { description, execute, agent } = makeGetMany({
	resource: 'assessment',
	entity: ENTITIES.assessmentResults,
	agent: {
		description:
			"Lists students' assessment results from Bromcom: one item per result with the StudentID, the assessment, subject, term and the result. Narrow it with the values this tool asks for, if any (for example a StudentID).",
	},
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
