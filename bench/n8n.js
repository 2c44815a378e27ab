/**
 * Running workflows in a real n8n for the benchmarks that compare workflows (sections 3 and 8): under
 * `n8n execute` (`runInN8n`) and in production (`productionRuns`: `n8n start`, a webhook per workflow),
 * with the nodes, credential and replaying proxy they share, and the tables and target rows of their
 * results.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { fmt, log, median, repeat } = require('./lib');

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
 * @param {number} runs
 * @param {{ warmUp?: any[], defaultSettings?: any }} [options]
 */
async function productionRuns(
	sandboxUrl,
	workflows,
	port,
	runs,
	{ warmUp = [], defaultSettings } = {},
) {
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
	await repeat(runs, 'production', async (r) => {
		for (const w of r % 2 === 0 ? workflows : [...workflows].reverse()) {
			samples[w.id].push(await once(w, saveNone));
			log(`production: ${w.name} run ${r + 1} done`);
		}
	});
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

/**
 * Workflows under `n8n execute`, a fresh n8n per run (successful executions not saved): each node's
 * execution time, the items out of the last node and the peak resident set of n8n, medians of `runs`.
 */
async function runInN8n(sandboxUrl, workflows, port, runs) {
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
		const samples = await repeat(runs, `inside n8n: ${w.name}`, async (r) => {
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
			return {
				nodes,
				peakMB: peak,
				items: nodes[last]?.items,
				error: run.data.resultData.error?.message,
			};
		});
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

/** A production run's cells: first call, second call, peak RSS, growth over idle n8n. */
function productionCells(x) {
	return x.failed.length === x.runs
		? `failed: ${x.failed[0]} | | | |`
		: `${fmt(x.coldMs / 1000, 2)} s | ${fmt(x.ms / 1000, 2)} s | ${fmt(x.peakMB, 0)} MB | ${fmt(x.growthMB, 0)} MB`;
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

/**
 * The two target rows of a production comparison, ours against a peer: warm speed (with the first
 * call's ratio), and the memory the workflow adds to idle n8n as a share of what the peer's adds.
 * Memory is judged on that growth, not on the peak: idle `n8n start` with its task runner is most of
 * either peak (over 80% of the peer's in section 3), a floor no workflow run in that n8n goes below.
 */
function productionTargetRows(row, ours, peer, t) {
	const growth = ours.growthMB / peer.growthMB;
	return [
		row(
			t.speed,
			peer.ms / ours.ms >= t.minTimes,
			`${fmt(peer.ms / ours.ms)}× (first call ${fmt(peer.coldMs / ours.coldMs)}×)`,
			t.whySpeed,
		),
		row(
			t.memory,
			growth <= t.maxShare,
			`${fmt(100 * growth, t.growthDigits)}% of the growth over idle n8n (${fmt((100 * ours.peakMB) / peer.peakMB, 0)}% of the peak, of which ${fmt(ours.idleMB, 0)} MB is idle \`n8n start\`${t.runner ? ' with its task runner' : ''})`,
		),
	];
}

module.exports = {
	MANUAL,
	BENCH_CREDENTIAL,
	replayProxy,
	webhookNode,
	runInN8n,
	productionRuns,
	productionCells,
	productionTargetRows,
	workflowTable,
};
