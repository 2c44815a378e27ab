/**
 * Change detection from snapshots. Bromcom has no change feed, no deletions feed and no webhooks
 * (docs/bromcom-facts.md, Changes), so the trigger compares each poll's records with a compact memory of
 * the last accepted snapshot: per key, a digest of the watched fields (plus their old values only when
 * the output needs them), and tombstones for records that left, so a return is "restored", not "new".
 *
 * Records are compared as they stream in (`PollDiff.add`, row by row from the reader): each is keyed,
 * digested and checked against the state at once, and only the rows that changed are kept, so a poll
 * of 500,000 rows holds their keys and digests, not the rows.
 *
 * A record whose key columns are NULL or empty has no identity (a .NET DataSet omits NULL columns, so
 * the element is simply absent): it is never merged with another record, never known, never Left;
 * the poll counts it per column for the caller to report.
 *
 * Pure: plain data in, plain data out. The caller persists `next` only when the poll succeeded.
 */

import { canonicalJson } from './canonical';
import { codesToText, Digester, DIGEST_WIDTH, type Row } from './digest';

export type { Row } from './digest';

/** Version 2: keys in one string, digests in another. Version 1 (key → 53-bit digest text) is upgraded on read. */
export const STATE_VERSION = 2;

export type ChangeEvent = 'new' | 'updated' | 'left' | 'restored';

export interface SnapshotState {
	v: number;
	/** Fingerprint of what is watched (entity, school, filter, key, fields): a change re-baselines. */
	fp: string;
	/** When the baseline was taken (epoch seconds). */
	since: number;
	/**
	 * The known keys, in the order the last accepted poll read them, joined by "," (`joinKeys`): one
	 * string, 1 character a key more than the key itself, and nothing for n8n to walk through when it
	 * loads the workflow's static data.
	 */
	k: string;
	/** Their digests, `DIGEST_WIDTH` characters each, in the same order. */
	d: string;
	/**
	 * Keys whose digest is still a version-1 one (their entry in `d` is `LEGACY`): a state written before
	 * the upgrade, while a mass change holds the record (its current values are not accepted yet).
	 */
	l?: Record<string, string>;
	/** key → watched-field values, only kept when Old Version output is on. */
	o?: Record<string, Row>;
	/** Left records: key → left at (epoch seconds). */
	t: Record<string, number>;
	/** A mass change on hold. */
	hold?: MassChangeHold;
	/** Signature of the entity's columns at the baseline: a column added or removed re-baselines. */
	cols?: string;
	/** How many records had no key in the last accepted poll (the trigger reports a change of it). */
	nk?: number;
}

/** The state as version 1 wrote it (kept readable: an existing trigger upgrades without a flood). */
export interface LegacyState {
	v: 1;
	fp: string;
	since: number;
	/** key → 53-bit digest text of the watched fields. */
	r: Record<string, string>;
	o?: Record<string, Row>;
	/** key → [digest, left at]. */
	t: Record<string, [string, number]>;
	hold?: MassChangeHold;
	cols?: string;
}

/** A `d` entry meaning "compare with `l[key]`, the version-1 digest". Not a digest character. */
const LEGACY = '*'.repeat(DIGEST_WIDTH);
const LEGACY_CODE = 42;

export interface MassChangeHold {
	id: string;
	detectedAt: number;
	polls: number;
	counts: Record<'updated' | 'left', number>;
	/** Updated + Left when the notice with this id went out: what acknowledging the id lets through. */
	announced?: number;
}

export interface SnapshotConfig {
	fingerprint: string;
	/** Fields whose changes count as Updated; empty = every field. */
	watch: string[];
	keepOld: boolean;
	guard: {
		enabled: boolean;
		thresholdPercent: number;
		minimumRecords: number;
		acceptAfterPolls: number;
		acknowledgeId: string;
	};
	tombstoneDays: number;
}

export interface Change {
	event: ChangeEvent;
	key: string;
	current?: Row;
	previous?: Row;
	differences?: Record<string, { previous: unknown; current: unknown }>;
}

export interface MassChange {
	id: string;
	known: number;
	counts: Record<ChangeEvent, number>;
	thresholdPercent: number;
	samples: Record<'updated' | 'left', string[]>;
	pollsHeld: number;
	firstDetection: boolean;
}

