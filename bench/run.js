#!/usr/bin/env node
/**
 * `npm run bench`: performance measured side by side in one run, on this machine, against the sandbox's
 * `large` dataset. Never part of `npm test`. Writes bench/results/latest.md and BENCHMARKS.md.
 *
 * 1. Parse: the same captured responses turned into rows by this package, the soap client,
 *    fast-xml-parser, and a bare indexOf row count (the floor). Fresh process per measurement,
 *    contenders alternated run by run, medians quoted.
 * 2. End to end over HTTP: the Bromcom node's Get Many through n8n's execution engine vs the soap client.
 * 3. Inside real n8n: the Bromcom node vs HTTP Request → XML → Split Out on the same SOAP call.
 * 4. Trigger: one poll over 100,000 records with 1% changed against version 1's diff, state bytes per
 *    record, and the trigger on a 500,000-row entity (bench/trigger.js).
 * 5. Memory bound: peak RSS producing items from the 500,000-row response.
 *
 * 9. Export Roster over a trust of 10 and 50 schools (bench/roster-trust.js).
 *
 * Options: --runs N (default 5), --skip-n8n, --only-n8n, --only-n8n-production, --only-limit,
 * --only-trigger, --only-summary, --only-production, --only-roster, --report-only (BENCHMARKS.md again
 * from bench/results/latest.json).
 */
process.env.BROMCOM_FROM_DIST = '1';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const CAPTURES = path.join(__dirname, 'captures');
const RESULTS = path.join(__dirname, 'results');
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const SKIP_N8N = process.argv.includes('--skip-n8n');
// Re-measure only the real-n8n section, keeping the other sections of the last full run.
const ONLY_N8N = process.argv.includes('--only-n8n');
// Re-measure only the Limit section (against the captures of the last full run).
const ONLY_LIMIT = process.argv.includes('--only-limit');
// Re-measure only the attendance summary inside real n8n (section 8).
const ONLY_SUMMARY = process.argv.includes('--only-summary');
// Re-measure only section 8's production runs (the whole year through a webhook in `n8n start`).
const ONLY_PRODUCTION = process.argv.includes('--only-production');
// Re-measure only section 3's production runs (100,000 rows through a webhook in `n8n start`).
const ONLY_N8N_PRODUCTION = process.argv.includes('--only-n8n-production');
// Re-measure only section 9 (Export Roster over a trust of 10 and 50 schools).
const ONLY_ROSTER = process.argv.includes('--only-roster');
const { rosterTrust, rosterTrustReport, rosterTrustTargets } = require('./roster-trust');
// Re-measure only section 4 (the trigger).
const ONLY_TRIGGER = process.argv.includes('--only-trigger');
const triggerBench = require('./trigger');
const log = (m) => process.stderr.write(`[bench] ${m}\n`);
/** The command line of a report with one section re-measured: one note per section, the latest. */
/** The run's command with a note of the section re-measured, and how (the flags as given, e.g. `--runs 3`). */
const withSectionNote = (command, section) =>
	`${command.replace(new RegExp(` \\(section ${section}: [^)]*\\)`, 'g'), '')} (section ${section}: npm run bench -- ${process.argv.slice(2).join(' ')}, ${new Date().toISOString().slice(0, 10)})`;

const median = (xs) => {
	const s = xs.slice().sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (bytes) => bytes / (1024 * 1024);
const fmt = (n, d = 1) =>
	n === undefined || n === null || Number.isNaN(n)
		? '–'
		: n.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });

