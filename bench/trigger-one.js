/**
 * The Bromcom Trigger on a large entity in a fresh process, through n8n-core's PollContext over HTTP
 * against the bench's sandbox (bench/trigger.js runs it): a baseline poll, a quiet poll, and a poll
 * with every code column padded (no event: padding is not a change). The state goes through JSON
 * between polls, as n8n stores it. Reports JSON on stdout.
 * Usage: node --expose-gc bench/trigger-one.js <sandboxUrl> <rawFilter>
 */
process.env.BROMCOM_FROM_DIST = '1';
const { performance } = require('node:perf_hooks');

const [url, filter] = process.argv.slice(2);
const mb = (n) => n / (1024 * 1024);

async function change(body) {
	const res = await fetch(`${url}/__sandbox/change`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`sandbox change failed: ${await res.text()}`);
}

async function main() {
	const harness = require('../test/helpers/n8n');
	const credentials = harness.sandboxCredential(url);
	const parameters = (rawFilter) => ({
		watch: 'entity',
		entity: { __rl: true, mode: 'name', value: 'Attendances' },
		keyColumns: 'AttendanceID',
		triggerOn: ['new', 'updated', 'left', 'restored'],
		includeInOutput: 'new',
		options: { rawFilter, timeout: 1200 },
	});
	// Warm-up on a few rows (code loaded and compiled), with a state of its own.
	const warm = await harness.pollOnce({
		parameters: parameters('AttendanceID <= 2000'),
		credentials,
	});
	if (warm.error) throw warm.error;
	global.gc();
	const before = process.memoryUsage().rss;
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	let staticData = {};
	const polls = [];
	// Peak RSS growth over the process's start per poll (V8 keeps pages it has used, so later polls
	// start higher), and the heap held after each (a full collection first): what stays is the state.
	const poll = async (name) => {
		peak = process.memoryUsage().rss;
		const t = performance.now();
		const r = await harness.pollOnce({ parameters: parameters(filter), credentials, staticData });
		const ms = performance.now() - t;
		if (r.error) throw r.error;
		staticData = r.staticData;
		const pollPeak = Math.max(peak, process.memoryUsage().rss);
		global.gc();
		polls.push({
			name,
			ms,
			events: r.items.length,
			notices: r.notices.length,
			peakGrowthMB: mb(pollPeak - before),
			heldMB: mb(process.memoryUsage().heapUsed - heapBefore),
		});
	};
	const heapBefore = process.memoryUsage().heapUsed;
	await poll('first (baseline)');
	await poll('quiet (nothing changed)');
	await change({ action: 'setPadding', on: true });
	try {
		await poll('every code column padded');
	} finally {
		await change({ action: 'setPadding', on: false });
	}
	clearInterval(sampler);
	const state = staticData['node:Bromcom Trigger'].bromcom;
	const rows = state.d.length / 8;
	harness.shutdown();
	process.stdout.write(
		JSON.stringify({
			rows,
			polls,
			peakGrowthMB: Math.max(...polls.map((p) => p.peakGrowthMB)),
			stateBytes: JSON.stringify(staticData).length,
		}),
	);
}

main().catch((e) => {
	process.stdout.write(JSON.stringify({ error: e.message }));
});
