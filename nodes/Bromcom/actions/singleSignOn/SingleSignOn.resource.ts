import type { INodeProperties } from 'n8n-workflow';

import * as deregister from './deregister.operation';
import * as register from './register.operation';

export { deregister, register };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['singleSignOn'] } },
		options: [
			{
				name: 'Deregister',
				value: 'deregister',
				action: 'Unlink an external sign in from a user',
				description: 'Detach a linked Microsoft or Google account from a Bromcom user',
			},
			{
				name: 'Register',
				value: 'register',
				action: 'Link an external sign in to a user',
				description: 'Link a Microsoft or Google account to a Bromcom user',
			},
		],
		default: 'register',
	},
	...deregister.description,
	...register.description,
];
