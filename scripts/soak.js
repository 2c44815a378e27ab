#!/usr/bin/env node
/**
 * `npm run soak -- --minutes 60 --seed N [--interval 5] [--report docs/soak.md]`: a school year in a
 * real n8n (production mode: `n8n start`, the workflows published), checked against an oracle.
 *
 * The sandbox runs in this process; a seeded school year (sandbox/schoolYear.js) changes it and breaks
 * it at random while n8n's triggers poll it every few seconds, a workflow registers an SSO link for
 * each new pupil under write faults, and a scheduled export runs. Everything the workflows produce is
 * posted to a sink here. At the end the oracle (test/soak/oracle.js) compares it with the sandbox's own
 * records (the truth after every change, its request log, its write audit) and this prints a report:
 * events lost, duplicated and false per trigger, writes applied other than once, notices and their
 * causes, exports, failed polls, and n8n's memory over time. Exits 1 when any check fails.
 *
 * Ports: --port P (default 6650) for n8n, P+1 its task broker, P+2 the sandbox, P+3 the sink.
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const rt = require('./n8n-runtime');
const { createSandbox } = require('../sandbox/server');
const { createSchoolYear } = require('../sandbox/schoolYear');
const { startNullProxy } = require('../test/helpers/null-columns');
const { soakWorkflows } = require('../test/soak/workflows');
const views = require('../test/soak/views');
const oracle = require('../test/soak/oracle');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? fallback : process.argv[i + 1];
};
const MINUTES = Number(arg('minutes', 10));
const SEED = Number(arg('seed', 1));
const INTERVAL = Number(arg('interval', 5));
const PORT = Number(arg('port', process.env.SOAK_PORT || 6650));
const REPORT = arg('report', undefined);
/** --keep <dir>: keeps what the oracle read (sink, history, requests, audit, truth) and n8n's folder there. */
const KEEP = arg('keep', undefined);
/** --render <result.json>: only writes the report (to --report) from a run's printed result. */
const RENDER = arg('render', undefined);
const SCHOOL = 20001;
const ACCEPT_AFTER = 3;
const NOW = '2026-11-18T10:30:00Z';
const ACCOUNTS = {
	students: 'students-trigger',
	sso: 'sso-trigger',
	contacts: 'contacts-trigger',
	writer: 'sso-writer',
	exporter: 'exporter',
};

