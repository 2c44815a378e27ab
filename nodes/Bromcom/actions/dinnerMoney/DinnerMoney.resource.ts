import type { INodeProperties } from 'n8n-workflow';

import * as saveTransaction from './saveTransaction.operation';
import * as updateBalance from './updateBalance.operation';

export { saveTransaction, updateBalance };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['dinnerMoney'] } },
		options: [
			{
				name: 'Save Transaction',
				value: 'saveTransaction',
				action: 'Save a dinner money transaction',
				description: 'Record a sale or top-up with its external ID',
			},
			{
				name: 'Update Balance',
				value: 'updateBalance',
				action: 'Set a dinner money balance',
				description: "Set a student's dinner balance",
			},
		],
		default: 'saveTransaction',
	},
	...saveTransaction.description,
	...updateBalance.description,
];
