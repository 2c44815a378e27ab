/**
 * Section 8 of `npm run bench`: a year of attendance summarised per student inside real n8n. Get
 * Summary (tallied while streaming) against Get Many of the same marks + n8n's Summarize node, and
 * Get Many + a Code node, under `n8n execute` (the autumn term) and in production (the whole year),
 * through a replaying proxy (bench/n8n.js runs them).
 */
const {
	MANUAL,
	BENCH_CREDENTIAL,
	productionCells,
	productionRuns,
	productionTargetRows,
	replayProxy,
	runInN8n,
	webhookNode,
	workflowTable,
} = require('./n8n');
const { fmt, log } = require('./lib');

/**
 * Section 8: a year of attendance summarised per student. Get Summary (tallied while streaming) vs
 * Get Many of the same marks + n8n's Summarize node counting marks per student and code (the heavy
 * part of a summary; percentages would still need a Code node after it).
 */
// The peer is measured over the autumn term: over the whole year (550,000 marks) n8n execute cannot
// even serialise the Get Many run ("RangeError: Invalid string length"), which is the point of the summary.
const SUMMARY_RANGE = { from: '2025-09-01', to: '2025-12-19' };
const SUMMARY_YEAR = { from: '2025-09-01', to: '2026-07-10' };
/** Attendance › Get Many over a date range, every mark, in 31-day windows (the peers' first node). */
const getManyOf = (range) => ({
	operation: 'getMany',
	...range,
	returnAll: true,
	options: { windowDays: 31 },
});
/** n8n's Summarize node counting marks per student and code: the heavy part of a summary. */
const SUMMARIZE = {
	id: 's',
	name: 'Summarize',
	type: 'n8n-nodes-base.summarize',
	typeVersion: 1.1,
	position: [400, 0],
	parameters: {
		fieldsToSummarize: { values: [{ aggregation: 'count', field: 'AttendanceID' }] },
		fieldsToSplitBy: 'StudentID, ExportMark',
		options: {},
	},
};

async function measure(sandboxUrl, runs) {
	const proxy = await replayProxy(sandboxUrl);
	try {
		const result = await summaryRuns(proxy.url, runs);
		result.production = await productionSummaryRuns(proxy.url, runs).catch((e) => ({
			error: e.message,
		}));
		return result;
	} finally {
		await proxy.stop();
	}
}

/** Section 8's production runs alone (`--only-production`), through their own replaying proxy. */
async function measureProduction(sandboxUrl, runs) {
	const proxy = await replayProxy(sandboxUrl);
	try {
		return await productionSummaryRuns(proxy.url, runs);
	} finally {
		await proxy.stop();
	}
}

/** The Code node of the Get Many + Code workflow: a per-student summary as a user would write it. */
const SUMMARY_CODE = [
	"const present = new Set(['/', '\\\\', 'L']);",
	"const aea = new Set(['K', 'V', 'P', 'W', 'B']);",
	"const authorised = new Set(['C', 'C1', 'C2', 'E', 'H', 'F', 'I', 'J', 'J1', 'M', 'R', 'S', 'T']);",
	"const unauthorised = new Set(['G', 'N', 'O', 'U']);",
	'const by = new Map();',
	'for (const item of $input.all()) {',
	'  const id = item.json.StudentID;',
	"  const code = String(item.json.ExportMark ?? '').trim();",
	'  let t = by.get(id);',
	'  if (!t) by.set(id, (t = { StudentID: id, present: 0, aea: 0, authorised: 0, unauthorised: 0 }));',
	'  if (present.has(code)) t.present++;',
	'  else if (aea.has(code)) t.aea++;',
	'  else if (authorised.has(code)) t.authorised++;',
	'  else if (unauthorised.has(code)) t.unauthorised++;',
	'}',
	'return [...by.values()].map((t) => {',
	'  const possible = t.present + t.aea + t.authorised + t.unauthorised;',
	'  const pct = possible ? (100 * (t.present + t.aea)) / possible : null;',
	'  return { json: { ...t, possible, attendancePercent: pct, persistentlyAbsent: pct !== null && pct <= 90 } };',
	'});',
].join('\n');

/**
 * Section 8, the whole year (550,000 marks) in production (see productionRuns): unsaved runs are what
 * let the Get Many workflow finish at all (under `n8n execute` it cannot print the run).
 */
