#!/usr/bin/env node
/**
 * `npm run bench`: performance measured side by side in one run, on this machine, against the sandbox's
 * `large` dataset. Never part of `npm test`. Writes bench/results/latest.json, then renders
 * bench/results/latest.md and BENCHMARKS.md from it (bench/report.js). One file per benchmark, each
 * over the run loop of bench/lib.js, with its section's report lines and target rows:
 *
 * 1. bench/parse.js: the same captured responses turned into rows by this package, the soap client,
 *    fast-xml-parser, and a bare indexOf row count (the floor); 5. the memory bound, from the same runs.
 * 2. bench/e2e.js: the Bromcom node's Get Many through n8n's execution engine vs the soap client.
 * 3. bench/inside-n8n.js: inside real n8n, the Bromcom node vs HTTP Request → XML → Split Out.
 * 4. bench/trigger.js: one poll over 100,000 records with 1% changed against version 1's diff, state
 *    bytes per record, and the trigger on a 500,000-row entity.
 * 6. bench/limit.js: Limit 50 against Return All.
 * 7. bench/memory.js: peak RSS of Get Many on the 500,000-row response against holding its rows.
 * 8. bench/summary.js: the attendance summary inside real n8n.
 * 9. bench/roster-trust.js: Export Roster over a trust of 10 and 50 schools.
 * bench/n8n.js runs workflows in a real n8n for sections 3 and 8.
 *
 * Options: --runs N (default 5), --skip-n8n, --only-n8n, --only-n8n-production, --only-limit,
 * --only-trigger, --only-summary, --only-production, --only-roster, --report-only (BENCHMARKS.md again
 * from bench/results/latest.json).
 */
process.env.BROMCOM_FROM_DIST = '1';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const e2e = require('./e2e');
const insideN8n = require('./inside-n8n');
const { CAPTURES, RESULTS, ROOT, fmt, log } = require('./lib');
const limit = require('./limit');
const memory = require('./memory');
const parse = require('./parse');
const { writeReport } = require('./report');
const { rosterTrust } = require('./roster-trust');
const summary = require('./summary');
const trigger = require('./trigger');

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
/** The runs of the heavier measurements (fresh processes of 500,000 rows, a fresh n8n each). */
const FEW = Math.min(RUNS, 3);
const SKIP_N8N = process.argv.includes('--skip-n8n');
const failed = (e) => ({ error: e.message });

/**
 * Sections re-measured alone, keeping the others of the last full run: the flag, the section named in
 * the report's command line, and what it measures into the results.
 * @type {Array<{ flag: string, section: string | number, sandbox?: boolean, measure: (r: any, url: string) => Promise<void> }>}
 */
const ONLY = [
	{
		flag: '--only-roster',
		section: 9,
		sandbox: false,
		measure: async (r) => {
			r.rosterTrust = await rosterTrust({ runs: FEW }).catch(failed);
		},
	},
	{
		flag: '--only-limit',
		section: 6,
		measure: async (r) => {
			// Against the capture of the last full run.
			r.limit = await limit.measure(path.join(CAPTURES, 'attendance-100k.xml'), FEW);
		},
	},
	{
		flag: '--only-production',
		section: '8, production',
		measure: async (r, url) => {
			r.summary.production = await summary.measureProduction(url, FEW).catch(failed);
		},
	},
	{
		flag: '--only-n8n-production',
		section: '3, production',
		measure: async (r, url) => {
			r.n8nProduction = await insideN8n.measureProduction(url, FEW).catch(failed);
		},
	},
	{
		flag: '--only-summary',
		section: 8,
		measure: async (r, url) => {
			r.summary = await summary.measure(url, FEW).catch(failed);
		},
	},
	{
		flag: '--only-trigger',
		section: 4,
		measure: async (r, url) => {
			r.trigger = await trigger.measure(url, RUNS);
		},
	},
	{
		flag: '--only-n8n',
		section: 3,
		measure: async (r, url) => {
			r.n8n = await insideN8n.measure(url, FEW).catch(failed);
			r.n8nProduction = await insideN8n.measureProduction(url, FEW).catch(failed);
		},
	},
];

/** The run's command with a note of the section re-measured, and how (the flags as given, e.g. `--runs 3`). */
const withSectionNote = (command, section) =>
	`${command.replace(new RegExp(` \\(section ${section}: [^)]*\\)`, 'g'), '')} (section ${section}: npm run bench -- ${process.argv.slice(2).join(' ')}, ${new Date().toISOString().slice(0, 10)})`;

const latest = () => JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));

async function main() {
	if (process.argv.includes('--report-only')) {
		// Renders BENCHMARKS.md again from bench/results/latest.json (after a change to the report's text).
		writeReport(latest());
		return;
	}
	fs.mkdirSync(RESULTS, { recursive: true });
	log('building…');
	execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], {
		cwd: ROOT,
		stdio: 'inherit',
	});
	const only = ONLY.find((o) => process.argv.includes(o.flag));
	if (only && only.sandbox === false) {
		const previous = latest();
		await only.measure(previous, '');
		previous.command = withSectionNote(previous.command, only.section);
		writeReport(previous);
		return;
	}
	const { createSandbox } = require('../sandbox/server');
	const started = performance.now();
	const sandbox = createSandbox({ size: 'large', seed: 1, now: '2026-07-10T10:00:00Z' });
	sandbox.school(20001);
	const attendanceRows = sandbox.rows('Attendances', 20001).length;
	log(
		`large dataset (school 20001: ${attendanceRows.toLocaleString()} attendance rows) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
	);
	const url = await sandbox.start(0);
	if (only) {
		const previous = latest();
		try {
			await only.measure(previous, url);
		} finally {
			await sandbox.stop();
		}
		previous.command = withSectionNote(previous.command, only.section);
		writeReport(previous);
		return;
	}

	const shared = await parse.captureAll(url);
	const [, attendance100k, attendance500k] = shared.captures;
	const report = {
		machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB`,
		node: process.version,
		date: new Date().toISOString(),
		command: `npm run bench -- --runs ${RUNS}`,
	};
	report.parse = await parse.measure(shared, RUNS);
	report.e2e = await e2e.measure(url, FEW);
	report.limit = await limit.measure(attendance100k.file, FEW);
	report.memory = await memory.measure(url, attendance500k, FEW);
	report.trigger = await trigger.measure(url, RUNS);
	if (!SKIP_N8N) {
		report.n8n = await insideN8n.measure(url, FEW).catch(failed);
		report.n8nProduction = await insideN8n.measureProduction(url, FEW).catch(failed);
		report.summary = await summary.measure(url, FEW).catch(failed);
	}
	require('../test/helpers/n8n').shutdown();
	await sandbox.stop();
	report.rosterTrust = await rosterTrust({ runs: FEW }).catch(failed);
	writeReport(report);
}

main().catch((e) => {
	process.stderr.write(`${e.stack}\n`);
	process.exit(1);
});
