/**
 * The eligibility node's operations, each listed once: the Operation picker, the fields in the order
 * the panel shows them, the subtitle, the outputs and which operations need a credential are all
 * built from this list.
 */
import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty } from '../../Bromcom/n8n/authentication';
import {
	customRulesProperty,
	lawfulBasisProperties,
	rulesProperties,
	schoolIdsProperty,
	startsWithinDaysProperty,
} from './common.descriptions';
import { exportRoster } from './exportRoster.operation';
import { filterItems } from './filterItems.operation';
import { generateNames } from './generateNames.operation';
import { getRoster } from './getRoster.operation';
import { readiness } from './readiness.operation';
import type { EligibilityOperation } from './types';

/** In the order of the subtitle's and the outputs' expressions; the picker lists them by name. */
export const OPERATIONS: EligibilityOperation[] = [
	filterItems,
	getRoster,
	exportRoster,
	readiness,
	generateNames,
];

/** The operations that read nothing from Bromcom, so need no credential. */
export const NO_CREDENTIAL = OPERATIONS.filter((op) => !op.readsBromcom).map(
	(op) => op.option.value,
);

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: OPERATIONS.map((op) => op.option).sort((a, b) => (a.name < b.name ? -1 : 1)),
		default: 'filterItems',
	},
	// No displayOptions of its own: n8n's editor shows it in the credential dialog, not in the panel,
	// and a value kept while Filter Items is chosen is still there when the user switches back.
	authenticationProperty,
	...rulesProperties,
	startsWithinDaysProperty,
	...filterItems.description,
	...getRoster.description,
	...lawfulBasisProperties,
	customRulesProperty,
	schoolIdsProperty,
	...exportRoster.description,
	...readiness.description,
	...generateNames.description,
];

/** The node's subtitle: the chosen operation's (the last one's when none matches). */
export const subtitle = `={{ ${OPERATIONS.slice(0, -1)
	.map((op) => `$parameter["operation"] === "${op.option.value}" ? ${op.subtitle} : `)
	.join('')}${OPERATIONS[OPERATIONS.length - 1].subtitle} }}`;

/** The outputs of each operation, as the expression n8n evaluates with the node's parameters. */
export function outputsExpression(): string {
	const main = (names: string[]) =>
		JSON.stringify(names.map((displayName) => ({ type: 'main', displayName })));
	const usual = ['Kept', 'Excluded'];
	const own = OPERATIONS.filter((op) => op.outputs.join() !== usual.join());
	return `${own.map((op) => `$parameter.operation === '${op.option.value}' ? ${main(op.outputs)} : `).join('')}${main(usual)}`;
}