export interface DiffResult {
	next: SnapshotState;
	changes: Change[];
	/** Present when Left/Updated events are held back by the guard. */
	massChange?: MassChange;
	baseline: boolean;
}

/** cyrb53: a fast 53-bit string hash (fingerprints, column signatures, mass-change IDs). */
export function hash53(text: string, seed = 0): string {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The watched part of a record, with field names matched case-insensitively. */
export function watchedValues(record: Row, watch: string[]): Row {
	if (watch.length === 0) return record;
	const out: Row = {};
	const keys = Object.keys(record);
	for (const field of watch) {
		const key = keys.find((k) => k.toLowerCase() === field.toLowerCase()) ?? field;
		out[key] = record[key] ?? null;
	}
	return out;
}

/** Values compare without trailing padding (`AM` vs `AM             `). */
function scalar(value: unknown): string {
	return JSON.stringify(typeof value === 'string' ? value.trimEnd() : (value ?? null));
}

const canonical = (value: unknown): string => canonicalJson(value, scalar);

/** A record's digest (the one the state keeps), for one-off use and tests. */
export function digest(record: Row, watch: string[]): string {
	return new Digester(watch).digest(record);
}

/** Version 1's digest (53-bit hash of the canonical JSON): only to compare with a state written by it. */
export function legacyDigest(record: Row, watch: string[]): string {
	return hash53(canonical(watchedValues(record, watch)));
}

export function differences(
	previous: Row,
	current: Row,
): Record<string, { previous: unknown; current: unknown }> {
	const out: Record<string, { previous: unknown; current: unknown }> = {};
	for (const field of Object.keys(previous)) {
		if (canonical(previous[field]) !== canonical(current[field] ?? null))
			out[field] = { previous: previous[field], current: current[field] ?? null };
	}
	return out;
}

export function emptyState(fingerprint: string, now: number): SnapshotState {
	return { v: STATE_VERSION, fp: fingerprint, since: now, k: '', d: '', t: {} };
}

/** Keys as one text: joined by ",", a "," or "%" inside a key written as %2C or %25. */
export function joinKeys(keys: readonly string[]): string {
	const text = keys.join(',');
	// Plain keys (the usual numeric IDs): the joined text has no "%" and one "," between each two keys.
	if (text.indexOf('%') === -1) {
		let commas = 0;
		for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) commas++;
		if (commas === Math.max(0, keys.length - 1)) return text;
	}
	return keys.map((key) => key.replace(/%/g, '%25').replace(/,/g, '%2C')).join(',');
}

/** The keys of `joinKeys(keys)`; `count` of them (the text of no key and of one key "" would read alike). */
export function splitKeys(text: string, count: number): string[] {
	if (count === 0) return [];
	const keys = text.split(',');
	for (let i = 0; i < keys.length; i++)
		if (keys[i].indexOf('%') !== -1) keys[i] = keys[i].replace(/%2C/g, ',').replace(/%25/g, '%');
	return keys;
}

/** Whether a stored state (of either version) can be diffed against under this configuration. */
export function isCompatible(
	state: unknown,
	config: SnapshotConfig,
): state is SnapshotState | LegacyState {
	const s = state as (Partial<SnapshotState> & Partial<Omit<LegacyState, 'v'>>) | undefined;
	if (!s || s.fp !== config.fingerprint || typeof s.t !== 'object' || s.t === null) return false;
	if (config.keepOld && (typeof s.o !== 'object' || s.o === null)) return false;
	if (s.v === 1) return typeof s.r === 'object' && s.r !== null;
	if (s.v !== STATE_VERSION || typeof s.k !== 'string' || typeof s.d !== 'string') return false;
	const count = s.d.length / DIGEST_WIDTH;
	if (!Number.isInteger(count)) return false;
	// As many keys as digests: commas + 1 (no key has a comma in its written form).
	let commas = 0;
	for (let i = s.k.indexOf(','); i !== -1; i = s.k.indexOf(',', i + 1)) commas++;
	return count === 0 ? s.k === '' : commas + 1 === count;
}

