import * as getMany from './getMany.operation';
import * as saveResult from './saveResult.operation';
import { defineResource } from '../common.descriptions';
import { ENTITIES } from '../../core/catalog';

export const resource = defineResource({
	name: 'Assessment',
	value: 'assessment',
	description: 'Assessment results',
	operations: [
		{
			name: 'Get Many',
			value: 'getMany',
			action: 'Get assessment results',
			description: 'Get assessment results (AssociationAssessmentResults)',
			operation: getMany,
		},
		{
			name: 'Save Result',
			value: 'saveResult',
			action: 'Save an assessment result',
			description: "Write a student's assessment result back to Bromcom (needs the write licence)",
			operation: saveResult,
		},
	],
	default: 'getMany',
	columns: { entity: ENTITIES.assessmentResults },
});
