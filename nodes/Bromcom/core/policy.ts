/**
 * The one failure policy of the Bromcom client, as data. Every call (node, trigger, pickers,
 * credential checks, write-back) goes through the client (`transport/client.ts`), whose exchange
 * (`transport/http.ts`) asks this module two questions: may this failure be tried again, and how long to wait first.
 *
 * - Reads are idempotent: a transient failure (network, 5xx without a SOAP fault, 429, a body cut off
 *   in transit) is retried, with exponential backoff and full jitter, honouring `Retry-After` up to a cap.
 * - A write is never sent twice once any byte of it may have reached Bromcom: only failures that
 *   happened before the request left (connection refused, DNS, TLS) are retried.
 * - Login, permission, filter and payload errors are never retried: a retry cannot fix them.
 * - The HTTP statuses that say "try again later" and the default timeout are stated here, once.
 *
 * Pure: no n8n imports, so it is unit-tested on its own.
 */
import type { BromcomError, BromcomErrorKind } from './wire/errors';

export type CallKind = 'read' | 'write';

/**
 * The Timeout option's default, in seconds: generous, as .NET clients of this API wait 10–11 minutes
 * for large pulls (docs/bromcom-facts.md, Paging, size and time).
 */
export const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * HTTP statuses that ask to try again later (busy, limiting, a gateway between): transient, and any
 * Retry-After they carry is honoured. Any other 5xx without an answer from Bromcom is transient too.
 */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface RetryPolicy {
	/** Attempts in all (1 = no retry), unless the caller sets its own. */
	attempts: number;
	/** Error kinds a retry can fix. */
	retryKinds: ReadonlySet<BromcomErrorKind>;
	/** First backoff ceiling; doubles each attempt. */
	baseMs: number;
	/** Largest backoff ceiling. */
	capMs: number;
	/** Largest Retry-After the client waits for; a longer one fails at once with the server's figure. */
	retryAfterCapMs: number;
}

export const POLICY: RetryPolicy = {
	attempts: 3,
	retryKinds: new Set<BromcomErrorKind>(['transient']),
	baseMs: 1000,
	capMs: 30_000,
	retryAfterCapMs: 120_000,
};

/** Whether `error`, after `attempt` attempts of `attempts`, should be tried again. */
export function shouldRetry(
	kind: CallKind,
	error: BromcomError,
	attempt: number,
	attempts: number,
	policy: RetryPolicy = POLICY,
): boolean {
	if (attempt >= attempts) return false;
	if (!policy.retryKinds.has(error.kind)) return false;
	if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.retryAfterCapMs) return false;
	// A write may only be re-sent when it provably never left this machine.
	if (kind === 'write') return error.notSent;
	return true;
}

/** Full jitter: a random wait between 0 and min(cap, base·2^(attempt-1)); Retry-After wins when longer. */
export function delayMs(
	attempt: number,
	error: Pick<BromcomError, 'retryAfterMs'> | undefined,
	policy: RetryPolicy = POLICY,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
	const jittered = Math.floor(random() * ceiling);
	const after = error?.retryAfterMs;
	return after !== undefined
		? Math.max(jittered, Math.min(after, policy.retryAfterCapMs))
		: jittered;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
	const text = Array.isArray(value) ? String(value[0] ?? '') : String(value ?? '');
	const trimmed = text.trim();
	if (trimmed === '') return undefined;
	if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
	const at = Date.parse(trimmed);
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - now);
}
