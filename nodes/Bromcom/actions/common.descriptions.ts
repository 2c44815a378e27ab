import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS } from '../core/policy';
import type { OperationChoice, Resource } from './types';

/** Parameters shared by operations. Each operation adds them with its own displayOptions. */

/**
 * A resource as the node lists it (actions/resources.ts): its Operation picker is built from its
 * operations, followed by each operation's own fields in the same order.
 */
export function defineResource(spec: Omit<Resource, 'properties'> & { default: string }): Resource {
	const { default: defaultOperation, ...resource } = spec;
	return {
		...resource,
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: [spec.value] } },
				options: spec.operations.map(({ name, value, action, description }) => ({
					name,
					value,
					action,
					description,
				})),
				default: defaultOperation,
			},
			...spec.operations.flatMap((choice: OperationChoice) => choice.operation.description),
		],
	};
}

/** The "For" picker: whom (or what) an operation reads for. */
export function scopeProperty(
	options: INodePropertyOptions[],
	defaultScope: string,
): INodeProperties {
	return { displayName: 'For', name: 'scope', type: 'options', options, default: defaultScope };
}

/** Timeout (Seconds), an item of an operation's Options. */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 5 },
	default: DEFAULT_TIMEOUT_SECONDS,
};

export const schoolIdProperty: INodeProperties = {
	displayName: 'School ID',
	name: 'schoolId',
	type: 'string',
	default: '',
	placeholder: 'From the credential',
	description:
		"Bromcom School ID to read. Leave empty to use the credential's School ID. Use an expression that reads the school ID of each incoming item to work through the schools of a trust with one credential.",
};

export const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

export const recordStatusProperty: INodeProperties = {
	displayName: 'Record Status',
	name: 'recordStatus',
	type: 'options',
	options: [
		{ name: 'Current', value: 'current', description: 'On roll (or in post) today' },
		{ name: 'Leavers', value: 'leavers', description: 'End date before today' },
		{
			name: 'Future',
			value: 'future',
			description: 'Start date after today, for example September admissions',
		},
		{ name: 'All', value: 'all', description: 'Every record, whatever its dates' },
	],
	default: 'current',
	description: 'Which records to return, by their start and end dates',
};

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return a compact set of the most useful fields instead of every Bromcom column',
};

export const FILTER_OPERATORS = [
	{ name: 'Equals', value: 'equals' },
	{ name: 'Not Equals', value: 'notEquals' },
	{ name: 'Contains', value: 'contains' },
	{ name: 'Does Not Contain', value: 'notContains' },
	{ name: 'Starts With', value: 'startsWith' },
	{ name: 'Ends With', value: 'endsWith' },
	{ name: 'Greater Than', value: 'greaterThan' },
	{ name: 'Greater Than or Equal', value: 'greaterThanOrEqual' },
	{ name: 'Less Than', value: 'lessThan' },
	{ name: 'Less Than or Equal', value: 'lessThanOrEqual' },
	{ name: 'Is Between', value: 'between' },
	{ name: 'Is In (Comma-Separated)', value: 'in' },
	{ name: 'Is Not In (Comma-Separated)', value: 'notIn' },
	{ name: 'Is Empty', value: 'isEmpty' },
	{ name: 'Is Not Empty', value: 'isNotEmpty' },
];

/**
 * Filters with the column picker. `dependsOn` names the parameters that choose the entity: the
 * action node's Resource and Entity, the trigger's Watch and Entity. Each node serves
 * `getColumns` from its own methods.
 */
export function filtersPropertyFor(dependsOn: string[]): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'fixedCollection',
		placeholder: 'Add Condition',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			"Only return records matching these conditions. Values are sent safely: quotes such as O'Brien need no escaping.",
		options: [
			{
				displayName: 'Conditions',
				name: 'conditions',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getColumns', loadOptionsDependsOn: dependsOn },
						default: '',
						description:
							'The Bromcom column to test. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Operator',
						name: 'operator',
						type: 'options',
						options: FILTER_OPERATORS,
						default: 'equals',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						displayOptions: { hide: { operator: ['isEmpty', 'isNotEmpty'] } },
						description: 'Dates as YYYY-MM-DD; lists comma-separated',
					},
					{
						displayName: 'To Value',
						name: 'value2',
						type: 'string',
						default: '',
						displayOptions: { show: { operator: ['between'] } },
					},
				],
			},
		],
	};
}

export const filtersProperty: INodeProperties = filtersPropertyFor(['resource', 'entity']);

/** The Entity picker: the entities this account may read (findEntitiesBySchoolID), or a name. */
export const entityProperty: INodeProperties = {
	displayName: 'Entity',
	name: 'entity',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The Bromcom entity to read. The list shows the entities this account is permitted to read.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchEntities', searchable: true },
		},
		{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. StudentFlatView' },
	],
};

export function readOptionsProperty(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortByName([
			...extra,
			{
				displayName: 'Match',
				name: 'match',
				type: 'options',
				options: [
					{ name: 'All Conditions', value: 'and' },
					{ name: 'Any Condition', value: 'or' },
				],
				default: 'and',
				description: 'Whether a record must match all the filter conditions or any one of them',
			},
			{
				displayName: 'Raw Entity Filter',
				name: 'rawFilter',
				type: 'string',
				default: '',
				placeholder: "YearGroup IN ('7','8') AND LastName LIKE 'A%'",
				description:
					'For experts: a Bromcom entityFilter (a T-SQL condition) added to the filters with AND. Write quotes inside values twice. One condition only: no ";" or comments.',
			},
			{
				displayName: 'Fields to Return',
				name: 'fields',
				type: 'multiOptions',
				typeOptions: {
					loadOptionsMethod: 'getColumns',
					loadOptionsDependsOn: ['resource', 'entity'],
				},
				default: [],
				description:
					'Keep only these columns (data minimisation). Bromcom always sends every column; the others are dropped as soon as they arrive. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Convert Yes/No to Booleans',
				name: 'yesNoToBoolean',
				type: 'boolean',
				default: false,
				description:
					'Whether to turn text values that are exactly "Yes" or "No" (Bromcom writes many flags this way, for example EALFlag) into true and false. Off: every value exactly as Bromcom sent it. The same on both routes.',
			},
			{
				displayName: 'Trim Trailing Spaces',
				name: 'trimValues',
				type: 'boolean',
				default: false,
				description:
					'Whether to remove the trailing spaces Bromcom pads some code values with (for example "AM" arriving followed by thirteen spaces). Off: every value exactly as Bromcom sent it. Filters, keys and the trigger ignore the padding either way.',
			},
			{
				...timeoutOption,
				description:
					'How long to wait for Bromcom. Large pulls (a year of attendance) can take minutes.',
			},
			{
				displayName: 'Attempts',
				name: 'attempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 3,
				description:
					'How many times to try when Bromcom is temporarily unavailable. Login, permission and filter errors are never retried.',
			},
		]),
	};
}

function sortByName(options: INodeProperties[]): INodeProperties[] {
	return options.slice().sort((a, b) => a.displayName.localeCompare(b.displayName));
}
