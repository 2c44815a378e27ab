/**
 * Section 6 of `npm run bench`: Limit stops the download. Get Many with Limit 50 against Return All
 * on the 100,000-row response, in a fresh process each (bench/node-one.js).
 */
const fs = require('node:fs');
const http = require('node:http');

const { fmt, fresh, median, repeat } = require('./lib');

/**
 * Limit 50 against Return All on the 100,000-row response, replayed from its capture by a small server
 * (the sandbox's own query time, which a Limit cannot shorten on any server, is not counted).
 */
async function measure(captureFile, runs) {
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
			const stream = fs.createReadStream(captureFile, { highWaterMark: 64 * 1024 });
			res.on('close', () => stream.destroy());
			stream.pipe(res);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const replay = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
	let samples;
	try {
		samples = await repeat(runs, 'limit', async () => ({
			limit: await fresh('node-one.js', ['node', replay, '', '50']),
			all: await fresh('node-one.js', ['node', replay, '', 'all']),
		}));
	} finally {
		server.close();
	}
	return {
		limitMs: median(samples.map((x) => x.limit.ms)),
		limitRows: samples[0].limit.rows,
		allMs: median(samples.map((x) => x.all.ms)),
		allRows: samples[0].all.rows,
	};
}

/** BENCHMARKS.md lines for section 6. */
function reportLines(r) {
	const lines = [];
	if (r.limit) {
		lines.push(
			'## 6. Limit stops the download (Get Many through the engine, fresh process each)',
			'',
			'| read | median time | rows |',
			'|---|---:|---:|',
		);
		lines.push(
			`| Limit 50 of the 100,000-row response | ${fmt(r.limit.limitMs / 1000, 3)} s | ${r.limit.limitRows} |`,
			`| Return All | ${fmt(r.limit.allMs / 1000, 2)} s | ${r.limit.allRows.toLocaleString('en-GB')} |`,
			'',
			`Limit 50 takes ${fmt((100 * r.limit.limitMs) / r.limit.allMs, 1)}% of the time of reading everything: the connection is closed once 50 rows have arrived.`,
			'',
		);
	}
	return lines;
}

function targetRows(r, row) {
	const out = [];
	if (r.limit)
		out.push(
			row(
				'Limit 50 of 100k rows ≤ 5% of the time of reading all',
				r.limit.limitMs / r.limit.allMs <= 0.05,
				`${fmt((100 * r.limit.limitMs) / r.limit.allMs, 1)}%`,
				'the fixed cost of an execution (engine, connection, schema) dominates a 50-row read',
			),
		);
	return out;
}

module.exports = { measure, reportLines, targetRows };
