/**
 * BENCHMARKS.md (and bench/results/latest.md), rendered from the results of `npm run bench`
 * (bench/results/latest.json): each benchmark's file gives its section's lines and its target rows.
 */
const fs = require('node:fs');
const path = require('node:path');

const e2e = require('./e2e');
const insideN8n = require('./inside-n8n');
const limit = require('./limit');
const { RESULTS, ROOT, fmt } = require('./lib');
const memory = require('./memory');
const parse = require('./parse');
const { rosterTrustReport, rosterTrustTargets } = require('./roster-trust');
const summary = require('./summary');
const trigger = require('./trigger');

/** Writes the results, then the report rendered from them (to BENCHMARKS.md and stdout). */
function writeReport(r) {
	// The measurements first: a report that fails to render loses nothing.
	fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(r, null, 2));
	const lines = [
		'# Benchmarks',
		'',
		`Measured with \`${r.command}\` on ${r.machine}, Node ${r.node}, ${r.date.slice(0, 10)}.`,
		'Medians of fresh-process runs after a warm-up, contenders alternated run by run. Ratios are against this package ("ours").',
		'',
		...parse.reportLines(r),
		...e2e.reportLines(r),
		...insideN8n.reportLines(r),
		...trigger.reportLines(r.trigger),
		...parse.memoryBoundLines(r),
		...limit.reportLines(r),
		...memory.reportLines(r),
		...summary.reportLines(r),
		'',
		...rosterTrustReport(r.rosterTrust),
		'',
		...targets(r),
	];
	const text = `${lines.join('\n')}\n`;
	fs.writeFileSync(path.join(RESULTS, 'latest.md'), text);
	fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), text);
	process.stdout.write(text);
}

/** The product's goals (issue #9, then the client issue), each met or missed with the measured figure. */
function targets(r) {
	const row = (goal, ok, measured, why = '') =>
		`| ${goal} | ${ok === undefined ? '–' : ok ? 'met' : '**missed**'} | ${measured} | ${ok === false ? why : ''} |`;
	const a = r.n8nProduction && r.n8nProduction.benchBromcomNode01;
	const b = r.n8nProduction && r.n8nProduction.benchHttpXmlSplit1;
	const idle =
		a && b && a.idleMB && b.peakMB
			? ` (${fmt((100 * Math.min(a.idleMB, b.idleMB)) / b.peakMB, 0)}% of HTTP Request → XML → Split Out's peak in section 3)`
			: '';
	return [
		'## Against the targets',
		'',
		`Memory targets in production are shares of what a workflow adds to idle \`n8n start\`, not of the peak: idle n8n with its task runner is most of any peak${idle}, a floor no workflow run in that n8n goes below.`,
		'',
		'| target | result | measured | what dominates / what would close the gap |',
		'|---|---|---|---|',
		...parse.targetRows(r, row),
		...insideN8n.targetRows(r, row),
		...summary.targetRows(r, row),
		...parse.clientTargetRows(r, row),
		...limit.targetRows(r, row),
		...memory.targetRows(r, row),
		...insideN8n.clientTargetRows(r, row),
		...trigger.targetRows(r.trigger, row),
		...rosterTrustTargets(r.rosterTrust, row),
		'',
	];
}

module.exports = { writeReport };
