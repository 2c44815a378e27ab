// @ts-nocheck
/* Version 1 of nodes/Bromcom/core/canonical.ts as of commit 0533329, compiled by tsc (target es2019): the
 * bench's peer for the trigger (section 4), run in the same process as the current code. */
'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.canonicalJson = canonicalJson;
/**
 * One canonical JSON text for a value: object keys sorted, arrays in order, `undefined` as null.
 * Two values that mean the same give the same text, so it can be hashed: the write-back idempotency
 * key (exact values) and the trigger's record digests (`scalar` trims trailing padding there).
 */
function canonicalJson(value, scalar = exactScalar) {
	if (value === null || typeof value !== 'object') return scalar(value);
	if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, scalar)).join(',')}]`;
	const obj = value;
	return `{${Object.keys(obj)
		.sort()
		.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], scalar)}`)
		.join(',')}}`;
}
function exactScalar(value) {
	return JSON.stringify(value !== null && value !== void 0 ? value : null);
}
