/**
 * Section 7 of `npm run bench`: the memory of a streamed Get Many of the 500,000-row response through
 * n8n's execution engine, against holding just its rows, in a fresh process each (bench/node-one.js).
 */
const fs = require('node:fs');
const path = require('node:path');

const { CAPTURES, ROOT, fmt, fresh, mb, median, repeat } = require('./lib');

async function measure(url, capture500k, runs) {
	const { parseDataSet } = require(
		path.join(ROOT, 'dist', 'nodes', 'Bromcom', 'core', 'wire', 'dataset'),
	);
	const rowsFile = path.join(CAPTURES, 'attendance-500k.rows.json');
	fs.writeFileSync(
		rowsFile,
		JSON.stringify(parseDataSet(fs.readFileSync(capture500k.file, 'utf8')).rows),
	);
	const samples = await repeat(runs, 'memory', async () => ({
		rows: await fresh('node-one.js', ['rows', rowsFile]),
		node: await fresh('node-one.js', ['node', url, 'AttendanceID <= 500000', 'all']),
	}));
	fs.rmSync(rowsFile);
	return {
		nodePeakMB: median(samples.map((x) => x.node.peakGrowthMB)),
		nodeRows: samples[0].node.rows,
		nodeMs: median(samples.map((x) => x.node.ms)),
		rowsHeldMB: median(samples.map((x) => x.rows.heldMB)),
		responseMB: mb(capture500k.bytes),
	};
}

/** BENCHMARKS.md lines for section 7. */
function reportLines(r) {
	const lines = [];
	if (r.memory) {
		lines.push(
			'## 7. Memory of a streamed Get Many (500,000 attendance rows, fresh process each)',
			'',
			`Response ${fmt(r.memory.responseMB)} MB. Bromcom node Get Many through n8n's execution engine over HTTP: peak RSS growth **${fmt(r.memory.nodePeakMB, 0)} MB** for ${r.memory.nodeRows.toLocaleString('en-GB')} items in ${fmt(r.memory.nodeMs / 1000, 1)} s. Holding just those rows as plain objects (loaded from JSON, text dropped): **${fmt(r.memory.rowsHeldMB, 0)} MB**. Ratio ${fmt(r.memory.nodePeakMB / r.memory.rowsHeldMB, 2)}×.`,
			'',
		);
	}
	return lines;
}

function targetRows(r, row) {
	const out = [];
	if (r.memory)
		out.push(
			row(
				'Get Many on 500k rows: peak ≤ 1.2× holding the rows',
				r.memory.nodePeakMB / r.memory.rowsHeldMB <= 1.2,
				`${fmt(r.memory.nodePeakMB / r.memory.rowsHeldMB, 2)}×`,
				"n8n's items wrap each row ({ json, pairedItem }) and the transient garbage of parsing rises above the settled size",
			),
		);
	return out;
}

module.exports = { measure, reportLines, targetRows };
