/**
 * Section 4 of `npm run bench`: the trigger.
 *
 * - One poll's comparison over 100,000 attendance records (typed as the DataSet reader gives them)
 *   with 1% changed, each record keyed, hashed and compared as the reader hands it over, and state
 *   bytes per record; its peer in the same process is version 1's diff (bench/v1, the trigger as of
 *   0533329), with its keying, on the same records.
 * - The trigger on a 500,000-row entity through n8n's execution engine in a fresh process
 *   (bench/trigger-one.js): a baseline poll, a quiet poll, a poll with every code column padded; its peer
 *   is Get Many of the same rows in a fresh process (bench/node-one.js).
 */
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { ROOT, fmt, fresh, median, repeat, soapEnvelope } = require('./lib');

const CONFIG = {
	fingerprint: 'bench',
	watch: [],
	keepOld: false,
	guard: {
		enabled: true,
		thresholdPercent: 20,
		minimumRecords: 20,
		acceptAfterPolls: 0,
		acknowledgeId: '',
	},
	tombstoneDays: 400,
};

/** Version 1's keying (BromcomTrigger/poll.ts as of 0533329), part of its poll's work. */
function v1KeyOf(record, columns) {
	const keys = Object.keys(record);
	return columns
		.map((c) => {
			const k = keys.find((x) => x.toLowerCase() === c.toLowerCase());
			return k === undefined ? '' : String(record[k] ?? '');
		})
		.join(':');
}

/** The 100,000-record comparison, current and version 1 alternated run by run. */
async function diffSection(url, runs) {
	const { parseDataSet } = require(
		path.join(ROOT, 'dist', 'nodes', 'Bromcom', 'core', 'wire', 'dataset'),
	);
	const { PollDiff } = require(path.join(ROOT, 'dist', 'nodes', 'Bromcom', 'core', 'snapshot'));
	const v1 = require('./v1/snapshot');
	const res = await fetch(`${url}/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx`, {
		method: 'POST',
		headers: {
			'Content-Type': 'text/xml; charset=utf-8',
			SOAPAction: '"http://tempuri.org/getEntityDataBySchoolID"',
		},
		body: soapEnvelope('Attendances', 'AttendanceID <= 100000'),
	});
	const rows = parseDataSet(await res.text()).rows;
	const changed = rows.map((r, i) =>
		i % 100 === 0 ? { ...r, Mark: r.Mark === '/' ? 'L' : '/' } : r,
	);
	const key = ['AttendanceID'];
	const first = new PollDiff(undefined, CONFIG, 1, key);
	for (const r of rows) first.add(r);
	const state = first.finish().baseline;
	const stateV1 = v1.baseline(
		rows.map((r) => [v1KeyOf(r, key).trimEnd(), r]),
		CONFIG,
		1,
	);
	const samples = await repeat(runs, 'trigger diff', () => {
		// The state as n8n hands it back (a JSON copy): not part of the timed work.
		const copy = JSON.parse(JSON.stringify(state));
		let t = performance.now();
		const poll = new PollDiff(copy, CONFIG, 2, key);
		for (let i = 0; i < changed.length; i++) poll.add(changed[i]);
		const out = poll.finish();
		const ms = performance.now() - t;
		const copyV1 = JSON.parse(JSON.stringify(stateV1));
		t = performance.now();
		const records = changed.map((row) => [v1KeyOf(row, key).trimEnd(), row]);
		const changesV1 = v1.diff(copyV1, records, CONFIG, 2).changes.length;
		return { ms, v1Ms: performance.now() - t, changes: out.diff.changes.length, changesV1 };
	});
	const current = samples.map((x) => x.ms);
	const previous = samples.map((x) => x.v1Ms);
	const { changes, changesV1 } = samples[samples.length - 1];
	if (changes !== changesV1)
		throw new Error(`current ${changes} vs version 1 ${changesV1} changes`);
	return {
		records: rows.length,
		changed: changes,
		ms: median(current),
		v1Ms: median(previous),
		runs,
		bytesPerRecord: JSON.stringify(state).length / rows.length,
		v1BytesPerRecord: JSON.stringify(stateV1).length / rows.length,
	};
}

