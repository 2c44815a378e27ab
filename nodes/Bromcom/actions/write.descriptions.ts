import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { agentWriteProperties, NOT_AS_TOOL } from './agent.descriptions';
import { schoolIdProperty } from './common.descriptions';
import type { AgentSpec } from './types';

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

/**
 * The Bromcom node's versions, for defaults that changed. n8n saves only the parameters a user changed
 * from their default, so a saved workflow silently takes whatever default its node version declares:
 * a default that changes behaviour gets a new node version, and version 1 keeps its old one.
 * 1.1: writes are Dry Run by default, and write dates have no moving default ({{ $now }} made every
 * run a new idempotency key, so a re-run wrote again).
 */
export const V1 = { '@version': [1] };
export const SINCE_V1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };

/**
 * A write's date field. Version 1 defaulted to a moving expression; from 1.1 it is required with no
 * default, so the date comes from the data being written and a re-run keeps the same key.
 */
export function writeDate(
	displayName: string,
	name: string,
	v1Default: string,
	description: string,
): INodeProperties[] {
	return [
		{
			displayName,
			name,
			type: 'dateTime',
			required: true,
			default: v1Default,
			description,
			displayOptions: { show: V1 },
		},
		{
			displayName,
			name,
			type: 'dateTime',
			required: true,
			default: '',
			placeholder: 'e.g. {{ $json.date }}',
			description: `${description} Map it from the data you are writing, not {{ $now }}: the date is part of the write's idempotency key, so a date that changes on every run makes every run a new write`,
			displayOptions: { show: SINCE_V1_1 },
		},
	];
}

/**
 * What every write operation shows: its own fields, School ID, Dry Run and the write options; as an AI
 * agent's tool, its description and Allow Writes When Used as a Tool instead of Dry Run.
 */
export function writeDescription(
	resource: string,
	operation: string,
	agent: AgentSpec,
	fields: INodeProperties[],
	extraOptions: INodeProperties[] = [],
): INodeProperties[] {
	const properties: INodeProperties[] = [
		...agentWriteProperties(agent),
		...fields,
		schoolIdProperty,
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to only return exactly what would be sent (password hidden) and its idempotency key, without sending anything',
			displayOptions: { show: { ...V1, ...NOT_AS_TOOL } },
		},
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: true,
			description:
				'Whether to only return exactly what would be sent (password hidden) and its idempotency key, without sending anything. On until you turn it off, so a new write node writes nothing by accident.',
			displayOptions: { show: { ...SINCE_V1_1, ...NOT_AS_TOOL } },
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
