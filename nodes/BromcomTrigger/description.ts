/** The trigger's parameters. School ID, Entity and Filters are the Bromcom node's own descriptions. */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	entityProperty,
	filtersPropertyFor,
	schoolIdProperty,
} from '../Bromcom/actions/common.descriptions';
import { DEFAULT_TIMEOUT_SECONDS } from '../Bromcom/core/policy';
import { authenticationProperty } from '../Bromcom/n8n/authentication';
import { WATCHES } from './watches';

/** The Watch picker: Any Entity, then the watch table, by name. */
const watchOptions: INodePropertyOptions[] = [
	{
		name: 'Any Entity',
		value: 'entity',
		description: 'Any entity the account may read, with a key you choose',
	},
	...WATCHES.map(({ name, value, description }) => ({
		name,
		value,
		...(description ? { description } : {}),
	})),
].sort((a, b) => (a.name < b.name ? -1 : 1));

export const properties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Watch',
		name: 'watch',
		type: 'options',
		options: watchOptions,
		default: 'students',
	},
	{ ...entityProperty, displayOptions: { show: { watch: ['entity'] } } },
	{
		displayName: 'Key Columns',
		name: 'keyColumns',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. StudentID',
		description: 'Comma-separated columns that identify a record (its primary key)',
		displayOptions: { show: { watch: ['entity'] } },
	},
	{
		...schoolIdProperty,
		description: "Bromcom School ID to watch. Leave empty to use the credential's School ID.",
	},
	{
		displayName: 'Record Status',
		name: 'recordStatus',
		type: 'options',
		options: [
			{
				name: 'Current',
				value: 'current',
				description: 'On roll (or in post) today: leavers trigger Left',
			},
			{ name: 'All', value: 'all', description: 'Every record, whatever its dates' },
		],
		default: 'current',
		displayOptions: { show: { watch: WATCHES.filter((w) => w.dates).map((w) => w.value) } },
	},
	{
		displayName: 'Trigger On',
		name: 'triggerOn',
		type: 'multiOptions',
		options: [
			{
				name: 'Record Left',
				value: 'left',
				description: 'A record is gone, or no longer matches the filter (a leaver)',
			},
			{ name: 'New Record', value: 'new', description: 'A record appears for the first time' },
			{
				name: 'Record Restored',
				value: 'restored',
				description: 'A record that had left comes back',
			},
			{ name: 'Record Updated', value: 'updated', description: 'A watched field changes' },
		],
		default: ['new', 'updated', 'left', 'restored'],
	},
	{
		displayName: 'Fields to Watch',
		name: 'fieldsToWatch',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: ['watch', 'entity'] },
		default: [],
		description:
			'Only changes in these fields count as Updated. Leave empty to watch every field. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Include in Output',
		name: 'includeInOutput',
		type: 'options',
		options: [
			{ name: 'New Version', value: 'new' },
			{
				name: 'Old Version',
				value: 'old',
				description: 'The watched fields as they were (for Left: the last known values)',
			},
			{
				name: 'Both Versions',
				value: 'both',
				description: 'Current, previous and a differences object',
			},
		],
		default: 'new',
	},
	{
		...filtersPropertyFor(['watch', 'entity']),
		description:
			"Only watch records matching all these conditions. Values are sent safely: quotes such as O'Brien need no escaping.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Accept Mass Change After Polls',
				name: 'acceptAfterPolls',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Release a held mass change automatically once it has persisted for this many polls after the one that detected it. 0 waits for an acknowledgement.',
			},
			{
				displayName: 'Acknowledge Mass Change ID',
				name: 'acknowledgeId',
				type: 'string',
				default: '',
				description:
					'Paste the ID of a massChange item here to release the held Left and Updated events on the next poll. It releases what that notice announced: if the change has since grown past the threshold, a new notice with a new ID comes instead.',
			},
			{
				displayName: 'Emit Existing Records on First Run',
				name: 'emitExisting',
				type: 'boolean',
				default: false,
				description:
					'Whether the first poll after activation emits every current record as New (for a first full sync) instead of quietly taking a baseline',
			},
			{
				displayName: 'Mass-Change Guard',
				name: 'guard',
				type: 'boolean',
				default: true,
				description:
					'Whether to hold back Left and Updated events when too many records change at once (a term rollover, a revoked permission, a filter change) and emit one massChange warning instead',
			},
			{
				displayName: 'Mass-Change Minimum Records',
				name: 'minimumRecords',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 20,
				description: 'The guard only applies when at least this many records are known',
			},
			{
				displayName: 'Mass-Change Threshold (%)',
				name: 'thresholdPercent',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 20,
				description:
					'Share of known records that may leave or change in one poll before the guard holds them',
			},
			{
				displayName: 'Raw Entity Filter',
				name: 'rawFilter',
				type: 'string',
				default: '',
				description: 'For experts: a Bromcom entityFilter (T-SQL condition) added with AND',
			},
			{
				displayName: 'Remember Left Records (Days)',
				name: 'tombstoneDays',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 400,
				description:
					'How long a record that left is remembered, so that its return is Restored rather than New',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 5 },
				default: DEFAULT_TIMEOUT_SECONDS,
			},
		],
	},
];
