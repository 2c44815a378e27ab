'use strict';
/**
 * The soak's oracle: what the triggers should have emitted and what should have been written, from
 * the sandbox's own records only (the truth it held after each change the school year made, its
 * request log, its write audit), checked against what the workflows delivered to the sink. It shares
 * no code with the product.
 *
 * Events, per watch and per record key (the events sorted by the time their poll started):
 * - each event implies a state of the record: present with the watched values of its item (New,
 *   Updated, Restored), or absent (Left);
 * - false: an event whose state the record never had around its poll (from 2 s before it started to
 *   `windowMs` after), or whose kind does not fit (Updated with nothing changed, New for a record the
 *   trigger knew, Restored for one it never knew, Left for one already gone);
 * - duplicated: an event whose state is the one the previous event (or the baseline) already gave;
 * - lost: a state the record held while the trigger made at least two clean reads of it (no fault
 *   injected, answer complete, no other poll of that trigger saving in between), yet the events up to
 *   the second of those reads leave the trigger believing something else. Changes superseded while a
 *   mass change was held (the guard releases the newest state) are counted apart, as coalesced.
 * Writes: every valid New event of the write-back workflow's trigger has exactly one registration
 * applied by Bromcom (the sandbox's audit) for that student, and no student without one has any.
 */

/** How long after a poll started its read may still run (retries with backoff, a slow drip). */
const WINDOW_MS = 120_000;

/**
 * Segments of one key's truth: `[{ from, to, state }]`, `state` a string or null (absent), from the
 * timeline `[{ at, views: Map<key, state> }]` (the truth after each change, the first at the start).
 */
function segmentsOf(timeline, key, endAt) {
	const out = [];
	for (let i = 0; i < timeline.length; i++) {
		const state = timeline[i].view.get(key) ?? null;
		const last = out[out.length - 1];
		if (last && last.state === state) continue;
		if (last) last.to = timeline[i].at;
		out.push({ from: timeline[i].at, to: endAt, state });
	}
	return out;
}

/**
 * Polls of one watch from the sandbox's request log: each of its main reads (an `isMain` request by its
 * account) opens a poll, the account's following requests belong to it. A poll is clean when none of
 * its requests had a fault injected and each finished with HTTP 200.
 */
/** @typedef {{ at: number, requests: any[], clean?: boolean, done?: number, ok?: boolean, effective?: boolean }} Poll */

/** @returns {Poll[]} */
function pollsOf(requests, { username, isMain }) {
	/** @type {Poll[]} */
	const polls = [];
	for (const r of requests) {
		if (r.username !== username) continue;
		if (isMain(r)) polls.push({ at: Date.parse(r.at), requests: [r] });
		else if (polls.length) polls[polls.length - 1].requests.push(r);
	}
	for (const p of polls) {
		p.clean = p.requests.every((r) => !r.injected && r.status === 200 && r.doneAt);
		p.done = Math.max(...p.requests.map((r) => (r.doneAt ? Date.parse(r.doneAt) : Infinity)));
		p.ok = p.requests.every((r) => r.status === 200 && r.doneAt);
	}
	// A poll another poll's save may have overtaken (n8n overlapping polls): not counted as clean.
	for (const p of polls)
		if (p.clean)
			p.effective = !polls.some(
				(q) => q !== p && q.ok && q.done > p.at - 1000 && q.done < p.done + 2000,
			);
	return polls;
}

/** The state an event implies: its watched fields (trimmed, in a fixed order), or null for Left. */
function impliedState(event, fields) {
	if (event.event === 'left') return null;
	return stateOf(event, fields);
}

/** A record's state as the oracle writes it: its watched fields, strings without trailing spaces. */
function stateOf(record, fields) {
	return JSON.stringify(
		fields.map((f) => {
			const v = record[f];
			return typeof v === 'string' ? v.trimEnd() : (v ?? null);
		}),
	);
}

/**
 * Checks one watch. `events` are its Events items as the sink got them; `holds` the times of its
 * massChange notices. Returns counts and the offending cases (at most 20 of each).
 */
