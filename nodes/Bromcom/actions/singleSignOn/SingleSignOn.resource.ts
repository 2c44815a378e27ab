import * as deregister from './deregister.operation';
import * as register from './register.operation';
import { defineResource } from '../common.descriptions';

export const resource = defineResource({
	name: 'Single Sign-On',
	value: 'singleSignOn',
	description: 'Link or detach Microsoft and Google accounts (write-back)',
	operations: [
		{
			name: 'Deregister',
			value: 'deregister',
			action: 'Unlink an external sign in from a user',
			description: 'Detach a linked Microsoft or Google account from a Bromcom user',
			operation: deregister,
		},
		{
			name: 'Register',
			value: 'register',
			action: 'Link an external sign in to a user',
			description: 'Link a Microsoft or Google account to a Bromcom user',
			operation: register,
		},
	],
	default: 'register',
});
