/**
 * Section 3 of `npm run bench`: inside real n8n, Get Many of 100,000 attendance rows against n8n's
 * HTTP Request → XML → Split Out on the same SOAP call, with n8n's own floor in the same run, under
 * `n8n execute` and in production (bench/n8n.js runs them).
 */
const {
	MANUAL,
	BENCH_CREDENTIAL,
	productionCells,
	productionRuns,
	productionTargetRows,
	replayProxy,
	runInN8n,
	webhookNode,
	workflowTable,
} = require('./n8n');
const { fmt, soapEnvelope } = require('./lib');

/** Section 3: Get Many of 100,000 rows vs n8n's HTTP Request → XML → Split Out, and n8n's floor. */
async function measure(sandboxUrl, runs) {
	return await runInN8n(sandboxUrl, section3Workflows(sandboxUrl), 5796, runs);
}

/**
 * Section 3 in production (see productionRuns): the same workflows started by a webhook in `n8n
 * start`, through the replay proxy (a warm-up fills it), so the sandbox builds no XML while n8n is measured.
 */
async function measureProduction(sandboxUrl, runs) {
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
		return await productionRuns(proxy.url, workflows, 5794, runs, {
			warmUp: workflows.slice(0, 2),
		});
	} finally {
		await proxy.stop();
	}
}

function section3Workflows(sandboxUrl) {
	return [
		{
			id: 'benchBromcomNode01',
			name: 'bench bromcom',
			nodes: [
				MANUAL,
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
				MANUAL,
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
				MANUAL,
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
				MANUAL,
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

/** Section 3's workflows as the report names them. */
const SECTION3_LABELS = {
	benchBromcomNode01: 'Bromcom node Get Many',
	benchHttpXmlSplit1: 'HTTP Request → XML → Split Out',
	benchFloorNoRows01: 'n8n alone: No Operation, no rows',
	benchFloorCodeRows: 'n8n holding 100,000 rows of the same columns from a Code node',
};

/** BENCHMARKS.md lines for section 3. */
function reportLines(r) {
	const lines = [];
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
	return lines;
}

/** Section 3's targets of issue #9. */
function targetRows(r, row) {
	const out = [];
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
	return out;
}

/** Section 3's targets of the client issue, under `n8n execute` and in production. */
function clientTargetRows(r, row) {
	const out = [];
	const a = r.n8n && r.n8n.benchBromcomNode01;
	const b = r.n8n && r.n8n.benchHttpXmlSplit1;
	if (a && b && !a.error && !b.error) {
		out.push(
			row(
				'Inside n8n ≥ 6× faster than HTTP Request → XML → Split Out (client issue)',
				b.totalMs / a.totalMs >= 6,
				`${fmt(b.totalMs / a.totalMs)}×`,
				"the engine work around the items (not the parse) dominates the Bromcom node's time",
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
				memory:
					'Inside n8n, the Bromcom node adds ≤ 45% of the memory HTTP Request → XML → Split Out adds to idle n8n (client issue; production)',
				maxShare: 0.45,
				growthDigits: 0,
				runner: true,
			}),
		);
	return out;
}

module.exports = { measure, measureProduction, reportLines, targetRows, clientTargetRows };