async function productionSummaryRuns(sandboxUrl, runs) {
	const bromcom = (parameters) => ({
		id: 'b',
		name: 'Bromcom',
		type: 'n8n-nodes-bromcom.bromcom',
		typeVersion: 1,
		position: [200, 0],
		parameters: { resource: 'attendance', ...parameters },
		credentials: BENCH_CREDENTIAL,
	});
	const workflows = [
		{
			id: 'benchProdSummary01',
			name: 'bench production summary, whole year',
			hookPath: 'bench-summary',
			nodes: [
				webhookNode('bench-summary', 1),
				bromcom({
					operation: 'getSummary',
					...SUMMARY_YEAR,
					options: { sessions: '', windowDays: 31 },
				}),
			],
			connections: { Webhook: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] } },
		},
		{
			id: 'benchProdSummarize',
			name: 'bench production get many + summarize, whole year',
			hookPath: 'bench-summarize',
			nodes: [webhookNode('bench-summarize', 2), bromcom(getManyOf(SUMMARY_YEAR)), SUMMARIZE],
			connections: {
				Webhook: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] },
				Bromcom: { main: [[{ node: 'Summarize', type: 'main', index: 0 }]] },
			},
		},
		{
			// What a user writes today to get the same result: Get Many, then a Code node that tallies
			// per student and works out the percentages and flags (DfE categories, national codes only).
			id: 'benchProdCode00001',
			name: 'bench production get many + code, whole year',
			hookPath: 'bench-code',
			nodes: [
				webhookNode('bench-code', 3),
				bromcom(getManyOf(SUMMARY_YEAR)),
				{
					id: 'c',
					name: 'Code',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [400, 0],
					parameters: { jsCode: SUMMARY_CODE },
				},
			],
			connections: {
				Webhook: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] },
				Bromcom: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
			},
		},
	];
	// The warm-up fills the replay cache with every window's answer, so no measured run waits for the
	// sandbox; one more run of the Get Many + Summarize workflow with n8n's default settings.
	return await productionRuns(sandboxUrl, workflows, 5792, runs, {
		warmUp: [workflows[0]],
		defaultSettings: workflows[1],
	});
}

async function summaryRuns(sandboxUrl, runs) {
	const bromcom = (parameters) => ({
		id: 'b',
		name: 'Bromcom',
		type: 'n8n-nodes-bromcom.bromcom',
		typeVersion: 1,
		position: [200, 0],
		parameters: { resource: 'attendance', ...parameters },
		credentials: BENCH_CREDENTIAL,
	});
	const alone = (id, name, parameters) => ({
		id,
		name,
		nodes: [MANUAL, bromcom(parameters)],
		connections: { Start: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] } },
	});
	const summary = { operation: 'getSummary', options: { sessions: '', windowDays: 31 } };
	const workflows = [
		alone('benchSummaryNode01', 'bench attendance summary', { ...summary, ...SUMMARY_RANGE }),
		{
			id: 'benchSummarizeNode1',
			name: 'bench get many + summarize',
			nodes: [MANUAL, bromcom(getManyOf(SUMMARY_RANGE)), SUMMARIZE],
			connections: {
				Start: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] },
				Bromcom: { main: [[{ node: 'Summarize', type: 'main', index: 0 }]] },
			},
		},
		alone('benchSummaryYear01', 'bench attendance summary, whole year', {
			...summary,
			...SUMMARY_YEAR,
		}),
	];
	log('inside n8n: warm-up pass (fills the replay cache)');
	await runInN8n(sandboxUrl, workflows.slice(0, 2), 5798, 1);
	return await runInN8n(sandboxUrl, workflows, 5798, runs);
}