const log = (m) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
	if (RENDER) {
		fs.writeFileSync(
			REPORT ?? 'docs/soak.md',
			reportMarkdown(JSON.parse(fs.readFileSync(RENDER, 'utf8'))),
		);
		return;
	}
	const started = Date.now();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-soak-'));
	const home = path.join(work, 'n8n');
	const nodeBin = rt.ensureNode24();
	const cli = rt.ensureN8n(nodeBin);
	const tarball = rt.packPackage(work);
	rt.installPackage(home, tarball);

	// The sandbox, one account per workflow (its requests are told apart in the request log).
	const sandbox = createSandbox({
		size: 'small',
		seed: SEED,
		now: NOW,
		accounts: Object.values(ACCOUNTS).map((username) => ({
			username,
			password: `${username}-pw`,
			entities: '*',
			write: username === ACCOUNTS.writer,
			note: 'soak',
		})),
	});
	const url = await sandbox.start(PORT + 2);
	cleanup.push(
		() => sandbox.stop(),
		() => fs.rmSync(work, { recursive: true, force: true }),
	);
	// The Students triggers read through a proxy that can make chosen StudentIDs NULL (the element left
	// out of the row, as .NET writes NULL); the rest read the sandbox directly.
	const proxy = await startNullProxy(url);
	cleanup.push(() => proxy.stop());
	const setNulls = (ids) => {
		proxy.nulls = ids.length
			? {
					entity: 'Students',
					column: 'StudentID',
					where: (row) => ids.some((id) => row.includes(`<StudentID>${id}</StudentID>`)),
				}
			: null;
	};
	const sink = await startSink(PORT + 3);
	cleanup.push(() => sink.server.close());

	const credentials = Object.entries(ACCOUNTS).map(([role, username]) => ({
		id: `soak${role[0].toUpperCase()}${role.slice(1)}`.slice(0, 20),
		name: `soak${role[0].toUpperCase()}${role.slice(1)}`.slice(0, 20),
		type: 'bromcomMisApi',
		data: {
			hosting: 'custom',
			baseUrl: role === 'students' || role === 'sso' ? proxy.url : url,
			schoolId: SCHOOL,
			username,
			password: `${username}-pw`,
			ignoreSslIssues: false,
		},
	}));
	const credentialId = (role) => credentials[Object.keys(ACCOUNTS).indexOf(role)].id;
	const wfs = soakWorkflows({
		sinkUrl: sink.url,
		schoolId: SCHOOL,
		interval: INTERVAL,
		exportEvery: 60,
		acceptAfterPolls: ACCEPT_AFTER,
		credentials: {
			students: credentialId('students'),
			sso: credentialId('sso'),
			contacts: credentialId('contacts'),
			writer: credentialId('writer'),
			exporter: credentialId('exporter'),
		},
	});
	const env = rt.n8nEnv(home, PORT, {
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_LOG_LEVEL: 'warn',
	});
	const n8n = { nodeBin, cli, env };
	fs.writeFileSync(path.join(work, 'credentials.json'), JSON.stringify(credentials));
	const wfDir = path.join(work, 'workflows');
	fs.mkdirSync(wfDir);
	for (const wf of Object.values(wfs))
		fs.writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf));
	await cliOk(n8n, 'import:credentials', `--input=${path.join(work, 'credentials.json')}`);
	await cliOk(n8n, 'import:workflow', '--separate', `--input=${wfDir}`);
	for (const wf of Object.values(wfs)) await cliOk(n8n, 'publish:workflow', `--id=${wf.id}`);

	log(`n8n starting (production, polls every ${INTERVAL} s)…`);
	let n8nLog = '';
	const server = await rt.startN8n(n8n, {
		onOutput: (d) => {
			n8nLog = (n8nLog + d).slice(-200000);
		},
	});
	cleanup.push(() => server.stop());
	const setupMs = Date.now() - started;
	const memory = startMemorySampler(server.child.pid);

	const watches = {
		students: {
			username: ACCOUNTS.students,
			fields: views.STUDENT_FIELDS,
			view: () => views.studentsView(sandbox, SCHOOL, year.nulled),
		},
		sso: {
			username: ACCOUNTS.sso,
			fields: views.STUDENT_FIELDS,
			view: () => views.studentsView(sandbox, SCHOOL, year.nulled),
		},
		contacts: {
			username: ACCOUNTS.contacts,
			fields: views.CONTACT_FIELDS,
			view: () => views.contactsView(sandbox, SCHOOL),
		},
	};
	const isMain = (r) =>
		r.entity === 'Students' && !/StudentID IN|1=0/i.test(String(r.filter ?? ''));
	const pollsOf = (name, since = 0) =>
		oracle.pollsOf(
			sandbox.requests().filter((r) => Date.parse(r.at) > since - 60_000),
			{ username: watches[name].username, isMain },
		);
	/** Waits until every trigger has made `n` effective clean polls that started after `since`. */
	const settled = async (what, since, n = 2, timeoutMs = 180_000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const behind = Object.keys(watches).filter(
				(name) => pollsOf(name, since).filter((p) => p.at > since && p.effective).length < n,
			);
			if (!behind.length) return;
			if (Date.now() > deadline)
				throw new Error(`timed out waiting for ${what}: ${behind.join(', ')}`);
			await sleep(500);
		}
	};

	const year = createSchoolYear(sandbox, {
		seed: SEED,
		schoolId: SCHOOL,
		accounts: { students: [ACCOUNTS.students, ACCOUNTS.sso], contacts: ACCOUNTS.contacts },
		hooks: { nullKeys: setNulls },
	});
	await settled('the activation polls', 0, 2);
	const timeline = Object.fromEntries(Object.keys(watches).map((n) => [n, []]));
	// Who is on roll, StudentIDs NULL or not (what the export, reading directly, sees).
	const roll = [];
	const snapshot = () => {
		const t = Date.now();
		for (const [name, w] of Object.entries(watches)) timeline[name].push({ at: t, view: w.view() });
		roll.push({ at: t, view: views.studentsView(sandbox, SCHOOL) });
	};
	snapshot();
	const yearStarted = Date.now();
	log(`school year begins (${MINUTES} min, seed ${SEED})`);

	const runMs = MINUTES * 60_000;
	const barriers = [
		{ at: 0.3, run: () => year.column() },
		{ at: 0.45, run: () => year.column() },
		{ at: 0.6, run: () => year.rollover() },
	];
	const tickMs = Math.max(1000, INTERVAL * 700);
	while (Date.now() - yearStarted < runMs) {
		const due = barriers.find((b) => !b.done && Date.now() - yearStarted >= b.at * runMs);
		if (due) {
			due.done = true;
			year.quiet();
			snapshot();
			await settled('the changes before a barrier', Date.now());
			const entry = due.run();
			snapshot();
			log(`barrier: ${entry ? entry.action : 'none'}`);
			await settled('the trigger to take the barrier in', Date.now(), ACCEPT_AFTER + 3);
			continue;
		}
		const entries = year.next();
		if (entries.some((e) => e.kind === 'change')) snapshot();
		await sleep(tickMs);
	}
	year.quiet();
	snapshot();
	log('school year over: quiet tail');
	await settled('the quiet tail', Date.now(), 3);
	// Executions still running (a write under retry) deliver to the sink: wait until it is idle.
	await sink.idle(20_000);
	const endAt = Date.now();
	memory.stop();
	const failed = await failedExecutions(server.base, Object.values(wfs));
	await server.stop();
	await proxy.stop();
	sink.server.close();

	// ---- The oracle ------------------------------------------------------------------------------------
	const requests = sandbox.requests();
	const result = {
		date: new Date().toISOString(),
		node: process.version,
		machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
		seed: SEED,
		minutes: MINUTES,
		interval: INTERVAL,
		setupSeconds: Math.round(setupMs / 1000),
	};
	result.polls = {};
	result.watches = {};
	const notices = [];
	for (const name of Object.keys(watches)) {
		const polls = pollsOf(name);
		const mine = sink.received.filter((x) => x.path === `/notices/${name}`).map((x) => x.body);
		notices.push(...mine.map((n) => ({ ...n, watch: name })));
		const events = sink.received.filter((x) => x.path === `/events/${name}`).map((x) => x.body);
		result.polls[name] = {
			reads: polls.length,
			clean: polls.filter((p) => p.clean).length,
			faulted: polls.filter((p) => !p.clean).length,
		};
		result.watches[name] = oracle.checkWatch({
			timeline: timeline[name],
			events,
			polls,
			fields: watches[name].fields,
			holds: mine.filter((n) => n.event === 'massChange').map((n) => Date.parse(n.detectedAt)),
			endAt,
			onlyNew: name === 'sso',
		});
	}
	result.writes = oracle.checkWrites({
		audit: sandbox.audit(),
		validNew: result.watches.sso.validNew,
	});
	const writes = sink.received.filter((x) => x.path === '/writes').map((x) => x.body);
	result.writes.results = countBy(
		writes,
		(w) => `${w.status}${w.confirmedBy ? ` (${w.confirmedBy})` : ''}`,
	);
	// A held export's notice, with when the last file set was let through (what the guard compares with).
	const exportsAt = sink.received.filter((x) => x.path === '/export').map((x) => x.at);
	const exportNotices = sink.received
		.filter((x) => x.path === '/notices/export')
		.map((x) => ({
			...x.body,
			event: x.body.notice,
			detectedAt: new Date(x.at).toISOString(),
			since: exportsAt.filter((at) => at < x.at).pop() ?? 0,
			watch: 'export',
		}));
	notices.push(...exportNotices);
	result.notices = oracle.checkNotices({ notices, history: year.history });
	result.exports = checkExports(
		sink.received.filter((x) => x.path === '/export'),
		roll,
	);
	result.exports.held = exportNotices.length;
	result.history = countBy(year.history, (h) =>
		h.kind === 'fault' ? `fault: ${h.action}${h.fault ? ` ${h.fault}` : ''}` : h.action,
	);
	result.failedExecutions = failed;
	result.memory = memory.summary();
	// A few minutes are n8n's warm-up: the memory trend is judged on long runs only.
	result.memoryChecked = MINUTES >= 20;
	result.verdict = verdict(result);
	for (const w of Object.values(result.watches)) delete w.validNew;

	const elapsed = Math.round((Date.now() - started) / 1000);
	result.wallSeconds = elapsed;
	console.log(JSON.stringify(result, null, 2));
	if (REPORT) {
		fs.writeFileSync(REPORT, reportMarkdown(result));
		log(`report written to ${REPORT}`);
	}
	if (KEEP) {
		fs.mkdirSync(KEEP, { recursive: true });
		const save = (name, value) => fs.writeFileSync(path.join(KEEP, name), JSON.stringify(value));
		save('sink.json', sink.received);
		save('history.json', year.history);
		save('requests.json', requests);
		save('audit.json', sandbox.audit());
		save(
			'timeline.json',
			Object.fromEntries(
				Object.entries({ ...timeline, roll }).map(([k, list]) => [
					k,
					list.map((t) => ({ at: t.at, view: [...t.view] })),
				]),
			),
		);
		fs.cpSync(home, path.join(KEEP, 'n8n'), { recursive: true });
		fs.writeFileSync(path.join(KEEP, 'n8n.log'), n8nLog);
		log(`kept in ${KEEP}`);
	}
	await sandbox.stop();
	fs.rmSync(work, { recursive: true, force: true });
	console.log(
		`soak: ${result.verdict.ok ? 'passed' : 'FAILED'} (${result.verdict.failures.join('; ') || 'every check held'}) in ${elapsed} s`,
	);
	process.exit(result.verdict.ok ? 0 : 1);
}

