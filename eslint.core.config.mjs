// The core's boundary, checked by `npm test` (scripts/test.js) beside `n8n-node lint`, whose strict mode
// requires eslint.config.mjs to stay n8n's default. nodes/Bromcom/core is plain TypeScript: wire
// parsing, the filter builder, the catalogue, snapshot/diff, eligibility and roster rules, ledger keys.
// It imports nothing from n8n and nothing from the n8n side of the package, so it is tested and reused
// without n8n. No other rule runs here.
import tsParser from '@typescript-eslint/parser';

export default [
	{
		files: ['nodes/Bromcom/core/**/*.ts'],
		languageOptions: { parser: tsParser },
		linterOptions: { reportUnusedDisableDirectives: 'off' },
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-workflow', 'n8n-core', '@n8n/*', 'n8n-*'],
							message:
								'nodes/Bromcom/core has no n8n imports: use core/types.ts, and put n8n code in n8n/, actions/ or transport/.',
						},
						{
							group: [
								'**/transport',
								'**/transport/**',
								'**/n8n/**',
								'**/actions/**',
								'**/methods',
								'**/methods/**',
								'**/BromcomTrigger/**',
								'**/BromcomEligibility/**',
							],
							message:
								'nodes/Bromcom/core imports only from core/: the n8n side depends on the core, never the other way.',
						},
					],
				},
			],
		},
	},
];
