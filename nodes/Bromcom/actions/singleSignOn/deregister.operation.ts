import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { id, validate } from '../../core/validate';
import { performWrite } from '../write';
import { linksTo, ssoLinks } from './links';
import type { AgentSpec } from '../types';
import { required, writeDescription } from '../write.descriptions';

export const agent: AgentSpec = {
	description:
		"Detaches a linked Microsoft or Google single sign-on account from a person in Bromcom (write-back). Returns the write's status; unless the workflow allows this tool to write, it is a dry run that writes nothing.",
};

export const description = writeDescription('singleSignOn', 'deregister', agent, [
	required(
		'User ID',
		'userId',
		'string',
		'The Bromcom ID of the person whose single sign-on account to detach',
	),
	required('Email Address', 'emailAddress', 'string', 'The linked Microsoft or Google account'),
]);

const schema = z.object({
	userId: id('User ID'),
	emailAddress: z.string().trim().email('Email Address must be a valid email address'),
});

export const sequential = true;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const input = validate(
		schema,
		{
			userId: this.getNodeParameter('userId', i),
			emailAddress: this.getNodeParameter('emailAddress', i),
		},
		description,
	);
	return [
		await performWrite(this, i, {
			catalog: 'deregisterSingleSignOnUser',
			values: input,
			target: { userId: input.userId, emailAddress: input.emailAddress },
			readBack: async (settings) =>
				!(await ssoLinks(this, input.userId, settings)).some((r) => linksTo(r, input.emailAddress)),
		}),
	];
}
