#!/usr/bin/env node
// `npm test`: strict lint, formatting, the JavaScript's types (checkJs), the core's import boundary, then every jest suite (unit, sandbox over HTTP, real n8n execution engine,
// packed-tarball load and scanner). Prints one closing line "Tests: N passed, N failed".
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args) =>
	spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status;

console.log('\n== lint (n8n-node lint, strict) ==');
const lint = run(bin('n8n-node'), ['lint']);
if (lint !== 0) {
	console.log('Tests: 0 passed, 1 failed (lint)');
	process.exit(1);
}

console.log('\n== format (prettier --check, .prettierrc.js) ==');
const format = run(bin('prettier'), ['--check', '--log-level', 'warn', '**/*.{ts,js,mjs}']);
if (format !== 0) {
	console.log('Tests: 0 passed, 1 failed (format: run npx prettier --write on the files above)');
	process.exit(1);
}

console.log(
	'\n== types of the JavaScript (tsc -p tsconfig.check.json: checkJs over test/, sandbox/, scripts/, bench/) ==',
);
const types = run(bin('tsc'), ['-p', 'tsconfig.check.json']);
if (types !== 0) {
	console.log('Tests: 0 passed, 1 failed (checkJs)');
	process.exit(1);
}

console.log('\n== core boundary (eslint.core.config.mjs: no n8n imports in nodes/Bromcom/core) ==');
const boundary = run(bin('eslint'), [
	'--no-config-lookup',
	'-c',
	'eslint.core.config.mjs',
	'--max-warnings',
	'0',
	'nodes/Bromcom/core',
]);
if (boundary !== 0) {
	console.log('Tests: 0 passed, 1 failed (core boundary)');
	process.exit(1);
}

console.log('\n== jest ==');
const resultFile = path.join(os.tmpdir(), `bromcom-jest-${process.pid}.json`);
const status = run(bin('jest'), ['--json', `--outputFile=${resultFile}`, ...process.argv.slice(2)]);
let summary = 'Tests: 0 passed, 1 failed (jest produced no results)';
if (fs.existsSync(resultFile)) {
	const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
	summary = `Tests: ${r.numPassedTests} passed, ${r.numFailedTests + (r.numRuntimeErrorTestSuites || 0)} failed, ${r.numPendingTests} skipped`;
	fs.rmSync(resultFile, { force: true });
}
console.log(`\n${summary}`);
process.exit(status === 0 ? 0 : 1);
