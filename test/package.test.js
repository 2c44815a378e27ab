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

test('the tarball holds the built package only: no sources, tests, sandbox or secrets', () => {
	const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
		.trim()
		.split('\n')
		.map((f) => f.replace(/^package\//, ''));
	expect(files).toEqual(
		expect.arrayContaining([
			'package.json',
			'README.md',
			'LICENSE.md',
			'dist/nodes/Bromcom/Bromcom.node.js',
			'dist/credentials/BromcomMisApi.credentials.js',
			'dist/icons/bromcom.svg',
			'dist/icons/bromcom.dark.svg',
		]),
	);
	expect(files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE\.md$)/.test(f))).toEqual(
		[],
	);
	expect(files.filter((f) => /sandbox|test\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
	// No source maps: n8n would print stack traces with this repository's .ts paths to users.
	expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
	// Images are the icons only: no README or test screenshot travels with the package.
	expect(files.filter((f) => /\.(png|svg|jpe?g)$/.test(f) && !f.startsWith('dist/icons/'))).toEqual(
		[],
	);
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
