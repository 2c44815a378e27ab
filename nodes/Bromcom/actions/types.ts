import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AgentFields } from '../core/agent';
import type { SchemaCache } from '../helpers/read';

/** What every operation gets besides the item index: per-execution caches. */
export interface Shared {
	schemas: SchemaCache;
	/** Per school: whether its lawful basis is Consent (actions/agent.ts, for tool calls). */
	lawfulBasisConsent?: Map<string, Promise<boolean>>;
}

/** The operation as an AI agent's tool (actions/agent.descriptions.ts, actions/agent.ts). */
export interface AgentSpec {
	/** What the model reads: what one item is, and how to narrow the call. */
	description: string;
	/** Reads: which fields of each item the agent sees by default (core/agent.ts). */
	fields?: AgentFields;
}

/** Runs the operation for item `i` and returns its output rows. */
export type OperationExecute = (
	this: IExecuteFunctions,
	i: number,
	shared: Shared,
) => Promise<IDataObject[]>;

export interface Operation {
	description: INodeProperties[];
	execute: OperationExecute;
	/** Writes run one item at a time, in order, so the ledger sees each before the next. */
	sequential?: boolean;
	/** What the operation is and returns as an AI agent's tool. */
	agent: AgentSpec;
}
