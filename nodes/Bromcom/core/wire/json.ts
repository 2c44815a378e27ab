/**
 * The Partner API's JSON envelope read as it streams in: `{"success": true, "data": [ {row}, … ],
 * "meta": {"pagination": {"next": …}}}` (docs/bromcom-facts.md, Partner API). Rows come out one by one
 * as their closing brace arrives, so a page of 100,000 rows is never one string; every other top-level
 * member (success, meta, message, …) is kept whole (they are small, and capped).
 *
 * One pass over the text, linear in its size, whatever the chunking: a character-level state machine
 * that tracks strings, escapes and nesting, and hands each complete row's text to JSON.parse. `data`
 * may also be one object (a public client handles that) or null. Whatever the input, the reader throws
 * only BromcomErrors.
 *
 * Pure: no n8n imports.
 */
import { BromcomError } from './errors';

export type JsonRow = Record<string, unknown>;

export interface JsonEnvelope {
	/** The top-level members other than `data`, parsed. */
	members: Record<string, unknown>;
	/** Whether a `data` member was present (an array, one object or null). */
	hasData: boolean;
}

/** No single row or member may make the reader hold more than this. */
const VALUE_CAP = 256 * 1024 * 1024;
/** Members other than `data` (success, meta, message) are small; more than this is not an envelope. */
const MEMBER_CAP = 16 * 1024 * 1024;

type Mode =
	| 'start'
	| 'keyOrEnd'
	| 'key'
	| 'colon'
	| 'value'
	| 'elementOrEnd'
	| 'element'
	| 'afterElement'
	| 'afterValue'
	| 'done';

function payloadError(message: string): BromcomError {
	return new BromcomError({ kind: 'unexpectedPayload', message });
}

/** JSON's whitespace (RFC 8259 §2): a byte-order mark is not, except as a body's first character. */
function isSpace(c: number): boolean {
	return c === 32 || c === 10 || c === 13 || c === 9;
}

/** What a value's first character makes it, for the capture. */
type Capture = {
	/** Text of the value so far (across chunks). */
	text: string;
	/** 'string', 'container' or 'primitive'. */
	shape: 'string' | 'container' | 'primitive';
	depth: number;
	inString: boolean;
	escaped: boolean;
	/** What the finished value is: the key of the envelope, one row, or another member. */
	role: 'key' | 'row' | 'member';
};

export class JsonEnvelopeReader {
	private mode: Mode = 'start';
	private capture: Capture | null = null;
	private key = '';
	private readonly members: Record<string, unknown> = {};
	private hasData = false;
	private seen = 0;
	/** The first characters, for the error when the body is not JSON at all (an HTML page). */
	private head = '';
	/** No character read yet: a byte-order mark here is not part of the JSON (RFC 8259 §8.1). */
	private first = true;

	/** Characters held for an unfinished value. */
	get buffered(): number {
		return this.capture?.text.length ?? 0;
	}

	/** Whether the envelope's closing brace has arrived. */
	get complete(): boolean {
		return this.mode === 'done';
	}

	/** The first characters of the body (for messages about a body that is not JSON). */
	get start(): string {
		return this.head;
	}

	/** Feeds the next piece of text; returns the rows it completed. */
	write(chunk: string): JsonRow[] {
		const rows: JsonRow[] = [];
		if (this.head.length < 2048) this.head += chunk.slice(0, 2048 - this.head.length);
		this.seen += chunk.length;
		let k = 0;
		const n = chunk.length;
		while (k < n) {
			if (this.capture !== null) {
				k = this.continueCapture(chunk, k, rows);
				continue;
			}
			const c = chunk.charCodeAt(k);
			if (this.first) {
				this.first = false;
				if (c === 0xfeff) {
					k++;
					continue;
				}
			}
			if (isSpace(c)) {
				k++;
				continue;
			}
			switch (this.mode) {
				case 'start':
					if (c !== 123 /* { */) throw this.notJson();
					this.mode = 'keyOrEnd';
					k++;
					break;
				case 'keyOrEnd':
				case 'key':
					if (c === 125 /* } */ && this.mode === 'keyOrEnd') {
						this.mode = 'done';
						k++;
						break;
					}
					if (c !== 34 /* " */) throw this.broken('a member name');
					this.begin('string', 'key');
					break;
				case 'colon':
					if (c !== 58 /* : */) throw this.broken('":"');
					this.mode = 'value';
					k++;
					break;
				case 'value':
					// JSON.parse would keep the last "data"; rows of the first may be handed on already, and
					// which one a server meant is unknown: an answer with two is refused.
					if (this.key === 'data' && this.hasData)
						throw payloadError(
							`The Partner API's answer holds "data" twice (near character ${this.seen}): it is not an answer this node can read.`,
						);
					if (this.key === 'data' && c === 91 /* [ */) {
						this.hasData = true;
						this.mode = 'elementOrEnd';
						k++;
						break;
					}
					this.begin(this.shapeOf(c), 'member');
					break;
				case 'elementOrEnd':
				case 'element':
					if (c === 93 /* ] */ && this.mode === 'elementOrEnd') {
						this.mode = 'afterValue';
						k++;
						break;
					}
					if (c !== 123 /* { */) throw this.broken('a row (a JSON object) in "data"');
					this.begin('container', 'row');
					break;
				case 'afterElement':
					if (c === 44 /* , */) this.mode = 'element';
					else if (c === 93 /* ] */) this.mode = 'afterValue';
					else throw this.broken('"," or "]" after a row');
					k++;
					break;
				case 'afterValue':
					if (c === 44 /* , */) this.mode = 'key';
					else if (c === 125 /* } */) this.mode = 'done';
					else throw this.broken('"," or "}" after a member');
					k++;
					break;
				case 'done':
					throw this.broken('the end of the document');
			}
		}
		return rows;
	}

