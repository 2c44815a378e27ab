/**
 * One canonical JSON text for a value: object keys sorted, arrays in order, `undefined` as null.
 * Two values that mean the same give the same text, so it can be hashed: the write-back idempotency
 * key (exact values) and the trigger's record digests (`scalar` trims trailing padding there).
 */
export function canonicalJson(
	value: unknown,
	scalar: (v: unknown) => string = exactScalar,
): string {
	if (value === null || typeof value !== 'object') return scalar(value);
	if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, scalar)).join(',')}]`;
	const obj = value as Record<string, unknown>;
	return `{${Object.keys(obj)
		.sort()
		.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], scalar)}`)
		.join(',')}}`;
}

function exactScalar(value: unknown): string {
	return JSON.stringify(value ?? null);
}
