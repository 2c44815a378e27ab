import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { schoolIdProperty } from './common.descriptions';

const WRITE_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Attempts',
		name: 'attempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 3,
		description:
			'How many times to try when the request could not reach Bromcom at all. A write that may have arrived is never resent automatically.',
	},
	{
		displayName: 'Check Bromcom Before Sending',
		name: 'checkBeforeSend',
		type: 'boolean',
		default: true,
		description:
			"Whether to read Bromcom first when this workflow's ledger has no record of the write, and skip it if Bromcom already holds it (safe re-runs after n8n stopped mid-batch). Costs one read per write.",
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		description:
			"Your own key for this logical write (for example your system's transaction ID). By default the key is computed from the operation, school and values.",
	},
	{
		displayName: 'Resend Unknown Outcome',
		name: 'resendUnknown',
		type: 'boolean',
		default: false,
		description:
			'Whether to send again a write whose earlier attempt ended without an answer when Bromcom cannot be checked for it. Only after you have checked in Bromcom.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 5 },
		default: 120,
	},
];

/** What every write operation shows: its own fields, School ID, Dry Run and the write options. */
export function writeDescription(
	resource: string,
	operation: string,
	fields: INodeProperties[],
	extraOptions: INodeProperties[] = [],
): INodeProperties[] {
	const properties: INodeProperties[] = [
		...fields,
		schoolIdProperty,
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to only return exactly what would be sent (password hidden) and its idempotency key, without sending anything',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [...extraOptions, ...WRITE_OPTIONS].sort((a, b) =>
				a.displayName.localeCompare(b.displayName),
			),
		},
	];
	return updateDisplayOptions(
		{ show: { resource: [resource], operation: [operation] } },
		properties,
	);
}

export function required(
	displayName: string,
	name: string,
	type: 'string' | 'number',
	description: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties {
	return {
		displayName,
		name,
		type,
		required: true,
		default: type === 'number' ? 0 : '',
		description,
		...extra,
	} as INodeProperties;
}
