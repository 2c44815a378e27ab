// @ts-nocheck
/* Version 1 of nodes/Bromcom/core/snapshot.ts as of commit 0533329, compiled by tsc (target es2019): the
 * bench's peer for the trigger (section 4), run in the same process as the current code. */
'use strict';
/**
 * Change detection from snapshots. Bromcom has no change feed, no deletions feed and no webhooks
 * (docs/bromcom-facts.md, Changes), so the trigger compares each poll's records with a compact memory of
 * the last accepted snapshot: per key, a digest of the watched fields (plus their old values only when
 * the output needs them), and tombstones for records that left, so a return is "restored", not "new".
 *
 * Pure: plain data in, plain data out. The caller persists `next` only when the poll succeeded.
 */
Object.defineProperty(exports, '__esModule', { value: true });
exports.STATE_VERSION = void 0;
exports.hash53 = hash53;
exports.watchedValues = watchedValues;
exports.digest = digest;
exports.digester = digester;
exports.differences = differences;
exports.emptyState = emptyState;
exports.isCompatible = isCompatible;
exports.baseline = baseline;
exports.diff = diff;
const canonical_1 = require('./canonical');
exports.STATE_VERSION = 1;
/** cyrb53: a fast 53-bit string hash. Digests compare one key's old and new values only, so 2^-53 per comparison. */
function hash53(text, seed = 0) {
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
function watchedValues(record, watch) {
	var _a, _b;
	if (watch.length === 0) return record;
	const out = {};
	const keys = Object.keys(record);
	for (const field of watch) {
		const key =
			(_a = keys.find((k) => k.toLowerCase() === field.toLowerCase())) !== null && _a !== void 0
				? _a
				: field;
		out[key] = (_b = record[key]) !== null && _b !== void 0 ? _b : null;
	}
	return out;
}
/**
 * Values compare without trailing padding: Bromcom's APIs are reported to pad some code columns
 * with spaces (`AM` vs `AM             `), which must never read as a change.
 */
function scalar(value) {
	return JSON.stringify(
		typeof value === 'string' ? value.trimEnd() : value !== null && value !== void 0 ? value : null,
	);
}
const canonical = (value) => (0, canonical_1.canonicalJson)(value, scalar);
function digest(record, watch) {
	return hash53(canonical(watchedValues(record, watch)));
}
/**
 * Digests for many records of one entity. Rows of a DataSet share their columns, so the sorted field
 * list is worked out once and reused while a record has exactly those fields; anything else takes the
 * general path. Same digests as `digest` (tested), a fraction of the work.
 */
function digester(watch) {
	let fields;
	let names = [];
	return (record) => {
		if (watch.length > 0) return digest(record, watch);
		const keys = Object.keys(record);
		if (
			fields === undefined ||
			keys.length !== fields.length ||
			!fields.every((f) => f in record)
		) {
			fields = keys.slice().sort();
			names = fields.map((f) => JSON.stringify(f));
		}
		let text = '{';
		for (let k = 0; k < fields.length; k++) {
			const value = record[fields[k]];
			text += `${k ? ',' : ''}${names[k]}:${value !== null && typeof value === 'object' ? canonical(value) : scalar(value)}`;
		}
		return hash53(`${text}}`);
	};
}
function differences(previous, current) {
	var _a, _b;
	const out = {};
	for (const field of Object.keys(previous)) {
		if (
			canonical(previous[field]) !==
			canonical((_a = current[field]) !== null && _a !== void 0 ? _a : null)
		)
			out[field] = {
				previous: previous[field],
				current: (_b = current[field]) !== null && _b !== void 0 ? _b : null,
			};
	}
	return out;
}
function emptyState(fingerprint, now) {
	return { v: exports.STATE_VERSION, fp: fingerprint, since: now, r: {}, t: {} };
}
/** Whether a stored state can be diffed against under this configuration. */
function isCompatible(state, config) {
	const s = state;
	return (
		!!s &&
		s.v === exports.STATE_VERSION &&
		s.fp === config.fingerprint &&
		typeof s.r === 'object' &&
		(!config.keepOld || typeof s.o === 'object')
	);
}
/**
 * Takes a baseline: every current record becomes known, nothing is emitted (unless the caller asks
 * for existing records on the very first run).
 */
function baseline(records, config, now) {
	const state = emptyState(config.fingerprint, now);
	if (config.keepOld) state.o = {};
	const digestOf = digester(config.watch);
	for (const [key, record] of records) {
		state.r[key] = digestOf(record);
		if (state.o) state.o[key] = watchedValues(record, config.watch);
	}
	return state;
}
/**
 * Compares the current records with the state. `now` in epoch seconds.
 */
function diff(state, records, config, now) {
	var _a, _b, _c;
	const next = {
		v: exports.STATE_VERSION,
		fp: state.fp,
		since: state.since,
		r: {},
		t: { ...state.t },
		...(state.cols !== undefined ? { cols: state.cols } : {}),
	};
	if (config.keepOld) next.o = {};
	const fresh = [];
	const held = [];
	const seen = new Set();
	const counts = { new: 0, updated: 0, left: 0, restored: 0 };
	const digestOf = digester(config.watch);
	for (const [key, record] of records) {
		if (seen.has(key)) continue; // duplicate rows for one key (StudentFlatView can repeat): first wins
		seen.add(key);
		const d = digestOf(record);
		const known = state.r[key];
		next.r[key] = d;
		if (next.o) next.o[key] = watchedValues(record, config.watch);
		if (known === undefined) {
			const event = key in state.t ? 'restored' : 'new';
			delete next.t[key];
			counts[event]++;
			fresh.push({ event, key, current: record });
		} else if (known !== d) {
			counts.updated++;
			const change = { event: 'updated', key, current: record };
			const previous = (_a = state.o) === null || _a === void 0 ? void 0 : _a[key];
			if (previous) {
				change.previous = previous;
				change.differences = differences(previous, watchedValues(record, config.watch));
			}
			held.push(change);
		}
	}
	for (const key of Object.keys(state.r)) {
		if (seen.has(key)) continue;
		counts.left++;
		next.t[key] = [state.r[key], now];
		held.push({
			event: 'left',
			key,
			previous: (_b = state.o) === null || _b === void 0 ? void 0 : _b[key],
		});
	}
	// Tombstones are kept long enough to recognise a return (a re-enrolment next year).
	const cutoff = now - config.tombstoneDays * 86400;
	for (const [key, [, leftAt]] of Object.entries(next.t)) if (leftAt < cutoff) delete next.t[key];
	const known = Object.keys(state.r).length;
	const disruptive = counts.updated + counts.left;
	// A poll that returns nothing while records were known (a revoked permission, an emptied view) is
	// held whatever the school's size: below Minimum Records only that case is guarded.
	const emptied = known > 0 && seen.size === 0;
	const tooMany =
		config.guard.enabled &&
		(emptied ||
			(known >= config.guard.minimumRecords &&
				disruptive * 100 > config.guard.thresholdPercent * known));
	if (!tooMany) return { next, changes: [...fresh, ...held], baseline: false };
	const hold =
		(_c = state.hold) !== null && _c !== void 0
			? _c
			: {
					id: hash53(`${state.fp}:${now}:${disruptive}`).slice(0, 8),
					detectedAt: now,
					polls: 0,
					counts: { updated: 0, left: 0 },
				};
	// Auto-release counts the polls after the one that detected it: the first detection is always held.
	const accepted =
		(config.guard.acknowledgeId !== '' && config.guard.acknowledgeId === hold.id) ||
		(config.guard.acceptAfterPolls > 0 &&
			state.hold !== undefined &&
			hold.polls >= config.guard.acceptAfterPolls);
	if (accepted) return { next, changes: [...fresh, ...held], baseline: false };
	// Hold Left/Updated: keep the old digests (and values, and tombstones) for the held keys, so the same
	// changes are found again next poll; New and Restored records are safe to apply and emit.
	for (const change of held) {
		if (change.event === 'updated') {
			next.r[change.key] = state.r[change.key];
			if (next.o && state.o) next.o[change.key] = state.o[change.key];
		} else {
			next.r[change.key] = state.r[change.key];
			if (next.o && state.o && state.o[change.key]) next.o[change.key] = state.o[change.key];
			if (change.key in state.t) next.t[change.key] = state.t[change.key];
			else delete next.t[change.key];
		}
	}
	next.hold = {
		...hold,
		polls: hold.polls + 1,
		counts: { updated: counts.updated, left: counts.left },
	};
	return {
		next,
		changes: fresh,
		baseline: false,
		massChange: {
			id: hold.id,
			known,
			counts,
			thresholdPercent: config.guard.thresholdPercent,
			samples: {
				updated: held
					.filter((c) => c.event === 'updated')
					.slice(0, 5)
					.map((c) => c.key),
				left: held
					.filter((c) => c.event === 'left')
					.slice(0, 5)
					.map((c) => c.key),
			},
			pollsHeld: hold.polls + 1,
			firstDetection: state.hold === undefined,
		},
	};
}
