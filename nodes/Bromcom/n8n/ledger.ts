/**
 * Where a write's idempotency key is remembered between runs (the key itself: core/ledger.ts; the
 * write pipeline that consults it: actions/write.ts).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

const LEDGER_LIMIT = 5000;

interface LedgerEntry {
	s: 'sent' | 'unknown';
	t: number;
}

export type LedgerState = LedgerEntry['s'];

/** Where a write's idempotency key is remembered between runs. */
export interface Ledger {
	get(key: string): Promise<{ s: LedgerState; t?: number } | undefined>;
	set(key: string, s: LedgerState): Promise<void>;
}

/**
 * A production run remembers its writes in n8n's deduplication store (the database table n8n keeps
 * for the Remove Duplicates node, scoped to this node), not in the workflow's static data: in queue
 * mode a worker saves the whole static-data object when an execution changed it, which would write
 * back the Bromcom Trigger's state as it was when the execution started, and the main process's next
 * poll would save over the ledger in turn. The store is shared by every worker and survives restarts.
 * A manual run keeps its ledger in static data, which n8n does not save for manual runs.
 */
export function ledgerFor(ctx: IExecuteFunctions, manual: boolean): Ledger {
	const helpers = ctx.helpers as Partial<IExecuteFunctions['helpers']>;
	if (
		!manual &&
		typeof helpers.checkProcessedAndRecord === 'function' &&
		typeof helpers.removeProcessed === 'function'
	) {
		const options = { mode: 'entries' as const, maxEntries: LEDGER_LIMIT * 2 };
		const check = helpers.checkProcessedAndRecord.bind(helpers);
		const remove = helpers.removeProcessed.bind(helpers);
		return {
			async get(key) {
				const sent = `${key}:sent`;
				const unknown = `${key}:unknown`;
				// The store can only check by recording: what was new is removed again at once.
				const result = await check([sent, unknown], 'node', options);
				if (result.new.length > 0) await remove(result.new, 'node', options);
				const seen = new Set(result.processed.map(String));
				if (seen.has(sent)) return { s: 'sent' };
				if (seen.has(unknown)) return { s: 'unknown' };
				return undefined;
			},
			async set(key, s) {
				await check([`${key}:${s}`], 'node', options);
				if (s === 'sent') await remove([`${key}:unknown`], 'node', options);
			},
		};
	}
	return {
		async get(key) {
			return staticLedger(ctx)[key];
		},
		async set(key, s) {
			record(ctx, key, s);
		},
	};
}

function staticLedger(ctx: IExecuteFunctions): Record<string, LedgerEntry> {
	const data = ctx.getWorkflowStaticData('node');
	if (typeof data.writeLedger !== 'object' || data.writeLedger === null) data.writeLedger = {};
	return data.writeLedger as unknown as Record<string, LedgerEntry>;
}

function record(ctx: IExecuteFunctions, key: string, s: LedgerEntry['s']) {
	const ledger = staticLedger(ctx);
	ledger[key] = { s, t: Math.floor(Date.now() / 1000) };
	const keys = Object.keys(ledger);
	if (keys.length > LEDGER_LIMIT) {
		for (const old of keys
			.sort((a, b) => ledger[a].t - ledger[b].t)
			.slice(0, keys.length - LEDGER_LIMIT))
			delete ledger[old];
	}
	ctx.getWorkflowStaticData('node').writeLedger = ledger as unknown as IDataObject;
}
