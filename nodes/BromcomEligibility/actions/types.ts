/** What each operation of the eligibility node declares: its picker entry, fields, outputs and run. */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { RosterEntry } from '../../Bromcom/core/roster';

export interface EligibilityOperation {
	/** Its entry in the Operation picker. */
	option: INodePropertyOptions & { value: string };
	/** The node's subtitle while it is chosen (the text of an n8n expression). */
	subtitle: string;
	/** The fields only this operation shows; the shared ones are in common.descriptions.ts. */
	description: INodeProperties[];
	/** Its outputs' names. An item that fails goes to the second (Excluded, Not Ready). */
	outputs: string[];
	/** Whether it reads Bromcom, so needs a credential. */
	readsBromcom: boolean;
	/** What an error says the node was doing. */
	action: string;
	/** Item `i`'s results, one list per output. */
	execute?(ctx: IExecuteFunctions, i: number, run: Run): Promise<INodeExecutionData[][]>;
	/** After every item ran: Get Eligible Roster adds the change since the last run to its Summary. */
	finish?(ctx: IExecuteFunctions, outputs: INodeExecutionData[][], run: Run): Promise<void>;
	/** Every item at once instead of one by one: account names are unique across all of them. */
	executeAll?(ctx: IExecuteFunctions, items: INodeExecutionData[]): INodeExecutionData[][];
	/** The school an item's error names (Get Eligible Roster reads one school per item). */
	schoolOf?(ctx: IExecuteFunctions, i: number): Promise<string>;
}

/** What the items of one run share. */
export interface Run {
	items: INodeExecutionData[];
	/** The rosters Get Eligible Roster built, for the change since its last run. */
	rosters: Array<{ schoolId: number; kept: RosterEntry[] }>;
}
