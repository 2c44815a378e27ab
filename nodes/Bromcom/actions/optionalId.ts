import type { IExecuteFunctions } from 'n8n-workflow';

import { optionalId } from '../helpers/read';
import { buildCondition } from '../core/wire/filter';

/** An optional ID parameter narrowing a Get Many: empty means "all". */
export function optionalIdFilter(
	ctx: IExecuteFunctions,
	i: number,
	parameter: string,
	column: string,
	label: string,
): string {
	const id = optionalId(ctx, i, parameter, label);
	return id === undefined
		? ''
		: buildCondition({ field: column, operator: 'equals', value: id, type: 'number' });
}