/** n8n's failed executions per workflow (only failures are saved), read through its REST API. */
async function failedExecutions(base, workflows) {
	try {
		const cookie = await rt.ownerSession(base, {
			email: 'soak@example.com',
			firstName: 'Soak',
			lastName: 'Test',
			password: 'SoakTestPassw0rd',
		});
		const out = {};
		for (const wf of workflows) {
			const q = encodeURIComponent(
				JSON.stringify({ workflowId: wf.id, status: ['error', 'crashed'] }),
			);
			const res = await fetch(`${base}/rest/executions?filter=${q}`, { headers: { cookie } });
			const body = /** @type {any} */ (await res.json().catch(() => ({})));
			out[wf.name] = body.data?.count ?? body.data?.results?.length ?? `HTTP ${res.status}`;
		}
		return out;
	} catch (e) {
		return { error: e.message };
	}
}

async function cliOk(n8n, ...args) {
	const r = await rt.n8nCli(n8n, args, { timeoutMs: 240000 });
	if (r.code !== 0)
		throw new Error(`n8n ${args.join(' ')} failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
	return r;
}

/** The sink: every POST kept with its path, time and body (JSON, or the text of a file). */
async function startSink(port) {
	const received = [];
	let last = Date.now();
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			let body = text;
			if (/json/.test(String(req.headers['content-type'] ?? '')))
				try {
					body = JSON.parse(text);
				} catch {
					// kept as text
				}
			received.push({ path: req.url, at: Date.now(), body, headers: req.headers });
			last = Date.now();
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
	return {
		server,
		received,
		url: `http://127.0.0.1:${port}`,
		async idle(ms) {
			while (Date.now() - last < ms) await sleep(1000);
		},
	};
}

