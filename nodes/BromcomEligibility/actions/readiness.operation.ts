/**
 * Check Readiness: for each school, what the workflows of this package can do with the access
 * granted, and what to fix in Bromcom (the checks are readiness.ts).
 */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readiness as checkSchools } from '../readiness';
import type { EligibilityOperation } from './types';

const description: INodeProperties[] = [
	{
		displayName: 'Check Write Permission',
		name: 'checkWriteBack',
		type: 'boolean',
		default: false,
		description:
			'Whether to find out if write-back is permitted: sends one write for a person who cannot exist (Bromcom ID 2147483647), which Bromcom refuses before changing anything, and reads why it refused',
		displayOptions: { show: { operation: ['readiness'] } },
	},
];

export const readiness: EligibilityOperation = {
	option: {
		name: 'Check Readiness',
		value: 'readiness',
		action: 'Check which schools are ready and what to fix',
		description:
			'For each school: what the workflows of this package can do with the access granted, the lawful basis, who would be left out and why, and what to fix in Bromcom',
	},
	subtitle: '"Check Readiness"',
	description,
	outputs: ['Ready', 'Not Ready'],
	readsBromcom: true,
	action: 'applying the rules',
	async execute(ctx, i) {
		const ready: INodeExecutionData[] = [];
		const notReady: INodeExecutionData[] = [];
		for (const school of await checkSchools(ctx, i))
			(school.ready ? ready : notReady).push({ json: school.json, pairedItem: { item: i } });
		return [ready, notReady];
	},
};