/** The trigger on 500,000 rows and Get Many of the same rows, each in a fresh process, alternated. */
async function scaleSection(url, runs) {
	const samples = await repeat(runs, 'trigger on 500,000 rows', async () => ({
		trigger: await fresh('trigger-one.js', [url, 'AttendanceID <= 500000']),
		getMany: await fresh('node-one.js', ['node', url, 'AttendanceID <= 500000', 'all']),
	}));
	const trigger = samples.map((x) => x.trigger);
	const getMany = samples.map((x) => x.getMany);
	const polls = trigger[0].polls.map((p, k) => ({
		name: p.name,
		events: p.events,
		notices: p.notices,
		ms: median(trigger.map((t) => t.polls[k].ms)),
		peakGrowthMB: median(trigger.map((t) => t.polls[k].peakGrowthMB)),
		heldMB: median(trigger.map((t) => t.polls[k].heldMB)),
	}));
	return {
		rows: trigger[0].rows,
		runs,
		polls,
		peakGrowthMB: median(trigger.map((t) => t.peakGrowthMB)),
		bytesPerRecord: median(trigger.map((t) => t.stateBytes / t.rows)),
		stateMB: median(trigger.map((t) => t.stateBytes)) / (1024 * 1024),
		getMany: {
			rows: getMany[0].rows,
			ms: median(getMany.map((g) => g.ms)),
			peakGrowthMB: median(getMany.map((g) => g.peakGrowthMB)),
		},
	};
}

/** Section 4: the 100,000-record poll, then the trigger on 500,000 rows (at most 3 runs). */
async function measure(url, runs) {
	const trigger = await diffSection(url, runs);
	trigger.scale = await scaleSection(url, Math.min(runs, 3)).catch((e) => ({ error: e.message }));
	return trigger;
}

/** BENCHMARKS.md lines for section 4. */
function reportLines(t) {
	const lines = ['## 4. Trigger', ''];
	if (!t) return lines;
	if (t.v1Ms !== undefined)
		lines.push(
			`One poll's comparison over ${t.records.toLocaleString('en-GB')} attendance records with 1% changed (${t.changed.toLocaleString('en-GB')} Updated), each record keyed, hashed and compared as the reader hands it over: **${fmt(t.ms, 0)} ms** (median of ${t.runs}); version 1's diff (the trigger as of 0533329, bench/v1) on the same records in the same process: ${fmt(t.v1Ms, 0)} ms, so ${fmt(t.v1Ms / t.ms, 1)}× faster. State **${fmt(t.bytesPerRecord, 1)} bytes per record** (version 1: ${fmt(t.v1BytesPerRecord, 1)}; New Version output).`,
			'',
		);
	else
		lines.push(
			`One poll's diff over ${t.records.toLocaleString('en-GB')} records with 1% changed (${t.changed.toLocaleString('en-GB')} Updated): **${fmt(t.ms, 0)} ms** (median); state **${fmt(t.bytesPerRecord, 1)} bytes per record** (New Version output).`,
			'',
		);
	const s = t.scale;
	if (s && !s.error) {
		lines.push(
			`The trigger on a ${s.rows.toLocaleString('en-GB')}-row entity (Any Entity: Attendances, Key Columns AttendanceID), three polls through n8n's execution engine in a fresh process, the state stored as JSON between them as n8n does (median of ${s.runs} runs, bench/trigger-one.js):`,
			'',
			'| poll | time | events | peak RSS growth | heap held after it |',
			'|---|---:|---:|---:|---:|',
			...s.polls.map(
				(p) =>
					`| ${p.name} | ${fmt(p.ms / 1000, 2)} s | ${p.events} | ${fmt(p.peakGrowthMB, 0)} MB | ${fmt(p.heldMB, 0)} MB |`,
			),
			'',
			`Get Many of the same ${s.getMany.rows.toLocaleString('en-GB')} rows in a fresh process (its items are the rows): ${fmt(s.getMany.ms / 1000, 2)} s, peak RSS growth ${fmt(s.getMany.peakGrowthMB, 0)} MB. Both times are mostly the sandbox writing 260 MB of XML and the reader reading it. Peak RSS growth is measured from the process's start, and V8 keeps the pages it has used, so each poll's figure includes the polls before it. State: ${fmt(s.bytesPerRecord, 1)} bytes per record, ${fmt(s.stateMB, 1)} MB in all.`,
			'',
		);
	} else if (s && s.error) lines.push(`Trigger on 500,000 rows: failed (${s.error}).`, '');
	return lines;
}

/** Target rows for section 4 (`row(goal, ok, measured, why)` from bench/report.js). */
function targetRows(t, row) {
	if (!t) return [];
	const out = [
		row('Trigger: 100,000-record poll ≤ 200 ms (client issue)', t.ms <= 200, `${fmt(t.ms, 0)} ms`),
		row(
			'Trigger: state ≤ 20 bytes per record (New Version)',
			t.bytesPerRecord <= 20,
			`${fmt(t.bytesPerRecord)} bytes`,
		),
	];
	if (t.scale && !t.scale.error)
		out.push(
			row(
				'Trigger on 500,000 rows: first poll below the peak memory of Get Many of the same rows',
				t.scale.polls[0].peakGrowthMB < t.scale.getMany.peakGrowthMB,
				`${fmt(t.scale.polls[0].peakGrowthMB, 0)} MB vs ${fmt(t.scale.getMany.peakGrowthMB, 0)} MB`,
			),
		);
	return out;
}

module.exports = { measure, reportLines, targetRows };