function checkWatch({
	timeline,
	events,
	polls,
	fields,
	holds = [],
	endAt,
	windowMs = WINDOW_MS,
	onlyNew = false,
	maxHoldMs = 120_000,
}) {
	if (onlyNew) return checkNewOnly({ timeline, events, polls, fields, endAt, windowMs });
	const byKey = new Map();
	for (const e of events) {
		const key = String(e.key);
		if (!byKey.has(key)) byKey.set(key, []);
		byKey.get(key).push(e);
	}
	const keys = new Set([...byKey.keys()]);
	for (const t of timeline) for (const k of t.view.keys()) keys.add(k);
	const result = {
		events: events.length,
		keys: keys.size,
		lost: [],
		duplicated: [],
		false: [],
		coalescedUnderHold: 0,
		validNew: [],
	};
	const effective = polls.filter((p) => p.effective);
	// Hold periods: from a massChange notice to the first Updated/Left event after it, and no longer
	// than `maxHoldMs` (Accept Mass Change After Polls releases it): a hold never released excuses
	// nothing after that.
	const holdPeriods = holds.map((start) => {
		const release = events
			.filter(
				(e) => (e.event === 'updated' || e.event === 'left') && Date.parse(e.detectedAt) > start,
			)
			.map((e) => Date.parse(e.detectedAt))
			.sort((a, b) => a - b)[0];
		return { from: start, to: Math.min(release ?? Infinity, start + maxHoldMs) };
	});
	const holdAt = (t) => holdPeriods.find((h) => t >= h.from && t <= h.to);

	for (const key of keys) {
		const segments = segmentsOf(timeline, key, endAt);
		const list = (byKey.get(key) ?? [])
			.slice()
			.sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
		let known = segments[0].state;
		let everKnown = known !== null;
		let at = 0;
		const knownAfter = []; // [time, state]: what the trigger believes after each event
		const seen = new Set();
		for (const e of list) {
			const t = Date.parse(e.detectedAt);
			const id = `${e.event}|${t}`;
			const state = impliedState(e, fields);
			if (seen.has(id) || state === known) {
				result.duplicated.push({ key, event: e.event, detectedAt: e.detectedAt });
				continue;
			}
			seen.add(id);
			const kindFits =
				(e.event === 'new' && known === null && !everKnown) ||
				(e.event === 'restored' && known === null && everKnown) ||
				(e.event === 'updated' && known !== null && state !== null) ||
				(e.event === 'left' && known !== null);
			let j = -1;
			for (let s = at; s < segments.length; s++)
				if (
					segments[s].state === state &&
					segments[s].from <= t + windowMs &&
					segments[s].to >= t - 2000
				) {
					j = s;
					break;
				}
			if (!kindFits || j === -1) {
				result.false.push({
					key,
					event: e.event,
					detectedAt: e.detectedAt,
					why: kindFits
						? 'a state the record did not have then'
						: `${e.event} after ${known === null ? 'absent' : 'present'}`,
					state,
				});
				continue;
			}
			at = j;
			known = state;
			if (state !== null) everKnown = true;
			if (e.event === 'new') result.validNew.push(key);
			knownAfter.push([t, state]);
		}
		// Lost: a state held through two effective clean reads that the events never gave.
		const believedBy = (by) => {
			let believed = segments[0].state;
			for (const [t, state] of knownAfter) if (t <= by) believed = state;
			return believed;
		};
		for (let s = 1; s < segments.length; s++) {
			const seg = segments[s];
			let reads = effective.filter((p) => p.at > seg.from && p.done < seg.to);
			if (reads.length < 2) continue;
			let believed = believedBy(reads[1].done);
			if (believed === seg.state) continue;
			// The guard holds Left and Updated (never New or Restored) until it releases them: then the
			// state must be there after the release, unless it was superseded before (coalesced).
			const hold = holdAt(reads[1].at);
			if (hold && !(seg.state !== null && believed === null)) {
				reads = reads.filter((p) => p.at > hold.to);
				if (reads.length < 2) {
					result.coalescedUnderHold++;
					continue;
				}
				believed = believedBy(reads[1].done);
				if (believed === seg.state) continue;
			}
			result.lost.push({
				key,
				state: seg.state,
				from: new Date(seg.from).toISOString(),
				to: new Date(seg.to).toISOString(),
				believed,
			});
		}
	}
	for (const k of ['lost', 'duplicated', 'false']) {
		result[`${k}Count`] = result[k].length;
		result[k] = result[k].slice(0, 20);
	}
	return result;
}

/**
 * A trigger that emits New events only (Trigger On: New Record): it follows every change but reports a
 * record once, when it first appears. False: a New for a record present at the baseline, or with a
 * state the record did not have; duplicated: a second New for a record; lost: a record that appeared
 * and stayed through two effective clean reads with no New by the second.
 */