/**
 * A version-1 state in version 2's shape, the digests left as version 1's (compared with
 * `legacyDigest` on the first poll after the upgrade, then replaced). The key "" goes: version 1 merged
 * every record with a NULL key into it, and such records have no identity now (no Left for it).
 */
export function upgradeState(state: SnapshotState | LegacyState): SnapshotState {
	if (state.v !== 1) return state as SnapshotState;
	const legacy = state as LegacyState;
	const k = Object.keys(legacy.r).filter((key) => key !== '');
	const l: Record<string, string> = {};
	for (const key of k) l[key] = legacy.r[key];
	const t: Record<string, number> = {};
	for (const [key, entry] of Object.entries(legacy.t))
		if (key !== '') t[key] = Array.isArray(entry) ? Number(entry[1]) : Number(entry);
	const out: SnapshotState = {
		v: STATE_VERSION,
		fp: legacy.fp,
		since: legacy.since,
		k: joinKeys(k),
		d: LEGACY.repeat(k.length),
		l,
		t,
	};
	if (legacy.o) {
		out.o = {};
		for (const key of k) if (legacy.o[key] !== undefined) out.o[key] = legacy.o[key];
	}
	if (legacy.hold) out.hold = legacy.hold;
	if (legacy.cols !== undefined) out.cols = legacy.cols;
	return out;
}

/** The keys a state knows (either version). */
export function knownKeys(state: SnapshotState | LegacyState): string[] {
	if (state.v === 1) return Object.keys((state as LegacyState).r);
	const s = state as SnapshotState;
	return splitKeys(s.k, s.d.length / DIGEST_WIDTH);
}

/**
 * Records' keys from their key columns, matched case-insensitively (rows of one read share their
 * columns, so the match is found once). A record whose key column is NULL, absent or blank has no
 * key: `of` returns undefined and counts it against the column.
 */
export class RecordKeys {
	/** Rows without a key, per key column that was NULL or blank (a row may count for several). */
	readonly missing: Record<string, number> = {};
	private names: string[] = [];

	constructor(private readonly columns: readonly string[]) {}

	of(row: Row): string | undefined {
		const columns = this.columns;
		let key = '';
		let keyless = false;
		for (let c = 0; c < columns.length; c++) {
			let name = this.names[c];
			if (name === undefined || !(name in row)) {
				name =
					Object.keys(row).find((k) => k.toLowerCase() === columns[c].toLowerCase()) ?? columns[c];
				this.names[c] = name;
			}
			const value = row[name];
			const text = value === null || value === undefined ? '' : String(value);
			if (text.trim() === '') {
				this.missing[columns[c]] = (this.missing[columns[c]] ?? 0) + 1;
				keyless = true;
			}
			key += c === 0 ? text : `:${text}`;
		}
		// Version 1's keys, so that a stored state keeps matching: the parts joined, trailing padding off.
		return keyless ? undefined : key.trimEnd();
	}
}

export interface PollOptions {
	/** Keep every record (Emit Existing Records on a first run). */
	keepRows?: boolean;
	/** Keep the first records read, up to this many (the manual test's sample). */
	sample?: number;
}

export interface PollResult {
	/** Records with a key (each key once). */
	records: number;
	/** Rows without a key, in all, and per key column. */
	keyless: { count: number; columns: Record<string, number> };
	/** What a quiet new baseline would hold: every keyed record of this poll, nothing left, nothing held. */
	baseline: SnapshotState;
	/** The comparison with the state, when there was one. */
	diff?: DiffResult;
	/**
	 * A quiet new baseline that still remembers who left (when there was a state): the records of this
	 * poll, and as left the state's tombstones and the records it knew that are gone now. For a baseline
	 * taken because the columns changed, so that a leaver's return is still Restored, not New.
	 */
	rebaseline?: SnapshotState;
	sample: Array<[string, Row]>;
	/** Every keyed record (only with `keepRows`). */
	rows?: Array<[string, Row]>;
}

interface Held {
	change: Change;
	/** The record's place in the old state. */
	old: number;
	/** Its place in the new keys (updated records), or -1 (left ones, appended when held). */
	at: number;
}

/**
 * One poll's comparison, fed record by record as they are read. `state` is the stored state (either
 * version, already checked with `isCompatible`), or undefined for a first run / new baseline.
 */
