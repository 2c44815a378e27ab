#!/usr/bin/env node
/**
 * `npm run dev`: build this package, start the Bromcom sandbox and a local n8n with the package
 * installed, a ready "Bromcom Sandbox" credential and the example workflows imported, then print the
 * editor URL and what to click first. Installs Node 24 and n8n on first use (with progress).
 *
 * Options: --port 5678 (n8n), --sandbox-port 8085, --size small|medium|large.
 * --smoke: bring everything up (from an empty cache if BROMCOM_CI_CACHE points at one, as on a
 *   newcomer's machine), check the editor, the credential test and one Bromcom execution, then stop.
 *   `.ci/run` runs it on every CI run against an empty cache folder.
 */
const fs = require('node:fs');
const path = require('node:path');

const rt = require('./n8n-runtime');
const { createSandbox } = require('../sandbox/server');

function arg(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? fallback : process.argv[i + 1];
}

/** What a newcomer would check first: the editor loads, the node is there, the credential works, a read runs. */
async function smokeChecks({ n8n, server, cookie, sandbox, sandboxUrl }) {
	const check = (ok, what) => {
		if (!ok) throw new Error(`smoke check failed: ${what}`);
		rt.log(`smoke: ${what} — ok`);
	};
	const page = await fetch(server.base);
	check(page.ok && /<html/i.test(await page.text()), 'the editor page loads');
	const types = /** @type {any[]} */ (
		await (await fetch(`${server.base}/types/nodes.json`, { headers: { cookie } })).json()
	);
	check(
		['bromcom', 'bromcomTrigger', 'bromcomEligibility'].every((n) =>
			types.some((t) => t.name === `${rt.PACKAGE_NAME}.${n}`),
		),
		'the three Bromcom nodes are installed',
	);
	/** @type {any} */
	const test = await (
		await fetch(`${server.base}/rest/credentials/test`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify({
				credentials: rt.sandboxCredential(sandboxUrl, { id: '' }),
			}),
		})
	).json();
	const result = test.data ?? test;
	/** @type {any} */
	const partnerTest = await (
		await fetch(`${server.base}/rest/credentials/test`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify({
				credentials: rt.sandboxPartnerCredential(sandboxUrl, { id: '' }),
			}),
		})
	).json();
	const partner = partnerTest.data ?? partnerTest;
	check(
		result.status === 'OK' &&
			/entities granted/.test(result.message) &&
			partner.status === 'OK' &&
			/accepted the application/.test(partner.message),
		`both credential tests pass (${result.message} / ${partner.message})`,
	);
	await server.stop();
	const run = await rt.n8nCli(n8n, ['execute', '--id=exMspRollup00001', '--rawOutput']);
	const parsed = rt.parseExecuteOutput(run.stdout);
	const report = parsed.data.resultData.runData['Count per School'][0].data.main[0][0].json;
	const expected = (id) =>
		sandbox.rows('Students', id, 'GETDATE() BETWEEN StartDate AND ISNULL(EndDate, GETDATE())')
			.length;
	check(
		report.schools[0].students === expected(20001) &&
			report.schools[1].students === expected(20002) &&
			/permission/.test(report.schools[2].error || ''),
		`one Bromcom execution (MSP roll-up: ${report.schools.map((x) => `${x.schoolId}=${x.students ?? 'error'}`).join(', ')})`,
	);
}

const OWNER = {
	email: 'dev@bromcom-sandbox.example',
	firstName: 'School',
	lastName: 'Admin',
	password: 'BromcomSandbox1',
};

