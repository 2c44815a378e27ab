import type { IExecuteFunctions } from 'n8n-workflow';

import { invalid } from '../helpers/read';
import { buildCondition } from '../core/wire/filter';

/** An optional ID parameter narrowing a Get Many: empty means "all". */
export function optionalIdFilter(
	ctx: IExecuteFunctions,
	i: number,
	parameter: string,
	column: string,
	label: string,
): string {
	const raw = String(ctx.getNodeParameter(parameter, i, '') ?? '').trim();
	if (raw === '') return '';
	const id = Number(raw);
	if (!Number.isInteger(id) || id <= 0)
		throw invalid(
			`${label} "${raw}" is not a valid Bromcom ID: it must be a positive whole number.`,
		);
	return buildCondition({ field: column, operator: 'equals', value: id, type: 'number' });
}
