#!/usr/bin/env node
// `npm run fuzz -- --cases 200000 [--seed N] [--only dataset|json]`: the differential fuzzes, long run:
// the DataSet extractor against fast-xml-parser (test/fuzz/dataset-fuzz.js) and the Partner API's JSON
// reader against JSON.parse (test/fuzz/json-fuzz.js). Both by default, each with `--cases` generated and
// `--cases` mutated documents. Loads the built package in dist/.
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const arg = (name, fallback) => {
	const i = process.argv.indexOf(name);
	return i === -1 ? fallback : process.argv[i + 1];
};
const root = path.resolve(__dirname, '..');
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], {
	cwd: root,
	stdio: 'inherit',
});
// The fuzz modules require the sources' paths; point them at the compiled files.
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
const cases = Number(arg('--cases', 20000));
const seed = Number(arg('--seed', Date.now() % 2 ** 31));
const only = arg('--only', undefined);
const fuzzes = {
	dataset: () => require('../test/fuzz/dataset-fuzz').runFuzz({ cases, seed }),
	json: () => require('../test/fuzz/json-fuzz').runJsonFuzz({ cases, seed }),
};
let failed = false;
for (const [name, run] of Object.entries(fuzzes)) {
	if (only !== undefined && only !== name) continue;
	const started = Date.now();
	try {
		const stats = run();
		console.log(
			JSON.stringify(
				{ fuzz: name, ...stats, seconds: Math.round((Date.now() - started) / 1000) },
				null,
				2,
			),
		);
		console.log(`fuzz ${name}: ${stats.generated + stats.mutated} passed, 0 failed (seed ${seed})`);
	} catch (e) {
		console.error(e.message.slice(0, 4000));
		console.log(`fuzz ${name}: failed (seed ${seed})`);
		failed = true;
	}
}
if (failed) process.exit(1);