/** n8n's memory (its process and its children, the task runner): RSS every 10 s. */
function startMemorySampler(pid) {
	const samples = [];
	const rssOf = (p) => {
		try {
			const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
			return m ? Number(m[1]) / 1024 : 0;
		} catch {
			return 0;
		}
	};
	const children = (p) => {
		try {
			return execFileSync('ps', ['-o', 'pid=', '--ppid', String(p)], { encoding: 'utf8' })
				.split('\n')
				.map((s) => Number(s.trim()))
				.filter(Boolean);
		} catch {
			return [];
		}
	};
	const t0 = Date.now();
	const sample = () => {
		const main = rssOf(pid);
		const kids = children(pid).reduce((s, c) => s + rssOf(c), 0);
		samples.push({ t: (Date.now() - t0) / 1000, main, total: main + kids });
	};
	sample();
	const timer = setInterval(sample, 10_000);
	return {
		stop: () => clearInterval(timer),
		summary() {
			const series = samples.map((s) => [Math.round(s.t), round(s.main)]);
			return {
				samples: samples.length,
				mainMB: {
					first: round(samples[0].main),
					min: round(Math.min(...samples.map((s) => s.main))),
					max: round(Math.max(...samples.map((s) => s.main))),
					last: round(samples[samples.length - 1].main),
				},
				withChildrenMaxMB: round(Math.max(...samples.map((s) => s.total))),
				...oracle.memoryTrend(series),
				series,
			};
		},
	};
}

/**
 * The exports: each roles.csv received must hold only students on roll at some time in the two
 * minutes before it arrived, and every student on roll, consenting and with an email address
 * throughout that time (from the sandbox's StudentFlatView).
 */
