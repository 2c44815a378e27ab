import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { read } from '../read';
import { dateTime, id, validate } from '../../core/validate';
import { performWrite } from '../write';
import { buildFilter, type FilterCondition } from '../../core/wire/filter';
import type { AgentSpec } from '../types';
import { required, writeDate, writeDescription } from '../write.descriptions';

export const agent: AgentSpec = {
	description:
		"Saves one assessment result for a student in Bromcom (write-back): the student, assessment type, term, year group and subject by their Bromcom IDs, the result as Bromcom shows it (for example 7 or Secure) and its date. Returns the write's status; unless the workflow allows this tool to write, it is a dry run that writes nothing.",
};

export const description = writeDescription(
	'assessment',
	'saveResult',
	agent,
	[
		{
			displayName: 'Student Result ID',
			name: 'studentResultId',
			type: 'string',
			default: '0',
			description: 'The Bromcom StudentResultID to update, or 0 to add a new result',
		},
		required('Student ID', 'studentId', 'string', 'The Bromcom StudentID'),
		required(
			'Assessment Type ID',
			'assessmentTypeId',
			'string',
			'The Bromcom AssessmentTypeID (for example Working At, Target)',
		),
		required('Term ID', 'termId', 'string', 'The Bromcom TermID'),
		required('Year Group ID', 'yearGroupId', 'string', 'The Bromcom YearGroupID'),
		required('Subject ID', 'subjectId', 'string', 'The Bromcom SubjectID'),
		required(
			'Result',
			'result',
			'string',
			'The result as Bromcom shows it, for example 7 or Secure',
		),
		...writeDate(
			'Result Date',
			'resultDate',
			'={{ $today.toISODate() }}',
			'The date of the result.',
		),
	],
	[
		{
			displayName: 'SOAP Operation Name',
			name: 'soapOperation',
			type: 'string',
			default: 'saveStudentAssessmentResult',
			description:
				"Bromcom documents this write function without publishing its name; change this if Bromcom's service description (TPWriteDataService.asmx?wsdl) names it differently",
		},
	],
);

const schema = z.object({
	studentResultID: z.coerce
		.number()
		.int('Student Result ID must be a whole number')
		.min(0, 'Student Result ID must be 0 (new) or a Bromcom ID'),
	studentID: id('Student ID'),
	assessmentTypeID: id('Assessment Type ID'),
	termID: id('Term ID'),
	yearGroupID: id('Year Group ID'),
	subjectID: id('Subject ID'),
	result: z
		.string()
		.trim()
		.min(1, 'Result is empty')
		.max(100, 'Result must be at most 100 characters'),
	resultDate: dateTime('Result Date'),
});

export const sequential = true;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const input = validate(
		schema,
		{
			studentResultID: this.getNodeParameter('studentResultId', i, '0'),
			studentID: this.getNodeParameter('studentId', i),
			assessmentTypeID: this.getNodeParameter('assessmentTypeId', i),
			termID: this.getNodeParameter('termId', i),
			yearGroupID: this.getNodeParameter('yearGroupId', i),
			subjectID: this.getNodeParameter('subjectId', i),
			result: this.getNodeParameter('result', i),
			resultDate: this.getNodeParameter('resultDate', i),
		},
		description,
	);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	return [
		await performWrite(this, i, {
			catalog: 'saveStudentAssessmentResult',
			wireName: String(options.soapOperation ?? '').trim() || 'saveStudentAssessmentResult',
			values: input,
			target: {
				studentId: input.studentID,
				subjectId: input.subjectID,
				termId: input.termID,
				studentResultId: input.studentResultID,
			},
			readBack: async (settings) => {
				const conditions: FilterCondition[] = [
					{ field: 'StudentID', operator: 'equals', value: input.studentID, type: 'number' },
					{
						field: 'AssessmentTypeID',
						operator: 'equals',
						value: input.assessmentTypeID,
						type: 'number',
					},
					{ field: 'TermID', operator: 'equals', value: input.termID, type: 'number' },
					{ field: 'SubjectID', operator: 'equals', value: input.subjectID, type: 'number' },
					{ field: 'Result', operator: 'equals', value: input.result, type: 'string' },
				];
				if (input.studentResultID > 0)
					conditions.push({
						field: 'StudentResultID',
						operator: 'equals',
						value: input.studentResultID,
						type: 'number',
					});
				return (
					(
						await read(
							this,
							'AssociationAssessmentResults',
							buildFilter({ combinator: 'and', conditions }),
							settings,
						)
					).rows.length > 0
				);
			},
		}),
	];
}
