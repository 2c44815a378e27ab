import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { read } from '../read';
import { dateTime, id, money, validate } from '../../core/validate';
import { performWrite } from '../write';
import { buildFilter } from '../../core/wire/filter';
import type { AgentSpec } from '../types';
import { required, writeDate, writeDescription } from '../write.descriptions';

export const agent: AgentSpec = {
	description:
		"Records one dinner money transaction (a sale or a top-up) for a student in Bromcom (write-back). Returns the write's status; unless the workflow allows this tool to write, it is a dry run that writes nothing.",
};

export const description = writeDescription('dinnerMoney', 'saveTransaction', agent, [
	required('Person ID', 'personId', 'string', 'The Bromcom PersonID of the student'),
	{
		displayName: 'Transaction Type',
		name: 'transactionType',
		type: 'options',
		options: [
			{ name: 'Sale', value: 'Sale', description: 'A meal or item bought' },
			{ name: 'Top Up', value: 'TopUp', description: 'Money paid in' },
		],
		default: 'Sale',
	},
	required(
		'Amount',
		'amount',
		'string',
		'The transaction amount, with at most two decimal places',
		{ placeholder: '2.30' },
	),
	required(
		'Remaining Balance',
		'remainingBalance',
		'string',
		'The balance after this transaction',
		{ placeholder: '10.20' },
	),
	...writeDate('Time', 'instant', '={{ $now.toISO() }}', 'When the transaction happened.'),
	required(
		'External ID',
		'externalId',
		'string',
		"Your system's ID for this transaction. Bromcom stores it, which lets the node check whether an interrupted write arrived.",
	),
	{
		displayName: 'Details',
		name: 'transactionDetails',
		type: 'string',
		default: '',
		description: 'Optional text stored with the transaction',
	},
]);

const schema = z.object({
	personId: id('Person ID'),
	transactionType: z.enum(['Sale', 'TopUp'], {
		errorMap: () => ({ message: 'Transaction Type must be Sale or TopUp' }),
	}),
	amount: money('Amount', 0.01, 9999.99),
	remainingBalance: money('Remaining Balance', -9999.99, 9999.99),
	instant: dateTime('Time'),
	externalId: id('External ID'),
	transactionDetails: z.string().max(200, 'Details must be at most 200 characters'),
});

export const sequential = true;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const input = validate(
		schema,
		{
			personId: this.getNodeParameter('personId', i),
			transactionType: this.getNodeParameter('transactionType', i),
			amount: this.getNodeParameter('amount', i),
			remainingBalance: this.getNodeParameter('remainingBalance', i),
			instant: this.getNodeParameter('instant', i),
			externalId: this.getNodeParameter('externalId', i),
			transactionDetails: this.getNodeParameter('transactionDetails', i, ''),
		},
		description,
	);
	return [
		await performWrite(this, i, {
			catalog: 'saveDinnerTransaction',
			values: input,
			target: { personId: input.personId, externalId: input.externalId },
			// The external ID makes this write checkable: is a transaction with it already in Bromcom?
			readBack: async (settings) => {
				const filter = buildFilter({
					combinator: 'and',
					conditions: [
						{ field: 'ExternalID', operator: 'equals', value: input.externalId, type: 'number' },
						{ field: 'PersonID', operator: 'equals', value: input.personId, type: 'number' },
					],
				});
				return (await read(this, 'DinnerTransactions', filter, settings)).rows.length > 0;
			},
		}),
	];
}
