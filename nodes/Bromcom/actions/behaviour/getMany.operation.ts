import type { IExecuteFunctions } from 'n8n-workflow';

import { buildCondition, combineFilters } from '../../core/wire/filter';
import { makeGetMany } from '../factories';
import { optionalIdCondition } from '../../n8n/settings';
import { ENTITIES } from '../../core/catalog';

export const { description, execute, agent } = makeGetMany({
	resource: 'behaviour',
	entity: ENTITIES.behaviourEvents,
	agent: {
		description:
			'Lists behaviour events (positive and negative) from Bromcom: one item per event with the StudentID, its type, date and category; no free-text comments. Narrow it with the values this tool asks for, if any (for example a StudentID or a date).',
	},
	extraProperties: [
		{
			displayName: 'Student ID',
			name: 'studentId',
			type: 'string',
			default: '',
			description: "Only this student's events. Leave empty for all students.",
		},
		{
			displayName: 'Event Type',
			name: 'eventType',
			type: 'options',
			options: [
				{ name: 'All', value: 'all' },
				{ name: 'Positive', value: 'Positive' },
				{ name: 'Negative', value: 'Negative' },
			],
			default: 'all',
		},
		{
			displayName: 'Since',
			name: 'since',
			type: 'dateTime',
			default: '',
			description: 'Only events on or after this date. Leave empty for all.',
		},
	],
	extraFilter: (ctx: IExecuteFunctions, i: number) => {
		const type = ctx.getNodeParameter('eventType', i, 'all') as string;
		const since = ctx.getNodeParameter('since', i, '') as string;
		return combineFilters(
			optionalIdCondition(ctx, i, 'studentId', 'Student ID', 'StudentID'),
			type === 'all'
				? ''
				: buildCondition({ field: 'EventType', operator: 'equals', value: type, type: 'string' }),
			since
				? buildCondition({
						field: 'EventDate',
						operator: 'greaterThanOrEqual',
						value: since,
						type: 'date',
					})
				: '',
		);
	},
});