function soapEnvelope(entity, filter) {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getEntityDataBySchoolID xmlns="http://tempuri.org/"><schoolID>20001</schoolID><entityName>${entity}</entityName><entityFilter>${filter.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</entityFilter><username>sandbox</username><password>sandbox</password></getEntityDataBySchoolID></soap:Body></soap:Envelope>`;
}

async function capture(url, name, entity, filter) {
	const file = path.join(CAPTURES, `${name}.xml`);
	const res = await fetch(`${url}/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx`, {
		method: 'POST',
		headers: {
			'Content-Type': 'text/xml; charset=utf-8',
			SOAPAction: '"http://tempuri.org/getEntityDataBySchoolID"',
		},
		body: soapEnvelope(entity, filter),
	});
	fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
	return { name, file, entity, filter, bytes: fs.statSync(file).size };
}

/** One bench/node-one.js measurement. Asynchronous: the child may read from the sandbox in this process. */
function nodeOnce(...args) {
	return new Promise((resolve, reject) => {
		require('node:child_process').execFile(
			process.execPath,
			['--expose-gc', '--max-old-space-size=8192', path.join(__dirname, 'node-one.js'), ...args],
			{ encoding: 'utf8', maxBuffer: 1 << 20 },
			(error, stdout) => {
				if (error && !stdout) return reject(error);
				const out = JSON.parse(stdout);
				return out.error ? reject(new Error(out.error)) : resolve(out);
			},
		);
	});
}

function parseOnce(contender, file, warmup, wsdl) {
	const out = execFileSync(
		process.execPath,
		[
			'--expose-gc',
			'--max-old-space-size=8192',
			path.join(__dirname, 'parse-one.js'),
			contender,
			file,
			warmup,
			wsdl,
		],
		{ encoding: 'utf8', maxBuffer: 1 << 20 },
	);
	return JSON.parse(out);
}

async function main() {
	fs.mkdirSync(CAPTURES, { recursive: true });
	fs.mkdirSync(RESULTS, { recursive: true });
	log('building…');
	execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], {
		cwd: ROOT,
		stdio: 'inherit',
	});
	const { createSandbox } = require('../sandbox/server');
	const started = performance.now();
	const sandbox = createSandbox({ size: 'large', seed: 1, now: '2026-07-10T10:00:00Z' });
	sandbox.school(20001);
	const attendanceRows = sandbox.rows('Attendances', 20001).length;
	log(
		`large dataset (school 20001: ${attendanceRows.toLocaleString()} attendance rows) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
	);
	const url = await sandbox.start(0);
	if (ONLY_ROSTER) {
		const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
		await sandbox.stop();
		previous.rosterTrust = await rosterTrust({ runs: Math.min(RUNS, 3) }).catch((e) => ({
			error: e.message,
		}));
		previous.command = withSectionNote(previous.command, 9);
		writeReport(previous);
		return;
	}
	if (ONLY_LIMIT) {
		const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
		previous.limit = await limitSection(path.join(CAPTURES, 'attendance-100k.xml'));
		previous.command = withSectionNote(previous.command, 6);
		await sandbox.stop();
		writeReport(previous);
		return;
	}
	if (process.argv.includes('--report-only')) {
		// Renders BENCHMARKS.md again from bench/results/latest.json (after a change to the report's text).
		await sandbox.stop();
		writeReport(JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8')));
		return;
	}
	if (ONLY_PRODUCTION) {
		const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
		const proxy = await replayProxy(url);
		try {
			previous.summary.production = await productionSummaryRuns(proxy.url).catch((e) => ({
				error: e.message,
			}));
		} finally {
			await proxy.stop();
		}
		previous.command = withSectionNote(previous.command, '8, production');
		await sandbox.stop();
		writeReport(previous);
		return;
	}
	if (ONLY_N8N_PRODUCTION) {
		const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
		previous.n8nProduction = await productionInN8n(url).catch((e) => ({ error: e.message }));
		previous.command = withSectionNote(previous.command, '3, production');
		await sandbox.stop();
		writeReport(previous);
		return;
	}
	if (ONLY_SUMMARY) {
		const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
		previous.summary = await summaryInN8n(url).catch((e) => ({ error: e.message }));
		previous.command = withSectionNote(previous.command, 8);
		await sandbox.stop();
		writeReport(previous);
		return;
	}
	if (ONLY_TRIGGER) {
		const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
		previous.trigger = await triggerSection(url);
		previous.command = withSectionNote(previous.command, 4);
		await sandbox.stop();
		writeReport(previous);
		return;
	}
	if (ONLY_N8N) {
		const previous = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
		previous.n8n = await insideN8n(url).catch((e) => ({ error: e.message }));
		previous.n8nProduction = await productionInN8n(url).catch((e) => ({ error: e.message }));
		previous.command = withSectionNote(previous.command, 3);
		await sandbox.stop();
		writeReport(previous);
		return;
	}
	const wsdl = path.join(CAPTURES, 'TPReadOnlyDataService.wsdl');
	fs.writeFileSync(
		wsdl,
		await (
			await fetch(`${url}/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx?wsdl`)
		).text(),
	);

	const captures = [
		await capture(url, 'students', 'Students', ''),
		await capture(url, 'attendance-100k', 'Attendances', 'AttendanceID <= 100000'),
		await capture(url, 'attendance-500k', 'Attendances', 'AttendanceID <= 500000'),
	];
	const warmup = captures[0].file;
	const report = {
		machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB`,
		node: process.version,
		date: new Date().toISOString(),
		command: `npm run bench -- --runs ${RUNS}`,
	};

	// 1. Parse, alternating contenders run by run.
	const contenders = ['ours', 'soap', 'fxp', 'indexOf'];
	const parse = [];
	for (const c of captures) {
		const runs = c.name === 'attendance-500k' ? Math.min(RUNS, 3) : RUNS;
		const samples = Object.fromEntries([...contenders, 'oursStream'].map((k) => [k, []]));
		for (let r = 0; r < runs; r++) {
			const order = contenders
				.slice(r % contenders.length)
				.concat(contenders.slice(0, r % contenders.length));
			for (const k of order) {
				const m = parseOnce(k, c.file, warmup, wsdl);
				if (m.error) log(`${k} on ${c.name}: ${m.error}`);
				samples[k].push(m);
			}
			if (c.name === 'attendance-500k')
				samples.oursStream.push(parseOnce('oursStream', c.file, warmup, wsdl));
			log(`parse ${c.name}: run ${r + 1}/${runs} done`);
		}
		for (const [k, list] of Object.entries(samples)) {
			const ok = list.filter((m) => !m.error);
			if (!ok.length) {
				if (list.length) parse.push({ capture: c, contender: k, error: list[0].error });
				continue;
			}
			parse.push({
				capture: c,
				contender: k,
				ms: median(ok.map((m) => m.ms)),
				rows: ok[0].rows,
				rss: median(ok.map((m) => m.rssDeltaMB)),
				n: ok.length,
			});
		}
	}
	report.parse = parse;

	// 2. End to end over HTTP: the node through n8n's execution engine vs the soap client.
	const { runNode, sandboxCredential, shutdown } = require('../test/helpers/n8n');
	const soap = require('soap');
	const credentials = sandboxCredential(url);
	const e2e = { node: [], soap: [] };
	for (let r = 0; r < Math.min(RUNS, 3); r++) {
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
		e2e.node.push({ ms: performance.now() - t, rows: run.output.length });
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
		e2e.soap.push({ ms: performance.now() - t, rows: Array.isArray(table) ? table.length : 0 });
		log(`end to end over HTTP: run ${r + 1} done`);
	}
	report.e2e = {
		node: { ms: median(e2e.node.map((x) => x.ms)), rows: e2e.node[0].rows },
		soap: { ms: median(e2e.soap.map((x) => x.ms)), rows: e2e.soap[0].rows },
	};

	// 2b. Limit stops the download: Limit 50 against reading all 100,000 rows, fresh process each.
	report.limit = await limitSection(captures[1].file);

	// 5b. Memory of Get Many on the 500k-row response through the engine against holding just its rows.
	const { parseDataSet } = require(
		path.join(ROOT, 'dist', 'nodes', 'Bromcom', 'core', 'wire', 'dataset'),
	);
	const rowsFile = path.join(CAPTURES, 'attendance-500k.rows.json');
	fs.writeFileSync(
		rowsFile,
		JSON.stringify(parseDataSet(fs.readFileSync(captures[2].file, 'utf8')).rows),
	);
	const memory = { node: [], rows: [] };
	for (let r = 0; r < Math.min(RUNS, 3); r++) {
		memory.rows.push(await nodeOnce('rows', rowsFile));
		memory.node.push(await nodeOnce('node', url, 'AttendanceID <= 500000', 'all'));
		log(`memory: run ${r + 1} done`);
	}
	fs.rmSync(rowsFile);
	report.memory = {
		nodePeakMB: median(memory.node.map((x) => x.peakGrowthMB)),
		nodeRows: memory.node[0].rows,
		nodeMs: median(memory.node.map((x) => x.ms)),
		rowsHeldMB: median(memory.rows.map((x) => x.heldMB)),
		responseMB: mb(captures[2].bytes),
	};

	// 4. Trigger: a 100,000-record poll against version 1's diff; the trigger on 500,000 rows.
	report.trigger = await triggerSection(url);

	// 3. Inside real n8n.
	if (!SKIP_N8N) report.n8n = await insideN8n(url).catch((e) => ({ error: e.message }));
	if (!SKIP_N8N)
		report.n8nProduction = await productionInN8n(url).catch((e) => ({ error: e.message }));
	if (!SKIP_N8N) report.summary = await summaryInN8n(url).catch((e) => ({ error: e.message }));
	shutdown();
	await sandbox.stop();
	report.rosterTrust = await rosterTrust({ runs: Math.min(RUNS, 3) }).catch((e) => ({
		error: e.message,
	}));
	writeReport(report);
}

/** Section 4 (bench/trigger.js): the 100,000-record poll, then the trigger on 500,000 rows. */
async function triggerSection(url) {
	const trigger = await triggerBench.diffSection(url, RUNS, log);
	trigger.scale = await triggerBench
		.scaleSection(url, Math.min(RUNS, 3), log)
		.catch((e) => ({ error: e.message }));
	return trigger;
}

/**
 * Limit 50 against Return All on the 100,000-row response, replayed from its capture by a small server
 * (the sandbox's own query time, which a Limit cannot shorten on any server, is not counted).
 */
async function limitSection(captureFile) {
	const http = require('node:http');
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
	const runs = { limit: [], all: [] };
	try {
		for (let r = 0; r < Math.min(RUNS, 3); r++) {
			runs.limit.push(await nodeOnce('node', replay, '', '50'));
			runs.all.push(await nodeOnce('node', replay, '', 'all'));
			log(`limit: run ${r + 1} done`);
		}
	} finally {
		server.close();
	}
	return {
		limitMs: median(runs.limit.map((x) => x.ms)),
		limitRows: runs.limit[0].rows,
		allMs: median(runs.all.map((x) => x.ms)),
		allRows: runs.all[0].rows,
	};
}

const MANUAL = {
	id: 'm',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const BENCH_CREDENTIAL = { bromcomMisApi: { id: 'bromcomBench000001', name: 'Bromcom Bench' } };
/** The credential behind BENCH_CREDENTIAL, for `n8n import:credentials`. */
const benchCredentials = (sandboxUrl) => [
	require('../scripts/n8n-runtime').sandboxCredential(sandboxUrl, BENCH_CREDENTIAL.bromcomMisApi),
];
/** Attendance › Get Many over a date range, every mark, in 31-day windows (the peers' first node). */
const getManyOf = (range) => ({
	operation: 'getMany',
	...range,
	returnAll: true,
	options: { windowDays: 31 },
});
/** n8n's Summarize node counting marks per student and code: the heavy part of a summary. */
const SUMMARIZE = {
	id: 's',
	name: 'Summarize',
	type: 'n8n-nodes-base.summarize',
	typeVersion: 1.1,
	position: [400, 0],
	parameters: {
		fieldsToSummarize: { values: [{ aggregation: 'count', field: 'AttendanceID' }] },
		fieldsToSplitBy: 'StudentID, ExportMark',
		options: {},
	},
};

/** Section 3: Get Many of 100,000 rows vs n8n's HTTP Request → XML → Split Out, and n8n's floor. */
async function insideN8n(sandboxUrl) {
	return await runInN8n(sandboxUrl, section3Workflows(sandboxUrl), 5796);
}

/**
 * Section 3 in production (see productionRuns): the same workflows started by a webhook in `n8n
 * start`, through the replay proxy (a warm-up fills it), so the sandbox builds no XML while n8n is measured.
 */
async function productionInN8n(sandboxUrl) {
	const proxy = await replayProxy(sandboxUrl);
	try {
		const workflows = section3Workflows(proxy.url).map((w, k) => {
			const { Start, ...rest } = w.connections;
			const hookPath = `bench-${w.id.toLowerCase()}`;
			return {
				...w,
				name: `${w.name}, production`,
				hookPath,
				nodes: [webhookNode(hookPath, 4 + k), ...w.nodes.filter((n) => n.name !== 'Start')],
				connections: { Webhook: Start, ...rest },
			};
		});
		return await productionRuns(proxy.url, workflows, 5794, { warmUp: workflows.slice(0, 2) });
	} finally {
		await proxy.stop();
	}
}

function section3Workflows(sandboxUrl) {
	const manual = MANUAL;
	return [
		{
			id: 'benchBromcomNode01',
			name: 'bench bromcom',
			nodes: [
				manual,
				{
					id: 'b',
					name: 'Bromcom',
					type: 'n8n-nodes-bromcom.bromcom',
					typeVersion: 1,
					position: [200, 0],
					parameters: {
						resource: 'entity',
						operation: 'getMany',
						entity: { __rl: true, mode: 'name', value: 'Attendances' },
						recordStatus: 'all',
						returnAll: true,
						options: { rawFilter: 'AttendanceID <= 100000' },
					},
					credentials: BENCH_CREDENTIAL,
				},
			],
			connections: { Start: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] } },
		},
		{
			id: 'benchHttpXmlSplit1',
			name: 'bench http xml split',
			nodes: [
				manual,
				{
					id: 'h',
					name: 'HTTP Request',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [200, 0],
					parameters: {
						method: 'POST',
						url: `${sandboxUrl}/Nucleus/WebServices/ThirdParty/TPReadOnlyDataService.asmx`,
						sendHeaders: true,
						headerParameters: {
							parameters: [
								{ name: 'SOAPAction', value: '"http://tempuri.org/getEntityDataBySchoolID"' },
							],
						},
						sendBody: true,
						contentType: 'raw',
						rawContentType: 'text/xml; charset=utf-8',
						body: soapEnvelope('Attendances', 'AttendanceID <= 100000'),
						options: {},
					},
				},
				{
					id: 'x',
					name: 'XML',
					type: 'n8n-nodes-base.xml',
					typeVersion: 1,
					position: [400, 0],
					parameters: { mode: 'xmlToJson', dataPropertyName: 'data', options: {} },
				},
				{
					id: 's',
					name: 'Split Out',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [600, 0],
					parameters: {
						fieldToSplitOut:
							'soap:Envelope.soap:Body.getEntityDataBySchoolIDResponse.getEntityDataBySchoolIDResult.diffgr:diffgram.NewDataSet.Table',
						options: {},
					},
				},
			],
			connections: {
				Start: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] },
				'HTTP Request': { main: [[{ node: 'XML', type: 'main', index: 0 }]] },
				XML: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			},
		},
		// n8n's own floor in the same run: the process with no rows, and holding (and printing) 100,000
		// rows of the same columns that no Bromcom read made (a Code node builds them).
		{
			id: 'benchFloorNoRows01',
			name: 'bench floor, no rows',
			nodes: [
				manual,
				{
					id: 'n',
					name: 'No Operation',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [200, 0],
					parameters: {},
				},
			],
			connections: { Start: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
		},
		{
			id: 'benchFloorCodeRows',
			name: 'bench floor, 100k rows from a Code node',
			nodes: [
				manual,
				{
					id: 'c',
					name: 'Code',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [200, 0],
					parameters: { mode: 'runOnceForAllItems', jsCode: FLOOR_ROWS_CODE },
				},
			],
			connections: { Start: { main: [[{ node: 'Code', type: 'main', index: 0 }]] } },
		},
	];
}

/** 100,000 rows with the Attendances columns and value shapes (ids, sessions, dates, marks). */
const FLOOR_ROWS_CODE = `const out = [];
const pad = (n) => String(n).padStart(2, '0');
for (let k = 0; k < 100000; k++) {
	const day = '2025-' + pad(9 + Math.floor(k / 60000)) + '-' + pad(1 + (Math.floor(k / 3000) % 28));
	const pm = Math.floor(k / 1500) % 2 === 1;
	const mark = k % 17 === 0 ? 'N' : k % 11 === 0 ? 'L' : pm ? '\\\\' : '/';
	out.push({ json: {
		AttendanceID: k + 1,
		StudentID: 2001000 + (k % 1500),
		CalendarName: pm ? 'PM' : 'AM',
		CalendarStartDate: day + (pm ? 'T13:15:00+01:00' : 'T08:40:00+01:00'),
		CalendarEndDate: day + (pm ? 'T15:20:00+01:00' : 'T12:05:00+01:00'),
		Mark: mark,
		ExportMark: mark,
		MarkMeaningName: mark === 'N' ? 'Unauthorised Absence' : 'Present',
		MarkMeaningDescription: mark === 'N' ? 'No reason yet provided' : 'Present',
		AttendanceComment: null,
		RecordedBy: 2000100 + (k % 60),
		RecordedOn: day + 'T09:' + pad(k % 60) + ':00+01:00',
		Minute: null,
		CollectionID: 2000300 + (k % 50),
	} });
}
return out;`;

/**
 * Section 8: a year of attendance summarised per student. Get Summary (tallied while streaming) vs
 * Get Many of the same marks + n8n's Summarize node counting marks per student and code (the heavy
 * part of a summary; percentages would still need a Code node after it).
 */
// The peer is measured over the autumn term: over the whole year (550,000 marks) n8n execute cannot
// even serialise the Get Many run ("RangeError: Invalid string length"), which is the point of the summary.
const SUMMARY_RANGE = { from: '2025-09-01', to: '2025-12-19' };
const SUMMARY_YEAR = { from: '2025-09-01', to: '2026-07-10' };
/**
 * A replaying proxy in front of the sandbox: the first request with a given body is fetched and kept,
 * later ones are answered from memory. Both workflows send the same window reads, so after a warm-up
 * pass the measured runs time n8n and the node, not the sandbox building XML.
 */
async function replayProxy(targetUrl) {
	const cache = new Map();
	const server = http.createServer(async (req, res) => {
		const chunks = [];
		for await (const c of req) chunks.push(c);
		const body = Buffer.concat(chunks);
		const key = `${req.url}\n${req.headers.soapaction ?? ''}\n${body.toString('utf8')}`;
		let hit = cache.get(key);
		if (!hit) {
			const r = await fetch(`${targetUrl}${req.url}`, {
				method: req.method,
				headers: {
					'content-type': req.headers['content-type'] ?? 'text/xml',
					soapaction: req.headers.soapaction ?? '',
				},
				body: req.method === 'POST' ? body : undefined,
			});
			hit = {
				status: r.status,
				type: r.headers.get('content-type') ?? 'text/xml',
				bytes: Buffer.from(await r.arrayBuffer()),
			};
			cache.set(key, hit);
		}
		res.writeHead(hit.status, { 'content-type': hit.type, 'content-length': hit.bytes.length });
		res.end(hit.bytes);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
	return { url, stop: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}

async function summaryInN8n(sandboxUrl) {
	const proxy = await replayProxy(sandboxUrl);
	try {
		const result = await summaryRuns(proxy.url);
		result.production = await productionSummaryRuns(proxy.url).catch((e) => ({ error: e.message }));
		return result;
	} finally {
		await proxy.stop();
	}
}

/** The Code node of the Get Many + Code workflow: a per-student summary as a user would write it. */
const SUMMARY_CODE = [
	"const present = new Set(['/', '\\\\', 'L']);",
	"const aea = new Set(['K', 'V', 'P', 'W', 'B']);",
	"const authorised = new Set(['C', 'C1', 'C2', 'E', 'H', 'F', 'I', 'J', 'J1', 'M', 'R', 'S', 'T']);",
	"const unauthorised = new Set(['G', 'N', 'O', 'U']);",
	'const by = new Map();',
	'for (const item of $input.all()) {',
	'  const id = item.json.StudentID;',
	"  const code = String(item.json.ExportMark ?? '').trim();",
	'  let t = by.get(id);',
	'  if (!t) by.set(id, (t = { StudentID: id, present: 0, aea: 0, authorised: 0, unauthorised: 0 }));',
	'  if (present.has(code)) t.present++;',
	'  else if (aea.has(code)) t.aea++;',
	'  else if (authorised.has(code)) t.authorised++;',
	'  else if (unauthorised.has(code)) t.unauthorised++;',
	'}',
	'return [...by.values()].map((t) => {',
	'  const possible = t.present + t.aea + t.authorised + t.unauthorised;',
	'  const pct = possible ? (100 * (t.present + t.aea)) / possible : null;',
	'  return { json: { ...t, possible, attendancePercent: pct, persistentlyAbsent: pct !== null && pct <= 90 } };',
	'});',
].join('\n');

/**
 * Section 8, the whole year (550,000 marks) in production (see productionRuns): unsaved runs are what
 * let the Get Many workflow finish at all (under `n8n execute` it cannot print the run).
 */
async function productionSummaryRuns(sandboxUrl) {
	const bromcom = (parameters) => ({
		id: 'b',
		name: 'Bromcom',
		type: 'n8n-nodes-bromcom.bromcom',
		typeVersion: 1,
		position: [200, 0],
		parameters: { resource: 'attendance', ...parameters },
		credentials: BENCH_CREDENTIAL,
	});
	const workflows = [
		{
			id: 'benchProdSummary01',
			name: 'bench production summary, whole year',
			hookPath: 'bench-summary',
			nodes: [
				webhookNode('bench-summary', 1),
				bromcom({
					operation: 'getSummary',
					...SUMMARY_YEAR,
					options: { sessions: '', windowDays: 31 },
				}),
			],
			connections: { Webhook: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] } },
		},
		{
			id: 'benchProdSummarize',
			name: 'bench production get many + summarize, whole year',
			hookPath: 'bench-summarize',
			nodes: [webhookNode('bench-summarize', 2), bromcom(getManyOf(SUMMARY_YEAR)), SUMMARIZE],
			connections: {
				Webhook: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] },
				Bromcom: { main: [[{ node: 'Summarize', type: 'main', index: 0 }]] },
			},
		},
		{
			// What a user writes today to get the same result: Get Many, then a Code node that tallies
			// per student and works out the percentages and flags (DfE categories, national codes only).
			id: 'benchProdCode00001',
			name: 'bench production get many + code, whole year',
			hookPath: 'bench-code',
			nodes: [
				webhookNode('bench-code', 3),
				bromcom(getManyOf(SUMMARY_YEAR)),
				{
					id: 'c',
					name: 'Code',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [400, 0],
					parameters: { jsCode: SUMMARY_CODE },
				},
			],
			connections: {
				Webhook: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] },
				Bromcom: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
			},
		},
	];
	// The warm-up fills the replay cache with every window's answer, so no measured run waits for the
	// sandbox; one more run of the Get Many + Summarize workflow with n8n's default settings.
	return await productionRuns(sandboxUrl, workflows, 5792, {
		warmUp: [workflows[0]],
		defaultSettings: workflows[1],
	});
}

/** A Webhook node that starts a production workflow and answers when its last node has finished. */
function webhookNode(hookPath, n) {
	return {
		id: 'w',
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: `5e7c0a1b-0000-4000-8000-00000000000${n}`,
		parameters: {
			httpMethod: 'POST',
			path: hookPath,
			responseMode: 'lastNode',
			responseData: 'noData',
		},
	};
}

/**
 * Workflows run the way a scheduled or webhook workflow runs in production: `n8n start`, published
 * workflows started by their webhook, successful executions not saved (EXECUTIONS_DATA_SAVE_ON_SUCCESS
 * none, so n8n never serialises the run). A fresh n8n per run, each workflow called twice in it (first
 * call: code cold; second: warm, as in a long-running n8n); memory = the resident set of n8n and its
 * child processes (the task runner) sampled every 50 ms during the first call, and its growth over the
 * idle processes just before. `warmUp` is run once unmeasured first; `defaultSettings` once more with
 * n8n's default (every successful execution saved).
 * @param {string} sandboxUrl
 * @param {any[]} workflows
 * @param {number} port
 * @param {{ warmUp?: any[], defaultSettings?: any }} [options]
 */
async function productionRuns(sandboxUrl, workflows, port, { warmUp = [], defaultSettings } = {}) {
	const rt = require('../scripts/n8n-runtime');
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-bench-prod-'));
	const home = path.join(work, 'home');
	const nodeBin = rt.ensureNode24();
	const cli = rt.ensureN8n(nodeBin);
	const envWith = (extra) => rt.n8nEnv(home, port, extra);
	rt.installPackage(home, rt.packPackage(work));
	const setup = { nodeBin, cli, env: envWith({}) };
	fs.writeFileSync(path.join(work, 'creds.json'), JSON.stringify(benchCredentials(sandboxUrl)));
	const dir = path.join(work, 'wf');
	fs.mkdirSync(dir);
	for (const w of workflows)
		fs.writeFileSync(
			path.join(dir, `${w.id}.json`),
			JSON.stringify({
				id: w.id,
				name: w.name,
				nodes: w.nodes,
				connections: w.connections,
				active: false,
				settings: { executionOrder: 'v1' },
			}),
		);
	const check = async (args) => {
		const r = await rt.n8nCli(setup, args);
		if (r.code !== 0)
			throw new Error(`n8n ${args[0]} failed: ${r.stdout}${r.stderr}`.slice(0, 2000));
	};
	await check(['import:credentials', `--input=${path.join(work, 'creds.json')}`]);
	await check(['import:workflow', '--separate', `--input=${dir}`]);
	for (const w of workflows) await check(['publish:workflow', `--id=${w.id}`]);

	const rssMB = (pid, field) => {
		try {
			const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
				fs.readFileSync(`/proc/${pid}/status`, 'utf8'),
			);
			return m ? Number(m[1]) / 1024 : 0;
		} catch {
			return 0;
		}
	};
	// n8n and its child processes (the task runner that runs Code nodes is one).
	const treeRssMB = (root) => {
		const parents = new Map();
		for (const name of fs.readdirSync('/proc')) {
			if (!/^\d+$/.test(name)) continue;
			try {
				const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
				parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
			} catch {
				// ended
			}
		}
		let total = 0;
		const queue = [root];
		while (queue.length) {
			const pid = queue.pop();
			total += rssMB(pid, 'VmRSS');
			for (const [child, parent] of parents) if (parent === pid) queue.push(child);
		}
		return total;
	};
	const once = async (w, extraEnv, warm = true) => {
		const n8n = await rt.startN8n({ nodeBin, cli, env: envWith(extraEnv) });
		try {
			await new Promise((r) => setTimeout(r, 3000));
			const pid = n8n.child.pid;
			const idleMB = treeRssMB(pid);
			let peakMB = idleMB;
			const timer = setInterval(() => (peakMB = Math.max(peakMB, treeRssMB(pid))), 50);
			const call = async () => {
				const started = performance.now();
				const res = await fetch(`${n8n.base}/webhook/${w.hookPath}`, { method: 'POST' });
				const body = await res.text();
				return { ms: performance.now() - started, status: res.status, body: body.slice(0, 300) };
			};
			const first = await call();
			clearInterval(timer);
			// The same call again in the same n8n: what a long-running production n8n does (its code warm).
			const second = first.status === 200 && warm ? await call() : undefined;
			return {
				coldMs: first.ms,
				ms: second ? second.ms : first.ms,
				idleMB,
				peakMB,
				status: second ? second.status : first.status,
				body: second ? second.body : first.body,
			};
		} finally {
			await n8n.stop();
		}
	};
	const result = {};
	const samples = Object.fromEntries(workflows.map((w) => [w.id, []]));
	const saveNone = { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' };
	for (const w of warmUp) {
		await once(w, saveNone, false);
		log(`production: warm-up with ${w.name} done`);
	}
	for (let r = 0; r < Math.min(RUNS, 3); r++)
		for (const w of r % 2 === 0 ? workflows : [...workflows].reverse()) {
			samples[w.id].push(await once(w, saveNone));
			log(`production: ${w.name} run ${r + 1} done`);
		}
	for (const w of workflows) {
		const s = samples[w.id];
		const ok = s.filter((x) => x.status === 200);
		result[w.id] = {
			ms: median(ok.map((x) => x.ms)),
			coldMs: median(ok.map((x) => x.coldMs)),
			peakMB: median(ok.map((x) => x.peakMB)),
			idleMB: median(ok.map((x) => x.idleMB)),
			growthMB: median(ok.map((x) => x.peakMB - x.idleMB)),
			runs: s.length,
			failed: s.filter((x) => x.status !== 200).map((x) => `${x.status} ${x.body}`),
		};
	}
	if (defaultSettings) {
		// n8n's default: every successful execution saved (its run data serialised into the database).
		result.defaultSettings = await once(
			defaultSettings,
			{ EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' },
			false,
		);
		log(`production: ${defaultSettings.name} with n8n defaults done`);
	}
	fs.rmSync(work, { recursive: true, force: true });
	return result;
}

async function summaryRuns(sandboxUrl) {
	const bromcom = (parameters) => ({
		id: 'b',
		name: 'Bromcom',
		type: 'n8n-nodes-bromcom.bromcom',
		typeVersion: 1,
		position: [200, 0],
		parameters: { resource: 'attendance', ...parameters },
		credentials: BENCH_CREDENTIAL,
	});
	const alone = (id, name, parameters) => ({
		id,
		name,
		nodes: [MANUAL, bromcom(parameters)],
		connections: { Start: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] } },
	});
	const summary = { operation: 'getSummary', options: { sessions: '', windowDays: 31 } };
	const workflows = [
		alone('benchSummaryNode01', 'bench attendance summary', { ...summary, ...SUMMARY_RANGE }),
		{
			id: 'benchSummarizeNode1',
			name: 'bench get many + summarize',
			nodes: [MANUAL, bromcom(getManyOf(SUMMARY_RANGE)), SUMMARIZE],
			connections: {
				Start: { main: [[{ node: 'Bromcom', type: 'main', index: 0 }]] },
				Bromcom: { main: [[{ node: 'Summarize', type: 'main', index: 0 }]] },
			},
		},
		alone('benchSummaryYear01', 'bench attendance summary, whole year', {
			...summary,
			...SUMMARY_YEAR,
		}),
	];
	log('inside n8n: warm-up pass (fills the replay cache)');
	await runInN8n(sandboxUrl, workflows.slice(0, 2), 5798, 1);
	return await runInN8n(sandboxUrl, workflows, 5798);
}

async function runInN8n(sandboxUrl, workflows, port, runs = Math.min(RUNS, 3)) {
	const rt = require('../scripts/n8n-runtime');
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-bench-'));
	const home = path.join(work, 'home');
	const nodeBin = rt.ensureNode24();
	const n8n = {
		nodeBin,
		cli: rt.ensureN8n(nodeBin),
		env: rt.n8nEnv(home, port, { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' }),
	};
	rt.installPackage(home, rt.packPackage(work));
	fs.writeFileSync(path.join(work, 'creds.json'), JSON.stringify(benchCredentials(sandboxUrl)));
	const dir = path.join(work, 'wf');
	fs.mkdirSync(dir);
	for (const w of workflows)
		fs.writeFileSync(
			path.join(dir, `${w.id}.json`),
			JSON.stringify({ ...w, active: false, settings: { executionOrder: 'v1' } }),
		);
	await rt.n8nCli(n8n, ['import:credentials', `--input=${path.join(work, 'creds.json')}`]);
	await rt.n8nCli(n8n, ['import:workflow', '--separate', `--input=${dir}`]);
	const result = {};
	for (const w of workflows) {
		const samples = [];
		for (let r = 0; r < runs; r++) {
			// stdout to a file: n8n exits right after printing, and a pipe would lose the tail of a large run.
			const outFile = path.join(work, `${w.id}-${r}.out`);
			const fd = fs.openSync(outFile, 'w');
			const child = spawn(
				path.join(nodeBin, 'node'),
				[n8n.cli, 'execute', `--id=${w.id}`, '--rawOutput'],
				{
					// BROMCOM_BENCH_N8N_NODE_OPTIONS (for example `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles n8n.
					env: process.env.BROMCOM_BENCH_N8N_NODE_OPTIONS
						? { ...n8n.env, NODE_OPTIONS: process.env.BROMCOM_BENCH_N8N_NODE_OPTIONS }
						: n8n.env,
					stdio: ['ignore', fd, 'ignore'],
				},
			);
			let peak = 0;
			const timer = setInterval(() => {
				try {
					const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
					if (m) peak = Math.max(peak, Number(m[1]) / 1024);
				} catch {
					// process ended
				}
			}, 50);
			await new Promise((resolve) => child.on('close', resolve));
			clearInterval(timer);
			fs.closeSync(fd);
			const run = rt.parseExecuteOutput(fs.readFileSync(outFile, 'utf8'));
			fs.rmSync(outFile);
			const runData = run.data.resultData.runData;
			const nodes = Object.fromEntries(
				Object.entries(runData).map(([name, tasks]) => [
					name,
					{ ms: tasks[0].executionTime, items: tasks[0].data?.main?.[0]?.length ?? 0 },
				]),
			);
			const last = w.nodes[w.nodes.length - 1].name;
			samples.push({
				nodes,
				peakMB: peak,
				items: nodes[last]?.items,
				error: run.data.resultData.error?.message,
			});
			log(`inside n8n: ${w.name} run ${r + 1} done`);
		}
		const names = Object.keys(samples[0].nodes).filter((n) => n !== 'Start');
		result[w.id] = {
			nodes: Object.fromEntries(
				names.map((n) => [n, median(samples.map((s) => s.nodes[n]?.ms ?? NaN))]),
			),
			totalMs: median(samples.map((s) => names.reduce((t, n) => t + (s.nodes[n]?.ms ?? 0), 0))),
			peakMB: median(samples.map((s) => s.peakMB)),
			items: samples[0].items,
			error: samples[0].error,
		};
	}
	fs.rmSync(work, { recursive: true, force: true });
	return result;
}