export class PollDiff {
	private readonly old: SnapshotState | undefined;
	private readonly oldKeys: string[];
	private readonly digester: Digester;
	private readonly keys: RecordKeys | undefined;
	private readonly seenOld: Uint8Array;
	private readonly seenNew = new Set<string>();
	private index: Map<string, number> | undefined;
	private cursor = 0;
	private readonly nextKeys: string[] = [];
	private codes = new Uint8Array(DIGEST_WIDTH * 1024);
	private readonly nextOld: Record<string, Row> | undefined;
	private readonly fresh: Change[] = [];
	private readonly held: Held[] = [];
	private readonly counts: Record<ChangeEvent, number> = {
		new: 0,
		updated: 0,
		left: 0,
		restored: 0,
	};
	private keyless = 0;
	private readonly keylessByColumn: Record<string, number> = {};
	private readonly sample: Array<[string, Row]> = [];
	private readonly rows: Array<[string, Row]> | undefined;
	private finished = false;

	constructor(
		state: SnapshotState | LegacyState | undefined,
		private readonly config: SnapshotConfig,
		private readonly now: number,
		keyColumns: readonly string[] | undefined,
		private readonly options: PollOptions = {},
	) {
		this.old = state === undefined ? undefined : upgradeState(state);
		this.oldKeys = this.old ? knownKeys(this.old) : [];
		this.digester = new Digester(config.watch);
		this.keys = keyColumns === undefined ? undefined : new RecordKeys(keyColumns);
		this.seenOld = new Uint8Array(this.oldKeys.length);
		this.nextOld = config.keepOld ? {} : undefined;
		this.rows = options.keepRows ? [] : undefined;
	}

	/** A record read from Bromcom, keyed by the key columns given to the constructor. */
	add(row: Row): void {
		if (this.keys === undefined) throw new Error('PollDiff.add needs key columns: use addKeyed');
		const key = this.keys.of(row);
		if (key === undefined) this.keyless++;
		else this.addKeyed(key, row);
	}

	/** A record with its key worked out by the caller; "" is no key. */
	addKeyed(key: string, row: Row): void {
		if (key === '') {
			this.keyless++;
			this.keylessByColumn[''] = (this.keylessByColumn[''] ?? 0) + 1;
			return;
		}
		const old = this.old;
		const index = old === undefined ? -1 : this.lookup(key);
		// Duplicate rows for one key (StudentFlatView can repeat them): the first one counts.
		if (index >= 0) {
			if (this.seenOld[index] === 1) return;
			this.seenOld[index] = 1;
		} else {
			if (this.seenNew.has(key)) return;
			this.seenNew.add(key);
		}
		const at = this.nextKeys.length;
		const pos = at * DIGEST_WIDTH;
		if (pos + DIGEST_WIDTH > this.codes.length) {
			const grown = new Uint8Array(this.codes.length * 2);
			grown.set(this.codes);
			this.codes = grown;
		}
		this.digester.write(row, this.codes, pos);
		this.nextKeys.push(key);
		if (this.nextOld) this.nextOld[key] = watchedValues(row, this.config.watch);
		if (this.sample.length < (this.options.sample ?? 0)) this.sample.push([key, row]);
		if (this.rows) this.rows.push([key, row]);
		if (old === undefined) return;
		if (index === -1) {
			const event: ChangeEvent = key in old.t ? 'restored' : 'new';
			this.counts[event]++;
			this.fresh.push({ event, key, current: row });
		} else if (!this.same(index, pos, key, row)) {
			this.counts.updated++;
			const change: Change = { event: 'updated', key, current: row };
			const previous = old.o?.[key];
			if (previous) {
				change.previous = previous;
				change.differences = differences(previous, watchedValues(row, this.config.watch));
			}
			this.held.push({ change, old: index, at });
		}
	}

	/** The position of `key` in the old state: the next one in order is tried first (rows keep their order). */
	private lookup(key: string): number {
		const k = this.oldKeys;
		if (this.cursor < k.length && k[this.cursor] === key) return this.cursor++;
		if (this.index === undefined) {
			this.index = new Map();
			for (let i = 0; i < k.length; i++) if (!this.index.has(k[i])) this.index.set(k[i], i);
		}
		const i = this.index.get(key);
		if (i === undefined) return -1;
		this.cursor = i + 1;
		return i;
	}

