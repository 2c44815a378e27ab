import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AgentFields } from '../core/agent';
import type { EntitySpec } from '../core/catalog';
import type { SchemaCache } from './read';

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

/** One entry of a resource's Operation picker, with the operation it runs. */
export interface OperationChoice {
	name: string;
	value: string;
	action: string;
	description: string;
	operation: Operation;
}

/**
 * One resource: its entry in the node's Resource picker, its operations (the picker's entries in
 * order, each with what it runs) and the node properties they make.
 */
export interface Resource {
	name: string;
	value: string;
	description: string;
	operations: OperationChoice[];
	/** The Operation picker, then each operation's own fields. */
	properties: INodeProperties[];
	/**
	 * The entity behind the resource, for its column pickers (methods/index.ts). A resource whose
	 * entity depends on a parameter (Timetable: one student's or everyone's) names it through
	 * `byParameter`.
	 */
	columns?: {
		entity: EntitySpec;
		byParameter?: { name: string; values: Record<string, EntitySpec> };
	};
}