/** Section 3's workflows as the report names them. */
const SECTION3_LABELS = {
	benchBromcomNode01: 'Bromcom node Get Many',
	benchHttpXmlSplit1: 'HTTP Request → XML → Split Out',
	benchFloorNoRows01: 'n8n alone: No Operation, no rows',
	benchFloorCodeRows: 'n8n holding 100,000 rows of the same columns from a Code node',
};

/** A production run's cells: first call, second call, peak RSS, growth over idle n8n. */
function productionCells(x) {
	return x.failed.length === x.runs
		? `failed: ${x.failed[0]} | | | |`
		: `${fmt(x.coldMs / 1000, 2)} s | ${fmt(x.ms / 1000, 2)} s | ${fmt(x.peakMB, 0)} MB | ${fmt(x.growthMB, 0)} MB`;
}

/**
 * The two target rows of a production comparison, ours against a peer: warm speed (with the first
 * call's ratio) and share of the peak (with the share of the growth over idle n8n).
 */
function productionTargetRows(row, ours, peer, t) {
	return [
		row(
			t.speed,
			peer.ms / ours.ms >= t.minTimes,
			`${fmt(peer.ms / ours.ms)}× (first call ${fmt(peer.coldMs / ours.coldMs)}×)`,
			t.whySpeed,
		),
		row(
			t.memory,
			ours.peakMB / peer.peakMB <= t.maxShare,
			`${fmt((100 * ours.peakMB) / peer.peakMB, 0)}% of the peak; ${fmt((100 * ours.growthMB) / peer.growthMB, t.growthDigits)}% of the growth over idle n8n`,
			`idle \`n8n start\`${t.runner ? ' with its task runner' : ''} is ${fmt(ours.idleMB, 0)} MB of both peaks${idleFloor(ours, peer, t.maxShare)}`,
		),
	];
}

