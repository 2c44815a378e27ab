'use strict';
/**
 * Throwaway PostgreSQL and Redis servers on 127.0.0.1 for the queue-mode e2e: each in its own
 * temporary folder, on its own port, gone when stopped. Debian's packages provide the binaries
 * (`.ci/run` installs `postgresql` and `redis-server`); PostgreSQL refuses to run as root, so as root
 * it runs as the `postgres` system user the package creates.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function which(name, extraDirs = []) {
	for (const dir of [...extraDirs, ...String(process.env.PATH || '').split(':')]) {
		const file = path.join(dir, name);
		if (dir && fs.existsSync(file)) return file;
	}
	return undefined;
}

function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length) return path.join(root, versions[0], 'bin');
	const postgres = which('postgres');
	if (postgres) return path.dirname(fs.realpathSync(postgres));
	throw new Error(
		'PostgreSQL is not installed: `apt-get install -y postgresql` (the queue-mode e2e needs it; .ci/run installs it).',
	);
}

async function waitForPort(port, what, child, timeoutMs = 30000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child && child.exitCode !== null)
			throw new Error(`${what} exited early (${child.exitCode})`);
		const ok = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (ok) return;
		if (Date.now() > deadline)
			throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s`);
		await sleep(200);
	}
}

/** Runs a command as the postgres user when this process is root (PostgreSQL refuses root). */
function asPostgres(file, args) {
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	return root ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

/**
 * `dir` is ignored as a location when running as root: PostgreSQL's own folder must be reachable by
 * the postgres user, so it gets a fresh one directly under the system's temporary folder.
 * @param {{ port: number, log?: (s: string) => void }} options
 */
async function startPostgres({ port, log = () => {} }) {
	const bin = postgresBinDir();
	const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'bromcom-pg-'));
	const data = path.join(dir, 'pgdata');
	fs.mkdirSync(data, { recursive: true });
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
	const [initFile, initArgs] = asPostgres(path.join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		'n8n',
		'-A',
		'trust',
		'--no-sync',
		'-E',
		'UTF8',
	]);
	execFileSync(initFile, initArgs, { stdio: 'pipe' });
	const [file, args] = asPostgres(path.join(bin, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		dir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=200',
	]);
	const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout.on('data', (d) => log(String(d)));
	child.stderr.on('data', (d) => log(String(d)));
	await waitForPort(port, 'PostgreSQL', child);
	const psql = path.join(bin, 'psql');
	for (let attempt = 0; ; attempt++) {
		try {
			execFileSync(
				psql,
				[
					'-h',
					'127.0.0.1',
					'-p',
					String(port),
					'-U',
					'n8n',
					'-d',
					'postgres',
					'-c',
					'CREATE DATABASE n8n',
				],
				{
					stdio: 'pipe',
				},
			);
			break;
		} catch (error) {
			if (attempt > 50) throw error;
			await sleep(200);
		}
	}
	return {
		port,
		database: 'n8n',
		user: 'n8n',
		/** Runs SQL and returns psql's unaligned output. */
		query(sql) {
			return execFileSync(
				psql,
				['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'n8n', '-At', '-c', sql],
				{
					encoding: 'utf8',
				},
			);
		},
		async stop() {
			if (child.exitCode !== null) {
				fs.rmSync(dir, { recursive: true, force: true });
				return;
			}
			child.kill('SIGINT');
			await new Promise((resolve) => {
				const t = setTimeout(() => {
					child.kill('SIGKILL');
					resolve(undefined);
				}, 10000);
				child.once('exit', () => {
					clearTimeout(t);
					resolve(undefined);
				});
			});
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** @param {{ dir: string, port: number, log?: (s: string) => void }} options */
async function startRedis({ dir, port, log = () => {} }) {
	const server = which('redis-server', ['/usr/bin', '/usr/local/bin']);
	if (!server)
		throw new Error(
			'Redis is not installed: `apt-get install -y redis-server` (the queue-mode e2e needs it; .ci/run installs it).',
		);
	fs.mkdirSync(dir, { recursive: true });
	const child = spawn(
		server,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--protected-mode',
			'no',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	child.stdout.on('data', (d) => log(String(d)));
	child.stderr.on('data', (d) => log(String(d)));
	await waitForPort(port, 'Redis', child);
	return {
		port,
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await new Promise((resolve) => child.once('exit', resolve));
		},
	};
}

module.exports = { startPostgres, startRedis };
