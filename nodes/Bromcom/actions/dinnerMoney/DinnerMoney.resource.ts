import * as saveTransaction from './saveTransaction.operation';
import * as updateBalance from './updateBalance.operation';
import { defineResource } from '../common.descriptions';

export const resource = defineResource({
	name: 'Dinner Money',
	value: 'dinnerMoney',
	description: 'Write dinner balances and transactions (write-back)',
	operations: [
		{
			name: 'Save Transaction',
			value: 'saveTransaction',
			action: 'Save a dinner money transaction',
			description: 'Record a sale or top-up with its external ID',
			operation: saveTransaction,
		},
		{
			name: 'Update Balance',
			value: 'updateBalance',
			action: 'Set a dinner money balance',
			description: "Set a student's dinner balance",
			operation: updateBalance,
		},
	],
	default: 'saveTransaction',
});