	/** Whether the record's new digest (at `pos`) is the old one at `index`. */
	private same(index: number, pos: number, key: string, row: Row): boolean {
		const d = this.old!.d;
		const from = index * DIGEST_WIDTH;
		if (d.charCodeAt(from) === LEGACY_CODE)
			return this.old!.l?.[key] === legacyDigest(row, this.config.watch);
		const codes = this.codes;
		for (let j = 0; j < DIGEST_WIDTH; j++)
			if (codes[pos + j] !== d.charCodeAt(from + j)) return false;
		return true;
	}

	finish(): PollResult {
		if (this.finished) throw new Error('PollDiff.finish called twice');
		this.finished = true;
		const fp = this.config.fingerprint;
		const baselineState: SnapshotState = {
			...emptyState(fp, this.now),
			k: joinKeys(this.nextKeys),
			d: codesToText(this.codes, this.nextKeys.length * DIGEST_WIDTH),
		};
		if (this.nextOld) baselineState.o = this.nextOld;
		const columns = { ...(this.keys?.missing ?? {}), ...this.keylessByColumn };
		const result: PollResult = {
			records: this.nextKeys.length,
			keyless: { count: this.keyless, columns },
			baseline: baselineState,
			sample: this.sample,
			...(this.rows ? { rows: this.rows } : {}),
		};
		if (this.old !== undefined) {
			result.rebaseline = this.keepingLeft(baselineState);
			result.diff = this.compare(baselineState);
		}
		return result;
	}

	private keepingLeft(current: SnapshotState): SnapshotState {
		const t: Record<string, number> = { ...this.old!.t };
		for (let i = 0; i < this.oldKeys.length; i++)
			if (this.seenOld[i] !== 1) t[this.oldKeys[i]] = this.now;
		for (const change of this.fresh) delete t[change.key];
		const cutoff = this.now - this.config.tombstoneDays * 86400;
		for (const [key, leftAt] of Object.entries(t)) if (leftAt < cutoff) delete t[key];
		return { ...current, t };
	}

