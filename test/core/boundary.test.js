// The core's boundary rule is real: it rejects an n8n import and an import from the n8n side, and the
// core as it is passes it (scripts/test.js runs the same config over nodes/Bromcom/core).
const path = require('node:path');
const { spawnSync } = require('node:child_process');

// The CLI in a child process: jest's VM cannot load the .mjs config that ESLint imports.
const root = path.resolve(__dirname, '../..');
const eslintBin = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
function eslint(args, input) {
	const r = spawnSync(
		process.execPath,
		[eslintBin, '--no-config-lookup', '-c', 'eslint.core.config.mjs', '-f', 'json', ...args],
		{ cwd: root, input, encoding: 'utf8' },
	);
	return JSON.parse(r.stdout);
}
const lint = async (code, file) =>
	eslint(['--stdin', '--stdin-filename', file], code)[0].messages.map((m) => m.message);

test('an n8n import in the core is an error', async () => {
	expect(
		await lint(
			"import type { IDataObject } from 'n8n-workflow';\nexport type X = IDataObject;\n",
			'nodes/Bromcom/core/probe.ts',
		),
	).toEqual([expect.stringMatching(/no n8n imports/)]);
	expect(
		await lint(
			"import { toNodeError } from '../../n8n/errors';\nexport const x = toNodeError;\n",
			'nodes/Bromcom/core/wire/probe.ts',
		),
	).toEqual([expect.stringMatching(/imports only from core/)]);
	expect(
		await lint(
			"import { getEntityData } from '../transport';\nexport const x = getEntityData;\n",
			'nodes/Bromcom/core/probe.ts',
		),
	).toEqual([expect.stringMatching(/imports only from core/)]);
});

test('core-to-core imports and the n8n side are not restricted', async () => {
	expect(
		await lint(
			"import { escapeXml } from './wire/xml';\nexport const x = escapeXml;\n",
			'nodes/Bromcom/core/probe.ts',
		),
	).toEqual([]);
	expect(
		await lint(
			"import type { IDataObject } from 'n8n-workflow';\nexport type X = IDataObject;\n",
			'nodes/Bromcom/actions/probe.ts',
		),
	).not.toContainEqual(expect.stringMatching(/restricted/));
});

test('the core as it is passes', async () => {
	const results = eslint(['nodes/Bromcom/core']);
	expect(results.length).toBeGreaterThan(10);
	expect(
		results.flatMap((r) =>
			r.messages.map((m) => `${path.relative(root, r.filePath)}: ${m.message}`),
		),
	).toEqual([]);
});