function checkNewOnly({ timeline, events, polls, fields, endAt, windowMs }) {
	const result = {
		events: events.length,
		keys: 0,
		lost: [],
		duplicated: [],
		false: [],
		coalescedUnderHold: 0,
		validNew: [],
	};
	const byKey = new Map();
	for (const e of events) {
		const key = String(e.key);
		if (!byKey.has(key)) byKey.set(key, []);
		byKey.get(key).push(e);
	}
	const keys = new Set([...byKey.keys()]);
	for (const t of timeline) for (const k of t.view.keys()) keys.add(k);
	result.keys = keys.size;
	const effective = polls.filter((p) => p.effective);
	for (const key of keys) {
		const segments = segmentsOf(timeline, key, endAt);
		const list = (byKey.get(key) ?? [])
			.slice()
			.sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
		let first;
		for (const e of list) {
			const t = Date.parse(e.detectedAt);
			if (e.event !== 'new' || segments[0].state !== null) {
				result.false.push({
					key,
					event: e.event,
					detectedAt: e.detectedAt,
					why: 'not a first appearance',
				});
				continue;
			}
			if (first !== undefined) {
				result.duplicated.push({ key, event: e.event, detectedAt: e.detectedAt });
				continue;
			}
			const state = stateOf(e, fields);
			const fits = segments.some(
				(seg) => seg.state === state && seg.from <= t + windowMs && seg.to >= t - 2000,
			);
			if (!fits) {
				result.false.push({
					key,
					event: e.event,
					detectedAt: e.detectedAt,
					why: 'a state the record did not have then',
					state,
				});
				continue;
			}
			first = t;
			result.validNew.push(key);
		}
		if (segments[0].state !== null) continue;
		const appeared = segments.find((seg) => seg.state !== null);
		if (!appeared) continue;
		// Present from its appearance on (any state): two effective clean reads while it is there.
		const until =
			segments.slice(segments.indexOf(appeared)).find((seg) => seg.state === null)?.from ?? endAt;
		const reads = effective.filter((p) => p.at > appeared.from && p.done < until);
		if (reads.length < 2) continue;
		if (first === undefined || first > reads[1].done)
			result.lost.push({
				key,
				state: appeared.state,
				from: new Date(appeared.from).toISOString(),
				believed: 'unknown',
			});
	}
	for (const k of ['lost', 'duplicated', 'false']) {
		result[`${k}Count`] = result[k].length;
		result[k] = result[k].slice(0, 20);
	}
	return result;
}

/**
 * Writes: `audit` entries of registerSingleSignOnUser (the sandbox's), `validNew` the keys of the
 * write-back trigger's valid New events. Every such key: exactly one applied write; no other key: none.
 */
function checkWrites({ audit, validNew }) {
	const applied = new Map();
	for (const a of audit) {
		if (a.operation !== 'registerSingleSignOnUser' || a.error !== undefined) continue;
		const id = String(a.params.userId);
		applied.set(id, (applied.get(id) ?? 0) + 1);
	}
	const expected = new Set(validNew.map(String));
	const notOnce = [];
	for (const id of expected)
		if ((applied.get(id) ?? 0) !== 1)
			notOnce.push({ studentId: id, applied: applied.get(id) ?? 0 });
	for (const [id, n] of applied)
		if (!expected.has(id)) notOnce.push({ studentId: id, applied: n, why: 'no New event for it' });
	return {
		expected: expected.size,
		applied: [...applied.values()].reduce((a, b) => a + b, 0),
		refused: audit.filter(
			(a) => a.operation === 'registerSingleSignOnUser' && a.error !== undefined,
		).length,
		notOnceCount: notOnce.length,
		notOnce: notOnce.slice(0, 20),
	};
}

/**
 * Notices: each must have a cause the school year recorded shortly before it. `causes` maps a notice
 * kind (massChange, rebaseline:columnsChanged, keylessRecords) to the history actions that explain it.
 */
const CAUSES = {
	massChange: ['rollover', 'grant'],
	'rebaseline:columnsChanged': ['addColumn', 'removeColumn'],
	keylessRecords: ['keylessAdmissions', 'keysArrive'],
};

/**
 * An export held by the deactivation guard (`exportHeld`, with `since`: when the last file set was let
 * through) is explained by the school year only if it removed at least as many pupils since then as the
 * notice says would go: a rollover (its final year leaves), or that many leavers and consent
 * withdrawals. A hold with fewer removals behind it is a false alarm.
 */
function exportHoldCause(n, history, t) {
	const removed =
		(n.schools ?? []).reduce((sum, s) => sum + (s.removed ?? 0), 0) + (n.elsewhere ?? 0);
	const since = history.filter((h) => h.at > (n.since ?? 0) && h.at <= t + 1000);
	const rollover = since.filter((h) => h.action === 'rollover').pop();
	if (rollover) return rollover;
	const removals = since.filter(
		(h) => h.action === 'leave' || (h.action === 'studentConsent' && h.granted === false),
	);
	return removals.length >= removed && removals.length > 0
		? removals[removals.length - 1]
		: undefined;
}