	private compare(current: SnapshotState): DiffResult {
		const state = this.old!;
		const oldKeys = this.oldKeys;
		const config = this.config;
		const now = this.now;
		const counts = this.counts;
		const held = this.held;
		const legacy: Record<string, string> = {};
		const next: SnapshotState = {
			v: STATE_VERSION,
			fp: state.fp,
			since: state.since,
			k: current.k,
			d: '',
			t: { ...state.t },
			...(state.cols !== undefined ? { cols: state.cols } : {}),
		};
		if (current.o) next.o = { ...current.o };
		for (const change of this.fresh) delete next.t[change.key];
		for (let i = 0; i < oldKeys.length; i++) {
			if (this.seenOld[i] === 1) continue;
			const key = oldKeys[i];
			counts.left++;
			next.t[key] = now;
			held.push({ change: { event: 'left', key, previous: state.o?.[key] }, old: i, at: -1 });
		}
		// Tombstones are kept long enough to recognise a return (a re-enrolment next year).
		const cutoff = now - config.tombstoneDays * 86400;
		for (const [key, leftAt] of Object.entries(next.t)) if (leftAt < cutoff) delete next.t[key];

		const known = oldKeys.length;
		const disruptive = counts.updated + counts.left;
		// A poll that returns nothing while records were known (a revoked permission, an emptied view) is
		// held whatever the school's size: below Minimum Records only that case is guarded.
		const emptied = known > 0 && this.nextKeys.length === 0;
		const tooMany =
			config.guard.enabled &&
			(emptied ||
				(known >= config.guard.minimumRecords &&
					disruptive * 100 > config.guard.thresholdPercent * known));
		const changes = [...this.fresh, ...held.map((h) => h.change)];
		// An id lets through what its notice announced, no more: a held change that has grown since by more
		// than the threshold allows (or now empties what was not empty) is a new mass change with a new id
		// and its own notice, so an acknowledgement of the old notice cannot release a larger drop.
		const announced = state.hold
			? (state.hold.announced ?? state.hold.counts.updated + state.hold.counts.left)
			: 0;
		const grown =
			state.hold !== undefined &&
			disruptive > announced &&
			((emptied && announced < known) ||
				(disruptive - announced) * 100 > config.guard.thresholdPercent * known);
		const previousHold = grown ? undefined : state.hold;
		const hold: MassChangeHold | undefined = tooMany
			? (previousHold ?? {
					id: hash53(`${state.fp}:${now}:${disruptive}`).slice(0, 8),
					detectedAt: now,
					polls: 0,
					counts: { updated: 0, left: 0 },
					announced: disruptive,
				})
			: undefined;
		// Auto-release counts the polls after the one that detected it: the first detection is always held.
		const accepted =
			hold === undefined ||
			(config.guard.acknowledgeId !== '' && config.guard.acknowledgeId === hold.id) ||
			(config.guard.acceptAfterPolls > 0 &&
				previousHold !== undefined &&
				hold.polls >= config.guard.acceptAfterPolls);
		if (accepted) {
			next.d = current.d;
			return { next, changes, baseline: false };
		}

		// Hold Left/Updated: keep the old digests (and values, and tombstones) for the held keys, so the same
		// changes are found again next poll; New and Restored records are safe to apply and emit.
		let d = current.d;
		const oldDigest = (i: number) => state.d.slice(i * DIGEST_WIDTH, (i + 1) * DIGEST_WIDTH);
		const heldLeft: string[] = [];
		const pieces: string[] = [];
		let from = 0;
		const updates = held.filter((h) => h.at >= 0).sort((a, b) => a.at - b.at);
		for (const h of updates) {
			pieces.push(d.slice(from, h.at * DIGEST_WIDTH), oldDigest(h.old));
			from = (h.at + 1) * DIGEST_WIDTH;
			if (next.o && state.o) next.o[h.change.key] = state.o[h.change.key];
		}
		pieces.push(d.slice(from));
		for (const h of held) {
			if (h.at >= 0) continue;
			const key = h.change.key;
			heldLeft.push(key);
			pieces.push(oldDigest(h.old));
			if (next.o && state.o && state.o[key]) next.o[key] = state.o[key];
			if (key in state.t) next.t[key] = state.t[key];
			else delete next.t[key];
		}
		d = pieces.join('');
		if (heldLeft.length) next.k = joinKeys([...this.nextKeys, ...heldLeft]);
		for (const h of held)
			if (state.d.charCodeAt(h.old * DIGEST_WIDTH) === LEGACY_CODE && state.l?.[h.change.key])
				legacy[h.change.key] = state.l[h.change.key];
		next.d = d;
		if (Object.keys(legacy).length) next.l = legacy;
		next.hold = {
			...hold,
			polls: hold.polls + 1,
			counts: { updated: counts.updated, left: counts.left },
		};
		return {
			next,
			changes: this.fresh,
			baseline: false,
			massChange: {
				id: hold.id,
				known,
				counts,
				thresholdPercent: config.guard.thresholdPercent,
				samples: {
					updated: held
						.filter((h) => h.change.event === 'updated')
						.slice(0, 5)
						.map((h) => h.change.key),
					left: held
						.filter((h) => h.change.event === 'left')
						.slice(0, 5)
						.map((h) => h.change.key),
				},
				pollsHeld: hold.polls + 1,
				firstDetection: previousHold === undefined,
			},
		};
	}
}

/**
 * Takes a baseline: every current record becomes known, nothing is emitted (unless the caller asks
 * for existing records on the very first run).
 */
export function baseline(
	records: Array<[string, Row]>,
	config: SnapshotConfig,
	now: number,
): SnapshotState {
	const poll = new PollDiff(undefined, config, now, undefined);
	for (const [key, record] of records) poll.addKeyed(key, record);
	return poll.finish().baseline;
}

/** Compares the current records with the state. `now` in epoch seconds. */
export function diff(
	state: SnapshotState | LegacyState,
	records: Array<[string, Row]>,
	config: SnapshotConfig,
	now: number,
): DiffResult {
	const poll = new PollDiff(state, config, now, undefined);
	for (const [key, record] of records) poll.addKeyed(key, record);
	return poll.finish().diff!;
}