function checkExports(received, studentsTimeline) {
	const out = { received: received.length, problems: [] };
	for (const x of received) {
		const exported = new Set(
			String(x.body)
				.split('\n')
				.map((line) => /-student-(\d+)/.exec(line)?.[1])
				.filter(Boolean),
		);
		const window = studentsTimeline.filter((t) => t.at <= x.at && t.at >= x.at - 120_000);
		// Nothing changes before the first state is taken (the year starts after it), so an export that ran
		// earlier, while n8n was settling, is compared with that state.
		const before =
			studentsTimeline.filter((t) => t.at < x.at - 120_000).pop() ?? studentsTimeline[0];
		const states = [...(before ? [before] : []), ...window];
		const everOn = new Set(states.flatMap((t) => [...t.view.keys()]));
		const phantom = [...exported].filter((id) => !everOn.has(id));
		if (phantom.length)
			out.problems.push({ at: new Date(x.at).toISOString(), phantom: phantom.slice(0, 10) });
	}
	out.problemCount = out.problems.length;
	return out;
}

function verdict(r) {
	const failures = [];
	for (const [name, w] of Object.entries(r.watches)) {
		if (w.lostCount) failures.push(`${name}: ${w.lostCount} lost`);
		if (w.duplicatedCount) failures.push(`${name}: ${w.duplicatedCount} duplicated`);
		if (w.falseCount) failures.push(`${name}: ${w.falseCount} false`);
	}
	if (r.writes.notOnceCount)
		failures.push(`${r.writes.notOnceCount} writes not applied exactly once`);
	if (r.notices.unexplainedCount)
		failures.push(`${r.notices.unexplainedCount} unexplained notices`);
	if (r.exports.problemCount)
		failures.push(`${r.exports.problemCount} exports with students not on roll`);
	if (r.memoryChecked && !r.memory.flat) failures.push(`n8n memory rose (${r.memory.why})`);
	return { ok: failures.length === 0, failures };
}

function countBy(list, key) {
	const out = {};
	for (const x of list) out[key(x)] = (out[key(x)] ?? 0) + 1;
	return out;
}

const round = (n) => Math.round(n * 10) / 10;

/** How the soak works, at the top of its report (docs/soak.md). */
const METHOD = [
	'# Soak: a school year in real n8n',
	'',
	'`npm run soak -- --minutes 60 --seed N` (scripts/soak.js) packs this package into a fresh n8n 2.41.1 in',
	'production mode (`n8n start`, the workflows published, executions saved only when they fail) and lets',
	'a seeded school year (sandbox/schoolYear.js) change the sandbox and break it at random while n8n works:',
	'',
	'- **Students**: the Bromcom Trigger on Students (current), every event, six fields watched;',
	'- **New pupil → SSO**: a second trigger on Students, New only, into Register SSO (Retry On Fail: 5',
	'  tries) under write faults;',
	'- **Contacts**: the trigger on Contacts, Email and consent watched;',
	'- **Nightly export**: a Schedule Trigger every minute into Export Roster (SDS, consent only).',
	'',
	'The triggers poll every few seconds: n8n refuses a poll time whose cron seconds field is not a plain',
	"number (`The polling interval is too short`, n8n-workflow's `isSubMinuteCron`), so each trigger has one",
	'_Custom_ poll time per second of the minute it polls at (`0 * * * * *`, `5 * * * * *`, …). Each workflow',
	'posts what it produced (events, notices, write results, the export) to a sink in the soak process. The',
	'two Students triggers read through a proxy that can leave StudentID out of chosen rows (a NULL, as .NET',
	'writes it) for admissions whose key arrives later.',
	'',
	"**The oracle** (test/soak/oracle.js, views.js) uses only the sandbox's own records, never the",
	"product's code: the truth after every change (each view computed from the sandbox's rows through its",
	'T-SQL engine), its request log (which poll read what, when, with which fault) and its write audit. Per',
	'trigger and record: an event is *false* if the record never had that state around its poll or the kind',
	'does not fit; *duplicated* if it repeats the state already reported; a state is *lost* if the record',
	'held it through two clean reads of that trigger (no fault, complete, not overtaken by another poll)',
	'and the events up to then say otherwise. Changes superseded while the mass-change guard held them',
	'(it releases the newest state) are counted apart. Every valid New of the SSO trigger must have exactly',
	'one registration applied by Bromcom, and nobody else any. Each notice must follow a generated cause. A',
	'column change and the rollover are barrier steps: earlier changes are seen first, and later ones wait',
	"until the trigger has taken them in. The oracle's own tests (test/soak/oracle.test.js) show it finds",
	'each kind of defect.',
	'',
];