/**
 * When idle n8n alone is over a peak-share target, the target cannot be met by any workflow run in
 * that n8n: says so, with the share (the smaller of the two runs' idle, so the claim is the cautious one).
 */
function idleFloor(ours, peer, maxShare) {
	const share = Math.min(ours.idleMB, peer.idleMB) / peer.peakMB;
	return share > maxShare
		? `, itself ${fmt(100 * share, 0)}% of the peer's peak: no workflow run in that n8n comes under ${fmt(100 * maxShare, 0)}%`
		: '';
}

/** The table of an inside-n8n section: one row per workflow, its nodes' median times, items and peak memory. */
function workflowTable(results, labelOf) {
	const rows = Object.entries(results).map(
		([id, w]) =>
			`| ${labelOf(id)} | ${Object.entries(w.nodes)
				.map(([n, ms]) => `${n} ${fmt(ms / 1000, 2)} s`)
				.join(
					', ',
				)} | ${fmt(w.totalMs / 1000, 2)} s | ${w.items?.toLocaleString('en-GB') ?? '–'}${w.error ? ` (error: ${w.error})` : ''} | ${fmt(w.peakMB, 0)} MB |`,
	);
	return [
		'| workflow | per-node execution time (median) | total | items out | peak RSS of n8n |',
		'|---|---|---:|---:|---:|',
		...rows,
	];
}

