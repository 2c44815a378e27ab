/**
 * One Export Roster measurement in a fresh process, through n8n's execution engine over HTTP against
 * a sandbox trust running in another process (so its memory is not counted): the whole trust in one
 * execution, or, as the peer, Get Eligible Roster over the same schools one at a time (the reads
 * alone). Reports JSON on stdout: time, RSS before, peak and after, users and excluded.
 * Usage: node --expose-gc bench/roster-one.js export|roster <sandboxUrl> <schoolIds,…> [dist folder]
 */
const { performance } = require('node:perf_hooks');

const [what, url, schools, dist] = process.argv.slice(2);
process.env.BROMCOM_FROM_DIST = dist || '1';
const mb = (n) => n / (1024 * 1024);

async function main() {
	const harness = require('../test/helpers/n8n');
	const credentials = harness.sandboxCredential(url);
	const ids = schools.split(',');
	// The same settings for every build measured (version 1 parameters, named in full).
	const common = {
		preset: 'parentsEvening',
		lawfulBasis: 'fromBromcom',
		includeClasses: true,
		includeContacts: true,
	};
	// As production runs it (a schedule): the deactivation guard compares with and commits its memory.
	const run = async (parameters) => {
		const r = await harness.runNode({
			type: 'n8n-nodes-bromcom.bromcomEligibility',
			parameters: { ...common, ...parameters },
			credentials,
			mode: 'trigger',
		});
		if (r.error) throw r.error;
		return r.run.data.resultData.runData.Bromcom[0].data.main;
	};
	const exportParameters = {
		operation: 'exportRoster',
		schoolIds: schools,
		format: 'sds21',
		usernames: 'pattern',
		studentPattern: '{intakeYear2}{firstInitial}{lastName}',
		staffPattern: '{firstInitial}{lastName}',
		domain: 'trust.sch.uk',
	};
	// Loaded and warmed up on one small read before anything is timed; an export measured is the
	// second of the process, so the guard has last night's memory to compare with, as it would.
	await run({ operation: 'getRoster', schoolId: ids[0], kinds: ['class'] });
	if (what === 'export') await run(exportParameters);
	global.gc();
	const before = process.memoryUsage().rss;
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	const t = performance.now();
	let users = 0;
	let excluded = 0;
	if (what === 'export') {
		const [files, out] = await run(exportParameters);
		users = files[0].json.files.find((f) => f.name === 'users.csv').rows;
		excluded = out.length;
	} else {
		for (const schoolId of ids) {
			const [kept, out] = await run({
				operation: 'getRoster',
				schoolId,
				kinds: ['student', 'teacher', 'class', 'membership', 'contact'],
			});
			users += kept.filter((i) => i.json.kind !== 'class' && i.json.kind !== 'membership').length;
			excluded += out.length;
		}
	}
	const ms = performance.now() - t;
	peak = Math.max(peak, process.memoryUsage().rss);
	clearInterval(sampler);
	harness.shutdown();
	process.stdout.write(
		JSON.stringify({
			ms,
			rssBeforeMb: mb(before),
			peakMb: mb(peak),
			growthMb: mb(peak - before),
			users,
			excluded,
		}),
	);
}

main().catch((e) => {
	process.stderr.write(`${e.stack || e}\n`);
	process.exit(1);
});
