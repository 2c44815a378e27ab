import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchemaCache } from '../helpers/read';

/** What every operation gets besides the item index: per-execution caches. */
export interface Shared {
	schemas: SchemaCache;
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
}