(async () => {
	const port = Number(arg('port', 5678));
	const sandboxPort = Number(arg('sandbox-port', 8085));
	const smoke = process.argv.includes('--smoke');
	const size = arg('size', smoke ? 'small' : 'medium');
	const home = smoke
		? fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'bromcom-smoke-'))
		: path.join(rt.ROOT, '.dev', 'n8n-home');
	fs.mkdirSync(home, { recursive: true });

	rt.log('1/5 Node.js 24 and n8n (first run: a few minutes)…');
	const nodeBin = rt.ensureNode24();
	const cli = rt.ensureN8n(nodeBin);
	// The examples' schedules are UK times: n8n's own default zone is America/New_York.
	const timezone = process.env.GENERIC_TIMEZONE || 'Europe/London';
	const n8n = { nodeBin, cli, env: rt.n8nEnv(home, port, { GENERIC_TIMEZONE: timezone }) };

	rt.log(`2/5 starting the Bromcom sandbox (${size}) on 127.0.0.1:${sandboxPort}…`);
	const sandbox = createSandbox({ size, seed: 1, fixtures: true });
	for (const id of sandbox.schoolIds) sandbox.school(id);
	// The MSP roll-up example shows a school that has not granted Students as an error line.
	sandbox.changes.revokeEntity({ schoolId: 20003, username: 'sandbox', entity: 'Students' });
	const sandboxUrl = await sandbox.start(sandboxPort);

	rt.log('3/5 building and installing this package into n8n (as a community package)…');
	const out = path.join(rt.ROOT, '.dev');
	fs.mkdirSync(out, { recursive: true });
	rt.installPackage(home, rt.packPackage(out));

	rt.log(
		'4/5 importing the "Bromcom Sandbox" and "Bromcom Partner Sandbox" credentials and the example workflows…',
	);
	// The Partner one first: a new node picks the credential changed last, and the examples and the
	// first steps below use the third-party user.
	const partnerFile = path.join(out, 'credentials-partner.json');
	fs.writeFileSync(partnerFile, JSON.stringify([rt.sandboxPartnerCredential(sandboxUrl)]));
	const credentialsFile = path.join(out, 'credentials.json');
	fs.writeFileSync(credentialsFile, JSON.stringify([rt.sandboxCredential(sandboxUrl)]));
	for (const args of [
		['import:credentials', `--input=${partnerFile}`],
		['import:credentials', `--input=${credentialsFile}`],
		['import:workflow', '--separate', `--input=${path.join(rt.ROOT, 'examples')}`],
	]) {
		const r = await rt.n8nCli(n8n, args);
		if (r.code !== 0) throw new Error(`n8n ${args[0]} failed:\n${r.stderr || r.stdout}`);
	}

	rt.log(`5/5 starting n8n on 127.0.0.1:${port}…`);
	const server = await rt.startN8n(n8n);
	const cookie = await rt.ownerSession(server.base, OWNER);
	const editor = `http://127.0.0.1:${port}`;
	if (smoke) {
		await smokeChecks({ n8n, server, cookie, sandbox, sandboxUrl });
		await server.stop();
		await sandbox.stop();
		process.stdout.write('smoke: 4 passed, 0 failed\n');
		process.exit(0);
	}
	process.stdout.write(`
Bromcom + n8n are running.

  n8n editor:   ${editor}
  log in with:  ${OWNER.email} / ${OWNER.password}
  sandbox:      ${sandboxUrl}  (School IDs ${sandbox.schoolIds.join(', ')}; user sandbox / sandbox)
  credentials:  "Bromcom Sandbox" (third-party user, SOAP) and "Bromcom Partner Sandbox"
                (Partner API: Application ID sandbox-app, Secret sandbox-app-secret)
  time zone:    ${timezone} (the examples' schedules are UK times)

What to click first:
  1. Open "Bromcom: parents' evening roster → Google Sheets" and press "Execute workflow":
     the Kept and Excluded outputs show who is eligible and why others are not.
  2. Add a node, search "Bromcom", pick Student → Get Many, choose the "Bromcom Sandbox" credential
     and execute it.
  3. To watch changes: activate "Bromcom: new students → Google Workspace accounts", then add a
     student in the sandbox:  curl -s -X POST ${sandboxUrl}/__sandbox/change -d '{"action":"addStudent","schoolId":20001}'
     Its trigger polls once an hour, so the new student shows in the workflow's Executions after
     the next hourly poll (set the trigger's Poll Times to Every Minute to see it sooner).
  4. To ask an AI agent: open "Bromcom: ask about attendance (AI agent with Bromcom tools)", choose
     your own OpenAI credential in its OpenAI Chat Model, then "Open chat". Bromcom works as a tool
     in this n8n with no setting to change (README, AI agents).

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
	process.stdout.write('smoke: 0 passed, 1 failed\n');
	process.stderr.write(`npm run dev failed: ${error.message}\n`);
	process.exit(1);
});
