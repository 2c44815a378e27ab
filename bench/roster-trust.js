/**
 * Section 9 of `npm run bench`: Export Roster over a trust of 10 and of 50 schools (the sandbox's
 * `large` schools, ~1,500 pupils and ~2,500 contacts each, with the people a trust shares), the whole
 * trust in one execution through n8n's execution engine, generated usernames, contacts and classes
 * included. The sandbox runs in a process of its own, so the figures are the export's alone.
 *
 * Peers in the same run: the previous Export Roster (commit BASELINE, built from git into a scratch
 * folder) on the same trust and settings; and Get Eligible Roster over the same schools one at a time
 * (the same Bromcom reads, no file set). Fresh process per measurement, contenders alternated, medians.
 * `npm run bench -- --only-roster` re-measures this section alone.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ROOT, fmt, log, median, repeat } = require('./lib');

/** The Export Roster of main before the identity rules (issue 32 measured it there). */
const BASELINE = '0533329';
const TRUSTS = [10, 50];

/** The baseline commit's dist/, built once into the OS temp folder with this checkout's modules. */
function baselineDist() {
	const dir = path.join(os.tmpdir(), `bromcom-bench-${BASELINE}`);
	const dist = path.join(dir, 'dist');
	if (fs.existsSync(path.join(dist, 'nodes', 'BromcomEligibility'))) return dist;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const archive = execFileSync('git', ['archive', BASELINE], { cwd: ROOT, maxBuffer: 1 << 28 });
	execFileSync('tar', ['-x', '-C', dir], { input: archive });
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
	execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
		cwd: dir,
		stdio: 'inherit',
	});
	return dist;
}

/** A sandbox trust in its own process; resolves with its URL and a stop function. */
function startSandbox(schools) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				'--max-old-space-size=16384',
				path.join(ROOT, 'scripts', 'sandbox.js'),
				'--port',
				'0',
				'--size',
				'large',
				'--seed',
				'1',
				'--schools',
				String(schools),
				'--trust',
				'--now',
				'2026-11-18T10:30:00Z',
			],
			{ stdio: ['ignore', 'pipe', 'inherit'] },
		);
		let out = '';
		child.stdout.on('data', (chunk) => {
			out += chunk;
			const m = /Base URL[^:]*: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
			if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
		});
		child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out.slice(-500)}`)));
	});
}

function measure(what, url, schools, dist) {
	const out = execFileSync(
		process.execPath,
		[
			'--expose-gc',
			'--max-old-space-size=16384',
			path.join(__dirname, 'roster-one.js'),
			what,
			url,
			schools,
			...(dist ? [dist] : []),
		],
		{ encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	return JSON.parse(out);
}

async function rosterTrust({ runs }) {
	const baseline = baselineDist();
	const results = [];
	for (const count of TRUSTS) {
		log(`Export Roster: a trust of ${count} large schools (sandbox in its own process)…`);
		const sandbox = await startSandbox(count);
		const schools = Array.from({ length: count }, (_, i) => 20001 + i).join(',');
		const runsOf = { ours: [], baseline: [], roster: [] };
		try {
			// The sandbox builds each school on first read: one untimed read of every school first.
			measure('roster', sandbox.url, schools);
			await repeat(runs, `Export Roster, ${count} schools`, () => {
				runsOf.ours.push(measure('export', sandbox.url, schools));
				// The baseline only at 10 schools: at 50 it is the figure the target asks about, not a peer.
				if (count === 10) runsOf.baseline.push(measure('export', sandbox.url, schools, baseline));
				runsOf.roster.push(measure('roster', sandbox.url, schools));
			});
		} finally {
			sandbox.stop();
		}
		const summary = (list) =>
			list.length === 0
				? undefined
				: {
						ms: median(list.map((x) => x.ms)),
						peakMb: median(list.map((x) => x.peakMb)),
						growthMb: median(list.map((x) => x.growthMb)),
						users: list[0].users,
						excluded: list[0].excluded,
						runs: list.length,
					};
		results.push({
			schools: count,
			ours: summary(runsOf.ours),
			baseline: summary(runsOf.baseline),
			roster: summary(runsOf.roster),
		});
	}
	return { baselineCommit: BASELINE, trusts: results };
}

/** The section's lines for BENCHMARKS.md. */
function rosterTrustReport(r) {
	if (!r) return [];
	const lines = [
		'## 9. Export Roster over a trust (large schools with shared people, one execution)',
		'',
	];
	if (r.error) return [...lines, `Failed: ${r.error}`, ''];
	lines.push(
		`SDS v2.1 with generated usernames (\`{intakeYear2}{firstInitial}{lastName}\`, one domain), classes and contacts, Parents' Evening rules, the sandbox's \`large\` schools with \`--trust\` in a process of their own; through n8n's execution engine in a fresh process per run, medians. Peak = the measuring process's resident set sampled every 20 ms; growth = over the same process just before the export (n8n's engine and this package loaded). Peers: the Export Roster of commit ${r.baselineCommit} (before one person, one account) on the same trust and settings; Get Eligible Roster over the same schools one at a time (the same reads, no file set).`,
		'',
		'| schools | contender | time | peak RSS | growth | users in users.csv | on Excluded |',
		'|---:|---|---:|---:|---:|---:|---:|',
	);
	const row = (count, label, x) =>
		x
			? `| ${count} | ${label} | ${fmt(x.ms / 1000, 1)} s | ${fmt(x.peakMb, 0)} MB | ${fmt(x.growthMb, 0)} MB | ${x.users.toLocaleString('en-GB')} | ${x.excluded.toLocaleString('en-GB')} |`
			: undefined;
	for (const t of r.trusts)
		lines.push(
			...[
				row(t.schools, 'Export Roster (this version)', t.ours),
				row(t.schools, `Export Roster at ${r.baselineCommit}`, t.baseline),
				row(t.schools, 'Get Eligible Roster, school by school (users = kept people)', t.roster),
			].filter(Boolean),
		);
	const ten = r.trusts.find((t) => t.schools === 10);
	if (ten && ten.baseline)
		lines.push(
			'',
			`10 schools: this version takes ${fmt(ten.ours.ms / ten.baseline.ms, 2)}× the time of ${r.baselineCommit} and ${fmt(ten.ours.ms / ten.roster.ms, 2)}× the reads alone. The earlier version's users.csv is smaller because it merged different pupils whose generated names collided into one user.`,
		);
	lines.push('');
	return lines;
}

/** Target rows for the section (issue 32). */
function rosterTrustTargets(r, row) {
	if (!r || r.error) return [];
	const ten = r.trusts.find((t) => t.schools === 10);
	const fifty = r.trusts.find((t) => t.schools === 50);
	return [
		ten &&
			ten.baseline &&
			row(
				`Export Roster, 10 schools: no slower than ${r.baselineCommit}`,
				ten.ours.ms <= ten.baseline.ms * 1.05,
				`${fmt(ten.ours.ms / 1000, 1)} s vs ${fmt(ten.baseline.ms / 1000, 1)} s`,
			),
		fifty &&
			row(
				'Export Roster, 50 schools in one execution: memory growth under 1 GB',
				fifty.ours.growthMb < 1024,
				`${fmt(fifty.ours.growthMb, 0)} MB in ${fmt(fifty.ours.ms / 1000, 1)} s`,
			),
	].filter(Boolean);
}

module.exports = { rosterTrust, rosterTrustReport, rosterTrustTargets };
