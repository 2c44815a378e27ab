/**
 * Write-back ledger keys. A key names one logical write (operation, school, validated values), so
 * the same write asked for twice, in one run or across runs, is recognised and never sent twice.
 * The format `bw1-` + 32 hex digits of SHA-256 over the canonical JSON is stored in workflows'
 * static data: changing it would make every recorded write unrecognisable, so it is pinned by a test.
 */
import { createHash } from 'crypto';

import { canonicalJson } from './canonical';

export type LedgerValue = string | number | boolean | null;

export function idempotencyKey(
	operation: string,
	schoolId: number,
	values: Record<string, LedgerValue | undefined>,
): string {
	return `bw1-${createHash('sha256').update(canonicalJson({ operation, schoolId, values })).digest('hex').slice(0, 32)}`;
}
