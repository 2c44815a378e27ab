import type { IExecuteFunctions } from 'n8n-workflow';

import { buildCondition } from '../../core/wire/filter';
import type { DataSetRow } from '../../core/wire/dataset';
import type { ItemSettings } from '../../n8n/settings';
import { read } from '../read';

/** The person's single sign-on links as Bromcom holds them now (the read-back of a register or deregister). */
export async function ssoLinks(
	ctx: IExecuteFunctions,
	userId: number,
	settings: ItemSettings,
): Promise<DataSetRow[]> {
	return (
		await read(
			ctx,
			'SingleSignOnUsers',
			buildCondition({ field: 'UserID', operator: 'equals', value: userId, type: 'number' }),
			settings,
		)
	).rows;
}

/** Whether a link is to this account (email addresses compare without case). */
export const linksTo = (row: DataSetRow, emailAddress: string): boolean =>
	String(row.EmailAddress).toLowerCase() === emailAddress.toLowerCase();
