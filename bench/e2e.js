/**
 * Section 2 of `npm run bench`: end to end over HTTP, the Bromcom node's Get Many of 100,000 attendance
 * rows through n8n's execution engine against the soap client's call of the same.
 */
const { performance } = require('node:perf_hooks');

const { fmt, median, repeat } = require('./lib');

async function measure(url, runs) {
	const { runNode, sandboxCredential } = require('../test/helpers/n8n');
	const soap = require('soap');
	const credentials = sandboxCredential(url);
	const samples = await repeat(runs, 'end to end over HTTP', async () => {
		let t = performance.now();
		const run = await runNode({
			parameters: {
				resource: 'entity',
				operation: 'getMany',
				entity: { __rl: true, mode: 'name', value: 'Attendances' },
				recordStatus: 'all',
				returnAll: true,
				options: { rawFilter: 'AttendanceID <= 100000' },
			},
			credentials,
		});
		const node = { ms: performance.now() - t, rows: run.output.length };
		t = performance.now();
		const client = await soap.createClientAsync(
			`${url}/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx?wsdl`,
		);
		const [result] = await client.getEntityDataBySchoolIDAsync({
			schoolID: 20001,
			entityName: 'Attendances',
			entityFilter: 'AttendanceID <= 100000',
			username: 'sandbox',
			password: 'sandbox',
		});
		const table = result.getEntityDataBySchoolIDResult?.diffgram?.NewDataSet?.Table;
		return {
			node,
			soap: { ms: performance.now() - t, rows: Array.isArray(table) ? table.length : 0 },
		};
	});
	return {
		node: { ms: median(samples.map((x) => x.node.ms)), rows: samples[0].node.rows },
		soap: { ms: median(samples.map((x) => x.soap.ms)), rows: samples[0].soap.rows },
	};
}

/** BENCHMARKS.md lines for section 2. */
function reportLines(r) {
	const lines = [];
	lines.push(
		'## 2. End to end over HTTP (100,000 attendance rows)',
		'',
		'| path | median time | rows | ratio |',
		'|---|---:|---:|---:|',
	);
	lines.push(
		`| Bromcom node Get Many through n8n's execution engine | ${fmt(r.e2e.node.ms / 1000, 2)} s | ${r.e2e.node.rows.toLocaleString('en-GB')} | 1.0× |`,
	);
	lines.push(
		`| soap client (createClientAsync + call) | ${fmt(r.e2e.soap.ms / 1000, 2)} s | ${r.e2e.soap.rows.toLocaleString('en-GB')} | ${fmt(r.e2e.soap.ms / r.e2e.node.ms, 1)}× slower |`,
		'',
	);
	return lines;
}

module.exports = { measure, reportLines };