function checkNotices({ notices, history, withinMs = 300_000 }) {
	const out = { total: notices.length, byKind: {}, unexplained: [] };
	for (const n of notices) {
		const kind = n.event === 'rebaseline' ? `rebaseline:${n.reason}` : n.event;
		out.byKind[kind] = (out.byKind[kind] ?? 0) + 1;
		const t = Date.parse(n.detectedAt);
		if (kind === 'exportHeld') {
			const cause = exportHoldCause(n, history, t);
			if (!cause) out.unexplained.push({ kind, detectedAt: n.detectedAt, message: n.message });
			else n.cause = `${cause.action} at step ${cause.step}`;
			continue;
		}
		const causes = CAUSES[kind] ?? [];
		const cause = history
			.filter((h) => causes.includes(h.action) && h.at <= t + 1000 && h.at >= t - withinMs)
			.pop();
		if (!cause) out.unexplained.push({ kind, detectedAt: n.detectedAt, message: n.message });
		else n.cause = `${cause.action} at step ${cause.step}`;
	}
	out.unexplainedCount = out.unexplained.length;
	return out;
}

/** Least-squares slope of `points` [[x, y]] and its standard error. */
function slope(points) {
	const n = points.length;
	if (n < 3) return { slope: 0, stderr: Infinity, n };
	const mx = points.reduce((s, p) => s + p[0], 0) / n;
	const my = points.reduce((s, p) => s + p[1], 0) / n;
	let sxx = 0;
	let sxy = 0;
	for (const [x, y] of points) {
		sxx += (x - mx) ** 2;
		sxy += (x - mx) * (y - my);
	}
	const b = sxy / sxx;
	const a = my - b * mx;
	const sse = points.reduce((s, [x, y]) => s + (y - (a + b * x)) ** 2, 0);
	return { slope: b, stderr: Math.sqrt(sse / (n - 2) / sxx), n, mean: my };
}

/**
 * n8n's memory over time from `series` [[seconds, MB]]. A Node process's RSS is a sawtooth: it climbs
 * until V8 collects and gives memory back, then climbs again, so a straight line fitted to part of it
 * mostly measures where in a cycle the part starts and ends. A leak shows as a rising floor: the lowest
 * RSS of each cycle (cycles split where RSS falls by more than 5% between samples), after the first
 * five minutes (start-up). Flat when the
 * floors' slope is within twice its standard error of zero, or what it adds over the run is under 2% of
 * their mean; with fewer than 3 cycles, when the second half's peak is within 5% of the first half's.
 * The straight-line slope over the second half is reported as well.
 */
function memoryTrend(series) {
	const end = series[series.length - 1][0];
	const half = series.filter(([t]) => t >= end / 2);
	const fit = slope(half.map(([t, mb]) => [t / 3600, mb]));
	const floors = [];
	let current = [series[0]];
	for (let i = 1; i < series.length; i++) {
		if (series[i][1] < series[i - 1][1] * 0.95) {
			floors.push(current.reduce((a, b) => (b[1] < a[1] ? b : a)));
			current = [];
		}
		current.push(series[i]);
	}
	floors.push(current.reduce((a, b) => (b[1] < a[1] ? b : a)));
	// The first five minutes are n8n starting and warming up: the floors after them are what a leak lifts.
	const after = floors.filter(([t]) => t >= 300);
	const steady = after.length >= 3 ? after : floors;
	const floorFit = slope(steady.map(([t, mb]) => [t / 3600, mb]));
	const span = (steady[steady.length - 1][0] - steady[0][0]) / 3600;
	const peak = (list) => Math.max(...list.map(([, mb]) => mb));
	const firstHalf = series.filter(([t]) => t < end / 2);
	let flat;
	let why;
	if (steady.length >= 3) {
		flat = floorFit.slope <= 2 * floorFit.stderr || floorFit.slope * span < 0.02 * floorFit.mean;
		why = `floors of ${steady.length} cycles: ${round1(floorFit.slope)} ± ${round1(floorFit.stderr)} MB/h`;
	} else {
		flat = peak(half) <= 1.05 * peak(firstHalf.length ? firstHalf : half);
		why = `fewer than 3 cycles: second half's peak ${round1(peak(half))} MB against the first half's ${round1(peak(firstHalf.length ? firstHalf : half))} MB`;
	}
	return {
		secondHalf: {
			samples: half.length,
			meanMB: round1(fit.mean),
			slopeMBPerHour: round1(fit.slope),
			stderrMBPerHour: round1(fit.stderr),
		},
		floors: floors.map(([t, mb]) => [t, round1(mb)]),
		floorSlopeMBPerHour: round1(floorFit.slope),
		floorStderrMBPerHour: round1(floorFit.stderr),
		flat,
		why,
	};
}

const round1 = (n) => Math.round(n * 10) / 10;

module.exports = {
	memoryTrend,
	WINDOW_MS,
	segmentsOf,
	pollsOf,
	stateOf,
	checkWatch,
	checkWrites,
	checkNotices,
	slope,
	CAUSES,
};