function writeReport(r) {
	// The measurements first: a report that fails to render loses nothing.
	fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(r, null, 2));
	const lines = [];
	lines.push(
		'# Benchmarks',
		'',
		`Measured with \`${r.command}\` on ${r.machine}, Node ${r.node}, ${r.date.slice(0, 10)}.`,
		'Medians of fresh-process runs after a warm-up, contenders alternated run by run. Ratios are against this package ("ours").',
		'',
	);
	lines.push('## 1. Parse a captured `getEntityDataBySchoolID` response into row objects', '');
	lines.push(
		'| response | contender | median time | rows/s | MB/s | peak RSS growth | ours is … faster |',
		'|---|---|---:|---:|---:|---:|---:|',
	);
	for (const c of [...new Set(r.parse.map((p) => p.capture.name))]) {
		const rows = r.parse.filter((p) => p.capture.name === c);
		const ours = rows.find((p) => p.contender === 'ours');
		for (const p of rows) {
			if (p.error) {
				lines.push(
					`| ${c} (${fmt(mb(p.capture.bytes))} MB) | ${p.contender} | failed: ${p.error} | | | | |`,
				);
				continue;
			}
			const ratio = p.contender === 'ours' || !ours ? '' : `${fmt(p.ms / ours.ms, 1)}×`;
			lines.push(
				`| ${c} (${fmt(mb(p.capture.bytes))} MB, ${p.rows.toLocaleString('en-GB')} rows) | ${p.contender} | ${fmt(p.ms / 1000, 3)} s | ${fmt(p.rows / (p.ms / 1000), 0)} | ${fmt(mb(p.capture.bytes) / (p.ms / 1000), 1)} | ${fmt(p.rss, 0)} MB | ${ratio} |`,
			);
		}
	}
	lines.push(
		'',
		"`ours` = this package's DataSet extractor (whole response → rows); `oursStream` = the same reader fed 1 MB chunks from disk with rows dropped as produced; `soap` = the `soap` package client's response parser with the sandbox WSDL (`client.wsdl.xmlToObject`); `fxp` = `fast-xml-parser` with default options; `indexOf` = counting rows with `indexOf`, the floor.",
		'',
	);
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
	lines.push('## 3. Inside real n8n (100,000 attendance rows, `n8n execute`)', '');
	if (!r.n8n) lines.push('Skipped (`--skip-n8n`).', '');
	else if (r.n8n.error) lines.push(`Failed: ${r.n8n.error}`, '');
	else {
		lines.push(...workflowTable(r.n8n, (id) => SECTION3_LABELS[id] ?? id));
		const a = r.n8n.benchBromcomNode01;
		const b = r.n8n.benchHttpXmlSplit1;
		if (a && b && !a.error && !b.error)
			lines.push(
				'',
				`Bromcom node: ${fmt(b.totalMs / a.totalMs, 1)}× faster, ${fmt((100 * a.peakMB) / b.peakMB, 0)}% of the peak memory.`,
				'',
			);
		else lines.push('', 'No ratio: one of the workflows failed (see its row).', '');
		const floor = r.n8n.benchFloorNoRows01;
		const code = r.n8n.benchFloorCodeRows;
		if (a && b && floor && code && !a.error && !b.error && !floor.error && !code.error)
			lines.push(
				`n8n's floor in the same run: \`n8n execute\` of a workflow with no rows peaks at ${fmt(floor.peakMB, 0)} MB (${fmt((100 * floor.peakMB) / b.peakMB, 0)}% of the HTTP Request workflow's peak); holding and printing 100,000 rows of the Attendances columns that a Code node made, with no Bromcom read at all, at ${fmt(code.peakMB, 0)} MB (${fmt((100 * code.peakMB) / b.peakMB, 0)}%). The Bromcom node's peak is ${fmt(a.peakMB - floor.peakMB, 0)} MB over the empty run, against ${fmt(code.peakMB - floor.peakMB, 0)} MB for the Code node's rows and ${fmt(b.peakMB - floor.peakMB, 0)} MB for HTTP Request → XML → Split Out.`,
				'',
			);
	}
	const p3 = r.n8nProduction;
	if (p3 && p3.error) lines.push(`Production runs failed: ${p3.error}`, '');
	else if (p3) {
		const runs = Object.values(p3).find((x) => x && x.runs)?.runs;
		lines.push(
			`The same workflows in production: \`n8n start\`, a webhook starting each, successful executions not saved (\`EXECUTIONS_DATA_SAVE_ON_SUCCESS=none\`), through a replaying proxy so that the sandbox builds no XML while n8n is measured; a fresh n8n per run, medians of ${runs}, the workflows alternated run by run. Time = the webhook call until the last node finished, first call (cold) and the same call again (warm); memory = the resident set of n8n and its task runner sampled every 50 ms during the first call, and its growth over the idle processes just before. Nothing is printed: this is what a scheduled workflow costs.`,
			'',
			'| workflow | first call | second call | peak RSS of n8n | growth over idle n8n |',
			'|---|---:|---:|---:|---:|',
			...Object.entries(SECTION3_LABELS)
				.filter(([id]) => p3[id])
				.map(([id, name]) => `| ${name} | ${productionCells(p3[id])} |`),
			'',
		);
		const a = p3.benchBromcomNode01;
		const b = p3.benchHttpXmlSplit1;
		if (a && b && a.failed.length < a.runs && b.failed.length < b.runs)
			lines.push(
				`In production the Bromcom node is ${fmt(b.ms / a.ms, 1)}× faster warm (${fmt(b.coldMs / a.coldMs, 1)}× on the first call), at ${fmt((100 * a.peakMB) / b.peakMB, 0)}% of the peak memory and ${fmt((100 * a.growthMB) / b.growthMB, 0)}% of the memory the workflow adds to idle n8n.`,
				'',
			);
	}
	lines.push(...triggerBench.reportLines(r.trigger, fmt));
	const big = r.parse.filter((p) => p.capture.name === 'attendance-500k');
	const ours = big.find((p) => p.contender === 'ours');
	const stream = big.find((p) => p.contender === 'oursStream');
	if (ours) {
		const size = mb(ours.capture.bytes);
		lines.push(
			'## 5. Memory bound (500,000 attendance rows)',
			'',
			`Response ${fmt(size)} MB. Whole response held as text plus every row object: peak growth ${fmt(ours.rss, 0)} MB over the loaded text, i.e. ${fmt((size + ours.rss) / size, 2)}× the response size.${stream ? ` Streaming 1 MB chunks with rows dropped as produced: peak growth ${fmt(stream.rss, 0)} MB (${fmt(stream.rss / size, 2)}× the response size).` : ''}`,
			'',
		);
	}
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
	if (r.memory) {
		lines.push(
			'## 7. Memory of a streamed Get Many (500,000 attendance rows, fresh process each)',
			'',
			`Response ${fmt(r.memory.responseMB)} MB. Bromcom node Get Many through n8n's execution engine over HTTP: peak RSS growth **${fmt(r.memory.nodePeakMB, 0)} MB** for ${r.memory.nodeRows.toLocaleString('en-GB')} items in ${fmt(r.memory.nodeMs / 1000, 1)} s. Holding just those rows as plain objects (loaded from JSON, text dropped): **${fmt(r.memory.rowsHeldMB, 0)} MB**. Ratio ${fmt(r.memory.nodePeakMB / r.memory.rowsHeldMB, 2)}×.`,
			'',
		);
	}
	if (r.summary) {
		lines.push(
			`## 8. Attendance summary inside real n8n (school 20001, the autumn term ${SUMMARY_RANGE.from} to ${SUMMARY_RANGE.to}, and the whole year to ${SUMMARY_YEAR.to}; \`n8n execute\`)`,
			'',
		);
		if (r.summary.error) lines.push(`Failed: ${r.summary.error}`, '');
		else {
			lines.push(
				...workflowTable(
					Object.fromEntries(Object.entries(r.summary).filter(([k]) => k !== 'production')),
					(id) =>
						id === 'benchSummaryNode01'
							? 'Attendance › Get Summary (autumn term)'
							: id === 'benchSummaryYear01'
								? 'Attendance › Get Summary (whole year)'
								: 'Attendance › Get Many → Summarize (count per student and code), autumn term',
				),
			);
			const a = r.summary.benchSummaryNode01;
			const b = r.summary.benchSummarizeNode1;
			if (a && b && !a.error && !b.error)
				lines.push(
					'',
					`Autumn term under \`n8n execute\` (a fresh n8n per run, so both pay n8n's start-up and a cold JIT): Get Summary ${fmt(b.totalMs / a.totalMs, 1)}× faster, ${fmt((100 * a.peakMB) / b.peakMB, 0)}% of the peak memory, most of which is n8n's own process. The Summarize output still needs a Code node for percentages and flags; Get Summary's is final. Over the whole year (550,000 marks) the Get Many workflow cannot finish under \`n8n execute\`, which prints the whole run as one JSON text (RangeError: Invalid string length); the production runs below compare the whole year.`,
					'',
				);
			const p = r.summary.production;
			if (p && p.error) lines.push('', `Production runs failed: ${p.error}`);
			else if (p) {
				const ps = p.benchProdSummary01;
				const pb = p.benchProdSummarize;
				lines.push(
					'',
					`Whole year (${SUMMARY_YEAR.from} to ${SUMMARY_YEAR.to}, 550,190 marks, 283 MB of responses) in production: \`n8n start\`, a webhook starting the workflow, successful executions not saved (\`EXECUTIONS_DATA_SAVE_ON_SUCCESS=none\`); a fresh n8n per run, medians of ${ps.runs}, the workflows alternated run by run. Time = the webhook call until the last node finished: the first call in the fresh n8n (its code cold) and the same call again (warm, as in a long-running n8n); memory = the resident set of n8n and its child processes (the task runner that runs Code nodes) sampled every 50 ms during the first call, and its growth over the idle processes just before.`,
					'',
					'| workflow | first call | second call | peak RSS of n8n | growth over idle n8n |',
					'|---|---:|---:|---:|---:|',
					`| Attendance › Get Summary | ${productionCells(ps)} |`,
					`| Attendance › Get Many → Summarize (count per student and code) | ${productionCells(pb)} |`,
					...(p.benchProdCode00001
						? [
								`| Attendance › Get Many → Code (per-student summary, percentages, flags) | ${productionCells(p.benchProdCode00001)} |`,
							]
						: []),
				);
				if (!ps.failed.length && !pb.failed.length)
					lines.push(
						'',
						`Get Summary: **${fmt(pb.ms / ps.ms, 1)}× faster** in a warm n8n (${fmt(pb.coldMs / ps.coldMs, 1)}× on the first call), **${fmt((100 * ps.growthMB) / pb.growthMB, 1)}% of the memory the workflow adds** to n8n (${fmt((100 * ps.peakMB) / pb.peakMB, 0)}% of the peak, of which ${fmt(ps.idleMB, 0)} MB is idle n8n).`,
					);
				const pc = p.benchProdCode00001;
				if (pc && !ps.failed.length && pc.failed.length < pc.runs)
					lines.push(
						'',
						`Against Get Many → Code (what a user writes for the percentages and flags): **${fmt(pc.ms / ps.ms, 1)}× faster** warm (${fmt(pc.coldMs / ps.coldMs, 1)}× on the first call), ${fmt((100 * ps.growthMB) / pc.growthMB, 1)}% of the memory it adds to n8n.`,
					);
				else if (pc && pc.failed.length === pc.runs)
					lines.push(
						'',
						`Get Many → Code did not finish: ${pc.failed[0].replace(/\s+/g, ' ').slice(0, 200)}.`,
					);
				const d = p.defaultSettings;
				if (d)
					lines.push(
						'',
						d.status === 200
							? `With n8n's default settings (every successful execution saved) the Get Many workflow finished in ${fmt(d.ms / 1000, 2)} s at ${fmt(d.peakMB, 0)} MB.`
							: `With n8n's default settings (every successful execution saved) the Get Many workflow failed: HTTP ${d.status} after ${fmt(d.ms / 1000, 1)} s, peak ${fmt(d.peakMB, 0)} MB (${d.body.replace(/\s+/g, ' ').slice(0, 160)}).`,
					);
			}
		}
	}
	lines.push('', ...rosterTrustReport(r.rosterTrust, fmt));
	lines.push('', ...targets(r));
	const text = `${lines.join('\n')}\n`;
	fs.writeFileSync(path.join(RESULTS, 'latest.md'), text);
	fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), text);
	process.stdout.write(text);
}

