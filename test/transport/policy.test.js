/**
 * The client's one failure policy, as data: which failures retry, full-jitter backoff, Retry-After.
 */
const fc = require('fast-check');
const {
	POLICY,
	shouldRetry,
	delayMs,
	parseRetryAfter,
} = require('../../nodes/Bromcom/core/policy');
const { BromcomError } = require('../../nodes/Bromcom/core/wire/errors');

const err = (kind, extra = {}) => new BromcomError({ kind, message: 'x', ...extra });

test('reads retry transient failures only, up to the attempts', () => {
	expect(shouldRetry('read', err('transient'), 1, 3)).toBe(true);
	expect(shouldRetry('read', err('transient'), 3, 3)).toBe(false);
	for (const kind of [
		'credentials',
		'entityNotPermitted',
		'badFilter',
		'unexpectedPayload',
		'invalidInput',
		'school',
	]) {
		expect(shouldRetry('read', err(kind), 1, 3)).toBe(false);
	}
});

test('a write is re-sent only when it provably never left', () => {
	expect(shouldRetry('write', err('transient', { notSent: true }), 1, 3)).toBe(true);
	expect(shouldRetry('write', err('transient', { notSent: false }), 1, 3)).toBe(false);
	expect(shouldRetry('write', err('transient', { httpCode: 503 }), 1, 3)).toBe(false);
});

test('a Retry-After beyond the cap is not waited for', () => {
	expect(
		shouldRetry('read', err('transient', { retryAfterMs: POLICY.retryAfterCapMs + 1 }), 1, 3),
	).toBe(false);
	expect(shouldRetry('read', err('transient', { retryAfterMs: 1000 }), 1, 3)).toBe(true);
});

test('full jitter: every delay lies in [0, min(cap, base·2^(n-1))), Retry-After is a floor', () => {
	fc.assert(
		fc.property(
			fc.integer({ min: 1, max: 40 }),
			fc.double({ min: 0, max: 0.999999, noNaN: true }),
			fc.option(fc.integer({ min: 0, max: 500000 })),
			(attempt, r, after) => {
				const ceiling = Math.min(POLICY.capMs, POLICY.baseMs * 2 ** (attempt - 1));
				const d = delayMs(
					attempt,
					after === null ? undefined : { retryAfterMs: after },
					POLICY,
					() => r,
				);
				if (after === null) return d >= 0 && d < ceiling;
				return (
					d >= Math.min(after, POLICY.retryAfterCapMs) &&
					d <= Math.max(ceiling, POLICY.retryAfterCapMs)
				);
			},
		),
	);
});

test('Retry-After as seconds or as an HTTP date', () => {
	expect(parseRetryAfter('7')).toBe(7000);
	expect(parseRetryAfter(['2'])).toBe(2000);
	const now = Date.parse('2026-12-01T10:00:00Z');
	expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30000);
	expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
	expect(parseRetryAfter('soon')).toBeUndefined();
	expect(parseRetryAfter(undefined)).toBeUndefined();
});
