#!/usr/bin/env node
/**
 * `npm run dev`: build this package, start the Bromcom sandbox and a local n8n with the package
 * installed, a ready "Bromcom Sandbox" credential and the example workflows imported, then print the
 * editor URL and what to click first. Installs Node 24 and n8n on first use (with progress).
 *
 * Options: --port 5678 (n8n), --sandbox-port 8085, --size small|medium|large.
 */
const fs = require('node:fs');
const path = require('node:path');

const rt = require('./n8n-runtime');
const { createSandbox } = require('../sandbox/server');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? fallback : process.argv[i + 1];
}

const OWNER = { email: 'dev@bromcom-sandbox.example', firstName: 'School', lastName: 'Admin', password: 'BromcomSandbox1' };

(async () => {
	const port = Number(arg('port', 5678));
	const sandboxPort = Number(arg('sandbox-port', 8085));
	const size = arg('size', 'medium');
	const home = path.join(rt.ROOT, '.dev', 'n8n-home');
	fs.mkdirSync(home, { recursive: true });

	rt.log('1/5 Node.js 24 and n8n (first run: a few minutes)…');
	const nodeBin = rt.ensureNode24();
	const cli = rt.ensureN8n(nodeBin);
	const n8n = { nodeBin, cli, env: rt.n8nEnv(home, port) };

	rt.log(`2/5 starting the Bromcom sandbox (${size}) on 127.0.0.1:${sandboxPort}…`);
	const sandbox = createSandbox({ size, seed: 1, fixtures: true });
	for (const id of sandbox.schoolIds) sandbox.school(id);
	const sandboxUrl = await sandbox.start(sandboxPort);

	rt.log('3/5 building and installing this package into n8n (as a community package)…');
	const out = path.join(rt.ROOT, '.dev');
	rt.installPackage(home, rt.packPackage(out));

	rt.log('4/5 importing the "Bromcom Sandbox" credential and the example workflows…');
	const credentialsFile = path.join(out, 'credentials.json');
	fs.writeFileSync(credentialsFile, JSON.stringify([{ id: 'bromcomSandbox01', name: 'Bromcom Sandbox', type: 'bromcomMisApi', data: { hosting: 'custom', baseUrl: sandboxUrl, schoolId: 20001, username: 'sandbox', password: 'sandbox', ignoreSslIssues: false } }]));
	for (const args of [['import:credentials', `--input=${credentialsFile}`], ['import:workflow', '--separate', `--input=${path.join(rt.ROOT, 'examples')}`]]) {
		const r = await rt.n8nCli(n8n, args);
		if (r.code !== 0) throw new Error(`n8n ${args[0]} failed:\n${r.stderr || r.stdout}`);
	}

	rt.log(`5/5 starting n8n on 127.0.0.1:${port}…`);
	const server = await rt.startN8n(n8n);
	await rt.ownerSession(server.base, OWNER);
	const editor = `http://127.0.0.1:${port}`;
	process.stdout.write(`
Bromcom + n8n are running.

  n8n editor:   ${editor}
  log in with:  ${OWNER.email} / ${OWNER.password}
  sandbox:      ${sandboxUrl}  (School IDs ${sandbox.schoolIds.join(', ')}; user sandbox / sandbox)

What to click first:
  1. Open "Bromcom: parents' evening roster → Google Sheets" and press "Execute workflow":
     the Kept and Excluded outputs show who is eligible and why others are not.
  2. Add a node, search "Bromcom", pick Student → Get Many, choose the "Bromcom Sandbox" credential
     and execute it.
  3. To watch changes: activate "Bromcom: new students → Google Workspace accounts", then add a
     student in the sandbox:  curl -s -X POST ${sandboxUrl}/__sandbox/change -d '{"action":"addStudent","schoolId":20001}'

Stop with Ctrl+C.
`);
	const stop = async () => {
		await server.stop();
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
})().catch((error) => {
	process.stderr.write(`npm run dev failed: ${error.message}\n`);
	process.exit(1);
});
