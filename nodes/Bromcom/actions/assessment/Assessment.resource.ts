import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['assessment'] } },
		options: [{ name: 'Get Many', value: 'getMany', action: 'Get assessment results', description: 'Get assessment results (AssociationAssessmentResults)' }],
		default: 'getMany',
	},
	...getMany.description,
];
