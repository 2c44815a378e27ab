/**
 * Any number of rows: one item's read returns 1,000,000 rows (a ~500 MB streamed response) through
 * n8n's execution engine. Before the client streamed, ~122k rows overflowed the call stack and a
 * response over V8's string limit (~512 MB) could not be held at all. The peak memory is recorded
 * (and bounded): the response text is never held whole, only the rows the node outputs.
 */
const { createHostile, dataSetChunks } = require('../helpers/hostile');
const { runNode, sandboxCredential, shutdown } = require('../helpers/n8n');

const N = 1_000_000;
const COLUMNS = [
	['AttendanceID', 'int'],
	['StudentID', 'int'],
	['CollectionID', 'int'],
	['CalendarStartDate', 'string'],
	['CalendarEndDate', 'string'],
	['AttendanceCodeName', 'string'],
	['AttendanceCodeDescription', 'string'],
	['Session', 'string'],
	['TakenByStaffName', 'string'],
	['Comment', 'string'],
];

/** Row k of the response, made on demand so the server holds no array of a million rows either. */
function row(k) {
	const day = String(1 + (k % 28)).padStart(2, '0');
	return {
		AttendanceID: k + 1,
		StudentID: 100000 + (k % 1500),
		CollectionID: 500 + (k % 60),
		CalendarStartDate: `2025-09-${day}T08:45:00+01:00`,
		CalendarEndDate: `2025-09-${day}T12:00:00+01:00`,
		AttendanceCodeName: k % 17 === 0 ? 'N' : '/',
		AttendanceCodeDescription: k % 17 === 0 ? 'No reason yet provided' : 'Present (AM)',
		Session: k % 2 ? 'PM' : 'AM',
		TakenByStaffName: `Registration teacher ${k % 60}`,
		Comment: 'Taken at the start of the registration session, no comment added by the teacher',
	};
}
const lazyRows = new Proxy([], {
	get: (target, key) =>
		key === 'length'
			? N
			: typeof key === 'string' && /^\d+$/.test(key)
				? row(Number(key))
				: target[key],
});

let hostile;
let base;
beforeAll(async () => {
	hostile = createHostile();
	base = await hostile.start();
});
afterAll(async () => {
	await hostile.stop();
	shutdown();
});

test('1,000,000 rows in one item, streamed: every row arrives, in order, with memory bounded by the rows', async () => {
	let bytes = 0;
	hostile.handle = async (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
		for (const chunk of dataSetChunks(lazyRows, COLUMNS)) {
			bytes += Buffer.byteLength(chunk);
			if (res.destroyed) return;
			if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
		}
		res.end();
	};
	let peak = process.memoryUsage().rss;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
	const before = process.memoryUsage().rss;
	const started = Date.now();
	let result;
	try {
		result = await runNode({
			parameters: {
				resource: 'entity',
				operation: 'getMany',
				entity: { __rl: true, mode: 'name', value: 'Attendances' },
				recordStatus: 'all',
				returnAll: true,
				options: { attempts: 1, timeout: 600 },
			},
			credentials: sandboxCredential(base),
		});
	} finally {
		clearInterval(sampler);
	}
	const ms = Date.now() - started;
	expect(result.error).toBeUndefined();
	const out = result.output;
	expect(out).toHaveLength(N);
	expect(out[0]).toEqual(row(0));
	expect(out[N - 1]).toEqual(row(N - 1));
	expect(out[123456].AttendanceID).toBe(123457);
	expect(result.items[N - 1].pairedItem).toEqual({ item: 0 });
	const mb = (n) => Math.round(n / 1048576);
	// The response is never held as text: growth stays well under twice its size (rows + n8n's items).
	expect(peak - before).toBeLessThan(bytes * 2);
	console.log(
		`million-rows: ${N} rows, response ${mb(bytes)} MB, ${ms} ms, RSS before ${mb(before)} MB, peak ${mb(peak)} MB (+${mb(peak - before)} MB)`,
	);
	expect(bytes).toBeGreaterThan(450 * 1048576);
}, 300000);
