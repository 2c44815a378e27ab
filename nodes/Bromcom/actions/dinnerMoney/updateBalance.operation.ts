import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { read } from '../read';
import { id, money, validate } from '../../core/validate';
import { performWrite } from '../write';
import { buildCondition } from '../../core/wire/filter';
import type { AgentSpec } from '../types';
import { required, writeDescription } from '../write.descriptions';

export const agent: AgentSpec = {
	description:
		"Sets a student's dinner money balance in Bromcom to an amount (write-back; it replaces the balance, it does not add to it). Takes the student's Bromcom PersonID and the new balance. Returns the write's status; unless the workflow allows this tool to write, it is a dry run that writes nothing.",
};

export const description = writeDescription('dinnerMoney', 'updateBalance', agent, [
	required('Person ID', 'personId', 'string', 'The Bromcom PersonID of the student'),
	required(
		'Balance',
		'amount',
		'string',
		'The new dinner balance, with at most two decimal places (for example 12.50). This sets the balance; it does not add to it.',
		{ placeholder: '12.50' },
	),
]);

const schema = z.object({ personId: id('Person ID'), amount: money('Balance', -9999.99, 9999.99) });

export const sequential = true;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const input = validate(
		schema,
		{
			personId: this.getNodeParameter('personId', i),
			amount: this.getNodeParameter('amount', i),
		},
		description,
	);
	return [
		await performWrite(this, i, {
			catalog: 'updateDinnerBalance',
			values: input,
			target: { personId: input.personId },
			readBack: async (settings) => {
				const rows = (
					await read(
						this,
						'StudentMeals',
						buildCondition({
							field: 'PersonID',
							operator: 'equals',
							value: input.personId,
							type: 'number',
						}),
						settings,
					)
				).rows;
				return rows.length === 0
					? undefined
					: rows.some((r) => Number(r.DinnerBalance).toFixed(2) === input.amount);
			},
		}),
	];
}