/** BENCHMARKS.md lines for section 8. */
function reportLines(r) {
	const lines = [];
	if (r.summary) {
		lines.push(
			`## 8. Attendance summary inside real n8n (school 20001, the autumn term ${SUMMARY_RANGE.from} to ${SUMMARY_RANGE.to}, and the whole year to ${SUMMARY_YEAR.to}; \`n8n execute\`)`,
			'',
		);
		if (r.summary.error) lines.push(`Failed: ${r.summary.error}`, '');
		else {
			lines.push(
				...workflowTable(
					Object.fromEntries(Object.entries(r.summary).filter(([k]) => k !== 'production')),
					(id) =>
						id === 'benchSummaryNode01'
							? 'Attendance › Get Summary (autumn term)'
							: id === 'benchSummaryYear01'
								? 'Attendance › Get Summary (whole year)'
								: 'Attendance › Get Many → Summarize (count per student and code), autumn term',
				),
			);
			const a = r.summary.benchSummaryNode01;
			const b = r.summary.benchSummarizeNode1;
			if (a && b && !a.error && !b.error)
				lines.push(
					'',
					`Autumn term under \`n8n execute\` (a fresh n8n per run, so both pay n8n's start-up and a cold JIT): Get Summary ${fmt(b.totalMs / a.totalMs, 1)}× faster, ${fmt((100 * a.peakMB) / b.peakMB, 0)}% of the peak memory, most of which is n8n's own process. The Summarize output still needs a Code node for percentages and flags; Get Summary's is final. Over the whole year (550,000 marks) the Get Many workflow cannot finish under \`n8n execute\`, which prints the whole run as one JSON text (RangeError: Invalid string length); the production runs below compare the whole year.`,
					'',
				);
			const p = r.summary.production;
			if (p && p.error) lines.push('', `Production runs failed: ${p.error}`);
			else if (p) {
				const ps = p.benchProdSummary01;
				const pb = p.benchProdSummarize;
				lines.push(
					'',
					`Whole year (${SUMMARY_YEAR.from} to ${SUMMARY_YEAR.to}, 550,190 marks, 283 MB of responses) in production: \`n8n start\`, a webhook starting the workflow, successful executions not saved (\`EXECUTIONS_DATA_SAVE_ON_SUCCESS=none\`); a fresh n8n per run, medians of ${ps.runs}, the workflows alternated run by run. Time = the webhook call until the last node finished: the first call in the fresh n8n (its code cold) and the same call again (warm, as in a long-running n8n); memory = the resident set of n8n and its child processes (the task runner that runs Code nodes) sampled every 50 ms during the first call, and its growth over the idle processes just before.`,
					'',
					'| workflow | first call | second call | peak RSS of n8n | growth over idle n8n |',
					'|---|---:|---:|---:|---:|',
					`| Attendance › Get Summary | ${productionCells(ps)} |`,
					`| Attendance › Get Many → Summarize (count per student and code) | ${productionCells(pb)} |`,
					...(p.benchProdCode00001
						? [
								`| Attendance › Get Many → Code (per-student summary, percentages, flags) | ${productionCells(p.benchProdCode00001)} |`,
							]
						: []),
				);
				if (!ps.failed.length && !pb.failed.length)
					lines.push(
						'',
						`Get Summary: **${fmt(pb.ms / ps.ms, 1)}× faster** in a warm n8n (${fmt(pb.coldMs / ps.coldMs, 1)}× on the first call), **${fmt((100 * ps.growthMB) / pb.growthMB, 1)}% of the memory the workflow adds** to n8n (${fmt((100 * ps.peakMB) / pb.peakMB, 0)}% of the peak, of which ${fmt(ps.idleMB, 0)} MB is idle n8n).`,
					);
				const pc = p.benchProdCode00001;
				if (pc && !ps.failed.length && pc.failed.length < pc.runs)
					lines.push(
						'',
						`Against Get Many → Code (what a user writes for the percentages and flags): **${fmt(pc.ms / ps.ms, 1)}× faster** warm (${fmt(pc.coldMs / ps.coldMs, 1)}× on the first call), ${fmt((100 * ps.growthMB) / pc.growthMB, 1)}% of the memory it adds to n8n.`,
					);
				else if (pc && pc.failed.length === pc.runs)
					lines.push(
						'',
						`Get Many → Code did not finish: ${pc.failed[0].replace(/\s+/g, ' ').slice(0, 200)}.`,
					);
				const d = p.defaultSettings;
				if (d)
					lines.push(
						'',
						d.status === 200
							? `With n8n's default settings (every successful execution saved) the Get Many workflow finished in ${fmt(d.ms / 1000, 2)} s at ${fmt(d.peakMB, 0)} MB.`
							: `With n8n's default settings (every successful execution saved) the Get Many workflow failed: HTTP ${d.status} after ${fmt(d.ms / 1000, 1)} s, peak ${fmt(d.peakMB, 0)} MB (${d.body.replace(/\s+/g, ' ').slice(0, 160)}).`,
					);
			}
		}
	}
	return lines;
}

/** Section 8's targets: speed and the memory added to idle n8n in production, speed under `n8n execute`. */
function targetRows(r, row) {
	const out = [];
	const pa = r.summary && r.summary.production && r.summary.production.benchProdSummary01;
	const pz = r.summary && r.summary.production && r.summary.production.benchProdSummarize;
	if (pa && pz && !pa.failed.length && !pz.failed.length)
		out.push(
			...productionTargetRows(row, pa, pz, {
				speed:
					'Attendance summary ≥ 5× faster than Get Many + Summarize (whole year, production, warm n8n)',
				minTimes: 5,
				whySpeed:
					"both read and check every byte of the same 283 MB with this package's reader (the peer's Get Many is this package's streamed read); Get Summary saves n8n's 550,000 items and the Summarize pass, not the parse",
				memory:
					'Attendance summary adds ≤ 25% of the memory Get Many + Summarize adds to idle n8n (whole year, production)',
				maxShare: 0.25,
				growthDigits: 1,
			}),
		);
	const pk = r.summary && r.summary.production && r.summary.production.benchProdCode00001;
	if (pa && pk && !pa.failed.length && !pk.failed.length)
		out.push(
			...productionTargetRows(row, pa, pk, {
				speed:
					'Attendance summary ≥ 5× faster than Get Many + Code (whole year, production, warm n8n)',
				minTimes: 5,
				memory:
					'Attendance summary adds ≤ 25% of the memory Get Many + Code adds to idle n8n (whole year, production)',
				maxShare: 0.25,
				growthDigits: 1,
				runner: true,
			}),
		);
	const sa = r.summary && r.summary.benchSummaryNode01;
	const sb = r.summary && r.summary.benchSummarizeNode1;
	if (sa && sb && !sa.error && !sb.error) {
		out.push(
			row(
				'Attendance summary ≥ 5× faster than Get Many + Summarize (autumn term, `n8n execute`)',
				sb.totalMs / sa.totalMs >= 5,
				`${fmt(sb.totalMs / sa.totalMs)}×`,
			),
		);
	}
	return out;
}

module.exports = { measure, measureProduction, reportLines, targetRows };
