/**
 * The artifact users get: `npm pack`, installed the way n8n installs community packages (no dev or
 * peer dependencies), must load every node and credential listed in package.json with n8n's own
 * modules on the path, carry no runtime dependencies, and pass the community scanner's rules on the
 * source and on the tarball.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkg = require('../package.json');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bromcom-pack-'));
let tarball;
let unpacked;

beforeAll(() => {
	execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], {
		cwd: root,
		stdio: 'pipe',
	});
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
		env: { ...process.env, npm_config_ignore_scripts: 'true' },
	});
	tarball = path.join(work, JSON.parse(out)[0].filename);
	unpacked = path.join(work, 'unpacked');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
}, 240000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('package.json: MIT, the community keyword, strict n8n block, peer n8n-workflow only, no runtime dependencies', () => {
	expect(pkg.license).toBe('MIT');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.n8n.strict).toBe(true);
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(/** @type {any} */ (pkg).dependencies).toBeUndefined();
	const packed = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
	expect(packed.dependencies).toBeUndefined();
});

/**
 * What may ship, file by file: the package.json, README and licence, and under dist/ the compiled
 * JavaScript, its type declarations (the n8n template's tsconfig emits them; harmless to n8n, useful to
 * anyone importing the classes), the codex files (`*.node.json`, which n8n reads for categories and
 * links) and the icons. No source maps: n8n would show users stack traces with this repository's .ts
 * paths; no tsc build cache, sources, tests, sandbox, bench or screenshots.
 */
const SHIPPED = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE\.md$/,
	/^dist\/index\.js$/,
	/^dist\/(credentials|nodes)\/.+\.js$/,
	/^dist\/.+\.d\.ts$/,
	/^dist\/nodes\/[^/]+\/[^/]+\.node\.json$/,
	/^dist\/icons\/[^/]+\.svg$/,
];

/** What is wrong with a package whose tarball would hold `files` (paths inside the package). */
function shippedProblems(manifest, files) {
	const problems = files
		.filter((f) => !SHIPPED.some((pattern) => pattern.test(f)))
		.map((f) => `ships ${f}`);
	for (const listed of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
		if (!files.includes(listed))
			problems.push(`package.json n8n lists ${listed}, not in the tarball`);
	for (const required of ['package.json', 'README.md', 'LICENSE.md'])
		if (!files.includes(required)) problems.push(`${required} missing`);
	return problems;
}

/** The files `npm pack --dry-run --json` would put in the tarball of the package in `dir`. */
function packList(dir) {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json'], {
		cwd: dir,
		encoding: 'utf8',
		env: { ...process.env, npm_config_ignore_scripts: 'true' },
	});
	return JSON.parse(out)[0].files.map((f) => f.path);
}

test('engines.n8n is the supported n8n range: each n8n the e2e suite runs on is inside it, and the README states it', () => {
	const range = /^>=(\d+\.\d+\.\d+) <(\d+\.\d+\.\d+)$/.exec(pkg.engines.n8n);
	expect(range).not.toBeNull();
	const parts = (v) => v.split('.').map(Number);
	const compare = (a, b) => {
		const [x, y] = [parts(a), parts(b)];
		return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
	};
	const { n8nVersion } = require('../scripts/n8n-runtime');
	const tested = ['1', '2'].map((line) => n8nVersion(line));
	for (const version of tested) {
		expect(compare(version, range[1])).toBeGreaterThanOrEqual(0);
		expect(compare(version, range[2])).toBeLessThan(0);
	}
	// n8n 1.123 runs on Node.js 20.19 and later; the package needs nothing newer.
	expect(pkg.engines.node).toBe('>=20.19');
	const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
	expect(readme).toContain(`\`${pkg.engines.n8n}\``);
	for (const version of tested) expect(readme).toContain(version);
});

