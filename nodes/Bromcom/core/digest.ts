/**
 * Record digests for the trigger's snapshot: a 48-bit hash of a record's watched fields, computed
 * straight from the values as rows stream in (no text is built per record), written as 8 characters
 * that JSON stores as they are.
 *
 * What two records must share to have the same digest, whatever the route or the order of their
 * fields: the same field names and, per field, the same type and value, strings compared without
 * trailing whitespace (Bromcom pads some code columns: `AM` and `AM             ` are one value).
 * A missing field reads as NULL. Nested values (the Partner API may send them) are hashed through
 * their canonical JSON.
 *
 * Why 48 bits: a digest is only ever compared with the same key's digest from the previous poll, so a
 * real change goes unseen with probability 2^-48 per changed record; the state then costs 8
 * characters a record instead of the 11 of the 53-bit text (`hash53`), which it replaces.
 *
 * Pure: no n8n imports.
 */
import { canonicalJson } from './canonical';

export type Row = Record<string, unknown>;

/** Characters per digest in the state. */
export const DIGEST_WIDTH = 8;

/** 64 characters JSON writes without escaping, in digit order. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));

const M1 = 2654435761;
const M2 = 1597334677;

/** JavaScript's trimEnd whitespace (WhiteSpace and LineTerminator), so padding compares as trimEnd does. */
function isTrimmed(c: number): boolean {
	if (c > 32 && c < 127) return false;
	return (
		c === 32 ||
		(c >= 9 && c <= 13) ||
		c === 0xa0 ||
		c === 0x1680 ||
		(c >= 0x2000 && c <= 0x200a) ||
		c === 0x2028 ||
		c === 0x2029 ||
		c === 0x202f ||
		c === 0x205f ||
		c === 0x3000 ||
		c === 0xfeff
	);
}

/** No value seen yet in a field (distinct from every value, undefined included). */
const UNSEEN = {};

/**
 * A digester for one poll: `write(row, out, at)` puts the row's digest as 8 character codes into
 * `out` from `at`; `digest(row)` returns it as text. The plan (which fields, in which order) is worked
 * out once per record shape and reused while records keep it, as DataSet rows do.
 *
 * Each field's value is hashed on its own (two 32-bit lanes), then folded into the record's hash. A
 * field holding the same string as in the previous record (attendance rows repeat their dates, marks
 * and meanings row after row) reuses that string's hash: comparing is cheaper than hashing again.
 */
export class Digester {
	/** Field names as found on the records, in hashing order (sorted by the name asked for). */
	private fields: string[] = [];
	private seed1 = 0;
	private seed2 = 0;
	private planned = false;
	/** Per field: the last string hashed, and its two lanes. */
	private last: unknown[] = [];
	private lastA = new Int32Array(0);
	private lastB = new Int32Array(0);
	/** The lanes of the value `hashValue` hashed last. */
	private a = 0;
	private b = 0;

	/** @param watch Fields to Watch (empty: every field), matched case-insensitively. */
	constructor(private readonly watch: readonly string[]) {}

	/** The digest of `row` as text (for tests and one-off use). */
	digest(row: Row): string {
		const out = new Uint8Array(DIGEST_WIDTH);
		this.write(row, out, 0);
		return String.fromCharCode(...out);
	}

	write(row: Row, out: Uint8Array, at: number): void {
		if (!this.fits(row)) this.plan(row);
		let h1 = this.seed1;
		let h2 = this.seed2;
		const fields = this.fields;
		const last = this.last;
		for (let k = 0; k < fields.length; k++) {
			const v = row[fields[k]];
			let a: number;
			let b: number;
			if (typeof v === 'number' && (v | 0) === v) {
				// A 32-bit integer goes in as it is (each step is a bijection: one changed field always shows).
				a = v ^ 0x2f6b5a3d;
				b = v;
			} else if (typeof v === 'string' && v === last[k]) {
				a = this.lastA[k];
				b = this.lastB[k];
			} else {
				this.hashValue(v);
				a = this.a;
				b = this.b;
				if (typeof v === 'string') {
					last[k] = v;
					this.lastA[k] = a;
					this.lastB[k] = b;
				}
			}
			h1 = Math.imul(h1 ^ a, M1);
			h2 = Math.imul(h2 ^ b, M2);
		}
		this.finish(h1, h2, out, at);
	}