/** The product's goals (issue #9), each met or missed with the measured figure. */
function targets(r) {
	const find = (capture, contender) =>
		r.parse.find((p) => p.capture.name === capture && p.contender === contender && !p.error);
	const ours = find('attendance-500k', 'ours');
	const row = (goal, ok, measured, why = '') =>
		`| ${goal} | ${ok === undefined ? '–' : ok ? 'met' : '**missed**'} | ${measured} | ${ok === false ? why : ''} |`;
	const out = [
		'## Against the targets',
		'',
		'| target | result | measured | what dominates / what would close the gap |',
		'|---|---|---|---|',
	];
	if (ours) {
		const mbps = mb(ours.capture.bytes) / (ours.ms / 1000);
		const soap = find('attendance-500k', 'soap');
		const floor = find('attendance-500k', 'indexOf');
		out.push(
			row(
				'Parse ≥ 100 MB/s (500k rows)',
				mbps >= 100,
				`${fmt(mbps)} MB/s`,
				'building one object per row (14 property stores) and slicing every value dominate; a column-major or lazily decoded row would remove most of it',
			),
		);
		if (soap)
			out.push(
				row(
					'Parse ≥ 10× faster than the soap client',
					soap.ms / ours.ms >= 10,
					`${fmt(soap.ms / ours.ms)}×`,
				),
			);
		if (floor)
			out.push(
				row(
					'Parse within 10× of a bare indexOf scan',
					ours.ms / floor.ms <= 10,
					`${fmt(ours.ms / floor.ms)}× the floor`,
					'the floor allocates nothing; ours creates 500,000 row objects and about 7 million value strings and numbers, which n8n needs as items anyway. Closing it means not materialising values until used (lazy rows) — possible inside the node, not once rows become n8n JSON items',
				),
			);
		out.push(
			row(
				'Peak memory ≤ 3× the response (500k rows)',
				(mb(ours.capture.bytes) + ours.rss) / mb(ours.capture.bytes) <= 3,
				`${fmt((mb(ours.capture.bytes) + ours.rss) / mb(ours.capture.bytes), 2)}× (response text + rows)`,
			),
		);
	}
	const a = r.n8n && r.n8n.benchBromcomNode01;
	const b = r.n8n && r.n8n.benchHttpXmlSplit1;
	if (a && b && !a.error && !b.error) {
		out.push(
			row(
				'Inside n8n ≥ 5× faster than HTTP Request → XML → Split Out',
				b.totalMs / a.totalMs >= 5,
				`${fmt(b.totalMs / a.totalMs)}×`,
			),
		);
		out.push(
			row(
				'Inside n8n ≤ 50% of its peak memory',
				a.peakMB / b.peakMB <= 0.5,
				`${fmt((100 * a.peakMB) / b.peakMB, 0)}%`,
				'the n8n process holds the 100,000 output items (and, with `n8n execute`, the run printed as JSON) whichever way they were produced; the parse itself is a small part of the peak',
			),
		);
	}
	const pa = r.summary && r.summary.production && r.summary.production.benchProdSummary01;
	const pz = r.summary && r.summary.production && r.summary.production.benchProdSummarize;
	if (pa && pz && !pa.failed.length && !pz.failed.length)
		out.push(
			...productionTargetRows(row, pa, pz, {
				speed:
					'Attendance summary ≥ 5× faster than Get Many + Summarize (whole year, production, warm n8n)',
				minTimes: 5,
				whySpeed:
					"both read and check every byte of the same 283 MB with this package's reader (the peer's Get Many is this package's streamed read); Get Summary saves n8n's 550,000 items and the Summarize pass, not the parse",
				memory:
					'Attendance summary ≤ 25% of their peak memory (whole year, production, vs Get Many + Summarize)',
				maxShare: 0.25,
				growthDigits: 1,
			}),
		);
	const pk = r.summary && r.summary.production && r.summary.production.benchProdCode00001;
	if (pa && pk && !pa.failed.length && !pk.failed.length)
		out.push(
			...productionTargetRows(row, pa, pk, {
				speed:
					'Attendance summary ≥ 5× faster than Get Many + Code (whole year, production, warm n8n)',
				minTimes: 5,
				memory:
					'Attendance summary ≤ 25% of their peak memory (whole year, production, vs Get Many + Code)',
				maxShare: 0.25,
				growthDigits: 1,
				runner: true,
			}),
		);
	const sa = r.summary && r.summary.benchSummaryNode01;
	const sb = r.summary && r.summary.benchSummarizeNode1;
	if (sa && sb && !sa.error && !sb.error) {
		out.push(
			row(
				'Attendance summary ≥ 5× faster than Get Many + Summarize (autumn term, `n8n execute`)',
				sb.totalMs / sa.totalMs >= 5,
				`${fmt(sb.totalMs / sa.totalMs)}×`,
			),
		);
		out.push(
			row(
				'Attendance summary ≤ 25% of their peak memory (autumn term, `n8n execute`)',
				sa.peakMB / sb.peakMB <= 0.25,
				`${fmt((100 * sa.peakMB) / sb.peakMB, 0)}%`,
				"n8n's own process (editor bundle, database, node types) is the floor of both",
			),
		);
	}
	if (ours) {
		const mbps = mb(ours.capture.bytes) / (ours.ms / 1000);
		const soap = find('attendance-500k', 'soap');
		out.push(
			row(
				'Parse ≥ 200 MB/s (500k rows; client issue)',
				mbps >= 200,
				`${fmt(mbps)} MB/s`,
				'see above: per-row objects and their garbage collection dominate once the common row shape is matched by one compiled pattern',
			),
		);
		if (soap)
			out.push(
				row(
					'Parse ≥ 20× faster than the soap client (client issue)',
					soap.ms / ours.ms >= 20,
					`${fmt(soap.ms / ours.ms)}×`,
					"the ratio moves with this VM from run to run (the soap client's string-heavy parse gains more on a fast day than ours, which is mostly allocating the 500,000 row objects): compare runs of one day",
				),
			);
	}
	if (r.limit)
		out.push(
			row(
				'Limit 50 of 100k rows ≤ 5% of the time of reading all',
				r.limit.limitMs / r.limit.allMs <= 0.05,
				`${fmt((100 * r.limit.limitMs) / r.limit.allMs, 1)}%`,
				'the fixed cost of an execution (engine, connection, schema) dominates a 50-row read',
			),
		);
	if (r.memory)
		out.push(
			row(
				'Get Many on 500k rows: peak ≤ 1.2× holding the rows',
				r.memory.nodePeakMB / r.memory.rowsHeldMB <= 1.2,
				`${fmt(r.memory.nodePeakMB / r.memory.rowsHeldMB, 2)}×`,
				"n8n's items wrap each row ({ json, pairedItem }) and the transient garbage of parsing rises above the settled size",
			),
		);
	if (a && b && !a.error && !b.error) {
		out.push(
			row(
				'Inside n8n ≥ 6× faster than HTTP Request → XML → Split Out (client issue)',
				b.totalMs / a.totalMs >= 6,
				`${fmt(b.totalMs / a.totalMs)}×`,
				"the engine work around the items (not the parse) dominates the Bromcom node's time",
			),
		);
		out.push(
			row(
				'Inside n8n ≤ 45% of its peak memory (client issue)',
				a.peakMB / b.peakMB <= 0.45,
				`${fmt((100 * a.peakMB) / b.peakMB, 0)}%`,
				r.n8n.benchFloorCodeRows && !r.n8n.benchFloorCodeRows.error
					? `n8n holding and printing 100,000 rows of the same columns that a Code node made is ${fmt((100 * r.n8n.benchFloorCodeRows.peakMB) / b.peakMB, 0)}% (section 3)`
					: 'the n8n process holds the 100,000 output items (and, with `n8n execute`, the run printed as JSON) whichever way they were produced',
			),
		);
	}
	const p3a = r.n8nProduction && r.n8nProduction.benchBromcomNode01;
	const p3b = r.n8nProduction && r.n8nProduction.benchHttpXmlSplit1;
	if (p3a && p3b && p3a.failed.length < p3a.runs && p3b.failed.length < p3b.runs)
		out.push(
			...productionTargetRows(row, p3a, p3b, {
				speed:
					'Inside n8n ≥ 6× faster than HTTP Request → XML → Split Out (client issue; production, warm n8n)',
				minTimes: 6,
				whySpeed:
					"the engine work around the items (not the parse) dominates the Bromcom node's time",
				memory: 'Inside n8n ≤ 45% of its peak memory (client issue; production)',
				maxShare: 0.45,
				growthDigits: 0,
				runner: true,
			}),
		);
	out.push(...triggerBench.targetRows(r.trigger, row, fmt));
	out.push(...rosterTrustTargets(r.rosterTrust, row, fmt));
	out.push('');
	return out;
}

main().catch((e) => {
	process.stderr.write(`${e.stack}\n`);
	process.exit(1);
});
