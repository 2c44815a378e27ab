// Tests are CommonJS JavaScript: `n8n-node lint` applies the community-node rules (no Node
// built-ins, no process/setTimeout) to every .ts file, which is right for product code and wrong
// for a test harness. The TypeScript under test is compiled on the fly by ts-jest.
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
	setupFiles: ['<rootDir>/test/setup-env.js'],
	testTimeout: 120000,
	maxWorkers: 2,
};