	/** Whether the current plan reads exactly this record's fields. */
	private fits(row: Row): boolean {
		if (!this.planned) return false;
		const fields = this.fields;
		if (this.watch.length > 0) {
			// A watched field that is absent reads as NULL: only a field now present under another case needs a new plan.
			for (let k = 0; k < fields.length; k++)
				if (row[fields[k]] === undefined && !(fields[k] in row)) return false;
			return true;
		}
		let count = 0;
		for (const name in row) if (Object.prototype.hasOwnProperty.call(row, name)) count++;
		if (count !== fields.length) return false;
		for (let k = 0; k < fields.length; k++)
			if (row[fields[k]] === undefined && !(fields[k] in row)) return false;
		return true;
	}

	private plan(row: Row): void {
		const keys = Object.keys(row);
		let names: string[];
		if (this.watch.length === 0) {
			names = keys.slice().sort();
			this.fields = names;
		} else {
			names = this.watch.slice().sort();
			this.fields = names.map(
				(field) => keys.find((k) => k.toLowerCase() === field.toLowerCase()) ?? field,
			);
		}
		// The names asked for go into the seed (a record's shape is part of what it is).
		let h1 = Math.imul(0xdeadbeef ^ names.length, M1);
		let h2 = Math.imul(0x41c6ce57 ^ names.length, M2);
		for (const name of names) {
			this.hashText(name.toLowerCase(), name.length, 9);
			h1 = Math.imul(h1 ^ this.a, M1);
			h2 = Math.imul(h2 ^ this.b, M2);
		}
		this.seed1 = h1;
		this.seed2 = h2;
		this.last = names.map(() => UNSEEN);
		this.lastA = new Int32Array(names.length);
		this.lastB = new Int32Array(names.length);
		this.planned = true;
	}

	/** Hashes `text` up to `end` into the two lanes, from seeds that depend on `tag` and the length. */
	private hashText(text: string, end: number, tag: number): void {
		let a = Math.imul(0x9e3779b9 ^ tag ^ (end << 4), M1);
		let b = Math.imul(0x85ebca6b ^ tag ^ (end << 4), M2);
		let i = 0;
		// Two characters a step.
		for (; i + 1 < end; i += 2) {
			const c = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
			a = Math.imul(a ^ c, M1);
			b = Math.imul(b ^ c, M2);
		}
		if (i < end) {
			const c = text.charCodeAt(i);
			a = Math.imul(a ^ c, M1);
			b = Math.imul(b ^ c, M2);
		}
		this.a = a ^ (b >>> 15);
		this.b = b ^ (a >>> 13);
	}

	/** The lanes of any value but a 32-bit integer: by type, then by value. */
	private hashValue(v: unknown): void {
		if (typeof v === 'string') {
			let end = v.length;
			while (end > 0 && isTrimmed(v.charCodeAt(end - 1))) end--;
			this.hashText(v, end, 1);
		} else if (typeof v === 'number') {
			if (Number.isSafeInteger(v)) {
				// A large integer (a 64-bit ID, a time in ms) as its two 32-bit halves, without making text.
				const low = (v % 4294967296) | 0;
				const high = Math.floor(v / 4294967296) | 0;
				this.a = Math.imul(low ^ 0x3c6ef372, M1) ^ high;
				this.b = Math.imul(high ^ 0xa54ff53a, M2) ^ low;
			} else {
				const text = String(v);
				this.hashText(text, text.length, 3);
			}
		} else if (typeof v === 'boolean') {
			this.a = v ? 0x74727565 : 0x66616c73;
			this.b = ~this.a;
		} else if (v === null || v === undefined) {
			this.a = 0x6e756c6c;
			this.b = 0x4e554c4c;
		} else {
			const text = canonicalJson(v, scalar);
			this.hashText(text, text.length, 7);
		}
	}

	private finish(h1: number, h2: number, out: Uint8Array, at: number): void {
		h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
		h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
		// 48 bits: all of h1 and the low 16 of h2, six bits a character.
		out[at] = CODES[h1 & 63];
		out[at + 1] = CODES[(h1 >>> 6) & 63];
		out[at + 2] = CODES[(h1 >>> 12) & 63];
		out[at + 3] = CODES[(h1 >>> 18) & 63];
		out[at + 4] = CODES[(h1 >>> 24) & 63];
		out[at + 5] = CODES[((h1 >>> 30) | (h2 << 2)) & 63];
		out[at + 6] = CODES[(h2 >>> 4) & 63];
		out[at + 7] = CODES[(h2 >>> 10) & 63];
	}
}

/** Scalars inside nested values: trailing padding does not count there either. */
function scalar(value: unknown): string {
	return JSON.stringify(typeof value === 'string' ? value.trimEnd() : (value ?? null));
}

const ascii = new TextDecoder('utf-8');

/** Digest character codes (ASCII) as a string. */
export function codesToText(codes: Uint8Array, length: number): string {
	return ascii.decode(codes.subarray(0, length));
}