/** What a poll says on the trigger's Notices output (the words are the trigger's, in its output.ts). */
export type PollNotice =
	/** Some records have no key: their count changed since the last accepted poll. */
	| { kind: 'keylessRecords' }
	/** A quiet new baseline that loses changes made since the last poll, and why. */
	| { kind: 'rebaseline'; reason: 'columnsChanged' | 'stateLost' }
	/** Left and Updated events are held by the mass-change guard (said once, when first detected). */
	| { kind: 'massChange'; massChange: MassChange };

export interface PollDecision {
	/** Every record read lacked a key: the poll fails rather than watch nothing in silence; nothing is saved. */
	everyRecordKeyless: boolean;
	/** The state to save (absent when the poll fails). */
	save?: SnapshotState;
	/** Records to emit as New: every record of a first run that emits existing records. */
	newRecords: Array<[string, Row]>;
	/** The changes to emit (those Trigger On asks for). */
	changes: Change[];
	notices: PollNotice[];
}

export interface PollSituation {
	/** What the trigger's state held before this poll, whatever its shape (undefined: nothing). */
	stored: unknown;
	/** `stored` when it is comparable under this poll's configuration (`isCompatible`); what `PollDiff` compared with. */
	state: SnapshotState | LegacyState | undefined;
	/** The columns the entity had in this poll. */
	columns: string[];
	/** The events to emit. */
	triggerOn: ReadonlySet<string>;
	/** Whether the workflow's static data holds other nodes' data (so a missing state was lost, not never there). */
	otherStaticData: boolean;
}

/**
 * What the trigger does with one poll's comparison (`PollDiff.finish()`): the state it saves, the
 * events it emits and what it says on Notices. The trigger only fetches, renders and saves.
 */
export function decide(result: PollResult, poll: PollSituation): PollDecision {
	const decision: PollDecision = {
		everyRecordKeyless: false,
		newRecords: [],
		changes: [],
		notices: [],
	};
	const keyless = result.keyless.count;
	if (keyless > 0 && result.records === 0) return { ...decision, everyRecordKeyless: true };
	const previousKeyless = (poll.stored as { nk?: unknown } | undefined)?.nk ?? 0;
	if (keyless > 0 && keyless !== previousKeyless) decision.notices.push({ kind: 'keylessRecords' });
	const extra = { ...(keyless > 0 ? { nk: keyless } : {}) };

	const cols = hash53(
		poll.columns
			.map((c) => c.toLowerCase())
			.sort()
			.join(','),
	);
	const schemaChanged =
		poll.state !== undefined && poll.state.cols !== undefined && poll.state.cols !== cols;
	if (result.diff === undefined || schemaChanged) {
		// First run; the entity, school, credential, filter or watched fields changed; or Bromcom added
		// or removed a column (which would otherwise read as every record updated): a quiet baseline.
		// A column change keeps who left: their return is still Restored. Any other new baseline is of
		// something else (another entity, school, filter or credential), so nothing carries over.
		const fresh = schemaChanged && result.rebaseline ? result.rebaseline : result.baseline;
		decision.save = { ...fresh, cols, ...extra };
		if (schemaChanged) decision.notices.push({ kind: 'rebaseline', reason: 'columnsChanged' });
		// No state of ours, yet the workflow's static data holds what other nodes saved (a Code node's
		// $getWorkflowStaticData('global')): our state was there and is gone. In queue mode n8n 2.41 saves
		// a worker's whole copy of the static data, and a copy without the trigger's state erases it; a
		// renamed trigger loses its state the same way. The baseline cannot see what changed in between:
		// it is said on Notices instead of passed over in silence.
		else if (poll.stored === undefined && poll.otherStaticData)
			decision.notices.push({ kind: 'rebaseline', reason: 'stateLost' });
		else decision.newRecords = result.rows ?? [];
		return decision;
	}

	const { changes, massChange, next } = result.diff;
	if (massChange?.firstDetection) decision.notices.push({ kind: 'massChange', massChange });
	decision.changes = changes.filter((c) => poll.triggerOn.has(c.event));
	decision.save = { ...next, cols, ...extra };
	return decision;
}
