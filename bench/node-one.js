/**
 * One measurement in a fresh process, through n8n's execution engine over HTTP against the bench's
 * sandbox: the Bromcom node's Get Many (Attendances) with the given raw filter and limit, or the
 * baseline cost of merely holding rows loaded from a JSON file. Reports JSON on stdout.
 * Usage: node --expose-gc bench/node-one.js node <sandboxUrl> <rawFilter> <limit|all>
 *        node --expose-gc bench/node-one.js rows <rows.json>
 */
process.env.BROMCOM_FROM_DIST = '1';
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

const [what, a, b, c] = process.argv.slice(2);
const mb = (n) => n / (1024 * 1024);

async function main() {
	// Loaded and warmed up before anything is timed: the figures are the read itself, not start-up.
	const harness = what === 'rows' ? undefined : require('../test/helpers/n8n');
	const getMany = async (limit) => {
		const run = await harness.runNode({
			parameters: {
				resource: 'entity',
				operation: 'getMany',
				entity: { __rl: true, mode: 'name', value: 'Attendances' },
				recordStatus: 'all',
				...limit,
				options: { rawFilter: b },
			},
			credentials: harness.sandboxCredential(a),
		});
		if (run.error) throw run.error;
		return run.items;
	};
	if (harness) await getMany({ returnAll: false, limit: 1 });
	global.gc();
	const before = process.memoryUsage().rss;
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	const t = performance.now();
	let rows;
	let held;
	if (what === 'rows') {
		// Baseline: the rows alone, as plain objects, with the JSON text they came from dropped.
		held = JSON.parse(fs.readFileSync(a, 'utf8'));
		rows = held.length;
	} else {
		held = await getMany(
			c === 'all' ? { returnAll: true } : { returnAll: false, limit: Number(c) },
		);
		rows = held.length;
		harness.shutdown();
	}
	const ms = performance.now() - t;
	global.gc();
	const settled = process.memoryUsage().rss;
	peak = Math.max(peak, settled);
	clearInterval(sampler);
	process.stdout.write(
		JSON.stringify({
			ms,
			rows,
			peakGrowthMB: mb(peak - before),
			heldMB: mb(settled - before),
			keep: held.length,
		}),
	);
}

main().catch((e) => {
	process.stdout.write(JSON.stringify({ error: e.message }));
});
