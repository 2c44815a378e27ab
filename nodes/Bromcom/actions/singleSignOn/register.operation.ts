import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { id, validate } from '../../core/validate';
import { performWrite } from '../write';
import { linksTo, ssoLinks } from './links';
import type { AgentSpec } from '../types';
import { required, writeDescription } from '../write.descriptions';

export const agent: AgentSpec = {
	description:
		"Links a Microsoft or Google account to a student or member of staff in Bromcom for single sign-on (write-back). Returns the write's status; unless the workflow allows this tool to write, it is a dry run that writes nothing.",
};

export const description = writeDescription('singleSignOn', 'register', agent, [
	required(
		'User ID',
		'userId',
		'string',
		'The Bromcom ID of the person (student or member of staff) to link',
	),
	required('Email Address', 'emailAddress', 'string', 'The Microsoft or Google account to link', {
		placeholder: 'name@school.org.uk',
	}),
	{
		displayName: 'Provider',
		name: 'ssoProvider',
		type: 'options',
		options: [
			{ name: 'Google', value: 'Google' },
			{ name: 'Microsoft', value: 'Microsoft' },
		],
		default: 'Microsoft',
	},
]);

const schema = z.object({
	userId: id('User ID'),
	emailAddress: z.string().trim().email('Email Address must be a valid email address'),
	ssoProvider: z.enum(['Microsoft', 'Google']),
});

export const sequential = true;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const input = validate(
		schema,
		{
			userId: this.getNodeParameter('userId', i),
			emailAddress: this.getNodeParameter('emailAddress', i),
			ssoProvider: this.getNodeParameter('ssoProvider', i),
		},
		description,
	);
	return [
		await performWrite(this, i, {
			catalog: 'registerSingleSignOnUser',
			values: input,
			target: { userId: input.userId, emailAddress: input.emailAddress },
			readBack: async (settings) =>
				(await ssoLinks(this, input.userId, settings)).some(
					(r) => linksTo(r, input.emailAddress) && r.SSOProvider === input.ssoProvider,
				),
		}),
	];
}
