import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as saveResult from './saveResult.operation';

export { getMany, saveResult };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['assessment'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get assessment results',
				description: 'Get assessment results (AssociationAssessmentResults)',
			},
			{
				name: 'Save Result',
				value: 'saveResult',
				action: 'Save an assessment result',
				description:
					"Write a student's assessment result back to Bromcom (needs the write licence)",
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...saveResult.description,
];