	/** The end of the body: the envelope's members, or an error if it was cut off. */
	end(): JsonEnvelope {
		if (this.capture !== null && this.capture.shape === 'primitive' && this.mode !== 'done') {
			// A bare primitive can only end at a delimiter, never at the end of the envelope.
			throw this.cutOff();
		}
		if (this.mode === 'start') throw this.notJson();
		if (this.mode !== 'done') throw this.cutOff();
		return { members: this.members, hasData: this.hasData };
	}

	private shapeOf(c: number): Capture['shape'] {
		if (c === 34) return 'string';
		if (c === 123 || c === 91) return 'container';
		return 'primitive';
	}

	private begin(shape: Capture['shape'], role: Capture['role']) {
		this.capture = { text: '', shape, depth: 0, inString: false, escaped: false, role };
	}

	/** Scans from `k` until the captured value ends (or the chunk does); returns the next index. */
	private continueCapture(chunk: string, from: number, rows: JsonRow[]): number {
		const cap = this.capture!;
		const n = chunk.length;
		let k = from;
		let ended = false;
		if (cap.shape === 'primitive') {
			while (k < n) {
				const c = chunk.charCodeAt(k);
				if (c === 44 || c === 125 || c === 93 || isSpace(c)) {
					ended = true;
					break;
				}
				k++;
			}
			cap.text += chunk.slice(from, k);
		} else {
			// Strings and containers: the value ends at its closing quote / bracket.
			let inString = cap.inString;
			let escaped = cap.escaped;
			let depth = cap.depth;
			const first = cap.text.length === 0;
			if (first && cap.shape === 'string') {
				inString = true;
				k++;
			}
			while (k < n) {
				const c = chunk.charCodeAt(k++);
				if (inString) {
					if (escaped) escaped = false;
					else if (c === 92 /* \ */) escaped = true;
					else if (c === 34) {
						inString = false;
						if (cap.shape === 'string') {
							ended = true;
							break;
						}
					}
					continue;
				}
				if (c === 34) inString = true;
				else if (c === 123 || c === 91) depth++;
				else if (c === 125 || c === 93) {
					depth--;
					if (depth === 0) {
						ended = true;
						break;
					}
				}
			}
			cap.inString = inString;
			cap.escaped = escaped;
			cap.depth = depth;
			cap.text += chunk.slice(from, k);
		}
		const limit = cap.role === 'member' && this.key !== 'data' ? MEMBER_CAP : VALUE_CAP;
		if (cap.text.length > limit) {
			throw payloadError(
				`The Partner API's answer holds a single value larger than ${Math.round(limit / 1048576)} MB: it is not an answer this node can read.`,
			);
		}
		if (ended) this.finish(rows);
		return k;
	}

	private finish(rows: JsonRow[]) {
		const cap = this.capture!;
		this.capture = null;
		let value: unknown;
		try {
			value = JSON.parse(cap.text);
		} catch {
			throw this.broken('a valid JSON value');
		}
		if (cap.role === 'key') {
			this.key = String(value);
			this.mode = 'colon';
			return;
		}
		if (cap.role === 'row') {
			rows.push(value as JsonRow);
			this.mode = 'afterElement';
			return;
		}
		if (this.key === 'data') {
			this.hasData = true;
			if (value !== null && typeof value === 'object' && !Array.isArray(value))
				rows.push(value as JsonRow);
			else if (value !== null) throw this.broken('rows (a JSON array or object) in "data"');
		} else {
			// Defined, not assigned: a member named "__proto__" is data, as JSON.parse makes it.
			Object.defineProperty(this.members, this.key, {
				value,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		this.mode = 'afterValue';
	}

	private notJson(): BromcomError {
		const text = this.head.trimStart();
		const page = /^<(!doctype|html)/i.test(text)
			? 'a web page (HTML)'
			: text.startsWith('<')
				? 'XML'
				: text.length === 0
					? 'an empty body'
					: 'text that is not JSON';
		return payloadError(
			`The Partner API answered with ${page}, not a JSON answer: check the Base URL in the Bromcom Partner API credential.`,
		);
	}

	private broken(expected: string): BromcomError {
		return payloadError(
			`The Partner API's answer is not valid JSON (expected ${expected} near character ${this.seen}).`,
		);
	}

	private cutOff(): BromcomError {
		return new BromcomError({
			kind: 'transient',
			message: `The Partner API's answer was cut off after ${this.seen} characters (the connection ended before the JSON did).`,
		});
	}
}