test('npm pack --dry-run: the tarball holds dist/, README, LICENSE and package.json only, and every file package.json names for n8n', () => {
	const files = packList(root);
	expect(shippedProblems(pkg, files)).toEqual([]);
	expect(files).toEqual(
		expect.arrayContaining([
			'dist/nodes/Bromcom/Bromcom.node.json',
			'dist/icons/bromcom.svg',
			'dist/icons/bromcom.dark.svg',
		]),
	);
	// The dry run lists exactly what the real `npm pack` (installed and scanned below) contains.
	const tarred = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
		.trim()
		.split('\n')
		.map((f) => f.replace(/^package\//, ''));
	expect([...tarred].sort()).toEqual([...files].sort());
});

test('the pack check fails a package that ships a test file, a source map or misses a file named for n8n', () => {
	const copy = path.join(work, 'mispacked');
	fs.mkdirSync(path.join(copy, 'test'), { recursive: true });
	fs.cpSync(path.join(root, 'dist'), path.join(copy, 'dist'), { recursive: true });
	for (const f of ['README.md', 'LICENSE.md'])
		fs.copyFileSync(path.join(root, f), path.join(copy, f));
	fs.copyFileSync(__filename, path.join(copy, 'test', 'package.test.js'));
	fs.writeFileSync(path.join(copy, 'dist', 'index.js.map'), '{}');
	fs.rmSync(path.join(copy, 'dist', 'credentials', 'BromcomPartnerApi.credentials.js'));
	const manifest = { ...pkg, files: ['dist', 'test/package.test.js'] };
	fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify(manifest));
	expect(shippedProblems(manifest, packList(copy)).sort()).toEqual([
		'package.json n8n lists dist/credentials/BromcomPartnerApi.credentials.js, not in the tarball',
		'ships dist/index.js.map',
		'ships test/package.test.js',
	]);
});

test('installed like n8n installs it (no dev or peer dependencies), it pulls in nothing and loads every node and credential', () => {
	const target = path.join(work, 'n8n-home');
	fs.mkdirSync(target);
	fs.writeFileSync(path.join(target, 'package.json'), '{"name":"n8n-home","private":true}');
	execFileSync(
		'npm',
		[
			'install',
			'--omit=dev',
			'--omit=peer',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--package-lock=false',
			tarball,
		],
		{ cwd: target, stdio: 'pipe' },
	);
	const installed = fs
		.readdirSync(path.join(target, 'node_modules'))
		.filter((d) => !d.startsWith('.'));
	expect(installed).toEqual(['n8n-nodes-bromcom']);
	const dir = path.join(target, 'node_modules', 'n8n-nodes-bromcom');
	// n8n puts its own module folders on NODE_PATH before loading community nodes; that is where
	// n8n-workflow (and zod) come from. Simulate it with this project's node_modules.
	const script = `
		const path = require('path');
		const pkg = require(path.join(${JSON.stringify(dir)}, 'package.json'));
		const out = [];
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			const mod = require(path.join(${JSON.stringify(dir)}, file));
			const [name, Cls] = Object.entries(mod)[0];
			const instance = new Cls();
			out.push({ file, name, id: instance.description ? instance.description.name : instance.name });
		}
		console.log(JSON.stringify(out));`;
	const result = JSON.parse(
		execFileSync(process.execPath, ['-e', script], {
			env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
			encoding: 'utf8',
		}),
	);
	// Every listed file exports the class named after it, whose type name is that name in lowerCamelCase.
	const expected = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((file) => {
		const name = path.basename(file).replace(/\.(node|credentials)\.js$/, '');
		return { file, name, id: name[0].toLowerCase() + name.slice(1) };
	});
	expect(result).toEqual(expected);
	expect(expected.map((e) => e.id)).toEqual([
		'bromcom',
		'bromcomTrigger',
		'bromcomEligibility',
		'bromcomMisApi',
		'bromcomPartnerApi',
	]);
});

test('the community scanner rules pass on the source and on the packed tarball', () => {
	let output;
	// jest sets NODE_ENV=test, which makes eslint-plugin-n8n-nodes-base apply its node-file rules to
	// every file; n8n's scanner runs without it, so this does too.
	/** @type {NodeJS.ProcessEnv} */
	const env = { ...process.env, TMPDIR: work };
	delete env.NODE_ENV;
	try {
		output = execFileSync(
			process.execPath,
			[path.join(root, 'scripts/scan.mjs'), '--source', root, '--dist', unpacked],
			{ cwd: root, encoding: 'utf8', env },
		);
	} catch (e) {
		throw new Error(`scanner failed:\n${e.stdout}\n${e.stderr}`);
	}
	expect(output).toMatch(/scanner source .*: passed/);
	expect(output).toMatch(/scanner dist .*: passed/);
}, 240000);

test("index.ts exports every node and credential that package.json's n8n block names", () => {
	const entry = require(path.join(root, 'dist', 'index.js'));
	const named = [...pkg.n8n.credentials, ...pkg.n8n.nodes].map((file) =>
		path.basename(file).replace(/\.(credentials|node)\.js$/, ''),
	);
	expect(named.length).toBeGreaterThan(0);
	expect(named.filter((name) => typeof entry[name] !== 'function')).toEqual([]);
});
