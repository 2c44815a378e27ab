#!/usr/bin/env node
// `npm run fuzz -- --cases 200000 [--seed N]`: the DataSet extractor's differential fuzz, long run.
// Loads the TypeScript sources through ts-jest's compiler hook-free path: the built package in dist/.
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(name);
	return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const root = path.resolve(__dirname, '..');
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], {
	cwd: root,
	stdio: 'inherit',
});
// The fuzz module requires the sources' paths; point them at the compiled files.
const Module = require('node:module');
const loader = /** @type {any} */ (Module);
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request, parent, ...rest) {
	if (
		parent &&
		parent.filename &&
		parent.filename.startsWith(path.join(root, 'test')) &&
		request.startsWith('../../nodes/')
	) {
		request = path.join(root, 'dist', request.slice('../../'.length));
	}
	return resolve.call(this, request, parent, ...rest);
};
const { runFuzz } = require('../test/fuzz/dataset-fuzz');
const cases = arg('--cases', 20000);
const seed = arg('--seed', Date.now() % 2 ** 31);
const started = Date.now();
try {
	const stats = runFuzz({ cases, seed });
	console.log(
		JSON.stringify({ ...stats, seconds: Math.round((Date.now() - started) / 1000) }, null, 2),
	);
	console.log(`fuzz: ${stats.generated + stats.mutated} passed, 0 failed`);
} catch (e) {
	console.error(e.message.slice(0, 4000));
	console.log(`fuzz: failed (seed ${seed})`);
	process.exit(1);
}