function reportMarkdown(r) {
	const lines = [
		...METHOD,
		'## Run of record',
		'',
		`\`npm run soak -- --minutes ${r.minutes} --seed ${r.seed} --interval ${r.interval}\`, ${String(r.date ?? new Date().toISOString()).slice(0, 10)}, Node ${r.node ?? process.version} (the runner), on ${r.machine ?? 'this machine'}. Wall time ${Math.round(r.wallSeconds / 60)} min (setup ${r.setupSeconds} s). Verdict: **${r.verdict.ok ? 'every check held' : r.verdict.failures.join('; ')}**.`,
		'',
		'## Events (per trigger, against the oracle)',
		'',
		'| trigger | polls read | with a fault | events | lost | duplicated | false | coalesced under a mass-change hold |',
		'|---|---:|---:|---:|---:|---:|---:|---:|',
		...Object.entries(r.watches).map(
			([name, w]) =>
				`| ${name} | ${r.polls[name].reads} | ${r.polls[name].faulted} | ${w.events} | ${w.lostCount} | ${w.duplicatedCount} | ${w.falseCount} | ${w.coalescedUnderHold} |`,
		),
		'',
		'## Writes (Register SSO for each new pupil, under write faults)',
		'',
		`Expected (one per valid New event): ${r.writes.expected}; applied by Bromcom (the sandbox's audit): ${r.writes.applied}; refused by Bromcom: ${r.writes.refused}; **not exactly once: ${r.writes.notOnceCount}**. What the node reported: ${
			Object.entries(r.writes.results)
				.map(([k, v]) => `${k} ${v}`)
				.join(', ') || 'nothing'
		}.`,
		'',
		'## Notices',
		'',
		`${r.notices.total} notices: ${
			Object.entries(r.notices.byKind)
				.map(([k, v]) => `${k} ${v}`)
				.join(', ') || 'none'
		}; **unexplained: ${r.notices.unexplainedCount}** (each explained one follows a generated cause: a rollover or a permission given back for massChange, a column added or removed for a columnsChanged re-baseline, admissions with a NULL StudentID for keylessRecords).`,
		'',
		'## The school year',
		'',
		Object.entries(r.history)
			.map(([k, v]) => `${k} ${v}`)
			.join(', '),
		'',
		`Exports received: ${r.exports.received}; with a student not on roll: ${r.exports.problemCount}; held by the deactivation guard: ${r.exports.held ?? 0} (each an exportHeld notice above, explained only by a rollover or as many leavers and consent withdrawals since the last file set let through). Failed executions n8n saved (a poll or run that failed after its retries, for example while Students was revoked): ${Object.entries(
			r.failedExecutions ?? {},
		)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}.`,
		'',
		'## n8n memory (main process RSS, every 10 s)',
		'',
		`First ${r.memory.mainMB.first} MB, min ${r.memory.mainMB.min}, max ${r.memory.mainMB.max}, last ${r.memory.mainMB.last} (with the task runner at most ${r.memory.withChildrenMaxMB} MB). A straight line through the second half: mean ${r.memory.secondHalf.meanMB} MB, slope ${r.memory.secondHalf.slopeMBPerHour} ± ${r.memory.secondHalf.stderrMBPerHour} MB/h; but RSS is a sawtooth (it climbs until V8 collects, then drops), so the verdict reads the floor of each cycle: ${(r.memory.floors ?? []).map(([t, mb]) => `${mb} MB at ${Math.round(t / 60)} min`).join(', ')} (${r.memory.why}): ${r.memoryChecked === false ? 'not judged on a run under 20 minutes (n8n is still warming up)' : r.memory.flat ? 'no upward trend' : '**an upward trend**'}.`,
		'',
		'| minute | RSS (MB) |',
		'|---:|---:|',
		...r.memory.series
			.filter((_, i) => i % 6 === 0)
			.map(([t, mbv]) => `| ${Math.round(t / 60)} | ${mbv} |`),
		'',
	];
	return lines.join('\n');
}

/** What to stop if the run fails midway (n8n, the sandbox, the proxy, the sink). */
const cleanup = [];

main().catch(async (e) => {
	console.error(e.stack);
	for (const stop of cleanup.reverse())
		try {
			await stop();
		} catch {
			// already stopped
		}
	process.exit(1);
});
